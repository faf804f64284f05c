# Flaxen: one Makefile tree, three toolchains (see docs and STYLE.md).
#
#   make run    install what is missing, build, demonstrate
#   make check  install what is missing, build, run every test; last line "N passed, N failed"
#   make bench  benchmarks (printed ratios, never pass/fail)
#   make fuzz   long fuzzing runs (FUZZ_SECONDS=N each)
#
# Toolchains:
#   host  - gcc with ASan/UBSan: unit tests, tools for policy authors, differential tests
#   fuzz  - clang libFuzzer with ASan/UBSan
#   hyp   - aarch64-linux-gnu-gcc, freestanding, EL2 flags (mk/hyp.mk); today it builds the
#           security server and AVC as the hypervisor will link them
#   guest - aarch64 freestanding EL1 test guests (arrives with the guest-test harness)

BUILD ?= build
Q ?= @
export BUILD

HOST_CC ?= gcc
FUZZ_CC ?= clang
WARN := -Wall -Wextra -Werror
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS := -std=c11 -O1 -g $(WARN) $(SAN) -D_DEFAULT_SOURCE
HOST_LDFLAGS := $(SAN)
# The security server must build with the compiler's freestanding headers only.
FREESTANDING_CFLAGS := -std=c11 -O2 $(WARN) -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(HOST_CC) -print-file-name=include)

