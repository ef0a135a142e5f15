/*
 * The summary at the end of the report (see summary.h).
 *
 * It is built from what the kernel already knows when kexit() runs:
 * the status, the KTAP writer's counts and failures, the backend chosen
 * on the command line (which kexit() passes in), and what the bus
 * reported.  Lines are built
 * into buffers first, so the panel and the serial port say the same.
 */

#include "kern.h"
#include "ktap.h"
#include "screen.h"
#include "summary.h"

static struct {
	bool		 sm_identified;
	int		 sm_nhv, sm_nchild;
	struct {
		char	 h_name[40];
		uint32_t h_base;
		bool	 h_primary;
	}		 sm_hv[SUMMARY_HV_MAX];
	struct {
		char	 c_name[16];
		bool	 c_attached;
	}		 sm_child[SUMMARY_CHILD_MAX];
} sm;

void
summary_reset(void)
{
	memset(&sm, 0, sizeof(sm));
}

void
summary_identified(void)
{
	sm.sm_identified = true;
}

void
summary_hv(const char *name, uint32_t base, bool primary)
{
	if (sm.sm_nhv == SUMMARY_HV_MAX)
		return;
	snprintf(sm.sm_hv[sm.sm_nhv].h_name, sizeof(sm.sm_hv[0].h_name),
	    "%s", name);
	sm.sm_hv[sm.sm_nhv].h_base = base;
	sm.sm_hv[sm.sm_nhv++].h_primary = primary;
}

void
summary_child(const char *name, bool attached)
{
	if (sm.sm_nchild == SUMMARY_CHILD_MAX)
		return;
	snprintf(sm.sm_child[sm.sm_nchild].c_name,
	    sizeof(sm.sm_child[0].c_name), "%s", name);
	sm.sm_child[sm.sm_nchild++].c_attached = attached;
}

/* Append to a line, never past its end. */
static void	sm_cat(char *line, const char *fmt, ...) __printflike(2, 3);

static void
sm_cat(char *line, const char *fmt, ...)
{
	size_t n = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, SUMMARY_LINE_MAX - n, fmt, ap);
	va_end(ap);
}

/* The first crashed test, as the KTAP writer saw it, or NULL. */
static const char *
sm_crashed_test(void)
{
	const struct ktap_failure *kf;
	int i, n = ktap_failures(&kf);

	for (i = 0; i < n && i < KTAP_FAILED_MAX; i++)
		if (kf[i].kf_crashed)
			return kf[i].kf_path;
	return NULL;
}

static void
sm_verdict(int status, char *line)
{
	const char *what = ktap_crash_what(), *test = sm_crashed_test();
	const char *stop = ktap_stop_where();
	int npass, nfail, nskip, nplan;

	ktap_counts(&npass, &nfail, &nskip, &nplan);
	switch (status) {
	case KEXIT_PASS:
		sm_cat(line, "PASS: every test passed or was skipped");
		break;
	case KEXIT_FAIL:
		sm_cat(line, "FAIL: %d test%s failed", nfail, nfail == 1 ?
		    "" : "s");
		if (stop != NULL)
			sm_cat(line, ", then the host stopped the run in %s",
			    stop);
		break;
	case KEXIT_CRASH:
		sm_cat(line, "CRASH: %s in %s", what != NULL ? what :
		    "an exception", test != NULL ? test : "no test");
		break;
	case KEXIT_PANIC:
		sm_cat(line, "PANIC: %s", what != NULL ? what : "(no message)");
		break;
	case KEXIT_HALT:
		sm_cat(line, "HALT: the host asked the guest to power off%s%s, "
		    "and no test had failed", stop != NULL ? " in " : "",
		    stop != NULL ? stop : "");
		break;
	default:
		sm_cat(line, "EXIT: status 0x%02x", status);
		break;
	}
}

static void
sm_counts(char *line)
{
	int npass, nfail, nskip, nplan;

	ktap_counts(&npass, &nfail, &nskip, &nplan);
	sm_cat(line, "tests: %d passed, %d failed, %d skipped", npass, nfail,
	    nskip);
	if (npass + nfail + nskip != nplan)
		sm_cat(line, " of %d planned", nplan);
}

