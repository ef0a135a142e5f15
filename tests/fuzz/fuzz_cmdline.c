/*
 * libFuzzer target for the kernel command line (kernel/cmdline.c) and
 * the checks cmdline_parsed runs on it.  Each input, cut at its first
 * NUL, is a command line:
 *
 * - cmdline_parse() must split it exactly as a second, plain splitter
 *   written here from the rules in cmdline.h does (separators, quotes,
 *   the three escapes, the key ending at the first '=');
 * - what it keeps must be consistent: keys not empty, key and value in
 *   cl_buf, a line over the limit refused whole, cmdline_get() the last
 *   word with the key;
 * - quoting every word back into a line and parsing that must give the
 *   same words;
 * - cmdline_check() with the simulators' own checks (sim/sim_options.c)
 *   and cmdline_uint() must report each problem once, as one
 *   non-empty line of printable ASCII: a control byte in the input must
 *   never reach a message, since a message becomes a serial line;
 * - cmdline_prune() must leave words, in their order, that
 *   cmdline_check() then accepts.
 *
 * A broken promise is abort(), which libFuzzer saves as a reproducer:
 *
 *	build/fuzz/fuzz_cmdline build/fuzz/crash-<sha1>
 *
 * Built by tests/fuzz/fuzz.mk ("make fuzz").
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "errno.h"
#include "cmdline.h"
#include "simvar.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void	sim_kvm_init(struct sim_iface *si, uint32_t base);
void	sim_vmware_init(struct sim_iface *si, uint32_t base);
void	sim_vmware_vmcall_init(struct sim_iface *si, uint32_t base);
int	kern_snprintf(char *buf, size_t size, const char *fmt, ...);

/* sim.c sets models up; its checks never do, so these never run. */
void
sim_hyperv_init(struct sim_iface *si, uint32_t base,
    enum sim_hv_persona_id persona)
{
	(void)si, (void)base, (void)persona;
	abort();
}

void
sim_xen_init(struct sim_iface *si, uint32_t base, uint32_t msr,
    enum sim_xen_persona_id persona)
{
	(void)si, (void)base, (void)msr, (void)persona;
	abort();
}

void
sim_kvm_init(struct sim_iface *si, uint32_t base)
{
	(void)si, (void)base;
	abort();
}

void
sim_vmware_init(struct sim_iface *si, uint32_t base)
{
	(void)si, (void)base;
	abort();
}

void
sim_vmware_vmcall_init(struct sim_iface *si, uint32_t base)
{
	(void)si, (void)base;
	abort();
}

static void
fail(const char *why)
{
	fprintf(stderr, "fuzz_cmdline: %s\n", why);
	abort();
}

static char	line[CMDLINE_MAX * 3];
static char	again[CMDLINE_MAX * 3];
static struct cmdline cl, cl2;

/* ------------------------------------------------------------------ */
/* The plain splitter: what cmdline.h says, one byte at a time. */

struct ref_word {
	size_t	rw_key;		/* offsets into ref_buf */
	size_t	rw_value;
	bool	rw_has_value;
};

static struct ref_word ref_words[CMDLINE_MAX];
static char	ref_buf[CMDLINE_MAX * 2];
static int	ref_nwords;

static bool
ref_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* 0, or EINVAL at the first word with an open quote or no key. */
static int
ref_split(const char *s)
{
	size_t out = 0, key;
	bool quoted, has_value;
	char c;

	ref_nwords = 0;
	for (;;) {
		while (ref_space(*s))
			s++;
		if (*s == '\0')
			return 0;
		key = out;
		quoted = has_value = false;
		for (; *s != '\0' && (quoted || !ref_space(*s)); s++) {
			c = *s;
			if (c == '"') {
				quoted = !quoted;
				continue;
			}
			if (c == '\\' && (s[1] == '"' || s[1] == '\'' ||
			    s[1] == '\\'))
				c = *++s;
			else if (c == '=' && !has_value) {
				has_value = true;
				ref_buf[out++] = '\0';
				ref_words[ref_nwords].rw_value = out;
				continue;
			}
			ref_buf[out++] = c;
		}
		ref_buf[out++] = '\0';
		if (quoted || ref_buf[key] == '\0')
			return EINVAL;
		ref_words[ref_nwords].rw_key = key;
		ref_words[ref_nwords].rw_has_value = has_value;
		if (!has_value)
			ref_words[ref_nwords].rw_value = out - 1;
		ref_nwords++;
	}
}

