/*
 * The KTAP writer (kernel/ktap.c): every test here runs a small plan of
 * struct ktest entries through ktap_begin() / ktap_run_all() /
 * ktap_end() and compares the whole recorded console text with what
 * ktap.h promises.  fake_cons.c records printf's bytes as they are
 * ("\n", not the "\r\n" the real console.c sends), and its kexit() and
 * panic() come back here through setjmp, the way the trap handler's
 * ktap_crash() + kexit(KEXIT_CRASH) would stop the machine.
 *
 * ktap.c keeps static state that only ktap_begin() resets, and nothing
 * returns it to "before the plan": test_crash_before_plan must be first
 * in the table.  Last, the output of a whole run is fed to Perl's prove
 * (if installed), the parser the boot tests are read with.
 */

#define _POSIX_C_SOURCE	200809L	/* mkstemp, close, unlink */

#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "kern.h"
#include "ktap.h"

static jmp_buf	kexit_jmp;

/*
 * Run ktap_run_all() and return true if the kernel stopped (kexit, also
 * from panic) instead of returning.  The status is in fake_kexit_status.
 */
static bool
run_all_until_kexit(void)
{
	fake_kexit_jmp = &kexit_jmp;
	if (setjmp(kexit_jmp) != 0) {
		fake_kexit_jmp = NULL;
		return true;
	}
	ktap_run_all();
	fake_kexit_jmp = NULL;
	return false;
}

/* What the trap handler does once it has printed its register dump. */
static void
crash(const char *what)
{
	ktap_crash(what);
	kexit(KEXIT_CRASH);
}

static int
t_pass(void)
{
	return KTAP_PASS;
}

/* ------------------------------------------------------------------ */

static const char *running_seen;

static int
t_sub_begin_too_early(void)
{
	ktap_sub_begin(1);
	return KTAP_PASS;
}

/* Runs first: before ktap_begin() there is no plan to report into. */
static void
test_crash_before_plan(void)
{
	jmp_buf jb;

	CHECK(ktap_running() == NULL);
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
	CHECK_STR(fake_cons_buf, "");			/* no totals line */
	ktap_crash("#UD at 0x100010");
	CHECK_STR(fake_cons_buf,
	    "# crashed before the KTAP plan: #UD at 0x100010\n");

	fake_cons_reset();
	fake_kexit_jmp = &jb;
	if (setjmp(jb) == 0) {
		(void)t_sub_begin_too_early();
		CHECK(!"ktap_sub_begin() before the plan returned");
	}
	CHECK_EQ_INT(fake_kexit_status, KEXIT_PANIC);
	CHECK_STR(fake_cons_buf,
	    "# panic: ktap_sub_begin: no test is running\n"
	    "# crashed before the KTAP plan: ktap_sub_begin: no test is "
	    "running\n");
	CHECK(ktap_running() == NULL);
}

/* ------------------------------------------------------------------ */

/* The empty line first, then the version and the plan, "\n" each. */
static void
test_header_and_plan(void)
{
	static const struct ktest three[] = {
		{ "a", t_pass }, { "b", t_pass }, { "c", t_pass },
	};

	ktap_begin(three, nitems(three));
	CHECK_STR(fake_cons_buf, "\nKTAP version 1\n1..3\n");
	CHECK_EQ_INT(fake_cons_len, 1 + 15 + 5);
	CHECK(strchr(fake_cons_buf, '\r') == NULL);	/* console.c's job */
	CHECK(ktap_running() == NULL);			/* nothing ran yet */

	fake_cons_reset();
	ktap_begin(NULL, 0);
	ktap_run_all();
	CHECK_EQ_INT(ktap_end(), KEXIT_PASS);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n1..0\n0 passed, 0 failed, 0 skipped\n");
}

/* ------------------------------------------------------------------ */

static int
t_check_running(void)
{
	running_seen = ktap_running();
	return KTAP_PASS;
}

static int
t_fail_reason(void)
{
	return ktap_fail("wanted %d, got %s", 42, "nothing");
}

/* The reason of the test before must not carry over. */
static int
t_fail_plain(void)
{
	return KTAP_FAIL;
}

static int
t_skip_reason(void)
{
	return ktap_skip("no %s bit", "hypervisor");
}

static int
t_skip_plain(void)
{
	return KTAP_SKIP;
}

static int
t_skip_empty(void)
{
	return ktap_skip("%s", "");
}

static int
t_result_unknown(void)
{
	return 7;
}

