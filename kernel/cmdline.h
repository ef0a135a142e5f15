/*
 * The kernel command line: words separated by spaces, each "key=value"
 * or a bare "flag".  Double quotes group spaces into one word and are
 * removed, wherever they start ("key=a b" in quotes, or key="a b"), as
 * Linux's next_arg() does; GRUB writes a word with spaces in it that way.
 * A backslash before ", ' or \ makes it literal (GRUB escapes those).
 */
#ifndef _KERNEL_CMDLINE_H_
#define _KERNEL_CMDLINE_H_

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_WORDS_MAX	32
#define CMDLINE_BUF_MAX		1024

struct cmdline_word {
	const char	*cw_key;
	const char	*cw_value;	/* "" for a bare flag */
	bool		cw_has_value;	/* "key=" vs "key" */
};

struct cmdline {
	int		cl_nwords;
	struct cmdline_word cl_words[CMDLINE_WORDS_MAX];
	char		cl_buf[CMDLINE_BUF_MAX];	/* keys and values */
	char		cl_error[160];	/* "" or why parsing stopped */
};

/*
 * Split s into words.  Returns 0, or EINVAL (unterminated quote, empty
 * key), E2BIG (too many words) or ENOSPC (too long); in each case the
 * words before the problem are kept and cl_error says what happened.
 */
int	cmdline_parse(const char *s, struct cmdline *cl);

/* The value of the last word with this key, or NULL if none. */
const char *cmdline_get(const struct cmdline *cl, const char *key);

/* True if the key is present, with or without a value. */
bool	cmdline_has(const struct cmdline *cl, const char *key);

extern struct cmdline cmdline;

#endif