static void
sm_hypervisors(char *line)
{
	int i;

	sm_cat(line, "hypervisors: %s", sm.sm_nhv == 0 ? "none found" : "");
	for (i = 0; i < sm.sm_nhv; i++) {
		sm_cat(line, "%s%s", i > 0 ? ", " : "", sm.sm_hv[i].h_name);
		if (sm.sm_hv[i].h_base != 0)
			sm_cat(line, " at 0x%08x", sm.sm_hv[i].h_base);
		if (sm.sm_hv[i].h_primary)
			sm_cat(line, " (primary)");
	}
}

static void
sm_children(char *line)
{
	int i;

	sm_cat(line, "children: %s", sm.sm_nchild == 0 ? "none attached" :
	    "");
	for (i = 0; i < sm.sm_nchild; i++)
		sm_cat(line, "%s%s %s", i > 0 ? ", " : "",
		    sm.sm_child[i].c_name, sm.sm_child[i].c_attached ?
		    "attached" : "failed to attach");
}

/* A backend other than the machine itself, so no one is misled. */
static bool
sm_backend(const char *hv, char *line)
{
	if (hv == NULL || strcmp(hv, "native") == 0)
		return false;
	sm_cat(line, "backend: hv=%pE, %s", hv, strcmp(hv, "replay") == 0 ?
	    "a recorded CPUID dump" :
	    "a simulated hypervisor, not this machine's");
	return true;
}

static void
sm_failed(char *line)
{
	const struct ktap_failure *kf;
	int i, n = ktap_failures(&kf);

	sm_cat(line, "failed: %s", n == 0 ? "none" : "");
	for (i = 0; i < n && i < KTAP_FAILED_MAX; i++)
		sm_cat(line, "%s%s%s", i > 0 ? ", " : "", kf[i].kf_path,
		    kf[i].kf_crashed ? " (crashed)" : "");
	if (n > KTAP_FAILED_MAX)
		sm_cat(line, " and %d more", n - KTAP_FAILED_MAX);
}

int
summary_lines(int status, const char *backend,
    char lines[][SUMMARY_LINE_MAX], int max)
{
	int n = 0;

	if (max < 6)
		return 0;
	memset(lines, 0, (size_t)max * SUMMARY_LINE_MAX);
	sm_verdict(status, lines[n++]);
	sm_counts(lines[n++]);
	if (sm.sm_identified) {
		sm_hypervisors(lines[n++]);
		sm_children(lines[n++]);
	}
	if (sm_backend(backend, lines[n]))
		n++;
	sm_failed(lines[n++]);
	return n;
}

uint8_t
summary_attr(int status)
{
	if (status == KEXIT_PASS)
		return SCR_ATTR(SCR_WHITE, SCR_GREEN);
	if (status == KEXIT_HALT)
		return SCR_ATTR(SCR_WHITE, SCR_BROWN);
	return SCR_ATTR(SCR_WHITE, SCR_RED);
}

void
summary_show(int status, bool halted, const char *backend,
    summary_draw_fn *draw)
{
	static char lines[SUMMARY_LINES_MAX][SUMMARY_LINE_MAX];
	const char *panel[SUMMARY_LINES_MAX + 1];
	char head[SUMMARY_LINE_MAX + 16], last[SUMMARY_LINE_MAX];
	int i, n;

	n = summary_lines(status, backend, lines, SUMMARY_LINES_MAX);
	snprintf(head, sizeof(head), "pvbus testbed: %s", lines[0]);
	panel[0] = head;
	for (i = 1; i < n; i++)
		panel[i] = lines[i];
	if (halted)
		snprintf(last, sizeof(last), "exit status 0x%02x: halted "
		    "here for you to read (exit=halt)", status);
	else
		snprintf(last, sizeof(last), "exit status 0x%02x, QEMU exit "
		    "code %d where QEMU's exit port is; halted otherwise",
		    status, (status << 1) | 1);
	panel[n] = last;
	draw(panel, n + 1, summary_attr(status));
	for (i = 0; i < n; i++)
		printf("# summary: %s\n", lines[i]);
}
