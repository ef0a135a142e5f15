/* PLACEHOLDER, replaced by the  driver: matches nothing. */

#include "kern.h"
#include "pvbusvar.h"

int
hyperv_match(const struct pv_attach_args *pva __unused)
{
	return 0;
}

int
hyperv_attach(const struct pv_attach_args *pva __unused)
{
	printf("\n");
	return 0;
}
