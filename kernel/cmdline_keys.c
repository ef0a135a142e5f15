/*
 * The configuration table of the command line: every key the kernel
 * reads, the file that acts on it, and the check of its value, which
 * also checks that the options it needs are there (cmdline_check(),
 * kernel/cmdline.h).  cmdline_parsed (selftest_cmdline.c) runs them
 * before any later test reads the command line: a key not listed here,
 * a key given twice, or a value its check refuses fails the test, and
 * that word is not acted on (cmdline_prune()).
 *
 * The checks belong to the layers that act on the keys, the backend
 * choice (drivers/hvio), the bus (drivers/pvbus, which holds the
 * expect.* keys to what it found), the simulators (sim/) and a child
 * driver (drivers/pvclock): like the bus's pvconf.c, this table declares
 * them itself, with the type each file declares its own with, and
 * includes no header of theirs.
 */

#include "kern.h"
#include "cmdline.h"
#include "selftest.h"

extern cmdline_check_fn hvio_check_hv;		/* drivers/hvio */
extern cmdline_check_fn sim_check_fault;	/* sim/sim_options.c */
extern cmdline_check_fn sim_check_failbyte;
extern cmdline_check_fn sim_backend_check_profile;
extern cmdline_check_fn sim_backend_check_script;
extern cmdline_check_fn kexit_check;		/* kernel/exit.c */
extern cmdline_check_fn pvclock_check_hypercall; /* drivers/pvclock */
extern cmdline_check_fn pvbus_expect_check_hv;	/* drivers/pvbus */
extern cmdline_check_fn pvbus_expect_check_primary;
extern cmdline_check_fn pvbus_expect_check_role;
extern cmdline_check_fn pvbus_expect_check_isolation;
extern cmdline_check_fn pvbus_expect_check_children;
extern cmdline_check_fn pvbus_expect_check_vmt;
extern cmdline_check_fn pvbus_expect_check_boot;

const struct cmdline_key cmdline_keys[] = {
	{ "fault",	  "kernel/selftest.c",		selftest_check_fault },
	{ "hv",		  "drivers/hvio/hvio_select.c",	hvio_check_hv },
	{ "sim.fault",	  "sim/sim_options.c",		sim_check_fault },
	{ "profile",	  "sim/sim_backend.c",	sim_backend_check_profile },
	{ "sim.failbyte", "sim/sim_vmware_rpc.c",	sim_check_failbyte },
	{ "vmt.script",	  "sim/sim_vmware_host.c",	sim_backend_check_script },
	{ "exit",	  "kernel/exit.c",		kexit_check },
	{ "pvclock.hypercall", "drivers/pvclock/pvclock_pv.c",
	    pvclock_check_hypercall },
	{ "expect.hv",	  "drivers/pvbus/pvbus_expect.c", pvbus_expect_check_hv },
	{ "expect.primary", "drivers/pvbus/pvbus_expect.c",
	    pvbus_expect_check_primary },
	{ "expect.role",  "drivers/pvbus/pvbus_expect.c",
	    pvbus_expect_check_role },
	{ "expect.isolation", "drivers/pvbus/pvbus_expect.c",
	    pvbus_expect_check_isolation },
	{ "expect.children", "drivers/pvbus/pvbus_expect.c",
	    pvbus_expect_check_children },
	{ "expect.vmt",	  "drivers/pvbus/pvbus_expect.c",
	    pvbus_expect_check_vmt },
	{ "expect.boot",  "drivers/pvbus/pvbus_expect.c",
	    pvbus_expect_check_boot },
	{ NULL, NULL, NULL },
};
