# libfdt for the hypervisor, and the boot-information parser that uses it.
#
# Included by the top-level Makefile before mk/hyp.mk, so target and prerequisite
# names here spell $(BUILD)/... out (HOST_BIN, FUZZ_BIN and HYP_OBJ are defined
# later); recipes may use any variable, they expand when they run.
#
# Exports
#   LIBFDT_HYP_ARCHIVE   $(BUILD)/hyp/libfdt.a: Debian's arm64 libfdt.a with every code
#                        section renamed .text.fpsimd (the reserved FP/SIMD section of
#                        STYLE.md: it runs only at boot, before any guest exists)
#   LIBFDT_HYP_INCLUDE   the arm64 package's include directory (libfdt.h, fdt.h)
#   LIBFDT_HYP_LIBC_INCLUDE  string.h, stdlib.h, limits.h for libfdt_env.h under
#                        -nostdinc (generated below; the hypervisor may point this at
#                        its own freestanding headers instead)
#   LIBFDT_HYP_CFLAGS    what a hypervisor file that includes <libfdt.h> adds to HYP_CFLAGS
#   BOOTINFO_SRCS        the hypervisor's libfdt users: xen/common/bootinfo.c and
#                        fdt_read.c (the boot device tree), guest_fdt.c (a boot-time
#                        domain's device tree, written with libfdt's fdt_sw functions)
#   BOOTINFO_HYP_OBJS    those compiled by mk/hyp.mk's rule (FP/SIMD-free, checked by
#                        scripts/check-hyp-objects.sh with every other hypervisor object)
#   LIBFDT_HOST_LIBS     -lfdt (host libfdt-dev) for unit tests and fuzzing
#   BOOTINFO_TEST_DTBS   $(BUILD)/dtb/*.dtb: tests/unit/dts/*.dts compiled by dtc, plus
#                        qemu-virt-loader.dtb dumped from QEMU with guest-loader modules
# Rules
#   $(BUILD)/host/bin/unit/test_bootinfo, test_bootinfo_modules (override the generic
#                                          unit-test link)
#   $(BUILD)/fuzz/fuzz_bootinfo            (overrides the generic fuzz link)
#   fdt-check   disassembles the processed archive: FP/SIMD only in .text.fpsimd
#
# What libfdt needs from the hypervisor. `aarch64-linux-gnu-nm -u` on Debian's
# libfdt.a 1.6.1-4+b1, minus what the archive defines itself:
#   memchr memcmp memcpy memmove memset strchr strlen strnlen strrchr   (C semantics)
#   strtoul            only fdt_overlay.o (fdt_overlay_apply); unused by bootinfo
#   __stack_chk_guard  a global (not TLS), read through the GOT in every function
#   __stack_chk_fail   Debian builds with -fstack-protector-strong
# Linked with bootinfo and guest_fdt (which pull in fdt.o, fdt_ro.o, fdt_check.o,
# fdt_strerror.o and fdt_sw.o) the hypervisor must provide exactly: memchr memcmp
# memcpy memmove memset strlen strnlen strrchr __stack_chk_guard __stack_chk_fail
# (memset also for gcc's own calls from bootinfo.o; checked with
# aarch64-linux-gnu-ld -r and nm -u). Set the boot canary before bootinfo_parse()
# or not while a libfdt frame is live.
#
# Facts about the objects that the hypervisor's link and mappings must accept:
#   - built -fPIC: R_AARCH64_ADR_GOT_PAGE / LD64_GOT_LO12_NC, so the link needs a .got;
#   - .eh_frame sections (keep or discard them in the linker script);
#   - no .note.gnu.property and no BTI/PAC instructions, but no indirect branch
#     either (no br/blr): reached by direct calls only, they run under the BTI
#     guard bit; their return addresses are not signed;
#   - not built with -mstrict-align (fdt_rw.o loads 8 bytes from the blob): run them
#     with the MMU on, SCTLR_EL2.A clear and the blob in Normal memory;
#   - FP/SIMD registers in fdt_rw.o (10 instructions) and fdt_addresses.o (4).

LIBFDT_ARM64_ROOT := $(BUILD)/cache/arm64
LIBFDT_ARM64_A := $(LIBFDT_ARM64_ROOT)/usr/lib/aarch64-linux-gnu/libfdt.a
LIBFDT_HYP_INCLUDE := $(LIBFDT_ARM64_ROOT)/usr/include
LIBFDT_HYP_LIBC_INCLUDE ?= $(BUILD)/hyp/fdt-libc
LIBFDT_HYP_CFLAGS = -I$(LIBFDT_HYP_INCLUDE) -I$(LIBFDT_HYP_LIBC_INCLUDE) -Ixen/include
LIBFDT_HYP_ARCHIVE := $(BUILD)/hyp/libfdt.a
LIBFDT_HOST_LIBS := -lfdt

BOOTINFO_SRCS := xen/common/bootinfo.c xen/common/bootinfo_resolve.c xen/common/fdt_read.c \
	xen/common/guest_fdt.c
