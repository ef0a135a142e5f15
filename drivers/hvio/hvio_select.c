/*
 * Choosing the backend from the command line (kernel only: it needs the
 * boot modules and the native instructions): hv= names a row of
 * hvio_backends[] (hvio_backends.c).  The bus makes the choice its
 * first step (drivers/pvbus/pvbus_backend.c).  The native and replay
 * rows are here; a backend's own options are its row's business.
 */

#include "kern.h"
#include "bootinfo.h"
#include "cmdline.h"
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

static const struct hvio *
hvio_open_native(const char *arg __unused, const struct cmdline *cl __unused,
    const struct bootinfo *bi __unused, char *err __unused,
    size_t errlen __unused)
{
	return &hvio_native;
}

/* Boot module 0 as a dump. */
static const struct hvio *
hvio_open_replay(const char *arg __unused, const struct cmdline *cl __unused,
    const struct bootinfo *bi, char *err, size_t errlen)
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

/* What a module holds is hv_backend's business; here only that it is. */
static int
hvio_check_replay(const char *arg __unused, const struct bootinfo *bi,
    char *err, size_t errlen)
{
	if (bi->bi_nmodules > 0)
		return 0;
	snprintf(err, errlen, "hv=replay needs a CPUID dump as boot module 0, "
	    "and the loader gave no module");
	return EINVAL;
}

const struct hvio_backend hvio_native_backend = {
	"native", "native", hvio_open_native, NULL
};

const struct hvio_backend hvio_replay_backend = {
	"replay", "replay", hvio_open_replay, hvio_check_replay
};

/* The row hv names, with *argp what follows a "name:" prefix; or NULL. */
static const struct hvio_backend *
hvio_lookup(const char *hv, const char **argp)
{
	const struct hvio_backend *hb;
	size_t len;
	bool prefix;
	int i;

	for (i = 0; i < hvio_nbackends; i++) {
		hb = hvio_backends[i];
		len = strlen(hb->hb_name);
		prefix = len > 0 && hb->hb_name[len - 1] == ':';
		if (prefix ? strncmp(hv, hb->hb_name, len) == 0 :
		    strcmp(hv, hb->hb_name) == 0) {
			*argp = prefix ? hv + len : "";
			return hb;
		}
	}
	return NULL;
}

/* "hv=VALUE: want native, replay or sim:<model>". */
static void
hvio_want(const char *value, char *err, size_t errlen)
{
	size_t n;
	int i;

	n = (size_t)snprintf(err, errlen, "hv=%pE: want ", value);
	for (i = 0; i < hvio_nbackends && n < errlen; i++)
		n += (size_t)snprintf(err + n, errlen - n, "%s%s", i == 0 ?
		    "" : i + 1 == hvio_nbackends ? " or " : ", ",
		    hvio_backends[i]->hb_usage);
}

const struct hvio *
hvio_select(const struct cmdline *cl, const struct bootinfo *bi, char *err,
    size_t errlen)
{
	const struct hvio_backend *hb;
	const char *hv = cmdline_get(cl, "hv"), *arg;

	if ((hb = hvio_lookup(hv != NULL ? hv : "native", &arg)) == NULL) {
		hvio_want(hv, err, errlen);
		return NULL;
	}
	return hb->hb_open(arg, cl, bi, err, errlen);
}

int
hvio_check_hv(const char *value, const struct cmdline *cl __unused,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	const struct hvio_backend *hb;
	const char *arg;

	if ((hb = hvio_lookup(value, &arg)) == NULL) {
		hvio_want(value, err, errlen);
		return EINVAL;
	}
	return hb->hb_check != NULL ? hb->hb_check(arg, bi, err, errlen) : 0;
}
