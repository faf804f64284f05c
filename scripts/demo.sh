#!/usr/bin/env bash
# What `make run` shows today: the policy built from flask/policy/, checked,
# queried and a denial explained, all by Flaxen's own security server.
# (Later issues make `make run` boot the hypervisor through the measured chain.)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
FQ="$BUILD/host/bin/flask-query"
P="$BUILD/policy/flaxen.30"
PM="$BUILD/policy/flaxen-mls.30"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@" || true; }

step "The compiled policy (checkpolicy -t Xen -c 30), loaded and validated"
show "$FQ" check "$P"

step "dom0 may pause an ordinary guest"
show "$FQ" query "$P" system_u:system_r:dom0_t system_u:system_r:domU_t domain pause unpause destroy

step "A guest may not pause dom0: the decision, and why"
show "$FQ" query "$P" system_u:system_r:domU_t system_u:system_r:dom0_t domain pause

step "A denial as the hypervisor logs it, explained (audit2allow-style fix included)"
line='avc:  denied  { writeconsole } for domid=3 scontext=system_u:system_r:domU_t tcontext=system_u:system_r:xen_t tclass=xen'
echo "$line"
echo "$line" | "$FQ" explain -b guest_writeconsole=0 "$P"

step "MLS: dom0 cleared to s7 may not pause a guest at s9 (no read up / write down)"
show "$FQ" query "$PM" system_u:system_r:dom0_t:s0-s7:c0.c255 system_u:system_r:domU_t:s9 domain pause

printf '\nThe policy sources are in flask/policy/; see docs/security/policy-guide.md.\n'
