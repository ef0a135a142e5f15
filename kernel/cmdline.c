/*
 * Split the kernel command line into "key=value" words and bare flags.
 * Quoting follows Linux's next_arg() (lib/cmdline.c): a double quote
 * anywhere in a word toggles quoting and is removed, and the key ends at
 * the first '=', quoted or not.  Escapes follow what GNU GRUB writes
 * (grub-core/lib/cmdline.c, grub_create_loader_cmdline()): it puts a
 * word with spaces in double quotes and a backslash before each ", '
 * and \ in it.  GRUB 2.06 leaves the kernel's own path out of a
 * multiboot2 command line (grub_cmd_multiboot() in grub-core/loader/
 * multiboot.c skips argv[0]); loaders that put it first give it as word
 * 0, a bare flag starting with '/' (cmdline_is_image()).
 *
 *	/boot/kernel.elf hv=sim:kvm "msg=a \"b\"" quiet
 *	-> "/boot/kernel.elf", hv = "sim:kvm", msg = "a \"b\"", quiet
 */

#include "kern.h"
#include "cmdline.h"

struct cmdline cmdline;

/*
 * cmdline_parse() refuses a line of CMDLINE_MAX bytes or more before it
 * looks at a word.  Within that, every byte a word puts into cl_buf
 * costs at least one byte of the line, and its NUL one more (the
 * separator after it, or the line's own NUL), so cl_buf cannot fill;
 * and every word but the last takes two bytes or more, so there are at
 * most CMDLINE_MAX / 2.  The checks in the loops below only guard
 * against a later change breaking that sum.
 */
_Static_assert(CMDLINE_WORDS_MAX >= CMDLINE_MAX / 2, "a word per 2 bytes");

static int	cmdline_error(struct cmdline *, int, const char *, ...)
		    __printflike(3, 4);

/* Stop parsing: the words so far stay, cl_error says why. */
static int
cmdline_error(struct cmdline *cl, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cl->cl_error, sizeof(cl->cl_error), fmt, ap);
	va_end(ap);
	return error;
}

static bool
cmdline_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The characters GRUB escapes; before anything else '\' is literal. */
static bool
cmdline_escaped(char c)
{
	return c == '"' || c == '\'' || c == '\\';
}

/*
 * Copy the word at s + *posp into cl_buf at *outp without its quotes and
 * escapes, ending the key with a NUL at the first '='.  On success both
 * offsets move past the word.
 */
static int
cmdline_copy_word(struct cmdline *cl, const char *s, size_t *posp,
    size_t *outp)
{
	struct cmdline_word *cw = &cl->cl_words[cl->cl_nwords];
	size_t pos = *posp, out = *outp;
	bool quoted = false;
	char c;

	for (; (c = s[pos]) != '\0' && (quoted || !cmdline_space(c)); pos++) {
		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (c == '\\' && cmdline_escaped(s[pos + 1]))
			c = s[++pos];
		else if (c == '=' && !cw->cw_has_value) {
			cw->cw_has_value = true;
			c = '\0';	/* the key ends, the value starts */
		}
		if (out + 1 >= sizeof(cl->cl_buf))	/* see the top */
			return cmdline_error(cl, ENOSPC, "cmdline: word %d at "
			    "offset %zu does not fit in %zu bytes",
			    cl->cl_nwords + 1, *posp, sizeof(cl->cl_buf));
		cl->cl_buf[out++] = c;
	}
	if (quoted)
		return cmdline_error(cl, EINVAL, "cmdline: word %d at offset "
		    "%zu has an unterminated quote", cl->cl_nwords + 1, *posp);
	cl->cl_buf[out++] = '\0';
	*posp = pos;
	*outp = out;
	return 0;
}

