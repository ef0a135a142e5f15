/*
 * cmdline_parsed: was the command line understood?  Every word is
 * checked against the table of keys (cmdline_keys.c) before any later
 * test reads the line, and a word with a problem is named and not acted
 * on (cmdline_prune(), kernel/cmdline.h).
 */

#include "kern.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "ktap.h"
#include "selftest.h"

/* What cmdline_check() found, for the diagnostics and the reason. */
struct cmdline_tally {
	int	ct_unknown;
	int	ct_other;
	char	ct_first[CMDLINE_MSG_MAX];	/* the first problem */
};

static void
cmdline_report(void *arg, int word __unused, bool unknown, const char *msg)
{
	struct cmdline_tally *t = arg;

	ktap_diag("%s", msg);
	if (t->ct_unknown + t->ct_other == 0)
		snprintf(t->ct_first, sizeof(t->ct_first), "%s", msg);
	if (unknown)
		t->ct_unknown++;
	else
		t->ct_other++;
}

/*
 * The command line cannot be read as a whole (too long, a quote left
 * open, no boot information): say so, and forget every word, so that no
 * later test acts on part of a line.
 */
static int
cmdline_refuse(int result)
{
	ktap_diag("no option is acted on: each keeps its default");
	cmdline_clear(&cmdline);
	return result;
}

/*
 * Each word as the parser split it; a value in quotes.  kunit.py takes
 * "# Subtest: NAME" for the header of a nested test wherever it stands,
 * so a key that would start the line so has its 'S' escaped.
 */
static void
cmdline_diag_words(void)
{
	const struct cmdline_word *w;
	bool hdr;
	int i;

	for (i = 0; i < cmdline.cl_nwords; i++) {
		w = &cmdline.cl_words[i];
		hdr = strncmp(w->cw_key, "Subtest:", 8) == 0;
		if (cmdline_is_image(&cmdline, i))
			ktap_diag("image %pE", w->cw_key);
		else
			ktap_diag("%s%pE%s%pE%s", hdr ? "\\x53" : "",
			    w->cw_key + hdr, w->cw_has_value ? "=\"" : "",
			    w->cw_value, w->cw_has_value ? "\"" : "");
	}
}

/*
 * Every word must be understood before anything acts on it: a misspelt
 * key (faul=gp), a value that does not parse, or an option that does
 * nothing here (sim.fault= without hv=sim:*) would otherwise be ignored
 * in silence, and a CI job would test less than it says.  Each such
 * word is named and not acted on; the others are.  A line that did not
 * arrive whole (CMDLINE_MAX, kernel/cmdline.h) or did not parse is not
 * acted on at all.
 */
int
selftest_cmdline(void)
{
	const struct bootinfo *bi = &bootinfo;
	struct cmdline_tally t;
	int n, nwords = cmdline.cl_nwords;

	if (bi->bi_error[0] != '\0')
		return cmdline_refuse(ktap_fail("no command line: the boot "
		    "information was rejected (boot_info_parsed)"));
	if (bi->bi_cmdline_len > CMDLINE_MAX - 1) {
		ktap_diag("command line, its first 64 bytes: \"%*pE\"", 64,
		    bi->bi_cmdline);
		return cmdline_refuse(ktap_fail("command line of %u bytes, "
		    "longer than the %d the kernel accepts",
		    bi->bi_cmdline_len, CMDLINE_MAX - 1));
	}
	ktap_diag("command line \"%pE\"", bi->bi_cmdline);
	if (cmdline.cl_error[0] != '\0')
		return cmdline_refuse(ktap_fail("%s", cmdline.cl_error));
	cmdline_diag_words();
	memset(&t, 0, sizeof(t));
	if ((n = cmdline_prune(&cmdline, cmdline_keys, bi, cmdline_report,
	    &t)) == 0)
		return KTAP_PASS;
	nwords -= cmdline.cl_nwords;
	ktap_diag("%d word%s not acted on, %d %s", nwords, nwords == 1 ?
	    "" : "s", cmdline.cl_nwords, cmdline.cl_nwords == 1 ? "is" :
	    "are");
	if (t.ct_other == 0)
		return ktap_fail("%d unknown key%s", n, n == 1 ? "" : "s");
	if (n == 1)
		return ktap_fail("%s", t.ct_first);
	return ktap_fail("%d problems (above), the first: %s", n, t.ct_first);
}
