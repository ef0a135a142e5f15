/*
 * Split the kernel command line into "key=value" words and bare flags.
 * Quoting follows Linux's next_arg() (lib/cmdline.c): a double quote
 * anywhere in a word toggles quoting and is removed, and the key ends at
 * the first '=', quoted or not.  Escapes follow what GNU GRUB writes
 * (grub-core/lib/cmdline.c, grub_create_loader_cmdline()): it puts a
 * word with spaces in double quotes and a backslash before each ", '
 * and \ in it.  GRUB's multiboot2 command line starts with the kernel's
 * own path; to us that is just a flag word.
 *
 *	/boot/kernel.elf hv=sim:kvm "msg=a \"b\"" quiet
 *	-> "/boot/kernel.elf", hv = "sim:kvm", msg = "a \"b\"", quiet
 */

#include "kern.h"
#include "cmdline.h"

struct cmdline cmdline;

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
		if (out + 1 >= sizeof(cl->cl_buf))	/* keep one for NUL */
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

	memset(cl, 0, sizeof(*cl));
	if (s == NULL)
		return 0;
	for (;;) {
		while (cmdline_space(s[pos]))
			pos++;
		if (s[pos] == '\0')
			return 0;
		if (cl->cl_nwords == CMDLINE_WORDS_MAX)
			return cmdline_error(cl, E2BIG, "cmdline: more than %d "
			    "words; the rest from offset %zu is ignored",
			    CMDLINE_WORDS_MAX, pos);
		if ((error = cmdline_word(cl, s, &pos, &out)) != 0)
			return error;
	}
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
