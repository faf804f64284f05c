/* Hypercalls through Linux's privcmd driver (xencall.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xencall.h"

/* Linux's include/uapi/xen/privcmd.h: struct privcmd_hypercall and its ioctl. */
struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

static int privcmd = -1;

long xencall(unsigned long op, unsigned long a1, unsigned long a2, unsigned long a3,
             unsigned long a4, unsigned long a5)
{
    struct privcmd_hypercall call = {op, {a1, a2, a3, a4, a5}};
    long rc;

    if (privcmd < 0) {
        privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
        if (privcmd < 0)
            privcmd = open("/proc/xen/privcmd", O_RDWR | O_CLOEXEC);
        if (privcmd < 0)
            return errno ? -errno : -ENOENT;
    }
    rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &call);
    return rc < 0 ? -errno : rc;
}
