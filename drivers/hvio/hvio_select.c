/*
 * Choosing the backend from the command line (kernel only: it needs the
 * boot modules and the native instructions).  The bus makes the choice
 * its first step (drivers/pvbus/pvbus_backend.c).
 */

#include "kern.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "hvio.h"
#include "cpuid_dump.h"
#include "simvar.h"
#include "sim_vmwarevar.h"	/* sim_vmw_script_check() */

/* A replay profile is a text file of a few KiB; this is generous. */
#define HVIO_PROFILE_MAX	(1024 * 1024)
#define HVIO_MAPPED_TOP		0x100000000ULL	/* boot.asm maps 4 GiB */

/*
 * The bytes of module m that should hold a dump: some, mapped, and not
 * too many.  Otherwise false, with the one cause in err.
 */
static bool
hvio_module_ok(const struct bootinfo *bi, const struct bi_module *m,
    char *err, size_t errlen)
{
	int i = (int)(m - bi->bi_modules);

	if (m->mod_end <= m->mod_start)
		snprintf(err, errlen, "module %d \"%pE\" is empty: no CPUID "
		    "dump in it", i, m->mod_string);
	else if (m->mod_end > HVIO_MAPPED_TOP)
		snprintf(err, errlen, "module %d \"%pE\" at 0x%lx-0x%lx ends "
		    "above 4 GiB, which the kernel does not map", i,
		    m->mod_string, m->mod_start, m->mod_end);
	else if (m->mod_end - m->mod_start > HVIO_PROFILE_MAX)
		snprintf(err, errlen, "module %d \"%pE\" is %lu bytes, over "
		    "the %d-byte limit of a CPUID dump", i, m->mod_string,
		    m->mod_end - m->mod_start, HVIO_PROFILE_MAX);
	else
		return true;
	return false;
}

/*
 * KEY=NAME names no module: say so, and which module has no name at
 * all (GRUB's module2 line with nothing after the file, or QEMU's
 * -initrd), since that one may be meant.
 */
static void
hvio_no_module(const char *what, const char *name, const struct bootinfo *bi,
    char *err, size_t errlen)
{
	int i;

	for (i = 0; i < bi->bi_nmodules; i++)
		if (bi->bi_modules[i].mod_string[0] == '\0')
			break;
	if (i == bi->bi_nmodules)
		snprintf(err, errlen, "%s%pE: no boot module by that name",
		    what, name);
	else
		snprintf(err, errlen, "%s%pE: no boot module by that name; "
		    "module %d has no name at all", what, name, i);
}

/* Boot module 0 as a dump. */
static const struct hvio *
hvio_select_replay(const struct bootinfo *bi, char *err, size_t errlen)
{
	const struct bi_module *m = &bi->bi_modules[0];

	if (bi->bi_nmodules == 0) {
		snprintf(err, errlen, "hv=replay: no boot module holds a "
		    "CPUID dump");
		return NULL;
	}
	if (!hvio_module_ok(bi, m, err, errlen))
		return NULL;
	return hvio_replay_open((const char *)(uintptr_t)m->mod_start,
	    (size_t)(m->mod_end - m->mod_start), m->mod_string, err, errlen);
}

/*
 * profile=NAME: the module whose string (without directories) is NAME,
 * parsed as a dump for the simulator's CPUID.
 */
static struct cpuid_dump *
hvio_select_profile(const char *name, const struct bootinfo *bi, char *err,
    size_t errlen)
{
	static struct cpuid_dump profile;
	const struct bi_module *m;

	if ((m = bootinfo_module(bi, name)) == NULL) {
		hvio_no_module("profile=", name, bi, err, errlen);
		return NULL;
	}
	if (!hvio_module_ok(bi, m, err, errlen))
		return NULL;
	if (cpuid_dump_parse((const char *)(uintptr_t)m->mod_start,
	    (size_t)(m->mod_end - m->mod_start), &profile) != 0) {
		snprintf(err, errlen, "profile \"%pE\": %s", name,
		    profile.cd_error);
		return NULL;
	}
	return &profile;
}

