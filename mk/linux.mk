# Linux domains (issue 6): Debian's arm64 kernel, unpacked by scripts/deps.sh into
# $(BUILD)/cache/arm64 (no kernel of our own), and the initramfs the project builds for it.
#
#   $(BUILD)/linux/Image         the kernel image (a copy of the newest vmlinuz-*-arm64)
#   $(BUILD)/linux/dom0.cpio.gz  busybox-static, the kernel's Xen modules, dom0's tools
#                                (mk/tools.mk), the policy for the policy tests and
#                                tests/linux/dom0-init.sh as /init (scripts/linux-initramfs.sh)
#   $(BUILD)/linux/chain.cpio.gz dom0 booted through the measured chain (make run, scenario
#                                hyp-efi-linux): tests/linux/chain-init.sh, xl, the flask tools,
#                                flaxen-attest and the Linux domU
#   $(BUILD)/linux/domu-boot.cpio.gz  a Linux domU built at boot (tests/linux/domu-boot-init.sh)
#   $(BUILD)/linux/bench.cpio.gz /init prints its marker and powers off (make bench)
#   $(BUILD)/linux/bench-xl.cpio.gz  dom0 times xl create to the domU's marker (make bench)
#   make linux                   all of them

LINUX_OUT := $(BUILD)/linux
LINUX_STAMPS := $(wildcard $(BUILD)/cache/arm64/.stamps/linux-image-*)
# What every initramfs is made with: the script, the kernel's package, the /init helpers.
INITRAMFS_DEPS := scripts/linux-initramfs.sh scripts/linux-kernel.sh tests/linux/init-lib.sh \
	$(LINUX_STAMPS)

$(LINUX_OUT)/Image: scripts/linux-kernel.sh $(LINUX_STAMPS)
	@mkdir -p $(dir $@)
	$(Q)cp "$$(scripts/linux-kernel.sh)" $@.tmp && mv -f $@.tmp $@

# dom0's tools in /usr/bin (the flask program under each of its names), and for the policy
# tests the build's policy and a copy with 64 bytes inverted in its middle.
DOM0_FILES = $(TOOLS_ARM64)/flask=/usr/bin/flask $(FLASK_TOOL_NAMES:%=@flask=/usr/bin/%) \
	$(TOOLS_ARM64)/xl=/usr/bin/xl $(BUILD)/guest/sealed.bin=/usr/share/flaxen/sealed.bin \
	tests/linux/xl/web.cfg=/etc/xl/web.cfg tests/linux/xl/rogue.cfg=/etc/xl/rogue.cfg \
	tests/linux/xl/linux.cfg=/etc/xl/linux.cfg $(LINUX_OUT)/Image=/usr/share/flaxen/Image \
	$(LINUX_OUT)/domu.cpio.gz=/usr/share/flaxen/domu.cpio.gz \
	$(BUILD)/policy/flaxen.30=/etc/flask/flaxen.30 $(LINUX_OUT)/corrupt.30=/etc/flask/corrupt.30

$(LINUX_OUT)/corrupt.30: $(BUILD)/policy/flaxen.30
	@mkdir -p $(dir $@)
	$(Q)perl -0777 -pe 'my $$m = int(length($$_) / 2); substr($$_, $$m, 64) ^= "\xff" x 64' $< >$@