/* ------------------------------------------------------------------ */
/* What cmdline_parse() keeps. */

static bool
in_buf(const struct cmdline *c, const char *p)
{
	return p >= c->cl_buf && p < c->cl_buf + sizeof(c->cl_buf);
}

static void
check_words(const struct cmdline *c)
{
	const struct cmdline_word *w;
	int i;

	if (c->cl_nwords < 0 || c->cl_nwords > CMDLINE_WORDS_MAX)
		fail("cl_nwords out of range");
	for (i = 0; i < c->cl_nwords; i++) {
		w = &c->cl_words[i];
		if (!in_buf(c, w->cw_key) || !in_buf(c, w->cw_value) ||
		    memchr(w->cw_value, '\0', (size_t)(c->cl_buf +
		    sizeof(c->cl_buf) - w->cw_value)) == NULL)
			fail("a word outside cl_buf, or unterminated");
		if (w->cw_key[0] == '\0')
			fail("an empty key was kept");
		if (w->cw_value != w->cw_key + strlen(w->cw_key) +
		    (w->cw_has_value ? 1 : 0))
			fail("the value does not follow its key");
		if (!w->cw_has_value && w->cw_value[0] != '\0')
			fail("a flag with a value");
	}
}

/* The words must be the plain splitter's, as far as either got. */
static void
check_against_ref(int error)
{
	int rerror = ref_split(line), i;
	const struct cmdline_word *w;
	const struct ref_word *r;

	if (error != rerror)
		fail("cmdline_parse() and the plain splitter disagree on "
		    "the verdict");
	if (cl.cl_nwords != ref_nwords)
		fail("a different number of words");
	for (i = 0; i < cl.cl_nwords; i++) {
		w = &cl.cl_words[i];
		r = &ref_words[i];
		if (strcmp(w->cw_key, ref_buf + r->rw_key) != 0 ||
		    strcmp(w->cw_value, ref_buf + r->rw_value) != 0 ||
		    w->cw_has_value != r->rw_has_value)
			fail("a word split differently");
	}
}

/* cmdline_get(): the last word with the key (for the first 32 words). */
static void
check_get(void)
{
	const char *want;
	int i, j;

	for (i = 0; i < cl.cl_nwords && i < 32; i++) {
		want = NULL;
		for (j = 0; j < cl.cl_nwords; j++)
			if (strcmp(cl.cl_words[j].cw_key,
			    cl.cl_words[i].cw_key) == 0)
				want = cl.cl_words[j].cw_value;
		if (cmdline_get(&cl, cl.cl_words[i].cw_key) != want)
			fail("cmdline_get() is not the last word's value");
	}
}

/* Each word in quotes, '"' and '\' escaped; parsed, the same words. */
static void
check_round_trip(void)
{
	const struct cmdline_word *w;
	const char *p;
	size_t n = 0;
	int i, pass;

	for (i = 0; i < cl.cl_nwords; i++) {
		w = &cl.cl_words[i];
		again[n++] = '"';
		for (pass = 0; pass < 2; pass++) {
			if (pass == 1 && !w->cw_has_value)
				break;
			if (pass == 1)
				again[n++] = '=';
			for (p = pass == 0 ? w->cw_key : w->cw_value;
			    *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					again[n++] = '\\';
				again[n++] = *p;
			}
		}
		again[n++] = '"';
		again[n++] = ' ';
		if (n >= CMDLINE_MAX)
			return;		/* too long to say again: fine */
	}
	again[n] = '\0';
	if (cmdline_parse(again, &cl2) != 0 || cl2.cl_nwords != cl.cl_nwords)
		fail("the words, quoted back, do not parse to as many");
	for (i = 0; i < cl.cl_nwords; i++)
		if (strcmp(cl.cl_words[i].cw_key, cl2.cl_words[i].cw_key) !=
		    0 || strcmp(cl.cl_words[i].cw_value,
		    cl2.cl_words[i].cw_value) != 0 ||
		    cl.cl_words[i].cw_has_value != cl2.cl_words[i].cw_has_value)
			fail("the words, quoted back, parse differently");
}

/* ------------------------------------------------------------------ */
/* cmdline_check() with real checks. */

/* hv= and profile= take anything here: sim.c's checks read them. */
static int
check_any(const char *value, const struct cmdline *c,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	(void)value, (void)c, (void)bi, (void)err, (void)errlen;
	return 0;
}

static int
check_n(const char *value, const struct cmdline *c,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	uint32_t v;

	(void)c, (void)bi;
	return cmdline_uint("n", value, 1000, &v, err, errlen);
}

