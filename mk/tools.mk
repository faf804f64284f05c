# Tools that run in dom0 (issue 6): built static for arm64 with the cross compiler, so the
# initramfs needs no libraries. They reach the hypervisor through Linux's privcmd driver
# (tools/lib/xencall.c; FLASK operations in tools/lib/flaskop.c) with the public headers the hypervisor uses (xen/include/public).
#
#   $(BUILD)/tools/arm64/flask   the flask-* tools, one program run under each name
#   $(BUILD)/tools/arm64/xl      the toolstack (tools/xl/xl.c)
#   $(BUILD)/tools/arm64/flaxen-attest  a TPM quote for a verifier (tools/attest/)
#   make tools                   all of them

TOOLS_ARM64 := $(BUILD)/tools/arm64
TOOLS_CC := aarch64-linux-gnu-gcc
TOOLS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -static -Ixen/include \
	-fstack-protector-strong -D_FORTIFY_SOURCE=2
TOOLS_LIB := tools/lib/xencall.c tools/lib/xencall.h tools/lib/flaskop.c tools/lib/flaskop.h

$(TOOLS_ARM64)/flask: tools/flask/utils/flask.c $(TOOLS_LIB) xen/include/public/xsm/flask_op.h \
		xen/include/public/xen.h
	@mkdir -p $(dir $@)
	$(Q)$(TOOLS_CC) $(TOOLS_CFLAGS) -o $@ $< tools/lib/xencall.c tools/lib/flaskop.c

$(TOOLS_ARM64)/xl: tools/xl/xl.c tools/xl/xl_console.c tools/xl/xl_backend.c tools/xl/xl_store.c tools/xl/xl.h $(TOOLS_LIB) \
		$(wildcard xen/include/public/*.h) xen/include/public/xsm/flask_op.h
	@mkdir -p $(dir $@)
	$(Q)$(TOOLS_CC) $(TOOLS_CFLAGS) -o $@ tools/xl/xl.c tools/xl/xl_console.c tools/xl/xl_backend.c \
		tools/xl/xl_store.c tools/lib/xencall.c \
		tools/lib/flaskop.c

$(TOOLS_ARM64)/flaxen-attest: tools/attest/flaxen-attest.c tools/lib/xencall.c tools/lib/xencall.h \
		xen/include/public/sysctl.h
	@mkdir -p $(dir $@)
	$(Q)$(TOOLS_CC) $(TOOLS_CFLAGS) -o $@ $< tools/lib/xencall.c

# The names the flask program answers to (tools/flask/utils/flask.c).
FLASK_TOOL_NAMES := flask-getenforce flask-setenforce flask-loadpolicy flask-get-bool \
	flask-set-bool flask-label-pci flask-label-dt flask-avc-stats

.PHONY: tools
tools: $(TOOLS_ARM64)/flask $(TOOLS_ARM64)/xl $(TOOLS_ARM64)/flaxen-attest