static const struct ktest results[] = {
	{ "checks_running",	t_check_running },
	{ "fails_with_reason",	t_fail_reason },
	{ "fails_plainly",	t_fail_plain },
	{ "skips_with_reason",	t_skip_reason },
	{ "skips_plainly",	t_skip_plain },
	{ "skips_empty",	t_skip_empty },
	{ "returns_7",		t_result_unknown },
};

static void
test_ok_not_ok_and_skip_lines(void)
{
	running_seen = NULL;
	ktap_begin(results, nitems(results));
	ktap_run_all();
	CHECK_STR(running_seen, "checks_running");
	CHECK(ktap_running() == NULL);		/* cleared by the result */
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..7\n"
	    "# running checks_running\n"
	    "ok 1 checks_running\n"
	    "# running fails_with_reason\n"
	    "not ok 2 fails_with_reason # wanted 42, got nothing\n"
	    "# running fails_plainly\n"
	    "not ok 3 fails_plainly\n"
	    "# running skips_with_reason\n"
	    "ok 4 skips_with_reason # SKIP no hypervisor bit\n"
	    "# running skips_plainly\n"
	    "ok 5 skips_plainly # SKIP no reason\n"
	    "# running skips_empty\n"
	    "ok 6 skips_empty # SKIP no reason\n"
	    "# running returns_7\n"
	    "not ok 7 returns_7\n"
	    "1 passed, 3 failed, 3 skipped\n");
}

/*
 * A reason that quotes a directive, raw or through "%s", still reads as
 * the failure it is: prove takes "# skip" and "#TODO" in any case and
 * spacing, kunit.py "# SKIP" anywhere on the line.
 */
static int
t_reason_quotes_skip(void)
{
	return ktap_fail("fault=%s: unknown", "x # SKIP y #todo z");
}

static int
t_reason_has_vector(void)
{
	return ktap_fail("#GP at 0x1000; #\tSkip\n");
}

static const struct ktest forged[] = {
	{ "quotes_skip",	t_reason_quotes_skip },
	{ "has_vector",		t_reason_has_vector },
};

static void
test_reason_cannot_become_a_directive(void)
{
	ktap_begin(forged, nitems(forged));
	ktap_run_all();
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..2\n"
	    "# running quotes_skip\n"
	    "not ok 1 quotes_skip # fault=x \\x23 SKIP y \\x23todo z: unknown\n"
	    "# running has_vector\n"
	    "not ok 2 has_vector # #GP at 0x1000; \\x23\\x09Skip\\x0a\n"
	    "0 passed, 2 failed, 0 skipped\n");
}

/* Skips are not failures; one failure is. */
static void
test_end_pass_and_fail(void)
{
	static const struct ktest passes[] = {
		{ "p1", t_pass }, { "s1", t_skip_reason }, { "p2", t_pass },
	};
	static const struct ktest skips[] = {
		{ "s1", t_skip_plain }, { "s2", t_skip_reason },
	};
	static const struct ktest one_fail[] = {
		{ "p1", t_pass }, { "f1", t_fail_plain },
		{ "s1", t_skip_plain },
	};

	ktap_begin(passes, nitems(passes));
	ktap_run_all();
	CHECK_EQ_INT(ktap_end(), KEXIT_PASS);
	CHECK_CONTAINS(fake_cons_buf, "\n2 passed, 0 failed, 1 skipped\n");

	fake_cons_reset();
	ktap_begin(skips, nitems(skips));
	ktap_run_all();
	CHECK_EQ_INT(ktap_end(), KEXIT_PASS);
	CHECK_CONTAINS(fake_cons_buf, "\n0 passed, 0 failed, 2 skipped\n");

	fake_cons_reset();
	ktap_begin(one_fail, nitems(one_fail));
	ktap_run_all();
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
	CHECK_CONTAINS(fake_cons_buf, "\n1 passed, 1 failed, 1 skipped\n");
}

/* A plan that never ran is not a pass. */
static void
test_end_with_plan_not_run_fails(void)
{
	ktap_begin(results, 2);
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n1..2\n0 passed, 0 failed, 0 skipped\n");
}

/* ------------------------------------------------------------------ */

static int
t_diag_levels(void)
{
	ktap_diag("top %d", 1);
	ktap_sub_begin(1);
	ktap_diag("in the subtest");
	ktap_sub_start("deeper");
	ktap_sub_begin(1);
	ktap_diag("two levels down, %s", "x");
	ktap_sub_result(KTAP_PASS, "leaf", NULL);
	ktap_sub_result(ktap_sub_end(), "deeper", NULL);
	ktap_diag("back in the subtest");
	(void)ktap_sub_end();
	ktap_diag("back at the top");
	return KTAP_PASS;
}

