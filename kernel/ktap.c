/*
 * The KTAP writer (see ktap.h for the format and the dialect).  It keeps
 * a small stack of open documents: level 0 is the top-level plan, each
 * ktap_sub_begin() opens one more, indented two spaces deeper.  Each
 * level counts its results, so a plan that was not met is a failure and
 * a crash can close every open level with the name of the test that was
 * running there.
 *
 * Nothing here touches hardware: output goes through printf(), and the
 * unit tests run it on the host against a recording console.
 */

#include "kern.h"
#include "ktap.h"

struct ktap_level {
	int		kl_plan;
	int		kl_done;	/* results printed at this level */
	int		kl_npass, kl_nfail, kl_nskip;
	const char	*kl_running;	/* the test between start and result */
	bool		kl_sub_failed;	/* ... and one of its subtests failed */
	const struct ktap_step *kl_steps;	/* ktap_run_steps()'s, or NULL */
};

static struct ktap_level ktap_levels[KTAP_DEPTH_MAX];
static int	ktap_depth = -1;	/* index of the innermost open level */
static const struct ktest *ktap_tests;
static int	ktap_ntests;
static char	ktap_reason[256];	/* for the result about to be printed */
static struct ktap_failure ktap_failed[KTAP_FAILED_MAX];
static int	ktap_nfailed;
static char	ktap_crashed[160];	/* ktap_crash()'s what, or "" */
static char	ktap_stopped[KTAP_PATH_MAX];	/* ktap_stop() was in, or "" */

void
ktap_panic(const char *msg)
{
	static int panicking;

	printf("# panic: %s\n", msg);
	if (panicking++ == 0)
		ktap_crash(msg);
	kexit(KEXIT_PANIC);
}

/* A call the writer cannot honour, a bug in its caller: a panic. */
static void __printflike(1, 2) __noreturn
ktap_misuse(const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ktap_panic(msg);
}

static void
ktap_indent(int level)
{
	int i;

	for (i = 0; i < level; i++)
		printf("  ");
}

static bool
ktap_word_at(const unsigned char *s, const char *word)
{
	size_t i;

	for (i = 0; word[i] != '\0'; i++)
		if ((s[i] & ~0x20) != word[i])	/* ASCII upper case */
			return false;
	return true;
}

/*
 * A reason, with any '#' that a reader would take for a directive
 * written as \x23: prove (TAP::Parser) reads "# SKIP" and "# TODO" in
 * any case with any spacing, kunit.py "# SKIP", anywhere in the line.
 * Text from outside is already escaped with "%pE"; this keeps a reason
 * from ever turning a failure into a skip, whatever it quotes.
 */
static void
ktap_print_reason(const char *reason)
{
	const unsigned char *r = (const unsigned char *)reason, *p;

	for (; *r != '\0'; r++) {
		for (p = r + 1; *r == '#' && (*p == ' ' || *p == '\t'); p++)
			;
		if (*r == '#' && (ktap_word_at(p, "SKIP") ||
		    ktap_word_at(p, "TODO")))
			printf("\\x23");
		else if (*r < 0x20 || *r > 0x7e)	/* as "%s" would */
			printf("\\x%02x", (unsigned char)*r);
		else
			printf("%c", *r);
	}
}

/* "pvbus_attach/vmt0/memsize": the tests running above level, then name. */
static void
ktap_path(int level, const char *name, char *buf, size_t len)
{
	size_t n = 0;
	int l;

	buf[0] = '\0';
	for (l = 0; l < level && n < len; l++)
		n += snprintf(buf + n, len - n, "%s/",
		    ktap_levels[l].kl_running != NULL ?
		    ktap_levels[l].kl_running : "unnamed");
	if (n < len)
		snprintf(buf + n, len - n, "%s", name);
}

/*
 * A failure, for the summary: its path from the top level, unless a
 * subtest of it failed and is listed already.  Either way its parent
 * now has a failed subtest.
 */
static void
ktap_record_failure(int level, const char *name)
{
	struct ktap_failure *kf;

	if (level > 0)
		ktap_levels[level - 1].kl_sub_failed = true;
	if (ktap_levels[level].kl_sub_failed)
		return;
	if (ktap_nfailed++ >= KTAP_FAILED_MAX)
		return;
	kf = &ktap_failed[ktap_nfailed - 1];
	ktap_path(level, name, kf->kf_path, sizeof(kf->kf_path));
	kf->kf_crashed = ktap_crashed[0] != '\0';
}

static void
ktap_print_result(int level, int result, const char *name,
    const char *reason)
{
	struct ktap_level *kl = &ktap_levels[level];

	if (result != KTAP_PASS && result != KTAP_SKIP)
		ktap_record_failure(level, name);
	kl->kl_sub_failed = false;
	kl->kl_done++;
	ktap_indent(level);
	switch (result) {
	case KTAP_PASS:
		kl->kl_npass++;
		printf("ok %d %s\n", kl->kl_done, name);
		break;
	case KTAP_SKIP:
		kl->kl_nskip++;
		printf("ok %d %s # SKIP ", kl->kl_done, name);
		ktap_print_reason(reason != NULL && reason[0] != '\0' ?
		    reason : "no reason");
		printf("\n");
		break;
	default:
		kl->kl_nfail++;
		printf("not ok %d %s", kl->kl_done, name);
		if (reason != NULL && reason[0] != '\0') {
			printf(" # ");
			ktap_print_reason(reason);
		}
		printf("\n");
		break;
	}
	kl->kl_running = NULL;
}

