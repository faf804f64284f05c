/*
 * Sealing a domain built at run time (xen/common/seal.c,
 * XEN_DOMCTL_flaxen_seal in public/domctl.h).
 */
#ifndef FLAXEN_SEAL_H
#define FLAXEN_SEAL_H

struct vcpu;
struct domain;
struct xen_domctl_flaxen_seal;

/*
 * Copies the images in, measures them, labels the domain from the manifest
 * entry, writes its device tree and entry point, records it in PCR 12 and
 * marks it sealed. 0, or -EINVAL/-EFAULT/-EACCES/-EBUSY/-ENOMEM/-EIO with the
 * reason on the console; the domain is then left unsealed (it cannot run).
 */
long domctl_flaxen_seal(struct vcpu *v, struct domain *d, struct xen_domctl_flaxen_seal *s);

#endif
