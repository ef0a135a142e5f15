/*
 * The formatter behind printf and snprintf, for a kernel with no C
 * library.  The conversions are the C11 ones a kernel needs (7.21.6.1):
 * d i u o x X c s p and %%, with the flags "-+ #0", a field width and a
 * precision (either may be "*"), and the length modifiers hh h l ll j z
 * t.  No floating point: the kernel is built with -mno-sse and has none.
 *
 * One extension, after Linux's printk (Documentation/core-api/
 * printk-formats.rst, "%pE"): "%pE" prints a string that came from
 * outside the kernel (a command line, a module, a host's reply) escaped,
 * so it can never end a line, start a report line, or carry a '#' that a
 * KTAP reader would take for a directive; "%*pE" prints exactly that
 * many bytes, NULs included.  GCC checks it as "%p" followed by the
 * letter E.  And on the console, a plain "%s" never sends a control
 * character: a string argument cannot break the line it is printed in.
 *
 * The formatter writes through a small sink: a buffer (snprintf()), or
 * a function that takes one byte at a time (vformat(), which printf.c
 * points at the console).  It names no device, so the console's own
 * drivers may use snprintf(); the unit tests compare it with the host C
 * library.
 */

#include "kern.h"

struct sink {
	void	(*sk_out)(int);	/* the console's putc, or NULL */
	char	*sk_buf;	/* when sk_out is NULL */
	size_t	 sk_size;	/* room in sk_buf, NUL included */
	size_t	 sk_len;	/* bytes produced so far, kept or not */
};

struct spec {
	bool	sp_left;	/* '-' */
	bool	sp_plus;	/* '+' */
	bool	sp_space;	/* ' ' */
	bool	sp_alt;		/* '#' */
	bool	sp_zero;	/* '0' */
	bool	sp_has_width;	/* a width was written, perhaps 0 */
	int	sp_width;	/* -1: none */
	int	sp_prec;	/* -1: none */
};

static void
sink_putc(struct sink *sk, char c)
{
	if (sk->sk_out != NULL)
		sk->sk_out((unsigned char)c);
	else if (sk->sk_len + 1 < sk->sk_size)
		sk->sk_buf[sk->sk_len] = c;
	sk->sk_len++;
}

static void
sink_putn(struct sink *sk, const char *s, size_t n)
{
	while (n-- > 0)
		sink_putc(sk, *s++);
}

static void
sink_pad(struct sink *sk, char c, int n)
{
	while (n-- > 0)
		sink_putc(sk, c);
}

/*
 * One converted item: an optional sign or "0x" prefix, then 'zeros'
 * leading zeros, then the body, all padded to the field width.
 */
static void
emit_field(struct sink *sk, const struct spec *sp, const char *prefix,
    int zeros, const char *body, int bodylen)
{
	int plen = (int)strlen(prefix);
	int pad = sp->sp_width - (plen + zeros + bodylen);

	if (!sp->sp_left)
		sink_pad(sk, ' ', pad);
	while (*prefix != '\0')
		sink_putc(sk, *prefix++);
	sink_pad(sk, '0', zeros);
	while (bodylen-- > 0)
		sink_putc(sk, *body++);
	if (sp->sp_left)
		sink_pad(sk, ' ', pad);
}

/*
 * One byte as "%pE" writes it: printable ASCII as itself, except the
 * three that quoting and KTAP give a meaning ('\\', '"' and '#'); NUL as
 * \0, as in "KVMKVMKVM\0\0\0"; anything else as \xNN.
 */
size_t
esc_byte(char out[4], unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '\\' || c == '"') {
		out[0] = '\\', out[1] = (char)c;
		return 2;
	}
	if (c == '\0') {
		out[0] = '\\', out[1] = '0';
		return 2;
	}
	if (c >= 0x20 && c <= 0x7e && c != '#') {
		out[0] = (char)c;
		return 1;
	}
	out[0] = '\\', out[1] = 'x', out[2] = hex[c >> 4], out[3] = hex[c & 15];
	return 4;
}

static bool
is_control(unsigned char c)
{
	return c < 0x20 || c > 0x7e;
}

/*
 * "%s".  On the console a control byte in the argument is written as
 * \xNN, so no string, wherever it came from, can end the line or send
 * an escape sequence; into a buffer the bytes go as they are.
 */
static void
format_string(struct sink *sk, const struct spec *sp, const char *s)
{
	char e[4];
	int len, i, shown = 0;

	if (s == NULL)
		s = "(null)";
	len = (int)(sp->sp_prec >= 0 ? strnlen(s, (size_t)sp->sp_prec) :
	    strlen(s));
	if (sk->sk_out == NULL) {
		emit_field(sk, sp, "", 0, s, len);
		return;
	}
	for (i = 0; i < len; i++)
		shown += is_control((unsigned char)s[i]) ? 4 : 1;
	if (!sp->sp_left)
		sink_pad(sk, ' ', sp->sp_width - shown);
	for (i = 0; i < len; i++) {
		if (is_control((unsigned char)s[i]))
			sink_putn(sk, e, esc_byte(e, (unsigned char)s[i]));
		else
			sink_putc(sk, s[i]);
	}
	if (sp->sp_left)
		sink_pad(sk, ' ', sp->sp_width - shown);
}

