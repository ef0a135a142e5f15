/*
 * The machine-readable report: KTAP version 1 on the console, in the
 * dialect that both Perl's prove and Linux's kunit.py parse accept.
 * Source: Linux Documentation/dev-tools/ktap.rst; the dialect notes in
 * docs/reference/ktap.md "The dialect both parsers accept", "Where
 * prove and kunit.py differ".
 *
 *	KTAP version 1
 *	1..3
 *	# running boot_info_parsed
 *	ok 1 boot_info_parsed
 *	  KTAP version 1		<- a test with subtests
 *	  # Subtest: pvbus
 *	  1..2
 *	  ok 1 hvbit
 *	  ok 2 bases # SKIP no hypervisor bit
 *	ok 2 pvbus
 *	not ok 3 deliberate_fault # crashed: #GP at 0x102345
 *
 * The top-level plan is a table (struct ktest), so the plan line comes
 * before the first result and a crash can still name every test that did
 * not get to run.  Human-readable boot lines may come in between; nothing
 * else starts with "ok" or "not ok".
 */
#ifndef _KERNEL_KTAP_H_
#define _KERNEL_KTAP_H_

#include "kern.h"

enum ktap_result {
	KTAP_PASS,
	KTAP_FAIL,
	KTAP_SKIP,
};

struct ktest {
	const char	*kt_name;	/* lower_case_words, no '#' */
	int		(*kt_run)(void);	/* returns enum ktap_result */
};

#define KTAP_DEPTH_MAX	4

/* Print the header and the plan for these top-level tests. */
void	ktap_begin(const struct ktest *tests, int ntests);

/* Run every test of the plan in order. */
void	ktap_run_all(void);

/*
 * Inside a running test: say why (a "# " line at the test's depth), or
 * give the reason for the result about to be returned.
 */
void	ktap_diag(const char *fmt, ...) __printflike(1, 2);
int	ktap_skip(const char *fmt, ...) __printflike(1, 2);
int	ktap_fail(const char *fmt, ...) __printflike(1, 2);

/*
 * Subtests of the running test: open a nested document with its own
 * plan, report each result, close it.  ktap_sub_end() returns KTAP_FAIL
 * if any subtest failed or the plan was not met, KTAP_SKIP if all were
 * skipped, else KTAP_PASS; the caller returns that as its own result.
 */
void	ktap_sub_begin(int nplan);
void	ktap_sub_start(const char *name);	/* before a risky step */
/* reason NULL: the one the last ktap_skip() or ktap_fail() gave. */
void	ktap_sub_result(int result, const char *name, const char *reason);
int	ktap_sub_end(void);

/*
 * The steps of a driver or of the bus, run as the subtests of the
 * running test: each in order, each as a subtest named after its step,
 * its arg the caller's (a driver's softc).  A step returns an enum
 * ktap_result, with ktap_skip() or ktap_fail() for the reason.
 * results[i] gets step i's result, if results is not NULL.  Returns
 * what ktap_sub_end() returns.  The names stay known while the steps
 * run, so ktap_stop() can report the ones not run under their names.
 */
struct ktap_step {
	const char	*ks_name;	/* lower_case_words, no '#' */
	int		(*ks_run)(void *arg);
};
int	ktap_run_steps(const struct ktap_step *steps, int nsteps, void *arg,
	    int *results);

/*
 * From the trap handler: the running test (and each enclosing one) is
 * reported "not ok ... # crashed: <what>", the tests that did not run are
 * skipped with that reason, and the totals are printed.  Returns so the
 * caller can exit with KEXIT_CRASH.
 */
void	ktap_crash(const char *what);

/*
 * How panic() (panic.c) and the writer's own misuse end: "# panic: msg",
 * the running test crashed with msg (once: a panic while reporting one
 * only exits), then kexit(KEXIT_PANIC).
 */
void	ktap_panic(const char *msg) __noreturn;

/*
 * The host asked to halt or reboot: close every open level with the
 * running test and the rest of each plan skipped "stopped: <why>" (a
 * running test whose subtests already failed is failed), and print the
 * totals.  The rest of a level ktap_run_steps() opened is skipped under
 * its steps' names; of one opened by ktap_sub_begin(), as "not_run".
 * Returns the number of top-level tests failed.
 */
int	ktap_stop(const char *why);

/* Print the totals line; returns KEXIT_PASS or KEXIT_FAIL. */
int	ktap_end(void);

/* The name of the running top-level test, or NULL. */
const char *ktap_running(void);

/*
 * For the summary at the end (summary.c).  The tests that failed or
 * crashed, in the order they did, each by its path from the top level
 * ("pvbus_attach/vmt0/memsize").  A test that failed because a subtest
 * did is not listed again: the subtest says where.  Returns how many
 * there were; the first KTAP_FAILED_MAX are in *list.
 */
#define KTAP_FAILED_MAX	8
#define KTAP_PATH_MAX	96
struct ktap_failure {
	char		kf_path[KTAP_PATH_MAX];
	bool		kf_crashed;	/* reported by ktap_crash() */
};
int	ktap_failures(const struct ktap_failure **list);

/* The top-level results so far, and the plan. */
void	ktap_counts(int *npass, int *nfail, int *nskip, int *nplan);

/* What ktap_crash() was told ("#GP at 0x102345"), or NULL. */
const char *ktap_crash_what(void);

/* The test ktap_stop() stopped, by its path ("pvbus_attach/vmt0/tclo"). */
const char *ktap_stop_where(void);

#endif