/* One word: copy it, then point its key and value into cl_buf. */
static int
cmdline_word(struct cmdline *cl, const char *s, size_t *posp, size_t *outp)
{
	struct cmdline_word *cw = &cl->cl_words[cl->cl_nwords];
	size_t start = *posp;
	char *key = &cl->cl_buf[*outp];
	int error;

	memset(cw, 0, sizeof(*cw));
	if ((error = cmdline_copy_word(cl, s, posp, outp)) != 0) {
		memset(cw, 0, sizeof(*cw));
		return error;
	}
	if (key[0] == '\0') {
		memset(cw, 0, sizeof(*cw));
		return cmdline_error(cl, EINVAL, "cmdline: word %d at offset "
		    "%zu has an empty key", cl->cl_nwords + 1, start);
	}
	cw->cw_key = key;
	cw->cw_value = key + strlen(key);	/* "" for a flag */
	if (cw->cw_has_value)
		cw->cw_value++;			/* past the '=' NUL */
	cl->cl_nwords++;
	return 0;
}

int
cmdline_parse(const char *s, struct cmdline *cl)
{
	size_t pos = 0, out = 0;
	int error;

	cmdline_clear(cl);
	cl->cl_error[0] = '\0';
	if (s == NULL)
		return 0;
	if (strnlen(s, CMDLINE_MAX) == CMDLINE_MAX)
		return cmdline_error(cl, E2BIG, "cmdline: longer than the %d "
		    "bytes the kernel accepts", CMDLINE_MAX - 1);
	for (;;) {
		while (cmdline_space(s[pos]))
			pos++;
		if (s[pos] == '\0')
			return 0;
		if (cl->cl_nwords == CMDLINE_WORDS_MAX)	/* see the top */
			return cmdline_error(cl, E2BIG, "cmdline: more than %d "
			    "words", CMDLINE_WORDS_MAX);
		if ((error = cmdline_word(cl, s, &pos, &out)) != 0)
			return error;
	}
}

void
cmdline_clear(struct cmdline *cl)
{
	cl->cl_nwords = 0;
}

const char *
cmdline_get(const struct cmdline *cl, const char *key)
{
	int i;

	for (i = cl->cl_nwords - 1; i >= 0; i--)
		if (strcmp(cl->cl_words[i].cw_key, key) == 0)
			return cl->cl_words[i].cw_value;
	return NULL;
}

bool
cmdline_has(const struct cmdline *cl, const char *key)
{
	return cmdline_get(cl, key) != NULL;
}

bool
cmdline_is_image(const struct cmdline *cl, int i)
{
	const struct cmdline_word *w = &cl->cl_words[i];

	return i == 0 && cl->cl_nwords > 0 && !w->cw_has_value &&
	    w->cw_key[0] == '/';
}