static void
test_diag_follows_depth(void)
{
	static const struct ktest t[] = { { "diag_levels", t_diag_levels } };

	ktap_begin(t, nitems(t));
	ktap_run_all();
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..1\n"
	    "# running diag_levels\n"
	    "# top 1\n"
	    "  KTAP version 1\n"
	    "  # Subtest: diag_levels\n"
	    "  1..1\n"
	    "  # in the subtest\n"
	    "    KTAP version 1\n"
	    "    # Subtest: deeper\n"
	    "    1..1\n"
	    "    # two levels down, x\n"
	    "    ok 1 leaf\n"
	    "  ok 1 deeper\n"
	    "  # back in the subtest\n"
	    "# back at the top\n"
	    "ok 1 diag_levels\n");
}

/* ------------------------------------------------------------------ */

static int	sub_end_seen[7];

static int
t_sub_all_pass(void)
{
	ktap_sub_begin(2);
	ktap_sub_result(KTAP_PASS, "a", NULL);
	ktap_sub_result(KTAP_PASS, "b", "ignored for a pass");
	return sub_end_seen[0] = ktap_sub_end();
}

static int
t_sub_one_fails(void)
{
	ktap_sub_begin(3);
	ktap_sub_result(KTAP_PASS, "a", NULL);
	ktap_sub_result(KTAP_FAIL, "b", "RPC open failed (EIO)");
	ktap_sub_result(KTAP_SKIP, "c", "needs b");
	return sub_end_seen[1] = ktap_sub_end();
}

static int
t_sub_all_skip(void)
{
	ktap_sub_begin(2);
	ktap_sub_result(KTAP_SKIP, "a", "no backdoor");
	ktap_sub_result(KTAP_SKIP, "b", NULL);
	return sub_end_seen[2] = ktap_sub_end();
}

static int
t_sub_pass_and_skip(void)
{
	ktap_sub_begin(2);
	ktap_sub_result(KTAP_SKIP, "a", "");
	ktap_sub_result(KTAP_PASS, "b", NULL);
	return sub_end_seen[3] = ktap_sub_end();
}

static int
t_sub_plan_short(void)
{
	ktap_sub_begin(3);
	ktap_sub_result(KTAP_PASS, "a", NULL);
	return sub_end_seen[4] = ktap_sub_end();
}

static int
t_sub_plan_over(void)
{
	ktap_sub_begin(1);
	ktap_sub_result(KTAP_PASS, "a", NULL);
	ktap_sub_result(KTAP_PASS, "b", NULL);
	return sub_end_seen[5] = ktap_sub_end();
}

/* An empty document (plan 0, nothing run) is a pass, not a skip. */
static int
t_sub_empty(void)
{
	ktap_sub_begin(0);
	return sub_end_seen[6] = ktap_sub_end();
}

static const struct ktest subs[] = {
	{ "all_pass",		t_sub_all_pass },
	{ "one_fails",		t_sub_one_fails },
	{ "all_skip",		t_sub_all_skip },
	{ "pass_and_skip",	t_sub_pass_and_skip },
	{ "plan_short",		t_sub_plan_short },
	{ "plan_over",		t_sub_plan_over },
	{ "empty",		t_sub_empty },
};

