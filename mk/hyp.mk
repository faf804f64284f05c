# The hypervisor toolchain: AArch64, freestanding, EL2 flags from STYLE.md.
# Until the hypervisor core exists its only users are the security server and
# the AVC, compiled here exactly as the hypervisor will link them, and checked
# for FP/SIMD instructions (none may appear outside the reserved section).

HYP_CROSS ?= aarch64-linux-gnu-
HYP_CC := $(HYP_CROSS)gcc
HYP_OBJDUMP := $(HYP_CROSS)objdump
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

.PHONY: hyp-objects
hyp-objects: $(HYP_SS_OBJS)

-include $(shell find $(HYP_OBJ) -name '*.d' 2>/dev/null)
