/*
 * Hypercalls from a dom0 (or other privileged) Linux process, through the
 * kernel's privcmd driver (/dev/xen/privcmd, IOCTL_PRIVCMD_HYPERCALL): the
 * kernel issues the HVC with the caller's arguments, so pointers in them
 * are this process's virtual addresses, which the hypervisor translates.
 * Buffers must be mapped and writable when the call is made: the hypervisor
 * does not fault pages in, so a buffer Linux has not populated yet (fresh
 * BSS, say) gets -EFAULT. The tools write their buffers before each call.
 */
#ifndef FLAXEN_TOOLS_XENCALL_H
#define FLAXEN_TOOLS_XENCALL_H

/*
 * The hypercall `op` with up to five arguments: its result (>= 0), or a
 * negative errno (the hypervisor's refusal, or the driver's: -ENOENT when
 * there is no privcmd device, e.g. not running on Xen/Flaxen or the module
 * is not loaded).
 */
long xencall(unsigned long op, unsigned long a1, unsigned long a2, unsigned long a3,
             unsigned long a4, unsigned long a5);

#endif