/*
 * Linux's kunit.py stops reading a report at the first line holding one
 * of these, wherever it is in the line (tools/testing/kunit/
 * kunit_parser.py, KTAP_END), so outside text must never spell one.
 */
static const char *const ktap_end_phrases[] = {
	"List of all partitions:",
	"Kernel panic - not syncing: VFS:",
	"reboot: System halted",
};

static bool
starts_end_phrase(const char *s, size_t left)
{
	size_t i, n;

	for (i = 0; i < nitems(ktap_end_phrases); i++) {
		n = strlen(ktap_end_phrases[i]);
		if (n <= left && memcmp(s, ktap_end_phrases[i], n) == 0)
			return true;
	}
	return false;
}

/*
 * The byte at s (left > 0 bytes from s on) as "%pE" writes it: as
 * esc_byte() does, but the first letter of a phrase that would stop
 * kunit.py is written \xNN too.
 */
size_t
esc_at(char out[4], const char *s, size_t left)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = (unsigned char)s[0];

	if (!starts_end_phrase(s, left))
		return esc_byte(out, c);
	out[0] = '\\', out[1] = 'x', out[2] = hex[c >> 4], out[3] = hex[c & 15];
	return 4;
}

/*
 * "%pE" and "%*pE": s escaped byte by byte (esc_at()).  With a width,
 * exactly that many bytes; without, up to the NUL.  No padding: the
 * width is the length, as in Linux's "%*pE".
 */
static void
format_escaped(struct sink *sk, const struct spec *sp, const char *s)
{
	char e[4];
	size_t i, len;

	if (s == NULL) {
		sink_putn(sk, "(null)", 6);
		return;
	}
	len = sp->sp_has_width ? (size_t)sp->sp_width : strlen(s);
	for (i = 0; i < len; i++)
		sink_putn(sk, e, esc_at(e, s + i, len - i));
}

/* An integer of up to 64 bits in base 8, 10 or 16. */
static void
format_number(struct sink *sk, struct spec *sp, uintmax_t v, bool negative,
    unsigned base, bool upper, char conv)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char body[24], *p = body + sizeof(body);
	const char *prefix = "";
	int len, zeros = 0;

	while (v != 0) {
		*--p = digits[v % base];
		v /= base;
	}
	len = (int)(body + sizeof(body) - p);

	if (negative)
		prefix = "-";
	else if (conv == 'd' && sp->sp_plus)
		prefix = "+";
	else if (conv == 'd' && sp->sp_space)
		prefix = " ";
	else if (sp->sp_alt && base == 16 && len > 0)
		prefix = upper ? "0X" : "0x";

	if (sp->sp_prec >= 0) {
		/* An explicit precision; "%.0d" of zero prints nothing. */
		zeros = sp->sp_prec > len ? sp->sp_prec - len : 0;
	} else {
		if (len == 0)
			zeros = 1;
		if (sp->sp_zero && !sp->sp_left) {
			int room = sp->sp_width - (int)strlen(prefix) - len;
			zeros = room > zeros ? room : zeros;
		}
	}
	/* "%#o" makes the first digit a zero, adding one if needed. */
	if (sp->sp_alt && base == 8 && zeros == 0 && (len == 0 || *p != '0'))
		zeros = 1;
	emit_field(sk, sp, prefix, zeros, p, len);
}

