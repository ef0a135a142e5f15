/*
 * The configuration table: the child drivers pvbus offers itself to, in
 * the order they attach (OpenBSD lists them in sys/dev/pv/files.pv and
 * the kernel config).  As OpenBSD's generated ioconf.c does, it declares
 * each driver's struct itself: the bus includes no child's header.
 */

#include "kern.h"
#include "pvbusvar.h"

extern const struct pv_driver hyperv_driver;	/* Hv#1: hypercalls */
extern const struct pv_driver xen_driver;	/* Xen: hypercall page */
extern const struct pv_driver pvclock_driver;	/* KVM: kvmclock */
extern const struct pv_driver vmt_driver;	/* VMware backdoor */

const struct pv_driver *const pvconf[] = {
	&hyperv_driver,
	&xen_driver,
	&pvclock_driver,
	&vmt_driver,
};
const int pvconf_n = nitems(pvconf);
