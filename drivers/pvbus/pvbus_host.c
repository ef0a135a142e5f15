/*
 * What a host may ask of the guest through a pvbus child, and what the
 * rest of the kernel may ask of the host: power off, reboot, and the
 * key-value store (OpenBSD sys/dev/pv/pvbus.c: pvbus_shutdown(),
 * pvbus_reboot(), pvbus_kvop()).  Kept apart from the detection pass so
 * the tests of that pass need neither the KTAP writer nor a reset.
 */

#include "kern.h"
#include "ktap.h"
#include "pvbusvar.h"

void
pvbus_shutdown(const char *dev)
{
	printf("Shutting down in response to request from %s host\n", dev);
	/* A failure before the request outranks it: the verdict is fail. */
	if (ktap_stop("the host asked the guest to power off") > 0)
		kexit(KEXIT_FAIL);
	kexit(KEXIT_HALT);
}

void
pvbus_reboot(const char *dev)
{
	printf("Rebooting in response to request from %s host\n", dev);
	(void)ktap_stop("the host asked the guest to reboot");
	kreboot();
}

static struct {
	const char	*kv_dev;
	pvbus_kvop_fn	*kv_fn;
	void		*kv_arg;
} pvbus_kv;

void
pvbus_kvop_register(const char *dev, pvbus_kvop_fn *fn, void *arg)
{
	pvbus_kv.kv_dev = dev;
	pvbus_kv.kv_fn = fn;
	pvbus_kv.kv_arg = arg;
}

const char *
pvbus_kvop_dev(void)
{
	return pvbus_kv.kv_fn != NULL ? pvbus_kv.kv_dev : NULL;
}

/* Keys and values are bounded as OpenBSD's PVBUS_KVOP_MAXSIZE. */
int
pvbus_kvop(int op, const char *key, char *value, size_t valuelen)
{
	if (pvbus_kv.kv_fn == NULL)
		return ENXIO;
	if ((op != PVBUS_KVREAD && op != PVBUS_KVWRITE) || key == NULL ||
	    key[0] == '\0' || strnlen(key, PVBUS_KVOP_MAXSIZE) ==
	    PVBUS_KVOP_MAXSIZE || valuelen == 0 ||
	    valuelen > PVBUS_KVOP_MAXSIZE)
		return EINVAL;
	return pvbus_kv.kv_fn(pvbus_kv.kv_arg, op, key, value, valuelen);
}
