/*
 * Choosing the backend from the command line (kernel only: it needs the
 * boot modules and the native instructions), and its KTAP test.
 */

#include "kern.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "hvio.h"
#include "ktap.h"
#include "pvbusvar.h"

/* A replay profile is a text file of a few KiB; this is generous. */
#define HVIO_PROFILE_MAX	(1024 * 1024)
#define HVIO_MAPPED_TOP		0x100000000ULL	/* boot.asm maps 4 GiB */

/* Boot module 0 as a dump: its bytes must be mapped, and not too many. */
static const struct hvio *
hvio_select_replay(const struct bootinfo *bi, char *err, size_t errlen)
{
	const struct bi_module *m = &bi->bi_modules[0];

	if (bi->bi_nmodules == 0) {
		snprintf(err, errlen, "hv=replay: no boot module holds a "
		    "CPUID dump");
		return NULL;
	}
	if (m->mod_end <= m->mod_start || m->mod_end > HVIO_MAPPED_TOP ||
	    m->mod_end - m->mod_start > HVIO_PROFILE_MAX) {
		snprintf(err, errlen, "hv=replay: module 0 at 0x%lx-0x%lx is "
		    "empty, above 4 GiB or over %d bytes", m->mod_start,
		    m->mod_end, HVIO_PROFILE_MAX);
		return NULL;
	}
	return hvio_replay_open((const char *)(uintptr_t)m->mod_start,
	    (size_t)(m->mod_end - m->mod_start), m->mod_string, err, errlen);
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
	snprintf(err, errlen, "hv=%s: want native or replay", hv);
	return NULL;
}

int
pvbus_test_backend(void)
{
	char err[160];

	err[0] = '\0';
	pvbus_io = hvio_select(&cmdline, &bootinfo, err, sizeof(err));
	if (pvbus_io == NULL) {
		printf("pvbus: backend error: %s\n", err);
		return ktap_fail("%s", err);
	}
	ktap_diag("backend %s%s%s", pvbus_io->io_name,
	    pvbus_io->io_detail[0] != '\0' ? ": " : "", pvbus_io->io_detail);
	return KTAP_PASS;
}