SS_DIR := xsm/flask/ss
SS_SRCS := $(sort $(wildcard $(SS_DIR)/*.c))
SS_INC := -I$(SS_DIR) -Ixsm/flask -I$(BUILD)/include

DEPS_STAMP := $(BUILD)/.deps-checked

.PHONY: all check run bench fuzz clean deps policy host-tools format-check static-check \
	freestanding-check unit-tests

all: policy host-tools

deps:
	$(Q)scripts/deps.sh

include flask/policy/policy.mk
include mk/fdt.mk
include mk/sodium.mk
include mk/hyp.mk
include mk/vgic-tests.mk
include mk/guest.mk
include mk/build-tests.mk
include mk/core-tests.mk
include mk/measured-boot.mk
include mk/tools.mk
include mk/linux.mk

# Feature policies written for the tests: definitions + one .conf each.
TEST_POLICY_CONFS := $(wildcard tests/policy/policies/*.conf)
TEST_POLICIES := $(foreach c,$(TEST_POLICY_CONFS),$(patsubst tests/policy/policies/%.conf,$(BUILD)/policy/tests/%,$(c)).30 \
	$(patsubst tests/policy/policies/%.conf,$(BUILD)/policy/tests/%,$(c)).24)
$(BUILD)/policy/tests/%.conf: tests/policy/policies/%.conf $(FLASK_DEFINITIONS)
	@mkdir -p $(dir $@)
	$(Q)cat $(FLASK_DEFINITIONS) $< > $@.tmp && mv -f $@.tmp $@
$(BUILD)/policy/tests/%.30: $(BUILD)/policy/tests/%.conf
	$(Q)$(CHECKPOLICY) -t Xen -c 30 $(if $(findstring mls,$*),-M) -o $@.tmp $< >$@.log 2>&1 \
		|| { cat $@.log; rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@
$(BUILD)/policy/tests/%.24: $(BUILD)/policy/tests/%.conf
	$(Q)$(CHECKPOLICY) -t Xen -c 24 $(if $(findstring mls,$*),-M) -o $@.tmp $< >$@.log 2>&1 \
		|| { cat $@.log; rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@

# The same feature policy compiled with each handle_unknown setting.
UNKNOWN_POLICIES := $(foreach u,allow deny reject,$(BUILD)/policy/tests/unknown/$(u).30)
$(BUILD)/policy/tests/unknown/%.30: $(BUILD)/policy/tests/te-basic.conf
	@mkdir -p $(dir $@)
	$(Q)$(CHECKPOLICY) -t Xen -c 30 -U $* -o $@.tmp $< >$@.log 2>&1 || { cat $@.log; rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@

policy: $(TEST_POLICIES) $(UNKNOWN_POLICIES)
.SECONDARY: $(TEST_POLICIES:%.30=%.conf)

# ---------------------------------------------------------------- host build
HOST_OBJ := $(BUILD)/host/obj
HOST_BIN := $(BUILD)/host/bin

$(HOST_OBJ)/%.o: %.c $(FLASK_GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(SS_INC) -MMD -MP -c $< -o $@

$(HOST_OBJ)/gen/%.o: $(BUILD)/gen/%.c $(FLASK_GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(SS_INC) -MMD -MP -c $< -o $@

SS_HOST_OBJS := $(SS_SRCS:%.c=$(HOST_OBJ)/%.o) $(HOST_OBJ)/xsm/flask/avc.o $(HOST_OBJ)/xen/arch/host/ss_host.o
FLASK_NAMES_OBJ := $(HOST_OBJ)/gen/flask_names.o

$(BUILD)/host/libss.a: $(SS_HOST_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

FLASK_QUERY_SRCS := $(wildcard tools/flask/flask-query/*.c)
$(HOST_BIN)/flask-query: $(FLASK_QUERY_SRCS:%.c=$(HOST_OBJ)/%.o) $(FLASK_NAMES_OBJ) $(BUILD)/host/libss.a
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

# docs/security/hooks.md comes from the hook table (tests/tools/hooks_doc.sh compares).
$(HOST_BIN)/xsm-hooks-doc: tools/xsm/hooks_doc.c xsm/hooks_table.c xsm/xsm_hooks.h $(FLASK_NAMES_OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -I. -I$(BUILD)/include -o $@ tools/xsm/hooks_doc.c \
		xsm/hooks_table.c $(FLASK_NAMES_OBJ) $(HOST_LDFLAGS)

$(HOST_BIN)/sepol-ref: tests/policy/sepol_ref.c tests/policy/sepol_ref_gen.c tests/policy/sepol_ref.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^) /usr/lib/x86_64-linux-gnu/libsepol.a $(HOST_LDFLAGS)

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(HOST_BIN)/unit/%)
$(HOST_BIN)/unit/%: $(HOST_OBJ)/tests/unit/%.o $(HOST_OBJ)/tests/unit/unit.o $(FLASK_NAMES_OBJ) $(BUILD)/host/libss.a
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

$(HOST_BIN)/avc-audit: $(HOST_OBJ)/tests/tools/avc_audit.o $(BUILD)/host/libss.a
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

host-tools: $(HOST_BIN)/flask-query

-include $(shell find $(HOST_OBJ) -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- fuzz build
FUZZ_BIN := $(BUILD)/fuzz
FUZZ_CFLAGS := -std=c11 -O1 -g $(WARN) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
$(FUZZ_BIN)/fuzz_%: tests/fuzz/fuzz_%.c $(SS_SRCS) xen/arch/host/ss_host.c $(FLASK_GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(SS_INC) -o $@ $< $(SS_SRCS) xen/arch/host/ss_host.c

# ---------------------------------------------------------------- checks
freestanding-check: $(FLASK_GEN_HEADERS)
	@mkdir -p $(BUILD)/freestanding
	$(Q)for f in $(SS_SRCS) xsm/flask/avc.c; do \
		$(HOST_CC) $(FREESTANDING_CFLAGS) -I$(SS_DIR) -Ixsm/flask -c $$f -o $(BUILD)/freestanding/$$(basename $$f .c).o \
			|| exit 1; done

C_SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format-check:
	$(Q)scripts/check-format.sh $(C_SOURCES)

static-check: $(FLASK_GEN_HEADERS)
	$(Q)scripts/static-check.sh

# xl's xenstore server on the host, its guest side played by the test.
$(HOST_BIN)/unit/test_xl_store: tests/tools/test_xl_store.c tools/xl/xl_store.c tools/xl/xl.h \
		tests/unit/unit.c tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Itests/unit -Itools/xl -o $@ $< tools/xl/xl_store.c \
		tests/unit/unit.c $(HOST_LDFLAGS)

TEST_PROGRAMS = $(UNIT_BINS) $(HOST_BIN)/unit/test_xl_store $(HOST_BIN)/flask-query $(HOST_BIN)/sepol-ref $(HOST_BIN)/avc-audit \
	$(HOST_BIN)/flaxen-manifest $(HOST_BIN)/flaxen-verify \
	$(HOST_BIN)/xsm-hooks-doc \
	$(FUZZ_TARGETS:%=$(FUZZ_BIN)/fuzz_%)

check: deps
	$(Q)$(MAKE) --no-print-directory policy $(TEST_PROGRAMS) freestanding-check hyp-objects fdt-check hyp hyp-host-tests guests linux
	$(Q)tests/run.sh

run: deps
	$(Q)$(MAKE) --no-print-directory policy host-tools hyp guests linux
	$(Q)scripts/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory policy $(HOST_BIN)/ss-bench $(HOST_BIN)/sepol-bench $(HOST_BIN)/avc-hit
	$(Q)tests/bench/run.sh
	$(Q)$(MAKE) --no-print-directory hyp guests linux
	$(Q)tests/bench/hyp.sh
	$(Q)tests/bench/linux.sh

# Benchmarks build without sanitizers, -O2, ours and libsepol's in separate programs.
BENCH_CFLAGS := -std=c11 -O2 -g $(WARN) -D_DEFAULT_SOURCE $(SS_INC) -Ixsm/flask
$(HOST_BIN)/ss-bench: tests/bench/ss_bench.c $(SS_SRCS) xen/arch/host/ss_host.c $(FLASK_GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(BENCH_CFLAGS) -o $@ $< $(SS_SRCS) xen/arch/host/ss_host.c
$(HOST_BIN)/avc-hit: tests/bench/avc_hit.c $(SS_SRCS) xsm/flask/avc.c xen/arch/host/ss_host.c $(FLASK_GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(BENCH_CFLAGS) -o $@ $< $(SS_SRCS) xsm/flask/avc.c xen/arch/host/ss_host.c
$(HOST_BIN)/sepol-bench: tests/bench/sepol_bench.c
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -std=c11 -O2 $(WARN) -o $@ $< /usr/lib/x86_64-linux-gnu/libsepol.a

FUZZ_SECONDS ?= 300
fuzz: deps
	$(Q)$(MAKE) --no-print-directory policy $(FUZZ_TARGETS:%=$(FUZZ_BIN)/fuzz_%)
	$(Q)for t in $(FUZZ_TARGETS); do tests/fuzz/run.sh $$t $(FUZZ_SECONDS) || exit 1; done

clean:
	rm -rf $(BUILD)