/* Refuses everything, echoing the value: the escaping must hold. */
static int
check_echo(const char *value, const struct cmdline *c,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	(void)c, (void)bi;
	kern_snprintf(err, errlen, "echo=%pE: refused", value);
	return EINVAL;
}

/* Refuses without a sentence: cmdline_check() must write one. */
static int
check_mute(const char *value, const struct cmdline *c,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	(void)value, (void)c, (void)bi, (void)err, (void)errlen;
	return EINVAL;
}

static const struct cmdline_key keys[] = {
	{ "hv", "fuzz", check_any },
	{ "profile", "fuzz", check_any },
	{ "sim.fault", "sim.c", sim_check_fault },
	{ "sim.failbyte", "sim.c", sim_check_failbyte },
	{ "n", "fuzz", check_n },
	{ "echo", "fuzz", check_echo },
	{ "mute", "fuzz", check_mute },
	{ NULL, NULL, NULL },
};

static int	nreported, last_word;
static bool	pruning;

/* The key's entry in keys[], or -1. */
static int
key_index(const char *key)
{
	int k;

	for (k = 0; keys[k].ck_key != NULL; k++)
		if (strcmp(keys[k].ck_key, key) == 0)
			return k;
	return -1;
}

static bool
key_known(const char *key)
{
	return key_index(key) >= 0;
}

static void
report(void *arg, int word, bool unknown, const char *msg)
{
	(void)arg;
	if (word < 0 || word >= cl.cl_nwords)
		fail("a problem reported off the line");
	if (word <= last_word && !pruning)
		fail("a problem reported twice, or out of order");
	last_word = word;
	nreported++;
	if (msg[0] == '\0' || !fuzz_printable(msg, CMDLINE_MSG_MAX))
		fail("a problem's sentence is empty or not printable");
	if (unknown != !key_known(cl.cl_words[word].cw_key))
		fail("unknown said of a known key, or not of an unknown one");
	if (unknown && cmdline_is_image(&cl, word))
		fail("the image path called an unknown key");
}

/*
 * cmdline_prune()'s first pass is cmdline_check()'s, so its reports are
 * checked as those would be (report()); what is left must be in order,
 * from the line, and acceptable.
 */
static void
check_prune(void)
{
	int given[sizeof(keys) / sizeof(keys[0])] = { 0 };
	const char *prev = NULL;
	int i, k, total, before = cl.cl_nwords;

	for (i = 0; i < cl.cl_nwords; i++)
		if ((k = key_index(cl.cl_words[i].cw_key)) >= 0)
			given[k]++;

	nreported = 0;
	last_word = -1;
	pruning = true;
	total = cmdline_prune(&cl, keys, NULL, report, NULL);
	pruning = false;
	if (total != nreported)
		fail("cmdline_prune() miscounted its problems");
	if (total > 0 && cl.cl_nwords >= before)
		fail("cmdline_prune() kept every word it refused");
	for (i = 0; i < cl.cl_nwords; i++) {
		if (!in_buf(&cl, cl.cl_words[i].cw_key) ||
		    cl.cl_words[i].cw_key <= prev || cl.cl_words[i].cw_refused)
			fail("cmdline_prune() left words out of order");
		prev = cl.cl_words[i].cw_key;
		if ((k = key_index(cl.cl_words[i].cw_key)) >= 0 &&
		    given[k] != 1)
			fail("a word of a repeated key was left to act");
	}
	nreported = 0;
	last_word = -1;
	if (cmdline_check(&cl, keys, NULL, report, NULL) != 0 ||
	    nreported != 0)
		fail("what cmdline_prune() left is not accepted");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
	int error;

	memcpy(line, data, len);
	line[len] = '\0';
	len = strlen(line);
	error = cmdline_parse(line, &cl);
	if (!fuzz_printable(cl.cl_error, sizeof(cl.cl_error)) ||
	    (error == 0) != (cl.cl_error[0] == '\0'))
		fail("cl_error unprintable, or not there exactly on error");
	check_words(&cl);
	if (len >= CMDLINE_MAX) {
		if (error != E2BIG || cl.cl_nwords != 0)
			fail("a line over the limit was not refused whole");
		return 0;
	}
	if (error != 0 && error != EINVAL)
		fail("an error other than EINVAL within the limit");
	check_against_ref(error);
	check_get();
	if (error != 0)
		return 0;
	check_round_trip();
	check_prune();
	return 0;
}
