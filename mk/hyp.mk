# The hypervisor toolchain: AArch64, freestanding, EL2 flags from STYLE.md.
#
#   make hyp           build/xen/flaxen (ELF with symbols) and build/xen/flaxen.bin (raw arm64
#                      Image), then the post-link checks (scripts/check-hyp-image.sh)
#   make hyp-objects   the security server, the AVC and the hypervisor side of FLASK, compiled
#                      as the image links them (checked for FP/SIMD by
#                      scripts/check-hyp-objects.sh)
#   make hyp-host-tests  host unit tests of the portable hypervisor core (page allocator,
#                      heap, formatter, console ring, memory ranges) in build/host/bin/unit/
#   make hyp-smoke     boot the image under QEMU: tests/system/boot_smoke.sh (banner, CPUs,
#                      power-off), tests/system/hardening.sh (fault-injection self-tests) and
#                      tests/system/flask_boot.sh (FLASK modes and boot policies)
#
# The image is linked at 0 as a static PIE (-static-pie, only R_AARCH64_RELATIVE relocations)
# and relocates itself at entry: see xen/arch/arm64/head.S.

HYP_CROSS ?= aarch64-linux-gnu-
HYP_CC := $(HYP_CROSS)gcc
HYP_OBJDUMP := $(HYP_CROSS)objdump
HYP_OBJCOPY := $(HYP_CROSS)objcopy
HYP_READELF := $(HYP_CROSS)readelf
HYP_CFLAGS := -std=c11 -O2 $(WARN) -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(HYP_CC) -print-file-name=include 2>/dev/null) \
	-mgeneral-regs-only -mstrict-align -fstack-protector-strong \
	-mbranch-protection=standard -fno-common -Wvla

HYP_OBJ := $(BUILD)/hyp/obj
HYP_SS_SRCS := $(SS_SRCS) xsm/flask/avc.c
HYP_SS_OBJS := $(HYP_SS_SRCS:%.c=$(HYP_OBJ)/%.o)