int
cmdline_uint(const char *key, const char *value, uint32_t max, uint32_t *out,
    char *err, size_t errlen)
{
	const char *p = value;
	uint64_t v = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (uint64_t)(*p - '0')) > max)
			break;
	if (p == value || *p != '\0' || v > max) {
		snprintf(err, errlen, "%s=%pE: want a decimal number from 0 "
		    "to %u", key, value, max);
		return ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

/* The entry for key, or NULL. */
static const struct cmdline_key *
cmdline_key_find(const struct cmdline_key *keys, const char *key)
{
	for (; keys->ck_key != NULL; keys++)
		if (strcmp(keys->ck_key, key) == 0)
			return keys;
	return NULL;
}

static bool
cmdline_same_key(const struct cmdline *cl, int i, int j)
{
	return strcmp(cl->cl_words[i].cw_key, cl->cl_words[j].cw_key) == 0;
}

/*
 * Is word i the first with its key?  Then also how often the key is
 * given and where next.  Searching back to the nearest earlier word with
 * the key, and counting forward only from a first one, keeps a whole
 * line at O(words x keys) string compares, not O(words^2).
 */
static bool
cmdline_first(const struct cmdline *cl, int i, int *countp, int *nextp)
{
	int j;

	for (j = i - 1; j >= 0; j--)
		if (cmdline_same_key(cl, i, j))
			return false;
	*countp = 1;
	*nextp = -1;
	for (j = i + 1; j < cl->cl_nwords; j++) {
		if (!cmdline_same_key(cl, i, j))
			continue;
		if ((*countp)++ == 1)
			*nextp = j;
	}
	return true;
}

/* The problems of word i: at most one, the first rule it breaks. */
static bool
cmdline_check_word(const struct cmdline *cl, int i,
    const struct cmdline_key *keys, const struct bootinfo *bi, char *msg,
    size_t msglen, bool *unknownp)
{
	const struct cmdline_word *w = &cl->cl_words[i];
	const struct cmdline_key *k;
	int n, next;

	*unknownp = false;
	if (cmdline_is_image(cl, i))
		return false;
	if ((k = cmdline_key_find(keys, w->cw_key)) == NULL) {
		*unknownp = true;
		snprintf(msg, msglen, "unknown key \"%pE\"", w->cw_key);
		return true;
	}
	if (!cmdline_first(cl, i, &n, &next))
		return false;		/* said at the first one */
	if (n > 1) {
		snprintf(msg, msglen, "%s= is given %d times (words %d and "
		    "%d%s): say it once", k->ck_key, n, i + 1, next + 1,
		    n > 2 ? " and more" : "");
		return true;
	}
	if (!w->cw_has_value) {
		snprintf(msg, msglen, "%s without a value: write %s=VALUE",
		    k->ck_key, k->ck_key);
		return true;
	}
	msg[0] = '\0';
	if (k->ck_check(w->cw_value, cl, bi, msg, msglen) == 0)
		return false;
	if (msg[0] == '\0')
		snprintf(msg, msglen, "%s=%pE: refused by %s", k->ck_key,
		    w->cw_value, k->ck_owner);
	return true;
}

int
cmdline_check(const struct cmdline *cl, const struct cmdline_key *keys,
    const struct bootinfo *bi, cmdline_report_fn *report, void *arg)
{
	char msg[CMDLINE_MSG_MAX];
	bool unknown;
	int i, n = 0;

	for (i = 0; i < cl->cl_nwords; i++) {
		if (!cmdline_check_word(cl, i, keys, bi, msg, sizeof(msg),
		    &unknown))
			continue;
		report(arg, i, unknown, msg);
		n++;
	}
	return n;
}

/* Forget the refused words; the others keep their order. */
static void
cmdline_compact(struct cmdline *cl)
{
	int i, n = 0;

	for (i = 0; i < cl->cl_nwords; i++)
		if (!cl->cl_words[i].cw_refused)
			cl->cl_words[n++] = cl->cl_words[i];
	cl->cl_nwords = n;
}

/*
 * Each pass forgets at least one word, so there are at most as many
 * passes as words; in practice two or three, since a check looks only
 * at hv=, sim.fault= and profile=.  An unknown key is reported at each
 * of its words, so only a known one needs its other words marked, and
 * each pass reports a known key once: the marking stays O(words x keys).
 */
int
cmdline_prune(struct cmdline *cl, const struct cmdline_key *keys,
    const struct bootinfo *bi, cmdline_report_fn *report, void *arg)
{
	char msg[CMDLINE_MSG_MAX];
	bool unknown;
	int i, j, n, total = 0;

	for (i = 0; i < cl->cl_nwords; i++)
		cl->cl_words[i].cw_refused = false;
	do {
		for (n = 0, i = 0; i < cl->cl_nwords; i++) {
			if (!cmdline_check_word(cl, i, keys, bi, msg,
			    sizeof(msg), &unknown))
				continue;
			report(arg, i, unknown, msg);
			n++;
			cl->cl_words[i].cw_refused = true;
			for (j = i + 1; !unknown && j < cl->cl_nwords; j++)
				if (cmdline_same_key(cl, i, j))
					cl->cl_words[j].cw_refused = true;
		}
		cmdline_compact(cl);
		total += n;
	} while (n > 0);
	return total;
}