static void
test_subtest_results(void)
{
	memset(sub_end_seen, 0xff, sizeof(sub_end_seen));
	ktap_begin(subs, nitems(subs));
	ktap_run_all();
	CHECK_EQ_INT(sub_end_seen[0], KTAP_PASS);
	CHECK_EQ_INT(sub_end_seen[1], KTAP_FAIL);
	CHECK_EQ_INT(sub_end_seen[2], KTAP_SKIP);
	CHECK_EQ_INT(sub_end_seen[3], KTAP_PASS);
	CHECK_EQ_INT(sub_end_seen[4], KTAP_FAIL);
	CHECK_EQ_INT(sub_end_seen[5], KTAP_FAIL);
	CHECK_EQ_INT(sub_end_seen[6], KTAP_PASS);
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..7\n"
	    "# running all_pass\n"
	    "  KTAP version 1\n"
	    "  # Subtest: all_pass\n"
	    "  1..2\n"
	    "  ok 1 a\n"
	    "  ok 2 b\n"
	    "ok 1 all_pass\n"
	    "# running one_fails\n"
	    "  KTAP version 1\n"
	    "  # Subtest: one_fails\n"
	    "  1..3\n"
	    "  ok 1 a\n"
	    "  not ok 2 b # RPC open failed (EIO)\n"
	    "  ok 3 c # SKIP needs b\n"
	    "not ok 2 one_fails\n"
	    "# running all_skip\n"
	    "  KTAP version 1\n"
	    "  # Subtest: all_skip\n"
	    "  1..2\n"
	    "  ok 1 a # SKIP no backdoor\n"
	    "  ok 2 b # SKIP no reason\n"
	    "ok 3 all_skip # SKIP no reason\n"
	    "# running pass_and_skip\n"
	    "  KTAP version 1\n"
	    "  # Subtest: pass_and_skip\n"
	    "  1..2\n"
	    "  ok 1 a # SKIP no reason\n"
	    "  ok 2 b\n"
	    "ok 4 pass_and_skip\n"
	    "# running plan_short\n"
	    "  KTAP version 1\n"
	    "  # Subtest: plan_short\n"
	    "  1..3\n"
	    "  ok 1 a\n"
	    "# planned 3 subtests, ran 1\n"
	    "not ok 5 plan_short\n"
	    "# running plan_over\n"
	    "  KTAP version 1\n"
	    "  # Subtest: plan_over\n"
	    "  1..1\n"
	    "  ok 1 a\n"
	    "  ok 2 b\n"
	    "# planned 1 subtests, ran 2\n"
	    "not ok 6 plan_over\n"
	    "# running empty\n"
	    "  KTAP version 1\n"
	    "  # Subtest: empty\n"
	    "  1..0\n"
	    "ok 7 empty\n"
	    "3 passed, 3 failed, 1 skipped\n");
}

/* ------------------------------------------------------------------ */

/* The nested document's name is the running subtest one level up. */
static int
t_nested(void)
{
	int r;

	ktap_sub_begin(3);
	ktap_sub_start("inner");
	ktap_sub_begin(2);
	ktap_sub_result(KTAP_PASS, "leaf1", NULL);
	ktap_sub_result(KTAP_FAIL, "leaf2", "bad leaf");
	r = ktap_sub_end();
	ktap_sub_result(r, "inner", NULL);
	ktap_sub_begin(1);		/* no ktap_sub_start() before it */
	ktap_sub_result(KTAP_SKIP, "leaf3", "later");
	ktap_sub_result(ktap_sub_end(), "anonymous", NULL);
	ktap_sub_result(KTAP_PASS, "sibling", NULL);
	return ktap_sub_end();
}

static void
test_nested_subtests(void)
{
	static const struct ktest t[] = {
		{ "outer", t_nested }, { "after", t_pass },
	};

	ktap_begin(t, nitems(t));
	ktap_run_all();
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..2\n"
	    "# running outer\n"
	    "  KTAP version 1\n"
	    "  # Subtest: outer\n"
	    "  1..3\n"
	    "    KTAP version 1\n"
	    "    # Subtest: inner\n"
	    "    1..2\n"
	    "    ok 1 leaf1\n"
	    "    not ok 2 leaf2 # bad leaf\n"
	    "  not ok 1 inner\n"
	    "    KTAP version 1\n"
	    "    # Subtest: unnamed\n"
	    "    1..1\n"
	    "    ok 1 leaf3 # SKIP later\n"
	    "  ok 2 anonymous # SKIP no reason\n"
	    "  ok 3 sibling\n"
	    "not ok 1 outer\n"
	    "# running after\n"
	    "ok 2 after\n"
	    "1 passed, 1 failed, 0 skipped\n");
}

/* ------------------------------------------------------------------ */

static int
t_leaves_one_open(void)
{
	ktap_sub_begin(2);
	ktap_sub_result(KTAP_PASS, "a", NULL);
	return KTAP_PASS;
}

/* Plans met, but still open: closed silently, the test still fails. */
static int
t_leaves_two_open(void)
{
	ktap_sub_begin(1);
	ktap_sub_start("mid");
	ktap_sub_begin(1);
	ktap_sub_result(KTAP_PASS, "b", NULL);
	return ktap_skip("claims a skip");
}

static int
t_diag_after(void)
{
	ktap_diag("at the top again");
	return KTAP_PASS;
}

