/*
 * The bus's first step in the boot: the backend the command line names
 * (hv=native, replay or sim:<model>; hvio_select() chooses it), which
 * every later step then uses: the detection pass and pvbus0's children.
 * Kept apart from pvbus.c, so the host tools that run the detection
 * pass on a backend of their own do not link the choice.
 */

#include "kern.h"
#include "pvbusvar.h"

/* 0, or EINVAL with the one reason in err. */
int
pvbus_backend(const struct cmdline *cl, const struct bootinfo *bi,
    char *err, size_t errlen)
{
	pvbus_softc.sc_io = hvio_select(cl, bi, err, errlen);
	return pvbus_softc.sc_io == NULL ? EINVAL : 0;
}