/* The empty line first: firmware text may not end in a newline. */
void
ktap_begin(const struct ktest *tests, int ntests)
{
	ktap_tests = tests;
	ktap_ntests = ntests;
	ktap_depth = 0;
	ktap_nfailed = 0;
	ktap_crashed[0] = '\0';
	ktap_stopped[0] = '\0';
	memset(&ktap_levels[0], 0, sizeof(ktap_levels[0]));
	ktap_levels[0].kl_plan = ntests;
	printf("\nKTAP version 1\n1..%d\n", ntests);
}

static void
ktap_run_one(const struct ktest *kt)
{
	struct ktap_level *top = &ktap_levels[0];
	int result;

	top->kl_running = kt->kt_name;
	ktap_reason[0] = '\0';
	printf("# running %s\n", kt->kt_name);
	result = kt->kt_run();
	if (ktap_depth > 0) {
		/* A test that opened subtests and did not close them. */
		while (ktap_depth > 0)
			(void)ktap_sub_end();
		result = KTAP_FAIL;
		snprintf(ktap_reason, sizeof(ktap_reason),
		    "subtests left open");
	}
	ktap_print_result(0, result, kt->kt_name, ktap_reason);
}

void
ktap_run_all(void)
{
	int i;

	for (i = 0; i < ktap_ntests; i++)
		ktap_run_one(&ktap_tests[i]);
}