static void
test_subtests_left_open(void)
{
	static const struct ktest t[] = {
		{ "leaks_one", t_leaves_one_open },
		{ "leaks_two", t_leaves_two_open },
		{ "next", t_diag_after },
	};

	ktap_begin(t, nitems(t));
	ktap_run_all();
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..3\n"
	    "# running leaks_one\n"
	    "  KTAP version 1\n"
	    "  # Subtest: leaks_one\n"
	    "  1..2\n"
	    "  ok 1 a\n"
	    "# planned 2 subtests, ran 1\n"
	    "not ok 1 leaks_one # subtests left open\n"
	    "# running leaks_two\n"
	    "  KTAP version 1\n"
	    "  # Subtest: leaks_two\n"
	    "  1..1\n"
	    "    KTAP version 1\n"
	    "    # Subtest: mid\n"
	    "    1..1\n"
	    "    ok 1 b\n"
	    "# planned 1 subtests, ran 0\n"
	    "not ok 2 leaks_two # subtests left open\n"
	    "# running next\n"
	    "# at the top again\n"
	    "ok 3 next\n"
	    "1 passed, 2 failed, 0 skipped\n");
}

/* ------------------------------------------------------------------ */

static bool	ran_after_crash;

static int
t_crashes(void)
{
	ktap_diag("raising #GP on purpose");
	crash("#GP at 0x102345");
	return KTAP_PASS;
}

static int
t_not_reached(void)
{
	ran_after_crash = true;
	return KTAP_PASS;
}

static void
test_crash_in_top_level_test(void)
{
	static const struct ktest t[] = {
		{ "first", t_pass },
		{ "skipper", t_skip_reason },
		{ "deliberate_fault", t_crashes },
		{ "later", t_not_reached },
		{ "last", t_not_reached },
	};

	ran_after_crash = false;
	ktap_begin(t, nitems(t));
	CHECK(run_all_until_kexit());
	CHECK_EQ_INT(fake_kexit_status, KEXIT_CRASH);
	CHECK(!ran_after_crash);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..5\n"
	    "# running first\n"
	    "ok 1 first\n"
	    "# running skipper\n"
	    "ok 2 skipper # SKIP no hypervisor bit\n"
	    "# running deliberate_fault\n"
	    "# raising #GP on purpose\n"
	    "not ok 3 deliberate_fault # crashed: #GP at 0x102345\n"
	    "ok 4 later # SKIP not run: kernel crashed in deliberate_fault\n"
	    "ok 5 last # SKIP not run: kernel crashed in deliberate_fault\n"
	    "1 passed, 1 failed, 3 skipped\n");
	fake_cons_reset();
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);	/* were it called after */
}

/* The last test crashing: nothing left to skip. */
static void
test_crash_in_last_test(void)
{
	static const struct ktest t[] = {
		{ "first", t_pass }, { "deliberate_fault", t_crashes },
	};

	ktap_begin(t, nitems(t));
	CHECK(run_all_until_kexit());
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..2\n"
	    "# running first\n"
	    "ok 1 first\n"
	    "# running deliberate_fault\n"
	    "# raising #GP on purpose\n"
	    "not ok 2 deliberate_fault # crashed: #GP at 0x102345\n"
	    "1 passed, 1 failed, 0 skipped\n");
}

static int
t_crash_in_subtest(void)
{
	ktap_sub_begin(3);
	ktap_sub_start("x");
	ktap_sub_result(KTAP_PASS, "x", NULL);
	ktap_sub_start("y");
	crash("#PF at 0x2000");
	return KTAP_PASS;
}

/* Three levels open: each reports its running test, innermost first. */
static int
t_crash_two_down(void)
{
	ktap_sub_begin(2);
	ktap_sub_start("mid");
	ktap_sub_begin(2);
	ktap_sub_result(KTAP_PASS, "leaf1", NULL);
	ktap_sub_start("leaf2");
	crash("#DE at 0x3000");
	return KTAP_PASS;
}

/* Between two subtests: only the parent is named. */
static int
t_crash_between_subtests(void)
{
	ktap_sub_begin(2);
	ktap_sub_start("x");
	ktap_sub_result(KTAP_PASS, "x", NULL);
	crash("#UD at 0x4000");
	return KTAP_PASS;
}

