/*
 * The child drivers pvbus offers itself to, in the order they attach
 * (OpenBSD lists them in sys/dev/pv/files.pv and the kernel config).
 */

#include "kern.h"
#include "pvbusvar.h"
#include "../vmt/vmtvar.h"

const struct pv_driver pvbus_drivers[] = {
	{ "vmt", vmt_match, vmt_attach },	/* VMware Tools: backdoor */
};
const int pvbus_ndrivers = nitems(pvbus_drivers);
