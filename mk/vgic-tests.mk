# Host test of the virtual GICv3 (included from the top Makefile, after mk/hyp.mk):
#   build/host/bin/unit/test_hyp_vgic   the register model (xen/arch/arm64/vgic_emul.c) and the
#                                       list-register logic (xen/arch/arm64/vgic.c) against fake
#                                       list registers defined in the test, ASan/UBSan.
# This explicit rule takes precedence over mk/hyp.mk's test_hyp_% pattern rule, which would link
# the test without the vGIC sources. The arm64 headers it includes are pure C.

VGIC_TEST_SRCS := xen/arch/arm64/vgic.c xen/arch/arm64/vgic_emul.c

$(BUILD)/host/bin/unit/test_hyp_vgic: tests/hyp/test_hyp_vgic.c $(VGIC_TEST_SRCS) \
		tests/hyp/fake_arch.c tests/hyp/fake_arch.h $(HYP_HOST_CORE) \
		$(wildcard xen/include/flaxen/*.h xen/arch/arm64/include/asm/*.h) \
		tests/unit/unit.c tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ixen/include -Ixen/arch/arm64/include -Itests/unit -o $@ $< \
		$(VGIC_TEST_SRCS) tests/hyp/fake_arch.c $(HYP_HOST_CORE) tests/unit/unit.c $(HOST_LDFLAGS)
