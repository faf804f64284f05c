# measured-boot/: the host side of measured boot (issue 5).
#
#   $(BUILD)/host/bin/flaxen-manifest   keygen, pubkey, build, print, verify (OpenSSL)
#   $(BUILD)/host/bin/flaxen-verify     checks an attestation against golden values
#                                       (TPM2-TSS for TPM structures, OpenSSL)
#   $(BUILD)/fuzz/fuzz_manifest         the hypervisor's manifest parser under libFuzzer
#
# The hypervisor reads manifests with xen/common/manifest.c; the tool and the tests use
# the same file, so what the tool writes is what the hypervisor parses.

MANIFEST_HOST_SRCS := xen/common/manifest.c xen/common/sha256.c measured-boot/manifest_writer.c
MANIFEST_HOST_HDRS := xen/include/flaxen/manifest.h xen/include/flaxen/sha256.h \
	measured-boot/manifest_writer.h

$(BUILD)/host/bin/flaxen-manifest: measured-boot/flaxen-manifest.c $(MANIFEST_HOST_SRCS) \
		$(MANIFEST_HOST_HDRS) measured-boot/tool.c measured-boot/tool.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -I. -Ixen/include -o $@ $< $(MANIFEST_HOST_SRCS) \
		measured-boot/tool.c $(HOST_LDFLAGS) $(SODIUM_HOST_LIBS) -lcrypto

$(BUILD)/fuzz/fuzz_manifest: tests/fuzz/fuzz_manifest.c $(MANIFEST_HOST_SRCS) $(MANIFEST_HOST_HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -D_DEFAULT_SOURCE -I. -Ixen/include -o $@ $< $(MANIFEST_HOST_SRCS) \
		$(SODIUM_HOST_LIBS)

$(BUILD)/host/bin/flaxen-verify: measured-boot/flaxen-verify.c xen/common/manifest.c \
		xen/common/sha256.c xen/common/event_log.c xen/include/flaxen/manifest.h \
		xen/include/flaxen/sha256.h xen/include/flaxen/event_log.h measured-boot/tool.c \
		measured-boot/tool.h measured-boot/authenticode.c measured-boot/authenticode.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -I. -Ixen/include -o $@ $< xen/common/manifest.c \
		xen/common/sha256.c xen/common/event_log.c measured-boot/tool.c \
		measured-boot/authenticode.c $(HOST_LDFLAGS) -ltss2-mu $(SODIUM_HOST_LIBS) -lcrypto

host-tools: $(BUILD)/host/bin/flaxen-manifest $(BUILD)/host/bin/flaxen-verify

# ---------------------------------------------------------------- the signing key
# The public half is built into the hypervisor, which accepts only manifests signed
# with it. A deployment sets FLAXEN_MANIFEST_KEY to its own key (made once with
# `flaxen-manifest keygen`, kept offline); without it the build makes a development
# key under $(BUILD)/keys, which the tests sign their manifests with.
FLAXEN_MANIFEST_KEY ?= $(BUILD)/keys/manifest-signing.pem
MANIFEST_KEY_H := $(BUILD)/include/flaxen/manifest_key.h

$(BUILD)/keys/manifest-signing.pem: | $(BUILD)/host/bin/flaxen-manifest
	@mkdir -p $(dir $@)
	@echo "measured boot: no FLAXEN_MANIFEST_KEY: generating a development signing key, $@"
	$(Q)$(BUILD)/host/bin/flaxen-manifest keygen $@

$(MANIFEST_KEY_H): $(FLAXEN_MANIFEST_KEY) | $(BUILD)/host/bin/flaxen-manifest
	@mkdir -p $(dir $@)
	$(Q)$(BUILD)/host/bin/flaxen-manifest pubkey $< --c >$@.tmp && mv -f $@.tmp $@

$(HYP_OBJ)/xen/common/measured_boot.c.o: $(MANIFEST_KEY_H)

# ---------------------------------------------------------------- golden values
# make golden FLAXEN_MANIFEST=FILE [FLAXEN_CMDLINE="..."] [FLAXEN_POLICY_FILE=FILE]
#   [FLAXEN_BOOT_DOMAINS="dom0 web"]: the events Flaxen will measure into PCRs 10-12 for that
#   configuration, predicted from the build outputs, into $(BUILD)/golden/flaxen.golden, the
#   file flaxen-verify check --golden compares a host's event log with.
FLAXEN_CMDLINE ?= flask=enforcing
FLAXEN_POLICY_FILE ?= $(BUILD)/policy/flaxen.30
.PHONY: golden
golden: $(BUILD)/host/bin/flaxen-verify policy
	@if [ -z "$(FLAXEN_MANIFEST)" ] || [ ! -f "$(FLAXEN_MANIFEST)" ]; then \
		echo "make golden: FLAXEN_MANIFEST=FILE must name the signed domain manifest" >&2; exit 2; fi
	@mkdir -p $(BUILD)/golden
	$(Q)$(BUILD)/host/bin/flaxen-verify golden --cmdline "$(FLAXEN_CMDLINE)" \
		--policy $(FLAXEN_POLICY_FILE) --manifest $(FLAXEN_MANIFEST) \
		$(foreach d,$(FLAXEN_BOOT_DOMAINS),--boot $(d)) >$(BUILD)/golden/flaxen.golden.tmp
	$(Q)mv -f $(BUILD)/golden/flaxen.golden.tmp $(BUILD)/golden/flaxen.golden
	$(Q)cat $(BUILD)/golden/flaxen.golden

# make golden-efi: the reference boot of the measured chain (AAVMF -> GRUB -> Flaxen), whose
# firmware events (PCRs 0-7 less the EFI applications) become
# $(BUILD)/golden/efi-firmware.golden (docs/security/measured-boot.md, section 8).
.PHONY: golden-efi
golden-efi: policy host-tools hyp guests
	$(Q)tests/guest/run.sh efi-reference
	$(Q)test -s $(BUILD)/golden/efi-firmware.golden