$(LINUX_OUT)/dom0.cpio.gz: tests/linux/dom0-init.sh $(INITRAMFS_DEPS) $(TOOLS_ARM64)/flask \
		$(TOOLS_ARM64)/xl $(BUILD)/policy/flaxen.30 $(BUILD)/guest/sealed.bin \
		$(wildcard tests/linux/xl/*.cfg) $(LINUX_OUT)/Image $(LINUX_OUT)/domu.cpio.gz \
		$(LINUX_OUT)/corrupt.30
	$(Q)BUILD=$(BUILD) scripts/linux-initramfs.sh $@ tests/linux/dom0-init.sh $(DOM0_FILES)

# The Linux domU dom0 starts with xl create (tests/linux/domu-init.sh as /init).
# Its xl probes a hypercall the policy refuses it.
$(LINUX_OUT)/domu.cpio.gz: tests/linux/domu-init.sh $(INITRAMFS_DEPS) tests/linux/domu-poweroff.sh \
		$(TOOLS_ARM64)/xl
	$(Q)BUILD=$(BUILD) scripts/linux-initramfs.sh $@ tests/linux/domu-init.sh $(TOOLS_ARM64)/xl=/usr/bin/xl \
		tests/linux/domu-poweroff.sh=/sbin/poweroff

CHAIN_FILES = $(TOOLS_ARM64)/flask=/usr/bin/flask $(FLASK_TOOL_NAMES:%=@flask=/usr/bin/%) \
	$(TOOLS_ARM64)/xl=/usr/bin/xl $(TOOLS_ARM64)/flaxen-attest=/usr/bin/flaxen-attest \
	tests/linux/xl/linux.cfg=/etc/xl/linux.cfg $(LINUX_OUT)/Image=/usr/share/flaxen/Image \
	$(LINUX_OUT)/domu.cpio.gz=/usr/share/flaxen/domu.cpio.gz

$(LINUX_OUT)/chain.cpio.gz: tests/linux/chain-init.sh $(INITRAMFS_DEPS) \
		$(TOOLS_ARM64)/flask $(TOOLS_ARM64)/xl $(TOOLS_ARM64)/flaxen-attest \
		tests/linux/xl/linux.cfg $(LINUX_OUT)/Image $(LINUX_OUT)/domu.cpio.gz
	$(Q)BUILD=$(BUILD) scripts/linux-initramfs.sh $@ tests/linux/chain-init.sh $(CHAIN_FILES)

# A Linux domU the hypervisor builds at boot (scenario hyp-linux-domu-boot).
$(LINUX_OUT)/domu-boot.cpio.gz: tests/linux/domu-boot-init.sh $(INITRAMFS_DEPS) $(TOOLS_ARM64)/xl
	$(Q)BUILD=$(BUILD) scripts/linux-initramfs.sh $@ tests/linux/domu-boot-init.sh \
		$(TOOLS_ARM64)/xl=/usr/bin/xl

# make bench: an initramfs whose /init only prints its marker and powers off.
$(LINUX_OUT)/bench.cpio.gz: tests/linux/bench-init.sh $(INITRAMFS_DEPS)
	$(Q)BUILD=$(BUILD) scripts/linux-initramfs.sh $@ tests/linux/bench-init.sh

# make bench: dom0 times xl create of the Linux domU to its marker.
BENCH_XL_FILES = $(TOOLS_ARM64)/xl=/usr/bin/xl tests/linux/xl/linux.cfg=/etc/xl/linux.cfg \
	$(LINUX_OUT)/Image=/usr/share/flaxen/Image $(LINUX_OUT)/domu.cpio.gz=/usr/share/flaxen/domu.cpio.gz

$(LINUX_OUT)/bench-xl.cpio.gz: tests/linux/bench-xl-init.sh $(INITRAMFS_DEPS) $(TOOLS_ARM64)/xl \
		tests/linux/xl/linux.cfg $(LINUX_OUT)/Image $(LINUX_OUT)/domu.cpio.gz
	$(Q)BUILD=$(BUILD) scripts/linux-initramfs.sh $@ tests/linux/bench-xl-init.sh $(BENCH_XL_FILES)

.PHONY: linux
linux: $(LINUX_OUT)/Image $(LINUX_OUT)/dom0.cpio.gz $(LINUX_OUT)/domu.cpio.gz $(LINUX_OUT)/chain.cpio.gz \
	$(LINUX_OUT)/domu-boot.cpio.gz \
	$(LINUX_OUT)/bench.cpio.gz $(LINUX_OUT)/bench-xl.cpio.gz