void
ktap_diag(const char *fmt, ...)
{
	va_list ap;

	ktap_indent(ktap_depth > 0 ? ktap_depth : 0);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int
ktap_set_reason(int result, const char *fmt, va_list ap)
{
	vsnprintf(ktap_reason, sizeof(ktap_reason), fmt, ap);
	return result;
}

int
ktap_skip(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ktap_set_reason(KTAP_SKIP, fmt, ap);
	va_end(ap);
	return r;
}

int
ktap_fail(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ktap_set_reason(KTAP_FAIL, fmt, ap);
	va_end(ap);
	return r;
}

/* A nested document, named after the test that opens it. */
void
ktap_sub_begin(int nplan)
{
	const char *parent;

	if (ktap_depth < 0)
		ktap_misuse("ktap_sub_begin: no test is running");
	if (ktap_depth + 1 >= KTAP_DEPTH_MAX)
		ktap_misuse("ktap_sub_begin: nesting deeper than %d",
		    KTAP_DEPTH_MAX);
	parent = ktap_levels[ktap_depth].kl_running;
	ktap_depth++;
	memset(&ktap_levels[ktap_depth], 0, sizeof(ktap_levels[0]));
	ktap_levels[ktap_depth].kl_plan = nplan;
	ktap_indent(ktap_depth);
	printf("KTAP version 1\n");
	ktap_indent(ktap_depth);
	printf("# Subtest: %s\n", parent != NULL ? parent : "unnamed");
	ktap_indent(ktap_depth);
	printf("1..%d\n", nplan);
}

void
ktap_sub_start(const char *name)
{
	if (ktap_depth > 0)
		ktap_levels[ktap_depth].kl_running = name;
}

/*
 * A NULL reason means the one ktap_skip() or ktap_fail() just gave; it
 * is used up here, so it cannot turn up on the parent's result.
 */
void
ktap_sub_result(int result, const char *name, const char *reason)
{
	if (ktap_depth <= 0)
		ktap_misuse("ktap_sub_result: %s: no subtest document "
		    "open", name);
	ktap_print_result(ktap_depth, result, name,
	    reason != NULL ? reason : ktap_reason);
	ktap_reason[0] = '\0';
}

int
ktap_sub_end(void)
{
	struct ktap_level *kl;

	if (ktap_depth <= 0)
		ktap_misuse("ktap_sub_end: no subtest document open");
	kl = &ktap_levels[ktap_depth--];
	if (kl->kl_done != kl->kl_plan) {
		ktap_diag("planned %d subtests, ran %d", kl->kl_plan,
		    kl->kl_done);
		return KTAP_FAIL;
	}
	if (kl->kl_nfail > 0)
		return KTAP_FAIL;
	if (kl->kl_nskip == kl->kl_done && kl->kl_done > 0)
		return KTAP_SKIP;
	return KTAP_PASS;
}

int
ktap_run_steps(const struct ktap_step *steps, int nsteps, void *arg,
    int *results)
{
	int i, result;

	ktap_sub_begin(nsteps);
	ktap_levels[ktap_depth].kl_steps = steps;
	for (i = 0; i < nsteps; i++) {
		ktap_sub_start(steps[i].ks_name);
		result = steps[i].ks_run(arg);
		if (results != NULL)
			results[i] = result;
		ktap_sub_result(result, steps[i].ks_name, NULL);
	}
	return ktap_sub_end();
}

const char *
ktap_running(void)
{
	return ktap_depth >= 0 ? ktap_levels[0].kl_running : NULL;
}

static void
ktap_totals(void)
{
	struct ktap_level *top = &ktap_levels[0];

	printf("%d passed, %d failed, %d skipped\n", top->kl_npass,
	    top->kl_nfail, top->kl_nskip);
}

/*
 * Close every open level innermost first, each with the name of its
 * running test, then skip what never ran.  A nested level with no test
 * running crashed between two subtests: its parent's result says it.
 * A crash between two top-level tests fails the one about to start, so
 * the stream itself, not only the exit status, says the run failed.
 */
void
ktap_crash(const char *what)
{
	const char *crashed = ktap_running();
	char reason[160];
	int level, i;

	snprintf(ktap_crashed, sizeof(ktap_crashed), "%s", what);
	if (ktap_depth < 0) {
		printf("# crashed before the KTAP plan: %s\n", what);
		return;
	}
	snprintf(reason, sizeof(reason), "crashed: %s", what);
	for (level = ktap_depth; level >= 0; level--) {
		if (ktap_levels[level].kl_running != NULL)
			ktap_print_result(level, KTAP_FAIL,
			    ktap_levels[level].kl_running, reason);
	}
	ktap_depth = 0;
	i = ktap_levels[0].kl_done;
	if (crashed == NULL && i < ktap_ntests) {
		/*
		 * Between two tests: no result would carry the failure, so
		 * the test that was about to start takes it.
		 */
		snprintf(reason, sizeof(reason), "crashed before it started: "
		    "%s", what);
		crashed = ktap_tests[i].kt_name;
		ktap_print_result(0, KTAP_FAIL, ktap_tests[i++].kt_name,
		    reason);
	}
	snprintf(reason, sizeof(reason), "not run: kernel crashed in %s",
	    crashed != NULL ? crashed : "between tests");
	for (; i < ktap_ntests; i++)
		ktap_print_result(0, KTAP_SKIP, ktap_tests[i].kt_name, reason);
	ktap_totals();
}

/*
 * The host asked to halt or reboot in the middle of the plan: every
 * running test and every test not run is skipped with that reason, and
 * the totals are printed, so the report stays complete.  But a running
 * test one of whose subtests had already failed is failed, not skipped:
 * the failure came before the host's request and must not vanish with
 * it.  Returns the number of top-level tests failed.
 */
int
ktap_stop(const char *why)
{
	struct ktap_level *kl;
	char reason[160], failed[200];
	bool below_failed = false;
	int level, i;

	if (ktap_depth < 0)
		return 0;
	for (level = ktap_depth; level >= 0; level--)
		if (ktap_levels[level].kl_running != NULL) {
			ktap_path(level, ktap_levels[level].kl_running,
			    ktap_stopped, sizeof(ktap_stopped));
			break;
		}
	snprintf(reason, sizeof(reason), "stopped: %s", why);
	snprintf(failed, sizeof(failed), "a subtest failed, then it was %s",
	    reason);
	for (level = ktap_depth; level >= 0; level--) {
		kl = &ktap_levels[level];
		if (kl->kl_running != NULL)
			ktap_print_result(level, below_failed ? KTAP_FAIL :
			    KTAP_SKIP, kl->kl_running, below_failed ? failed :
			    reason);
		for (i = kl->kl_done; level > 0 && i < kl->kl_plan; i++)
			ktap_print_result(level, KTAP_SKIP, kl->kl_steps != NULL ?
			    kl->kl_steps[i].ks_name : "not_run", reason);
		below_failed = kl->kl_nfail > 0;
	}
	ktap_depth = 0;
	for (i = ktap_levels[0].kl_done; i < ktap_ntests; i++)
		ktap_print_result(0, KTAP_SKIP, ktap_tests[i].kt_name, reason);
	ktap_totals();
	return ktap_levels[0].kl_nfail;
}

int
ktap_end(void)
{
	struct ktap_level *top = &ktap_levels[0];

	if (ktap_depth < 0)
		return KEXIT_FAIL;
	ktap_totals();
	return top->kl_nfail == 0 && top->kl_done == top->kl_plan ?
	    KEXIT_PASS : KEXIT_FAIL;
}

int
ktap_failures(const struct ktap_failure **list)
{
	*list = ktap_failed;
	return ktap_nfailed;
}

void
ktap_counts(int *npass, int *nfail, int *nskip, int *nplan)
{
	struct ktap_level *top = &ktap_levels[0];

	*npass = ktap_depth >= 0 ? top->kl_npass : 0;
	*nfail = ktap_depth >= 0 ? top->kl_nfail : 0;
	*nskip = ktap_depth >= 0 ? top->kl_nskip : 0;
	*nplan = ktap_depth >= 0 ? top->kl_plan : 0;
}

const char *
ktap_crash_what(void)
{
	return ktap_crashed[0] != '\0' ? ktap_crashed : NULL;
}

const char *
ktap_stop_where(void)
{
	return ktap_stopped[0] != '\0' ? ktap_stopped : NULL;
}
