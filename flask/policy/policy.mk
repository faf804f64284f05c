# policy.mk - build fragment for flask/policy, included by the top-level
# Makefile (which sets BUILD and Q).  Needs GNU make 4.3 or later (grouped
# targets).
#
# Produces
#   $(POLICY_BINARIES)    $(BUILD)/policy/flaxen{,-mls}.{30,24}
#   $(FLASK_GEN_HEADERS)  $(BUILD)/include/flask/{flask,av_permissions,flask_names}.h
#   $(FLASK_NAMES_C)      $(BUILD)/gen/flask_names.c
# and the phony target "policy" that builds all of them.  "policy-check"
# (end of file) also checks expected access decisions; it needs libsepol's
# development files.
#
# FLASK_POLICY_DEFINES adds m4 definitions to every variant, for example
#   make FLASK_POLICY_DEFINES="-D bool_guest_writeconsole=false"

BUILD ?= build
Q ?= @

CHECKPOLICY ?= checkpolicy
M4 ?= m4
AWK ?= awk

# Directory of this fragment, as the including Makefile sees it.
FLASK_POLICY_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

POLICY_OUT := $(BUILD)/policy

POLICY_BINARIES := \
	$(POLICY_OUT)/flaxen.30 \
	$(POLICY_OUT)/flaxen.24 \
	$(POLICY_OUT)/flaxen-mls.30 \
	$(POLICY_OUT)/flaxen-mls.24

FLASK_GEN_HEADERS := \
	$(BUILD)/include/flask/flask.h \
	$(BUILD)/include/flask/av_permissions.h \
	$(BUILD)/include/flask/flask_names.h

FLASK_NAMES_C := $(BUILD)/gen/flask_names.c

# ---------------------------------------------------------------- sources

# The definition files: the hypervisor's ABI and the start of policy.conf.
FLASK_DEFINITIONS := \
	$(FLASK_POLICY_DIR)/security_classes \
	$(FLASK_POLICY_DIR)/initial_sids \
	$(FLASK_POLICY_DIR)/access_vectors

FLASK_SUPPORT := \
	$(FLASK_POLICY_DIR)/support/misc.m4 \
	$(FLASK_POLICY_DIR)/support/mls.m4 \
	$(FLASK_POLICY_DIR)/support/domains.m4

FLASK_MODULES_CONF := $(FLASK_POLICY_DIR)/modules/modules.conf
FLASK_MODULES := $(strip $(shell sed -e 's/\#.*//' $(FLASK_MODULES_CONF)))
FLASK_MODULE_FILES := $(FLASK_MODULES:%=$(FLASK_POLICY_DIR)/modules/%.te)

# m4 inputs in policy.conf order: macros, classes, SIDs, permissions, MLS,
# type enforcement, users, constraints, SID contexts, device labels.
FLASK_POLICY_INPUTS := \
	$(FLASK_SUPPORT) \
	$(FLASK_DEFINITIONS) \
	$(FLASK_POLICY_DIR)/mls \
	$(FLASK_MODULE_FILES) \
	$(FLASK_POLICY_DIR)/users \
	$(FLASK_POLICY_DIR)/constraints \
	$(FLASK_POLICY_DIR)/initial_sid_contexts \
	$(FLASK_POLICY_DIR)/device_contexts

# Everything a policy.conf depends on, including the list of modules and
# this file (it holds the flags).
FLASK_POLICY_DEPS := $(FLASK_POLICY_INPUTS) $(FLASK_MODULES_CONF) \
	$(FLASK_POLICY_DIR)/policy.mk

# -E: any m4 warning fails the build.  -s: #line markers, so checkpolicy
# reports errors against the source files rather than policy.conf.
FLASK_POLICY_DEFINES ?=
FLASK_M4FLAGS := -E -s $(FLASK_POLICY_DEFINES)
FLASK_M4FLAGS_MLS := $(FLASK_M4FLAGS) -D enable_mls

# The m4 command is recorded in a file that changes only when the command
# does, so that a different FLASK_POLICY_DEFINES (or m4) rebuilds the
# policies although no source changed.
FLASK_M4_RECORD := $(POLICY_OUT)/m4-command
FLASK_M4_COMMAND := $(M4) $(FLASK_M4FLAGS)

# ---------------------------------------------------------------- rules

.PHONY: policy
policy: $(POLICY_BINARIES) $(FLASK_GEN_HEADERS) $(FLASK_NAMES_C)

# Each recipe first removes its old output, writes the new one under a .tmp
# name and renames it only on success: after a failure there is no output
# at all, neither a partial one nor the one from an earlier build.

$(FLASK_M4_RECORD): flask-policy-force
	@mkdir -p $(@D)
	$(Q)printf '%s\n' '$(subst ','\'',$(FLASK_M4_COMMAND))' > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

flask-policy-force: ;

$(POLICY_OUT)/flaxen.conf: $(FLASK_POLICY_DEPS) $(FLASK_M4_RECORD)
	@mkdir -p $(@D)
	$(Q)rm -f $@ $@.tmp
	$(Q)$(M4) $(FLASK_M4FLAGS) $(FLASK_POLICY_INPUTS) > $@.tmp || { rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@

$(POLICY_OUT)/flaxen-mls.conf: $(FLASK_POLICY_DEPS) $(FLASK_M4_RECORD)
	@mkdir -p $(@D)
	$(Q)rm -f $@ $@.tmp
	$(Q)$(M4) $(FLASK_M4FLAGS_MLS) $(FLASK_POLICY_INPUTS) > $@.tmp || { rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@

$(POLICY_OUT)/flaxen.30 $(POLICY_OUT)/flaxen.24: $(POLICY_OUT)/flaxen.%: $(POLICY_OUT)/flaxen.conf
	$(Q)rm -f $@ $@.tmp
	$(Q)$(CHECKPOLICY) -t Xen -c $* -o $@.tmp $< || { rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@

$(POLICY_OUT)/flaxen-mls.30 $(POLICY_OUT)/flaxen-mls.24: $(POLICY_OUT)/flaxen-mls.%: $(POLICY_OUT)/flaxen-mls.conf
	$(Q)rm -f $@ $@.tmp
	$(Q)$(CHECKPOLICY) -t Xen -M -c $* -o $@.tmp $< || { rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@

# gen-headers.awk writes all four files under .tmp names and renames them
# together once all are complete.
$(FLASK_GEN_HEADERS) $(FLASK_NAMES_C) &: $(FLASK_DEFINITIONS) \
		$(FLASK_POLICY_DIR)/gen-headers.awk $(FLASK_POLICY_DIR)/policy.mk
	$(Q)rm -f $(FLASK_GEN_HEADERS) $(FLASK_NAMES_C)
	$(Q)$(AWK) -f $(FLASK_POLICY_DIR)/gen-headers.awk -v outdir=$(BUILD) \
		$(FLASK_DEFINITIONS)
