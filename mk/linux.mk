# Linux domains (issue 6): Debian's arm64 kernel, unpacked by scripts/deps.sh into
# $(BUILD)/cache/arm64 (no kernel of our own), and the initramfs the project builds for it.
#
#   $(BUILD)/linux/Image         the kernel image (a copy of the newest vmlinuz-*-arm64)
#   $(BUILD)/linux/dom0.cpio.gz  busybox-static, the kernel's Xen modules and
#                                tests/linux/dom0-init.sh as /init (scripts/linux-initramfs.sh)
#   make linux                   both

LINUX_OUT := $(BUILD)/linux
LINUX_STAMPS := $(wildcard $(BUILD)/cache/arm64/.stamps/linux-image-*)

$(LINUX_OUT)/Image: scripts/linux-kernel.sh $(LINUX_STAMPS)
	@mkdir -p $(dir $@)
	$(Q)cp "$$(scripts/linux-kernel.sh)" $@.tmp && mv -f $@.tmp $@

$(LINUX_OUT)/dom0.cpio.gz: tests/linux/dom0-init.sh scripts/linux-initramfs.sh scripts/linux-kernel.sh \
		$(LINUX_STAMPS)
	$(Q)BUILD=$(BUILD) scripts/linux-initramfs.sh $@ tests/linux/dom0-init.sh

.PHONY: linux
linux: $(LINUX_OUT)/Image $(LINUX_OUT)/dom0.cpio.gz
