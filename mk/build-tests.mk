# Host tests and a fuzz target for the domain builder's pure parts:
# xen/common/kernel_image.c (arm64 Image header, guest boot layout) and
# xen/common/guest_fdt.c (a boot-time domain's device tree).
#
# Included by the top-level Makefile after mk/fdt.mk and mk/hyp.mk. These explicit
# rules take precedence over mk/hyp.mk's generic test_hyp_% rule and the Makefile's
# generic fuzz_% rule (both would link the wrong sources).
#
#   $(BUILD)/host/bin/unit/test_hyp_kernel_image
#       kernel_image.c + format.c (its messages), ASan/UBSan. Reads the test guest
#       $(BUILD)/guest/selftest.bin as a real arm64 Image, so it is built first.
#   $(BUILD)/host/bin/unit/test_hyp_guest_fdt
#       guest_fdt.c + bootinfo.c + fdt_read.c ($(BOOTINFO_SRCS)) over host libfdt,
#       ASan/UBSan. Also linked: the test guests' own DTB reader (tests/guest/lib/
#       fdt.c), compiled for the host with its functions renamed so they cannot clash
#       with libfdt's (fdt_property), and the part of test_hyp_guest_fdt.c that calls
#       it, compiled a second time with -DGUEST_LIB_SHIM. At run time the test writes
#       its trees to $(BUILD)/test-dtb/ and runs $(DTC) on them.
#   $(BUILD)/fuzz/fuzz_kernel_image
#       libFuzzer: kernel_image_parse + kernel_image_place on arbitrary bytes.

BUILD_TESTS_BIN := $(BUILD)/host/bin/unit
BUILD_TESTS_OBJ := $(BUILD)/host/obj/build-tests
KERNEL_IMAGE_SRCS := xen/common/kernel_image.c xen/common/format.c
BUILD_TESTS_HEADERS := xen/include/flaxen/kernel_image.h xen/include/flaxen/guest_fdt.h \
	xen/include/flaxen/bootinfo.h xen/include/flaxen/format.h xen/include/flaxen/types.h \
	xen/common/fdt_read.h
BUILD_TESTS_UNIT := tests/unit/unit.c tests/unit/unit.h

$(BUILD_TESTS_BIN)/test_hyp_kernel_image: tests/hyp/test_hyp_kernel_image.c $(KERNEL_IMAGE_SRCS) \
		$(BUILD_TESTS_HEADERS) $(BUILD_TESTS_UNIT) | $(BUILD)/guest/selftest.bin
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ixen/include -Itests/unit -o $@ $< $(KERNEL_IMAGE_SRCS) \
		tests/unit/unit.c $(HOST_LDFLAGS)

# The test guests' reader under other names (see above).
GUESTLIB_FDT_RENAMES := $(foreach f,fdt_cell fdt_open fdt_walk fdt_property fdt_property_string \
	fdt_string_list_contains fdt_find_path fdt_find_compatible fdt_reg,-D$(f)=guestlib_$(f))
GUESTLIB_FDT_CFLAGS = $(HOST_CFLAGS) -Itests/guest/lib $(GUESTLIB_FDT_RENAMES)

$(BUILD_TESTS_OBJ)/guestlib_fdt.o: tests/guest/lib/fdt.c tests/guest/lib/fdt.h tests/guest/lib/lib.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(GUESTLIB_FDT_CFLAGS) -c $< -o $@

$(BUILD_TESTS_OBJ)/guestlib_shim.o: tests/hyp/test_hyp_guest_fdt.c tests/guest/lib/fdt.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(GUESTLIB_FDT_CFLAGS) -DGUEST_LIB_SHIM -c $< -o $@

$(BUILD_TESTS_BIN)/test_hyp_guest_fdt: tests/hyp/test_hyp_guest_fdt.c $(BOOTINFO_SRCS) \
		$(BUILD_TESTS_HEADERS) $(BUILD_TESTS_UNIT) \
		$(BUILD_TESTS_OBJ)/guestlib_fdt.o $(BUILD_TESTS_OBJ)/guestlib_shim.o
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ixen/include -Itests/unit -o $@ $< $(BOOTINFO_SRCS) \
		tests/unit/unit.c $(BUILD_TESTS_OBJ)/guestlib_fdt.o $(BUILD_TESTS_OBJ)/guestlib_shim.o \
		$(HOST_LDFLAGS) $(LIBFDT_HOST_LIBS)

$(BUILD)/fuzz/fuzz_kernel_image: tests/fuzz/fuzz_kernel_image.c $(KERNEL_IMAGE_SRCS) \
		$(BUILD_TESTS_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Ixen/include -o $@ $< $(KERNEL_IMAGE_SRCS)

.PHONY: build-tests
build-tests: $(BUILD_TESTS_BIN)/test_hyp_kernel_image $(BUILD_TESTS_BIN)/test_hyp_guest_fdt \
	$(BUILD)/fuzz/fuzz_kernel_image