static void
test_crash_in_subtests(void)
{
	static const struct ktest one[] = {
		{ "a", t_pass }, { "b", t_crash_in_subtest },
		{ "c", t_not_reached },
	};
	static const struct ktest two[] = { { "top", t_crash_two_down } };
	static const struct ktest between[] = {
		{ "top", t_crash_between_subtests }, { "z", t_not_reached },
	};

	ran_after_crash = false;
	ktap_begin(one, nitems(one));
	CHECK(run_all_until_kexit());
	CHECK_EQ_INT(fake_kexit_status, KEXIT_CRASH);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..3\n"
	    "# running a\n"
	    "ok 1 a\n"
	    "# running b\n"
	    "  KTAP version 1\n"
	    "  # Subtest: b\n"
	    "  1..3\n"
	    "  ok 1 x\n"
	    "  not ok 2 y # crashed: #PF at 0x2000\n"
	    "not ok 2 b # crashed: #PF at 0x2000\n"
	    "ok 3 c # SKIP not run: kernel crashed in b\n"
	    "1 passed, 1 failed, 1 skipped\n");

	fake_cons_reset();
	ktap_begin(two, nitems(two));
	CHECK(run_all_until_kexit());
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..1\n"
	    "# running top\n"
	    "  KTAP version 1\n"
	    "  # Subtest: top\n"
	    "  1..2\n"
	    "    KTAP version 1\n"
	    "    # Subtest: mid\n"
	    "    1..2\n"
	    "    ok 1 leaf1\n"
	    "    not ok 2 leaf2 # crashed: #DE at 0x3000\n"
	    "  not ok 1 mid # crashed: #DE at 0x3000\n"
	    "not ok 1 top # crashed: #DE at 0x3000\n"
	    "0 passed, 1 failed, 0 skipped\n");

	fake_cons_reset();
	ktap_begin(between, nitems(between));
	CHECK(run_all_until_kexit());
	CHECK(!ran_after_crash);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..2\n"
	    "# running top\n"
	    "  KTAP version 1\n"
	    "  # Subtest: top\n"
	    "  1..2\n"
	    "  ok 1 x\n"
	    "not ok 1 top # crashed: #UD at 0x4000\n"
	    "ok 2 z # SKIP not run: kernel crashed in top\n"
	    "0 passed, 1 failed, 1 skipped\n");
	/* The crash closed every level: a new plan starts at the top. */
	CHECK(ktap_running() == NULL);
}

/*
 * After the plan, before the first test (or between two): no test was
 * running, so the test about to start takes the failure and the rest are
 * skipped; the stream alone must not read as a pass.
 */
static void
test_crash_between_tests(void)
{
	static const struct ktest t[] = {
		{ "a", t_not_reached }, { "b", t_not_reached },
	};

	ktap_begin(t, nitems(t));
	fake_cons_reset();
	ktap_crash("#NMI at 0x5000");
	CHECK_STR(fake_cons_buf,
	    "not ok 1 a # crashed before it started: #NMI at 0x5000\n"
	    "ok 2 b # SKIP not run: kernel crashed in a\n"
	    "0 passed, 1 failed, 1 skipped\n");
}

/* ------------------------------------------------------------------ */

static void
expect_panic(void (*f)(void), const char *want)
{
	jmp_buf jb;

	fake_cons_reset();
	fake_kexit_jmp = &jb;
	if (setjmp(jb) == 0) {
		f();
		CHECK(!"no panic");
	}
	fake_kexit_jmp = NULL;
	CHECK_EQ_INT(fake_kexit_status, KEXIT_PANIC);
	CHECK_STR(fake_cons_buf, want);
}

static void
result_at_top(void)
{
	ktap_sub_result(KTAP_PASS, "orphan", NULL);
}

static void
end_at_top(void)
{
	(void)ktap_sub_end();
}

/* Levels 1, 2 and 3 fit in KTAP_DEPTH_MAX 4; a fourth does not. */
static void
nest_too_deep(void)
{
	int i;

	for (i = 0; i < KTAP_DEPTH_MAX; i++)
		ktap_sub_begin(1);
}

static void
test_subtest_misuse_panics(void)
{
	ktap_begin(NULL, 0);
	expect_panic(result_at_top,
	    "# panic: ktap_sub_result: orphan: no subtest document open\n");
	expect_panic(end_at_top,
	    "# panic: ktap_sub_end: no subtest document open\n");
	ktap_begin(NULL, 0);
	expect_panic(nest_too_deep,
	    "  KTAP version 1\n  # Subtest: unnamed\n  1..1\n"
	    "    KTAP version 1\n    # Subtest: unnamed\n    1..1\n"
	    "      KTAP version 1\n      # Subtest: unnamed\n      1..1\n"
	    "# panic: ktap_sub_begin: nesting deeper than 4\n");
}

/* ------------------------------------------------------------------ */

/*
 * Write the recorded console to a file and run "prove --exec cat" on
 * it; returns whether prove passed it (exit status 0).  prove's own
 * report is shown only when that is not what the caller expects.
 */
