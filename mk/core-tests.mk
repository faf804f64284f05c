# Host tests of hypervisor-core modules that need more than HYP_HOST_CORE (mk/hyp.mk): each
# test_hyp_NAME lists its extra sources here (and, third, host libraries it links). The arm64 headers they include are pure C.

CORE_TEST_DEPS := tests/hyp/fake_arch.c tests/hyp/fake_arch.h $(HYP_HOST_CORE) \
	$(wildcard xen/include/flaxen/*.h xen/include/public/*.h xen/arch/arm64/include/asm/*.h) \
	tests/unit/unit.c tests/unit/unit.h

define core_test
$(BUILD)/host/bin/unit/test_hyp_$(1): tests/hyp/test_hyp_$(1).c $(2) $(CORE_TEST_DEPS) $(FLASK_GEN_HEADERS)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(HOST_CC) $$(HOST_CFLAGS) -I. -I$(BUILD)/include -Ixen/include -Ixen/arch/arm64/include \
		-Itests/unit -o $$@ \
		$$< tests/hyp/fake_arch.c $(2) $$(HYP_HOST_CORE) tests/unit/unit.c $$(HOST_LDFLAGS) $(3)
endef

$(eval $(call core_test,cmdline,xen/common/cmdline.c))
$(eval $(call core_test,hypercall,xen/common/hypercall.c))
$(eval $(call core_test,mmio,xen/common/mmio.c))
$(eval $(call core_test,domain,xen/common/domain.c xen/common/sched.c))
$(eval $(call core_test,sha256,xen/common/sha256.c,-lcrypto))
$(eval $(call core_test,manifest,xen/common/manifest.c xen/common/sha256.c measured-boot/manifest_writer.c,$(SODIUM_HOST_LIBS) -lcrypto))
$(BUILD)/host/bin/unit/test_hyp_manifest: measured-boot/manifest_writer.h
$(eval $(call core_test,tpm,xen/common/tpm2.c xen/common/sha256.c xen/common/event_log.c,-lcrypto))
$(eval $(call core_test,efi,xen/common/efi_handover.c xen/common/event_log.c))