/* Read flags, width and precision; returns the first unread byte. */
static const char *
parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->sp_width = sp->sp_prec = -1;
	for (;; fmt++) {
		if (*fmt == '-')
			sp->sp_left = true;
		else if (*fmt == '+')
			sp->sp_plus = true;
		else if (*fmt == ' ')
			sp->sp_space = true;
		else if (*fmt == '#')
			sp->sp_alt = true;
		else if (*fmt == '0')
			sp->sp_zero = true;
		else
			break;
	}
	sp->sp_has_width = *fmt == '*' || (*fmt >= '0' && *fmt <= '9');
	if (*fmt == '*') {
		sp->sp_width = va_arg(*ap, int);
		if (sp->sp_width < 0) {		/* C11: a '-' flag */
			sp->sp_left = true;
			sp->sp_width = -sp->sp_width;
		}
		fmt++;
	} else {
		for (sp->sp_width = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
			sp->sp_width = sp->sp_width * 10 + (*fmt - '0');
	}
	if (*fmt == '.') {
		fmt++;
		if (*fmt == '*') {
			sp->sp_prec = va_arg(*ap, int);	/* < 0: as if none */
			fmt++;
		} else {
			for (sp->sp_prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
				sp->sp_prec = sp->sp_prec * 10 + (*fmt - '0');
		}
	}
	return fmt;
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_MAX,
    LEN_SIZE, LEN_PTRDIFF };

static const char *
parse_length(const char *fmt, enum length *lenp)
{
	*lenp = LEN_INT;
	switch (*fmt) {
	case 'h':
		*lenp = fmt[1] == 'h' ? LEN_CHAR : LEN_SHORT;
		return fmt + (fmt[1] == 'h' ? 2 : 1);
	case 'l':
		*lenp = fmt[1] == 'l' ? LEN_LLONG : LEN_LONG;
		return fmt + (fmt[1] == 'l' ? 2 : 1);
	case 'j':
		*lenp = LEN_MAX;
		return fmt + 1;
	case 'z':
		*lenp = LEN_SIZE;
		return fmt + 1;
	case 't':
		*lenp = LEN_PTRDIFF;
		return fmt + 1;
	}
	return fmt;
}

static intmax_t
arg_signed(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR:		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:		return (short)va_arg(*ap, int);
	case LEN_LONG:		return va_arg(*ap, long);
	case LEN_LLONG:		return va_arg(*ap, long long);
	case LEN_MAX:		return va_arg(*ap, intmax_t);
	case LEN_SIZE:		return (intmax_t)va_arg(*ap, size_t);
	case LEN_PTRDIFF:	return va_arg(*ap, ptrdiff_t);
	default:		return va_arg(*ap, int);
	}
}

static uintmax_t
arg_unsigned(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR:		return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT:		return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG:		return va_arg(*ap, unsigned long);
	case LEN_LLONG:		return va_arg(*ap, unsigned long long);
	case LEN_MAX:		return va_arg(*ap, uintmax_t);
	case LEN_SIZE:		return va_arg(*ap, size_t);
	case LEN_PTRDIFF:	return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default:		return va_arg(*ap, unsigned);
	}
}

/* One conversion, fmt pointing just past the '%'; returns what follows. */
static const char *
format_one(struct sink *sk, const char *fmt, va_list *ap)
{
	struct spec sp;
	enum length len;
	intmax_t sv;
	char c;

	fmt = parse_spec(fmt, &sp, ap);
	fmt = parse_length(fmt, &len);
	switch (c = *fmt) {
	case 'd':
	case 'i':
		sv = arg_signed(len, ap);
		format_number(sk, &sp, sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv,
		    sv < 0, 10, false, 'd');
		break;
	case 'u':
		format_number(sk, &sp, arg_unsigned(len, ap), false, 10, false,
		    c);
		break;
	case 'o':
		format_number(sk, &sp, arg_unsigned(len, ap), false, 8, false,
		    c);
		break;
	case 'x':
	case 'X':
		format_number(sk, &sp, arg_unsigned(len, ap), false, 16,
		    c == 'X', c);
		break;
	case 'p':
		if (fmt[1] == 'E') {
			format_escaped(sk, &sp, va_arg(*ap, const char *));
			return fmt + 2;
		}
		sp.sp_alt = true;
		format_number(sk, &sp, (uintptr_t)va_arg(*ap, void *), false,
		    16, false, c);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_field(sk, &sp, "", 0, &c, 1);
		break;
	case 's':
		format_string(sk, &sp, va_arg(*ap, const char *));
		break;
	case '%':
		sink_putc(sk, '%');
		break;
	default:
		/* Unknown or truncated: show it rather than guess. */
		sink_putc(sk, '%');
		if (c == '\0')
			return fmt;
		sink_putc(sk, c);
		break;
	}
	return fmt + 1;
}

static int
format(struct sink *sk, const char *fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	while (*fmt != '\0') {
		if (*fmt != '%')
			sink_putc(sk, *fmt++);
		else
			fmt = format_one(sk, fmt + 1, &aq);
	}
	va_end(aq);
	if (sk->sk_out == NULL && sk->sk_size > 0)
		sk->sk_buf[sk->sk_len < sk->sk_size ? sk->sk_len :
		    sk->sk_size - 1] = '\0';
	return sk->sk_len > INT32_MAX ? INT32_MAX : (int)sk->sk_len;
}

/*
 * Like C's: writes at most size - 1 bytes and a NUL, and returns the
 * length the whole result would have had.
 */
int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink sk = { NULL, buf, size, 0 };

	return format(&sk, fmt, ap);
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * To a device a byte at a time, with "%s" on its guard: the console
 * (printf.c).  Returns the number of bytes sent.
 */
int
vformat(void (*out)(int), const char *fmt, va_list ap)
{
	struct sink sk = { out, NULL, 0, 0 };

	return format(&sk, fmt, ap);
}