static bool
prove_passes(bool expect)
{
	char path[] = "/tmp/test_ktap.XXXXXX";
	char cmd[128];
	int fd, st;
	FILE *f;

	if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		printf("# test_ktap: no temporary file\n");
		return !expect;
	}
	fwrite(fake_cons_buf, 1, fake_cons_len, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "prove --exec cat %s >%s.out 2>&1",
	    path, path);
	st = system(cmd);
	st = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if ((st == 0) != expect) {
		snprintf(cmd, sizeof(cmd), "sed 's/^/#   prove: /' %s.out",
		    path);
		(void)system(cmd);
	}
	unlink(path);
	snprintf(cmd, sizeof(cmd), "%s.out", path);
	unlink(cmd);
	return st == 0;
}

static int
t_typical_subtests(void)
{
	ktap_diag("two children");
	ktap_sub_begin(2);
	ktap_sub_result(KTAP_PASS, "hvbit", NULL);
	ktap_sub_result(KTAP_SKIP, "bases", "no hypervisor bit");
	return ktap_sub_end();
}

static void
test_prove_accepts_the_stream(void)
{
	static const struct ktest good[] = {
		{ "boot_info_parsed", t_pass },
		{ "pvbus", t_typical_subtests },
		{ "fault", t_skip_reason },
	};
	static const struct ktest bad[] = {
		{ "boot_info_parsed", t_pass },
		{ "broken", t_fail_reason },
	};
	static const struct ktest crashing[] = {
		{ "pvbus", t_typical_subtests },
		{ "deliberate_fault", t_crashes },
		{ "later", t_not_reached },
	};
	bool have_prove;

	have_prove = system("command -v prove >/dev/null 2>&1") == 0;
	if (!have_prove)
		printf("# prove not installed: only the results are checked\n");

	ktap_begin(good, nitems(good));
	ktap_run_all();
	CHECK_EQ_INT(ktap_end(), KEXIT_PASS);
	if (have_prove)
		CHECK(prove_passes(true));

	fake_cons_reset();
	ktap_begin(bad, nitems(bad));
	ktap_run_all();
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
	if (have_prove)
		CHECK(!prove_passes(false));

	fake_cons_reset();
	ktap_begin(crashing, nitems(crashing));
	CHECK(run_all_until_kexit());
	if (have_prove)
		CHECK(!prove_passes(false));
}

/*
 * The host stops the run in the middle of a child's steps: the step
 * running and the rest are skipped, under their own names, but a child
 * whose earlier step had failed is failed, and so is the test above it.
 * A level opened by ktap_sub_begin() has no names for what did not run.
 */
static int stop_nfail;

static int
s_gethz_fails(void *arg __unused)
{
	return ktap_fail("rate of 50 Hz");
}

static int
s_tclo_stops(void *why)
{
	stop_nfail = ktap_stop(why);
	kexit(KEXIT_HALT);		/* as pvbus_shutdown() */
}

static int
s_never(void *arg __unused)
{
	CHECK(false);			/* the host stopped the run before */
	return KTAP_PASS;
}

static const struct ktap_step stop_steps[] = {
	{ "gethz", s_gethz_fails },
	{ "tclo", s_tclo_stops },
	{ "time_delta", s_never },
};

static int
t_stop_after_failure(void)
{
	return ktap_run_steps(stop_steps, nitems(stop_steps),
	    "the host asked the guest to power off", NULL);
}

static int
t_stop_clean(void)
{
	ktap_sub_begin(3);
	ktap_sub_result(KTAP_PASS, "probe", NULL);
	ktap_sub_start("tclo");
	stop_nfail = ktap_stop("the host asked the guest to reboot");
	kexit(KEXIT_HALT);
}

static const struct ktest stop_failed[] = {
	{ "pvbus_attach",	t_stop_after_failure },
};

static const struct ktest stop_clean[] = {
	{ "pvbus_attach",	t_stop_clean },
	{ "no_msr_faults",	t_pass },
};