static const struct hvio *
hvio_select_sim(const char *model, const struct cmdline *cl,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	const char *faults = cmdline_get(cl, "sim.fault");
	const char *name = cmdline_get(cl, "profile");
	const char *failbyte = cmdline_get(cl, "sim.failbyte");
	struct cpuid_dump *profile = NULL;
	const struct hvio *io;
	uint32_t at = SIM_FAILBYTE_DEFAULT;

	if (failbyte != NULL && cmdline_uint("sim.failbyte", failbyte,
	    SIM_FAILBYTE_MAX, &at, err, errlen) != 0)
		return NULL;
	if (name != NULL &&
	    (profile = hvio_select_profile(name, bi, err, errlen)) == NULL)
		return NULL;
	if ((io = hvio_sim_open(model, faults != NULL ? faults : "", profile,
	    err, errlen)) == NULL)
		return NULL;
	sim.sm_script = cmdline_get(cl, "vmt.script");
	if (sim_vmw_script_check(sim.sm_script, err, errlen) != 0)
		return NULL;
	sim.sm_failbyte = at;
	return io;
}

const struct hvio *
hvio_select(const struct cmdline *cl, const struct bootinfo *bi, char *err,
    size_t errlen)
{
	const char *hv = cmdline_get(cl, "hv");

	if (hv == NULL || strcmp(hv, "native") == 0)
		return &hvio_native;
	if (strcmp(hv, "replay") == 0)
		return hvio_select_replay(bi, err, errlen);
	if (strncmp(hv, "sim:", 4) == 0)
		return hvio_select_sim(hv + 4, cl, bi, err, errlen);
	snprintf(err, errlen, "hv=%pE: want native, replay or sim:<model>",
	    hv);
	return NULL;
}

/*
 * The checks for cmdline_parsed.  What a module holds is hv_backend's
 * business; here only that the module is there at all.
 */
int
hvio_check_hv(const char *value, const struct cmdline *cl __unused,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	if (strcmp(value, "native") == 0)
		return 0;
	if (strcmp(value, "replay") == 0) {
		if (bi->bi_nmodules > 0)
			return 0;
		snprintf(err, errlen, "hv=replay needs a CPUID dump as boot "
		    "module 0, and the loader gave no module");
		return EINVAL;
	}
	if (strncmp(value, "sim:", 4) == 0)
		return sim_check_model(value + 4, err, errlen);
	snprintf(err, errlen, "hv=%pE: want native, replay or sim:<model>",
	    value);
	return EINVAL;
}

int
hvio_check_profile(const char *value, const struct cmdline *cl,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	const char *hv = cmdline_get(cl, "hv");

	if (hv == NULL || strncmp(hv, "sim:", 4) != 0) {
		snprintf(err, errlen, "profile=%pE does nothing without "
		    "hv=sim:<model>", value);
		return EINVAL;
	}
	if (bootinfo_module(bi, value) == NULL) {
		hvio_no_module("profile=", value, bi, err, errlen);
		return EINVAL;
	}
	return 0;
}

/*
 * vmt.script="cmd;cmd" or @NAME, played by sim_vmware_host.c, which
 * also judges the module (sim_vmw_script_check()).
 */
int
hvio_check_script(const char *value, const struct cmdline *cl,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	const char *hv = cmdline_get(cl, "hv");

	if (hv == NULL || strcmp(hv, "sim:vmware") != 0) {
		snprintf(err, errlen, "vmt.script= does nothing without "
		    "hv=sim:vmware (the simulated host plays it)");
		return EINVAL;
	}
	if (value[0] == '\0') {
		snprintf(err, errlen, "vmt.script= is empty");
		return EINVAL;
	}
	if (value[0] == '@' && bootinfo_module(bi, value + 1) == NULL) {
		hvio_no_module("vmt.script=@", value + 1, bi, err, errlen);
		return EINVAL;
	}
	return sim_vmw_script_check(value, err, errlen);	/* @NAME */
}
