/*
 * Boot modules as a backend's input: a module that should hold a CPUID
 * dump (the replay's module 0, the simulators' profile=), and the one
 * sentence for an option that names no module.  Boot information is
 * the caller's, so the host tools can use these too.
 */

#include "kern.h"
#include "bootinfo.h"
#include "hvio.h"

/* A replay profile is a text file of a few KiB; this is generous. */
#define HVIO_PROFILE_MAX	(1024 * 1024)
#define HVIO_MAPPED_TOP		0x100000000ULL	/* boot.asm maps 4 GiB */

/*
 * The bytes of module m that should hold a dump: some, mapped, and not
 * too many.  Otherwise false, with the one cause in err.
 */
bool
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
void
hvio_module_missing(const char *what, const char *name, const struct bootinfo *bi,
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
