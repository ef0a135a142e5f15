/*
 * The child drivers pvbus offers itself to, in the order they attach
 * (OpenBSD lists them in sys/dev/pv/files.pv and the kernel config).
 */

#include "kern.h"
#include "pvbusvar.h"
#include "vmtvar.h"

const struct pv_driver pvbus_drivers[] = {
	{ "hyperv", hyperv_match, hyperv_attach },	/* Hv#1: hypercalls */
	{ "xen", xen_match, xen_attach },		/* Xen: hypercall page */
	{ "pvclock", pvclock_match, pvclock_attach },	/* KVM: kvmclock */
	{ "vmt", vmt_match, vmt_attach },		/* VMware backdoor */
};
const int pvbus_ndrivers = nitems(pvbus_drivers);