static void
test_stop_keeps_earlier_failures(void)
{
	ktap_begin(stop_failed, 1);
	CHECK(run_all_until_kexit());
	CHECK_EQ_INT(stop_nfail, 1);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..1\n"
	    "# running pvbus_attach\n"
	    "  KTAP version 1\n"
	    "  # Subtest: pvbus_attach\n"
	    "  1..3\n"
	    "  not ok 1 gethz # rate of 50 Hz\n"
	    "  ok 2 tclo # SKIP stopped: the host asked the guest to power off\n"
	    "  ok 3 time_delta # SKIP stopped: the host asked the guest to "
	    "power off\n"
	    "not ok 1 pvbus_attach # a subtest failed, then it was stopped: the "
	    "host asked the guest to power off\n"
	    "0 passed, 1 failed, 0 skipped\n");
	fake_cons_reset();
	ktap_begin(stop_clean, nitems(stop_clean));
	CHECK(run_all_until_kexit());
	CHECK_EQ_INT(stop_nfail, 0);
	CHECK_CONTAINS(fake_cons_buf, "  ok 2 tclo # SKIP stopped: the host "
	    "asked the guest to reboot\n"
	    "  ok 3 not_run # SKIP stopped: the host asked the guest to "
	    "reboot\n");
	CHECK_CONTAINS(fake_cons_buf, "ok 1 pvbus_attach # SKIP stopped: the "
	    "host asked the guest to reboot\n"
	    "ok 2 no_msr_faults # SKIP stopped: the host asked the guest to "
	    "reboot\n0 passed, 0 failed, 2 skipped\n");
}

/*
 * ktap_run_steps(): each step a subtest under its name, in order, with
 * the caller's arg; the results recorded; the level's verdict returned.
 */
static int
s_count_pass(void *arg)
{
	(*(int *)arg)++;
	return KTAP_PASS;
}

static int
s_count_skip(void *arg)
{
	(*(int *)arg)++;
	return ktap_skip("not offered");
}

static int
s_count_fail(void *arg)
{
	(*(int *)arg)++;
	return ktap_fail("broke rule %d", *(int *)arg);
}

static const struct ktap_step count_steps[] = {
	{ "first", s_count_pass },
	{ "second", s_count_skip },
	{ "third", s_count_fail },
};

static int steps_results[3], steps_ret, steps_calls;

static int
t_steps(void)
{
	steps_ret = ktap_run_steps(count_steps, nitems(count_steps),
	    &steps_calls, steps_results);
	return steps_ret;
}

static int
t_steps_skipped(void)
{
	return ktap_run_steps(count_steps + 1, 1, &steps_calls, NULL);
}

static const struct ktest steps_plan[] = {
	{ "steps", t_steps },
	{ "steps_skipped", t_steps_skipped },
};

static void
test_run_steps(void)
{
	ktap_begin(steps_plan, nitems(steps_plan));
	ktap_run_all();
	CHECK_EQ_INT(steps_calls, 4);
	CHECK_EQ_INT(steps_ret, KTAP_FAIL);
	CHECK_EQ_INT(steps_results[0], KTAP_PASS);
	CHECK_EQ_INT(steps_results[1], KTAP_SKIP);
	CHECK_EQ_INT(steps_results[2], KTAP_FAIL);
	CHECK_STR(fake_cons_buf,
	    "\nKTAP version 1\n"
	    "1..2\n"
	    "# running steps\n"
	    "  KTAP version 1\n"
	    "  # Subtest: steps\n"
	    "  1..3\n"
	    "  ok 1 first\n"
	    "  ok 2 second # SKIP not offered\n"
	    "  not ok 3 third # broke rule 3\n"
	    "not ok 1 steps\n"
	    "# running steps_skipped\n"
	    "  KTAP version 1\n"
	    "  # Subtest: steps_skipped\n"
	    "  1..1\n"
	    "  ok 1 second # SKIP not offered\n"
	    "ok 2 steps_skipped # SKIP no reason\n");
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_crash_before_plan),	/* first: needs no plan yet */
	CHECK_TEST(test_header_and_plan),
	CHECK_TEST(test_ok_not_ok_and_skip_lines),
	CHECK_TEST(test_reason_cannot_become_a_directive),
	CHECK_TEST(test_end_pass_and_fail),
	CHECK_TEST(test_end_with_plan_not_run_fails),
	CHECK_TEST(test_diag_follows_depth),
	CHECK_TEST(test_subtest_results),
	CHECK_TEST(test_nested_subtests),
	CHECK_TEST(test_subtests_left_open),
	CHECK_TEST(test_crash_in_top_level_test),
	CHECK_TEST(test_crash_in_last_test),
	CHECK_TEST(test_crash_in_subtests),
	CHECK_TEST(test_crash_between_tests),
	CHECK_TEST(test_subtest_misuse_panics),
	CHECK_TEST(test_run_steps),
	CHECK_TEST(test_stop_keeps_earlier_failures),
	CHECK_TEST(test_prove_accepts_the_stream),
};

int
main(void)
{
	return check_main("test_ktap", tests, nitems(tests));
}
