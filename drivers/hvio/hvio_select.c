/*
 * Choosing the backend from the command line: hv= names a row of
 * hvio_backends[] (hvio_backends.c), and the row opens its backend,
 * with its own options.  The bus makes the choice its first step
 * (drivers/pvbus/pvbus_backend.c).
 */

#include "kern.h"
#include "cmdline.h"
#include "hvio.h"

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
