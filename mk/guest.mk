# The guest toolchain: small AArch64 EL1 test guests (tests/guest/, see its README.md).
#
#   make guests     build/guest/NAME.elf and build/guest/NAME.bin for every
#                   tests/guest/guests/NAME.c, linked with tests/guest/lib/
#   tests/guest/run.sh [SCENARIO...]   boot them under QEMU and check the results
#
# NAME.bin is a raw arm64 Linux "Image" (header with text_offset, image_size, flags), so
# QEMU's -kernel, guest-loader and the hypervisor's domain builder place it per the arm64
# boot protocol. The image is linked at 0 as a PIE and applies its own R_AARCH64_RELATIVE
# relocations at start-up; the build rejects any other dynamic relocation.
#
# The guests include the hypervisor's public ABI headers (xen/include/public/*.h, through
# tests/guest/lib/abi.h), so hypercall numbers and errno values have one source of truth.

GUEST_CROSS ?= aarch64-linux-gnu-
GUEST_CC := $(GUEST_CROSS)gcc
GUEST_OBJCOPY := $(GUEST_CROSS)objcopy
GUEST_READELF := $(GUEST_CROSS)readelf
GUEST_SRC := tests/guest
GUEST_OUT := $(BUILD)/guest
GUEST_CFLAGS := -std=c11 -O2 $(WARN) -ffreestanding -nostdlib -nostdinc \
	-isystem $(shell $(GUEST_CC) -print-file-name=include 2>/dev/null) \
	-mgeneral-regs-only -mstrict-align -fno-pic -fno-stack-protector -fno-common \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -mbranch-protection=none \
	-fno-omit-frame-pointer -mno-outline-atomics -Wvla -I$(GUEST_SRC)/lib -Ixen/include -MMD -MP
# One RWX segment and text relocations on purpose: the guests run with the MMU off.
GUEST_LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker -Wl,-z,norelro \
	-Wl,-z,noexecstack -Wl,-z,notext -Wl,--no-warn-rwx-segments -Wl,--hash-style=sysv \
	-Wl,--build-id=none -Wl,-T,$(GUEST_SRC)/lib/guest.ld

GUEST_LIB_SRCS := $(sort $(wildcard $(GUEST_SRC)/lib/*.c $(GUEST_SRC)/lib/*.S))
GUEST_LIB_OBJS := $(patsubst $(GUEST_SRC)/%,$(GUEST_OUT)/obj/%.o,$(GUEST_LIB_SRCS))
GUEST_NAMES := $(patsubst $(GUEST_SRC)/guests/%.c,%,$(sort $(wildcard $(GUEST_SRC)/guests/*.c)))
GUEST_ELFS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.elf)
GUEST_BINS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.bin)

.PHONY: guests
guests: $(GUEST_BINS)

$(GUEST_OUT)/obj/lib/%.c.o: $(GUEST_SRC)/lib/%.c
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/obj/lib/%.S.o: $(GUEST_SRC)/lib/%.S
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(GUEST_OUT)/obj/guests/%.c.o: $(GUEST_SRC)/guests/%.c
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -DGUEST_IMAGE_NAME='"$*"' -c $< -o $@

# The hook-coverage guest walks the hypervisor's hook table (xsm/xsm_hooks.h): one case per
# hook, so a sub-op added without its case breaks this build.
$(GUEST_OUT)/obj/guests/coverage.c.o: GUEST_CFLAGS += -I. -I$(BUILD)/include
$(GUEST_OUT)/obj/guests/coverage.c.o: $(FLASK_GEN_HEADERS)
# flaskop asks the security server questions in the policy's class and permission numbers.
$(GUEST_OUT)/obj/guests/flaskop.c.o: GUEST_CFLAGS += -I$(BUILD)/include
$(GUEST_OUT)/obj/guests/flaskop.c.o: $(FLASK_GEN_HEADERS)
# attest (then=lock) sets a boolean and asks to switch enforcing off.
$(GUEST_OUT)/obj/guests/attest.c.o: GUEST_CFLAGS += -I$(BUILD)/include
$(GUEST_OUT)/obj/guests/attest.c.o: $(FLASK_GEN_HEADERS)

# Link, then refuse an image whose dynamic relocations start.S would not apply.
$(GUEST_OUT)/%.elf: $(GUEST_OUT)/obj/guests/%.c.o $(GUEST_LIB_OBJS) $(GUEST_SRC)/lib/guest.ld
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@.tmp $(filter %.o,$^)
	$(Q)if $(GUEST_READELF) -rW $@.tmp | awk '/^0/ && $$3 != "R_AARCH64_RELATIVE" { bad = 1; print } \
		END { exit !bad }'; then echo "$@: relocations other than R_AARCH64_RELATIVE" >&2; \
		rm -f $@.tmp; exit 1; fi
	$(Q)mv -f $@.tmp $@

$(GUEST_OUT)/%.bin: $(GUEST_OUT)/%.elf
	$(Q)$(GUEST_OBJCOPY) -O binary $< $@

# Raw images built from one assembly file each (tests/guest/images/NAME.S): linked at 0,
# position-independent, no relocations. The domctl guest embeds sealed.bin (.incbin).
GUEST_IMAGES := $(patsubst $(GUEST_SRC)/images/%.S,$(GUEST_OUT)/%.bin,$(wildcard $(GUEST_SRC)/images/*.S))
guests: $(GUEST_IMAGES)
$(GUEST_OUT)/obj/images/%.o: $(GUEST_SRC)/images/%.S
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@
$(GUEST_IMAGES): $(GUEST_OUT)/%.bin: $(GUEST_OUT)/obj/images/%.o
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -nostdlib -static -Wl,-Ttext=0 -Wl,--build-id=none -o $@.elf $<
	$(Q)$(GUEST_OBJCOPY) -O binary $@.elf $@
$(GUEST_OUT)/obj/guests/domctl.c.o $(GUEST_OUT)/obj/guests/seal.c.o: $(GUEST_OUT)/sealed.bin
$(GUEST_OUT)/obj/guests/domctl.c.o $(GUEST_OUT)/obj/guests/seal.c.o: \
	GUEST_CFLAGS += -DSEALED_IMAGE='"$(GUEST_OUT)/sealed.bin"'

.SECONDARY: $(GUEST_ELFS) $(GUEST_LIB_OBJS) $(GUEST_NAMES:%=$(GUEST_OUT)/obj/guests/%.c.o)

-include $(shell find $(GUEST_OUT)/obj -name '*.d' 2>/dev/null)