$(HYP_OBJ)/%.o: %.c $(FLASK_GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(HYP_CC) $(HYP_CFLAGS) $(SS_INC) -MMD -MP -c $< -o $@

.PHONY: hyp-objects hyp hyp-host-tests hyp-smoke
hyp-objects: $(HYP_SS_OBJS)

# ---------------------------------------------------------------- the hypervisor image
FLAXEN_VERSION ?= 0.3-dev
HYP_IMAGE_DIR := $(BUILD)/xen
HYP_IMAGE := $(HYP_IMAGE_DIR)/flaxen
HYP_LDS := xen/arch/arm64/flaxen.lds
# Budget for flaxen.bin (the loaded file; BSS is not in it). check-hyp-image.sh enforces it.
HYP_IMAGE_BUDGET ?= 524288

# The device-tree parser (xen/common/bootinfo.c + fdt_read.c, compiled by mk/fdt.mk) and
# Debian's libfdt, rewritten so its code lives only in .text.fpsimd.
HYP_BOOTINFO_OBJS := $(BOOTINFO_HYP_OBJS) $(LIBFDT_HYP_ARCHIVE) $(SODIUM_HYP_ARCHIVE)

# Relink/recompile when these settings change between runs.
HYP_CONFIG_STAMP := $(HYP_IMAGE_DIR)/.config
HYP_CONFIG := version=$(FLAXEN_VERSION)
ifneq ($(HYP_CONFIG),$(shell cat $(HYP_CONFIG_STAMP) 2>/dev/null))
$(shell mkdir -p $(HYP_IMAGE_DIR) && echo '$(HYP_CONFIG)' > $(HYP_CONFIG_STAMP))
endif

HYP_IMAGE_SRCS := $(sort $(wildcard xen/arch/arm64/*.S xen/arch/arm64/*.c xen/drivers/*.c)) \
	$(sort $(filter-out $(BOOTINFO_SRCS),$(wildcard xen/common/*.c)))
HYP_IMAGE_OBJS := $(patsubst %,$(HYP_OBJ)/%.o,$(HYP_IMAGE_SRCS))

# Beyond HYP_CFLAGS, for our own hypervisor code: no calls into libgcc for atomics, no
# unwind tables, debug info and frame pointers (gdb, addr2line), stack probes so no frame can step over a
# 4 KiB guard page, no loop-to-memset rewriting (string.c implements memset), and hidden
# visibility so globals are reached PC-relative instead of through the GOT.
HYP_IMAGE_CFLAGS := $(HYP_CFLAGS) -g -fpie -mno-outline-atomics -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fno-omit-frame-pointer -fstack-clash-protection \
	--param stack-clash-protection-guard-size=12 -fno-tree-loop-distribute-patterns \
	-fvisibility=hidden -include xen/include/flaxen/compiler.h -Wframe-larger-than=1024 \
	-Ixen/include -Ixen/arch/arm64/include -I. -I$(BUILD)/include -DFLAXEN_VERSION='"$(FLAXEN_VERSION)"'
HYP_ASFLAGS := -g -D__ASSEMBLY__ -mbranch-protection=standard -Ixen/include -Ixen/arch/arm64/include
HYP_LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker -Wl,-z,norelro -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,--no-undefined -Wl,-T,$(HYP_LDS) \
	-Wl,-Map,$(HYP_IMAGE).map

$(HYP_OBJ)/xen/%.c.o: xen/%.c $(HYP_CONFIG_STAMP) | $(FLASK_GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(HYP_CC) $(HYP_IMAGE_CFLAGS) -MMD -MP -c $< -o $@

$(HYP_OBJ)/xen/%.S.o: xen/%.S
	@mkdir -p $(dir $@)
	$(Q)$(HYP_CC) $(HYP_ASFLAGS) -MMD -MP -c $< -o $@

# FLASK in the image: the security server and the AVC (the same objects `make hyp-objects`
# checks), the hypervisor side of FLASK (xsm/flask/flask_*.c: boot, labels, checks), its
# memory (ss_hyp.c: ss_alloc/ss_free on the hypervisor heap) and the class/permission name
# tables generated from flask/policy. All with the image's flags; the security server's own
# headers come first so nothing in xen/include can stand in for them. This rule has a
# shorter stem than $(HYP_OBJ)/%.o above, so make prefers it for everything under xsm/.
HYP_FLASK_SRCS := $(sort $(wildcard xsm/flask/flask_*.c)) xsm/flask/ss_hyp.c xsm/xsm_dispatch.c \
	xsm/hooks_table.c
HYP_FLASK_OBJS := $(HYP_FLASK_SRCS:%.c=$(HYP_OBJ)/%.o) $(HYP_OBJ)/gen/flask_names.o
HYP_XSM_OBJS := $(HYP_SS_OBJS) $(HYP_FLASK_OBJS)
hyp-objects: $(HYP_FLASK_OBJS)

$(HYP_OBJ)/xsm/%.o: xsm/%.c $(FLASK_GEN_HEADERS) $(HYP_CONFIG_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HYP_CC) $(SS_INC) $(HYP_IMAGE_CFLAGS) -MMD -MP -c $< -o $@

# The one recorded exception to -Wframe-larger-than=1024: lookup_part() in
# ss/context_string.c copies a context part into a READER_MAX_STRING (4096) byte stack
# buffer (a 4176-byte frame). Reached only from context lookups, with at most a few
# hundred bytes of frames above it on a 16 KiB stack; -fstack-clash-protection probes
# the frame, so it cannot step over the guard page. Remove once ss/ looks parts up in place.
$(HYP_OBJ)/xsm/flask/ss/context_string.o: HYP_IMAGE_CFLAGS += -Wframe-larger-than=4352

$(HYP_OBJ)/gen/flask_names.o: $(FLASK_NAMES_C) $(FLASK_GEN_HEADERS) $(HYP_CONFIG_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HYP_CC) $(SS_INC) $(HYP_IMAGE_CFLAGS) -MMD -MP -c $< -o $@

# xen/ files may include <xsm/xsm.h> (found through -I.), which includes nothing generated.
$(HYP_IMAGE): $(HYP_IMAGE_OBJS) $(HYP_BOOTINFO_OBJS) $(HYP_XSM_OBJS) $(HYP_LDS) $(HYP_CONFIG_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HYP_CC) $(HYP_LDFLAGS) -o $@.tmp $(HYP_IMAGE_OBJS) $(HYP_XSM_OBJS) $(HYP_BOOTINFO_OBJS)
	$(Q)mv -f $@.tmp $@

$(HYP_IMAGE).bin: $(HYP_IMAGE)
	$(Q)$(HYP_OBJCOPY) -O binary $< $@

# The image is only "built" once the post-link checks pass.
$(HYP_IMAGE_DIR)/.checked: $(HYP_IMAGE) $(HYP_IMAGE).bin scripts/check-hyp-image.sh
	$(Q)HYP_IMAGE_BUDGET=$(HYP_IMAGE_BUDGET) scripts/check-hyp-image.sh $(HYP_IMAGE) \
		> $@.log || { cat $@.log; exit 1; }
	$(Q)grep "bytes" $@.log
	$(Q)touch $@

hyp: $(HYP_IMAGE_DIR)/.checked

# ---------------------------------------------------------------- host tests of the core
HYP_HOST_CORE := xen/common/page_alloc.c xen/common/memrange.c xen/common/format.c \
	xen/common/console.c xen/common/xmalloc.c
HYP_HOST_TESTS := $(patsubst tests/hyp/%.c,$(BUILD)/host/bin/unit/%,$(wildcard tests/hyp/test_*.c))
$(BUILD)/host/bin/unit/test_hyp_%: tests/hyp/test_hyp_%.c tests/hyp/fake_arch.c tests/hyp/fake_arch.h \
		$(HYP_HOST_CORE) $(wildcard xen/include/flaxen/*.h) \
		tests/unit/unit.c tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ixen/include -Itests/unit -o $@ $< tests/hyp/fake_arch.c \
		$(HYP_HOST_CORE) tests/unit/unit.c $(HOST_LDFLAGS)

hyp-host-tests: $(HYP_HOST_TESTS)

hyp-smoke: hyp $(POLICY_OUT)/flaxen.30 $(POLICY_OUT)/flaxen-mls.30
	$(Q)tests/system/boot_smoke.sh
	$(Q)tests/system/hardening.sh
	$(Q)tests/system/flask_boot.sh

-include $(shell find $(HYP_OBJ) -name '*.d' 2>/dev/null)