BOOTINFO_HYP_OBJS := $(BOOTINFO_SRCS:%.c=$(BUILD)/hyp/obj/%.o)
FDT_RESERVED_SECTION := .text.fpsimd

# Tools of the hypervisor toolchain (mk/hyp.mk's HYP_CROSS), expanded when used.
FDT_OBJDUMP = $(HYP_CROSS)objdump

# --------------------------------------------------------------- arm64 package
# scripts/deps.sh fetches and unpacks it (make check and make run call it first).
$(LIBFDT_ARM64_A) $(LIBFDT_HYP_INCLUDE)/libfdt.h &:
	$(Q)scripts/deps.sh

# --------------------------------------------------------------- processed archive
# Every code section of every member becomes $(FDT_RESERVED_SECTION), bytes unchanged
# (scripts/fpsimd-archive.sh checks both).
LIBFDT_HYP_WORK := $(BUILD)/hyp/libfdt.work
$(LIBFDT_HYP_ARCHIVE): $(LIBFDT_ARM64_A) mk/fdt.mk scripts/fpsimd-archive.sh
	$(Q)HYP_CROSS=$(HYP_CROSS) scripts/fpsimd-archive.sh $@ $< $(LIBFDT_HYP_WORK)

# Prints each member's FP/SIMD instruction count per section (same operand test as
# scripts/check-hyp-objects.sh) and fails if any is outside the reserved section.
.PHONY: fdt-check
fdt-check: $(LIBFDT_HYP_ARCHIVE)
	$(Q)$(FDT_OBJDUMP) -d --no-show-raw-insn $< | awk -F'\t' ' \
		/^In archive/ { next } \
		/^[^ \t].*:[ \t]+file format/ { obj = $$1; sub(/:.*/, "", obj) } \
		/^Disassembly of section / { sec = $$0; sub(/^Disassembly of section /, "", sec); sub(/:$$/, "", sec) } \
		NF >= 3 && $$2 !~ /^(b|b\..*|bl|blr|br|cbz|cbnz|tbz|tbnz|adr|adrp|ret)$$/ { \
			ops = $$3; sub(/[ ]*(<|\/\/).*/, "", ops); \
			if (ops ~ /(^|[ ,\[{])[vqdshb]([0-9]|[12][0-9]|3[01])([.,\] }]|$$)/) n[obj " " sec]++ } \
		END { bad = 0; for (k in n) { split(k, a, " "); \
			printf "libfdt: %s: %d FP/SIMD instructions in %s\n", a[1], n[k], a[2]; \
			if (a[2] != "$(FDT_RESERVED_SECTION)") bad = 1 } \
			if (bad) { print "libfdt: FAIL: FP/SIMD outside $(FDT_RESERVED_SECTION)"; exit 1 } \
			print "libfdt: OK: FP/SIMD only in $(FDT_RESERVED_SECTION)" }'

