/*
 * The kernel command line: words separated by spaces, each "key=value"
 * or a bare "flag".  Double quotes group spaces into one word and are
 * removed, wherever they start ("key=a b" in quotes, or key="a b"), as
 * Linux's next_arg() does; GRUB writes a word with spaces in it that way.
 * A backslash before ", ' or \ makes it literal (GRUB escapes those).
 *
 * The limit is CMDLINE_MAX - 1 = 4095 bytes, on both boot paths.  It is
 * what QEMU's PVH option ROM can pass at all (pc-bios/optionrom/
 * pvh_main.c copies the line into a 4096-byte buffer, NUL included, and
 * a longer one runs over the ROM's other data); GNU GRUB 2.06 passes any
 * length (grub-core/loader/multiboot_mbi2.c allocates what the words
 * need).  The word array and the buffer are sized so that every line
 * within the limit fits: a longer line is refused as a whole, and no
 * word is ever dropped.
 */
#ifndef _KERNEL_CMDLINE_H_
#define _KERNEL_CMDLINE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX		4096	/* bytes, NUL included */
#define CMDLINE_WORDS_MAX	(CMDLINE_MAX / 2)	/* "a a a ..." */
#define CMDLINE_MSG_MAX		200	/* one sentence about one problem */

struct cmdline_word {
	const char	*cw_key;
	const char	*cw_value;	/* "" for a bare flag */
	bool		cw_has_value;	/* "key=" vs "key" */
	bool		cw_refused;	/* cmdline_prune(): to be forgotten */
};

struct cmdline {
	int		cl_nwords;
	struct cmdline_word cl_words[CMDLINE_WORDS_MAX];
	char		cl_buf[CMDLINE_MAX];	/* keys and values */
	char		cl_error[160];	/* "" or why parsing stopped */
};

/*
 * Split s into words.  Returns 0, or E2BIG (longer than CMDLINE_MAX - 1
 * bytes: no word is kept), or EINVAL (unterminated quote, empty key: the
 * words before the problem are kept); cl_error then says what happened.
 * Every message names offsets, never the text, so it needs no escaping.
 */
int	cmdline_parse(const char *s, struct cmdline *cl);

/* Forget every word, so nothing acts on them (cl_error is kept). */
void	cmdline_clear(struct cmdline *cl);

/* The value of the last word with this key, or NULL if none. */
const char *cmdline_get(const struct cmdline *cl, const char *key);

/* True if the key is present, with or without a value. */
bool	cmdline_has(const struct cmdline *cl, const char *key);

/* Word i is word 0 and a bare path ("/boot/kernel.elf"): the image. */
bool	cmdline_is_image(const struct cmdline *cl, int i);

/*
 * A value as a decimal number from 0 to max: digits only, no sign, no
 * spaces.  Returns 0, or ERANGE with a sentence naming key and value
 * (escaped) in err.  The one parser for numbers on the command line:
 * the check of a key and the code that uses it both call it.
 */
int	cmdline_uint(const char *key, const char *value, uint32_t max,
	    uint32_t *out, char *err, size_t errlen);

/*
 * The keys the kernel reads (kernel/cmdline_keys.c holds the table),
 * each with the file that reads it and a check of its value in the
 * light of the whole line and the boot information.  A check returns 0,
 * or non-zero with one sentence in err: every byte of text taken from
 * the command line or a module goes in with "%pE", so the sentence is
 * one printable line.  A file that offers a check declares it with the
 * type, so the table's own declarations cannot differ from it.
 */
struct bootinfo;
typedef int	cmdline_check_fn(const char *value, const struct cmdline *cl,
		    const struct bootinfo *bi, char *err, size_t errlen);
struct cmdline_key {
	const char	*ck_key;
	const char	*ck_owner;	/* the file that reads it */
	cmdline_check_fn *ck_check;
};

/* A problem cmdline_check() found: the word, and one printable sentence. */
typedef void	cmdline_report_fn(void *arg, int word, bool unknown,
		    const char *msg);

/*
 * Check every word against keys (ended by a NULL ck_key): the key must
 * be known, given once and with a value, and its check must accept the
 * value.  Word 0 may be the image path.  Each problem goes to report,
 * one per word at most (a repeated key at its first word); returns how
 * many there were.
 */
int	cmdline_check(const struct cmdline *cl, const struct cmdline_key *keys,
	    const struct bootinfo *bi, cmdline_report_fn *report, void *arg);

/*
 * cmdline_check(), then forget every word it found a problem with (all
 * the words of a repeated key), and check what is left again, until
 * nothing is refused: a word that needed a forgotten one (sim.fault=
 * once hv= is gone) goes too.  Each problem goes to report, each pass
 * numbering the words that are left; returns how many there were in
 * all.  What is left, cmdline_check() accepts.
 */
int	cmdline_prune(struct cmdline *cl, const struct cmdline_key *keys,
	    const struct bootinfo *bi, cmdline_report_fn *report, void *arg);

extern struct cmdline cmdline;

#endif
