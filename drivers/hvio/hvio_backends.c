/*
 * The configuration table of the backends hv= can name, in the order
 * its messages list them (hvio_select.c).  Like pvconf.c it declares
 * each row's struct itself: the simulators' backend lives in sim/, not
 * in drivers/, and this table is the one place drivers/ names it.
 */

#include "kern.h"
#include "hvio.h"

extern const struct hvio_backend hvio_native_backend;	/* hvio_native.c */
extern const struct hvio_backend hvio_replay_backend;	/* hvio_replay.c */
extern const struct hvio_backend sim_backend;		/* sim/sim_backend.c */

const struct hvio_backend *const hvio_backends[] = {
	&hvio_native_backend,
	&hvio_replay_backend,
	&sim_backend,
};
const int hvio_nbackends = nitems(hvio_backends);