# --------------------------------------------------------------- freestanding libc headers
# libfdt_env.h includes <string.h>, <stdlib.h> and <limits.h>, which -nostdinc hides
# (gcc's own limits.h defers to the C library's). These declare what libfdt calls.
define FDT_LIBC_STRING_H
/* Generated by mk/fdt.mk: what libfdt_env.h needs from <string.h>. */
#ifndef FLAXEN_FDT_LIBC_STRING_H
#define FLAXEN_FDT_LIBC_STRING_H
#include <stddef.h>
void *memchr(const void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
char *strchr(const char *s, int c);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
char *strrchr(const char *s, int c);
#endif
endef
define FDT_LIBC_STDLIB_H
/* Generated by mk/fdt.mk: what libfdt_env.h needs from <stdlib.h>. */
#ifndef FLAXEN_FDT_LIBC_STDLIB_H
#define FLAXEN_FDT_LIBC_STDLIB_H
#include <stddef.h>
unsigned long strtoul(const char *s, char **end, int base);
#endif
endef
define FDT_LIBC_LIMITS_H
/* Generated by mk/fdt.mk: <limits.h> from the compiler's predefined macros. */
#ifndef FLAXEN_FDT_LIBC_LIMITS_H
#define FLAXEN_FDT_LIBC_LIMITS_H
#define CHAR_BIT __CHAR_BIT__
#define INT_MAX __INT_MAX__
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX (INT_MAX * 2U + 1U)
#define LONG_MAX __LONG_MAX__
#define ULONG_MAX (LONG_MAX * 2UL + 1UL)
#endif
endef
FDT_LIBC_HEADERS := $(addprefix $(BUILD)/hyp/fdt-libc/,string.h stdlib.h limits.h)
$(BUILD)/hyp/fdt-libc/string.h: mk/fdt.mk
	$(shell mkdir -p $(dir $@))$(file >$@,$(FDT_LIBC_STRING_H))
$(BUILD)/hyp/fdt-libc/stdlib.h: mk/fdt.mk
	$(shell mkdir -p $(dir $@))$(file >$@,$(FDT_LIBC_STDLIB_H))
$(BUILD)/hyp/fdt-libc/limits.h: mk/fdt.mk
	$(shell mkdir -p $(dir $@))$(file >$@,$(FDT_LIBC_LIMITS_H))

# --------------------------------------------------------------- bootinfo, hypervisor side
# mk/hyp.mk's $(HYP_OBJ)/%.o rule compiles it; it only needs libfdt's headers.
$(BOOTINFO_HYP_OBJS): HYP_CFLAGS += $(LIBFDT_HYP_CFLAGS)
$(BOOTINFO_HYP_OBJS): $(LIBFDT_HYP_INCLUDE)/libfdt.h \
	$(if $(filter $(BUILD)/hyp/fdt-libc,$(LIBFDT_HYP_LIBC_INCLUDE)),$(FDT_LIBC_HEADERS))
hyp-objects: $(BOOTINFO_HYP_OBJS) $(LIBFDT_HYP_ARCHIVE)

# --------------------------------------------------------------- test device trees
BOOTINFO_DTS := $(sort $(wildcard tests/unit/dts/*.dts))
BOOTINFO_DTSI := $(wildcard tests/unit/dts/*.dtsi)
BOOTINFO_QEMU_DTB := $(BUILD)/dtb/qemu-virt-loader.dtb
BOOTINFO_TEST_DTBS := $(BOOTINFO_DTS:tests/unit/dts/%.dts=$(BUILD)/dtb/%.dtb) $(BOOTINFO_QEMU_DTB)
DTC ?= dtc

# -q: the error cases are malformed on purpose and dtc would warn about them.
$(BUILD)/dtb/%.dtb: tests/unit/dts/%.dts $(BOOTINFO_DTSI)
	@mkdir -p $(dir $@)
	$(Q)$(DTC) -q -I dts -O dtb -o $@.tmp $< && mv -f $@.tmp $@

# A real board: QEMU's virt machine as the fast boot path runs it, with guest-loader
# modules: a dom0 kernel with bootargs, its initrd, and the FLASK policy passed as a
# second "initrd" (guest-loader can only say kernel or ramdisk). The payloads'
# sizes are what test_bootinfo expects to find in the modules' reg.
BOOTINFO_QEMU_KERNEL := $(BUILD)/dtb/payload-kernel.bin
BOOTINFO_QEMU_INITRD := $(BUILD)/dtb/payload-initrd.bin
$(BOOTINFO_QEMU_KERNEL):
	@mkdir -p $(dir $@)
	$(Q)head -c 12288 /dev/zero >$@
$(BOOTINFO_QEMU_INITRD):
	@mkdir -p $(dir $@)
	$(Q)head -c 5000 /dev/zero | tr '\0' 'i' >$@
$(BOOTINFO_QEMU_DTB): $(BOOTINFO_QEMU_KERNEL) $(BOOTINFO_QEMU_INITRD) $(POLICY_OUT)/flaxen.30 mk/fdt.mk
	@mkdir -p $(dir $@)
	$(Q)timeout -k 5 30 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max \
		-smp 2 -m 1G -display none -nodefaults -machine dumpdtb=$@.tmp \
		-kernel $(BOOTINFO_QEMU_KERNEL) -append "console=dtuart flask=enforcing" \
		-device guest-loader,addr=0x49000000,kernel=$(BOOTINFO_QEMU_KERNEL),bootargs="console=hvc0 rdinit=/init" \
		-device guest-loader,addr=0x50000000,initrd=$(BOOTINFO_QEMU_INITRD) \
		-device guest-loader,addr=0x52000000,initrd=$(POLICY_OUT)/flaxen.30 \
		</dev/null >$@.log 2>&1 || { cat $@.log; rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@

.PHONY: dtbs
dtbs: $(BOOTINFO_TEST_DTBS)

# --------------------------------------------------------------- bootinfo, host side
BOOTINFO_UNIT_TESTS := test_bootinfo test_bootinfo_modules
$(BOOTINFO_SRCS:%.c=$(BUILD)/host/obj/%.o) \
		$(BOOTINFO_UNIT_TESTS:%=$(BUILD)/host/obj/tests/unit/%.o): HOST_CFLAGS += -Ixen/include

$(BOOTINFO_UNIT_TESTS:%=$(BUILD)/host/bin/unit/%): $(BUILD)/host/bin/unit/%: \
		$(BUILD)/host/obj/tests/unit/%.o \
		$(BUILD)/host/obj/tests/unit/unit.o $(BOOTINFO_SRCS:%.c=$(BUILD)/host/obj/%.o) \
		| $(BOOTINFO_TEST_DTBS) $(POLICY_BINARIES)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(LIBFDT_HOST_LIBS)

$(BUILD)/fuzz/fuzz_bootinfo: tests/fuzz/fuzz_bootinfo.c $(BOOTINFO_SRCS) \
		xen/common/fdt_read.h xen/include/flaxen/bootinfo.h | $(BOOTINFO_TEST_DTBS)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -D_DEFAULT_SOURCE -Ixen/include -o $@ \
		tests/fuzz/fuzz_bootinfo.c $(BOOTINFO_SRCS) $(LIBFDT_HOST_LIBS)
