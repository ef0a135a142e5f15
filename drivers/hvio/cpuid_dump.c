/*
 * Recorded CPUID dumps: parse the text format of tests/cpuid-dumps
 * (README.md there, "File format") and answer CPUID from it, so that
 * pvbus can be run against machines we do not have.
 *
 *	# comment lines, blank lines
 *	0x00000000 0x00000000 0x00000016 0x756e6547 0x6c65746e 0x49656e69
 *	LEAF       SUBLEAF    EAX        EBX        ECX        EDX
 *
 * The text may come from anywhere (a file on the host, a boot module in
 * the kernel), so every byte is distrusted: we never read outside
 * [text, text + len) and never need a NUL at the end.  What we accept,
 * beyond the shared files' own strict layout:
 *
 *  - fields separated by any run of spaces and tabs, with blanks before
 *    the first and after the last; hex digits in either case, "0x" or
 *    "0X", 1 to 8 significant digits (leading zeros do not count, so a
 *    number is too large only if its value needs more than 32 bits);
 *  - "\n" or "\r\n" line ends, and no line end after the last line;
 *  - a comment after the six fields, when it starts with '#' after a
 *    blank: "0x1 0x0 0x306c3 0x100800 0x7ffafbff 0xbfebfbff # Haswell".
 *    The shared files have none, but hand-written test dumps want them;
 *    anything else after the sixth field is an error;
 *  - rows in any order: they are kept sorted by (leaf, subleaf) so that
 *    a lookup is a binary search.
 *
 * CPUID_DUMP_LINE_MAX limits rows only.  Comment lines may be longer:
 * the provenance headers of the shared dumps quote Message-IDs and run
 * to 387 bytes (hyperv-azure-f72sv2-1.txt line 6), and nothing here
 * copies a line, so their length costs nothing.
 *
 * On an error the dump is left with no rows, an empty vendor and the
 * error in cd_error ("line 12: ..."; the caller adds the file name), so
 * a caller that ignores the error replays an empty dump, never half of
 * one.
 */

#include "kern.h"
#include "cpuid_dump.h"

#define CPUID_DUMP_NFIELDS	6	/* LEAF SUBLEAF EAX EBX ECX EDX */
#define CPUID_DUMP_SHOW_MAX	20	/* bytes of a bad field quoted */
#define CPUID_DUMP_INT_MAX	0x7fffffff	/* INT_MAX; no <limits.h> */

static const char *const cpuid_dump_fields[CPUID_DUMP_NFIELDS] = {
	"LEAF", "SUBLEAF", "EAX", "EBX", "ECX", "EDX"
};

static int	cpuid_dump_fail(struct cpuid_dump *, int, int, const char *,
		    ...) __printflike(4, 5);

/* Stop parsing: forget the rows, say where and why. */
static int
cpuid_dump_fail(struct cpuid_dump *d, int lineno, int error,
    const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	d->cd_nrows = 0;
	d->cd_vendor[0] = '\0';
	d->cd_max_basic = 0;
	d->cd_errline = lineno;
	if (lineno > 0)		/* 0: the whole file, e.g. no rows */
		n = snprintf(d->cd_error, sizeof(d->cd_error), "line %d: ",
		    lineno);
	va_start(ap, fmt);
	vsnprintf(d->cd_error + n, sizeof(d->cd_error) - n, fmt, ap);
	va_end(ap);
	return error;
}

static bool
cpuid_dump_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Sort order: by leaf, then subleaf. */
static int
cpuid_dump_cmp(const struct cpuid_row *r, uint32_t leaf, uint32_t subleaf)
{
	if (r->cr_leaf != leaf)
		return r->cr_leaf < leaf ? -1 : 1;
	if (r->cr_subleaf != subleaf)
		return r->cr_subleaf < subleaf ? -1 : 1;
	return 0;
}

/* The index of the first row not below (leaf, subleaf): 0..cd_nrows. */
static int
cpuid_dump_lower(const struct cpuid_dump *d, uint32_t leaf,
    uint32_t subleaf)
{
	int lo = 0, hi = d->cd_nrows, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cpuid_dump_cmp(&d->cd_rows[mid], leaf, subleaf) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The index of the row (leaf, subleaf), or -1. */
static int
cpuid_dump_find(const struct cpuid_dump *d, uint32_t leaf, uint32_t subleaf)
{
	int i = cpuid_dump_lower(d, leaf, subleaf);

	if (i < d->cd_nrows && cpuid_dump_cmp(&d->cd_rows[i], leaf,
	    subleaf) == 0)
		return i;
	return -1;
}

static int
cpuid_dump_xdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The n bytes at s as a 0x-prefixed hex number: 0, EINVAL if they are
 * not one, ERANGE if its value does not fit in 32 bits.
 */
static int
cpuid_dump_hex(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	bool big = false;
	size_t i;
	int x;

	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return EINVAL;
	for (i = 2; i < n; i++) {
		if ((x = cpuid_dump_xdigit(s[i])) < 0)
			return EINVAL;	/* even after an overflow */
		if (v > 0x0fffffff)
			big = true;
		v = v << 4 | (uint32_t)x;
	}
	if (big)
		return ERANGE;
	*out = v;
	return 0;
}

/*
 * A field as an error message quotes it: at most CPUID_DUMP_SHOW_MAX
 * bytes, then "...", with control bytes as '?' so the message stays one
 * printable line.
 */
static void
cpuid_dump_show(char *buf, size_t size, const char *s, size_t n)
{
	size_t i, k = n < CPUID_DUMP_SHOW_MAX ? n : CPUID_DUMP_SHOW_MAX;

	for (i = 0; i < k && i + 1 < size; i++)
		buf[i] = (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] >= 0x7f ? '?' : s[i];
	buf[i] = '\0';
	if (k < n)
		snprintf(buf + i, size - i, "...");
}

/*
 * Split a row (n bytes at s, line end removed) into its six numbers.
 * Fields are runs of non-blanks; a '#' where a field would start begins
 * a comment, so it ends the row.
 */
static int
cpuid_dump_fields_of(struct cpuid_dump *d, const char *s, size_t n,
    int lineno, uint32_t v[CPUID_DUMP_NFIELDS])
{
	char show[CPUID_DUMP_SHOW_MAX + 4];
	size_t i = 0, start;
	int f, error;

	for (f = 0; f < CPUID_DUMP_NFIELDS; f++) {
		while (i < n && cpuid_dump_blank(s[i]))
			i++;
		if (i == n || s[i] == '#')
			return cpuid_dump_fail(d, lineno, EINVAL, "field %d "
			    "(%s) is missing; a row is LEAF SUBLEAF EAX EBX "
			    "ECX EDX", f + 1, cpuid_dump_fields[f]);
		for (start = i; i < n && !cpuid_dump_blank(s[i]); i++)
			continue;
		if ((error = cpuid_dump_hex(s + start, i - start, &v[f])) ==
		    0)
			continue;
		cpuid_dump_show(show, sizeof(show), s + start, i - start);
		return cpuid_dump_fail(d, lineno, EINVAL, error == ERANGE ?
		    "field %d (%s) \"%pE\" does not fit in 32 bits" :
		    "field %d (%s) \"%pE\" is not a 0x-prefixed hex number",
		    f + 1, cpuid_dump_fields[f], show);
	}
	while (i < n && cpuid_dump_blank(s[i]))
		i++;
	if (i < n && s[i] != '#') {
		for (start = i; i < n && !cpuid_dump_blank(s[i]); i++)
			continue;
		cpuid_dump_show(show, sizeof(show), s + start, i - start);
		return cpuid_dump_fail(d, lineno, EINVAL, "\"%pE\" follows "
		    "field 6 (EDX); only a '#' comment may", show);
	}
	return 0;
}

/* Put a row in its sorted place (insertion sort): no duplicates. */
static int
cpuid_dump_insert(struct cpuid_dump *d, const struct cpuid_row *row,
    int lineno)
{
	int i = cpuid_dump_lower(d, row->cr_leaf, row->cr_subleaf);

	if (i < d->cd_nrows && cpuid_dump_cmp(&d->cd_rows[i], row->cr_leaf,
	    row->cr_subleaf) == 0)
		return cpuid_dump_fail(d, lineno, EINVAL, "leaf 0x%08x "
		    "subleaf 0x%08x is already on an earlier line",
		    row->cr_leaf, row->cr_subleaf);
	if (d->cd_nrows == CPUID_DUMP_ROWS_MAX)
		return cpuid_dump_fail(d, lineno, E2BIG, "more than %d rows; "
		    "that is CPUID_DUMP_ROWS_MAX", CPUID_DUMP_ROWS_MAX);
	memmove(&d->cd_rows[i + 1], &d->cd_rows[i],
	    (size_t)(d->cd_nrows - i) * sizeof(d->cd_rows[0]));
	d->cd_rows[i] = *row;
	d->cd_nrows++;
	return 0;
}

/* One line, its "\n" removed: blank, a comment, or a row. */
static int
cpuid_dump_line(struct cpuid_dump *d, const char *s, size_t n, int lineno)
{
	uint32_t v[CPUID_DUMP_NFIELDS];
	struct cpuid_row row;
	size_t i;
	int error;

	if (n > 0 && s[n - 1] == '\r')
		n--;		/* CRLF */
	for (i = 0; i < n && cpuid_dump_blank(s[i]); i++)
		continue;
	if (i == n || s[i] == '#')
		return 0;
	if (n > CPUID_DUMP_LINE_MAX)
		return cpuid_dump_fail(d, lineno, EINVAL, "the row is %zu "
		    "bytes long, more than CPUID_DUMP_LINE_MAX (%d)", n,
		    CPUID_DUMP_LINE_MAX);
	if ((error = cpuid_dump_fields_of(d, s, n, lineno, v)) != 0)
		return error;
	row.cr_leaf = v[0];
	row.cr_subleaf = v[1];
	row.cr_regs.eax = v[2];
	row.cr_regs.ebx = v[3];
	row.cr_regs.ecx = v[4];
	row.cr_regs.edx = v[5];
	return cpuid_dump_insert(d, &row, lineno);
}

/*
 * The length of the line at s (up to its '\n' or the end), or, if it
 * holds a NUL or a byte >= 0x80, an error: the file is not ASCII text.
 */
static int
cpuid_dump_line_len(struct cpuid_dump *d, const char *s, size_t left,
    int lineno, size_t *np)
{
	size_t n;

	for (n = 0; n < left && s[n] != '\n'; n++)
		if (s[n] == '\0' || (unsigned char)s[n] >= 0x80)
			return cpuid_dump_fail(d, lineno, EINVAL, "byte 0x%02x "
			    "at column %zu is not ASCII text; is this a "
			    "binary file?", (unsigned char)s[n], n + 1);
	*np = n;
	return 0;
}

/* The 4 bytes of a register as CPUID stores a string: low byte first. */
static void
cpuid_dump_put4(char *p, uint32_t v)
{
	p[0] = (char)(v & 0xff);
	p[1] = (char)(v >> 8 & 0xff);
	p[2] = (char)(v >> 16 & 0xff);
	p[3] = (char)(v >> 24 & 0xff);
}

int
cpuid_dump_parse(const char *text, size_t len, struct cpuid_dump *d)
{
	const struct cpuid_regs *r;
	size_t pos = 0, n = 0;
	int lineno = 0, error, i;

	memset(d, 0, sizeof(*d));
	for (; pos < len; pos += n + 1) {	/* past the '\n' */
		if (lineno == CPUID_DUMP_INT_MAX)
			return cpuid_dump_fail(d, lineno, EINVAL, "too many "
			    "lines to count");
		lineno++;
		if ((error = cpuid_dump_line_len(d, text + pos, len - pos,
		    lineno, &n)) != 0 ||
		    (error = cpuid_dump_line(d, text + pos, n, lineno)) != 0)
			return error;
	}
	if (d->cd_nrows == 0)
		return cpuid_dump_fail(d, 0, EINVAL, "no rows: the dump is "
		    "empty or holds only comments and blank lines");
	if ((i = cpuid_dump_find(d, 0, 0)) >= 0) {
		r = &d->cd_rows[i].cr_regs;
		cpuid_dump_put4(&d->cd_vendor[0], r->ebx);	/* "Genu" */
		cpuid_dump_put4(&d->cd_vendor[4], r->edx);	/* "ineI" */
		cpuid_dump_put4(&d->cd_vendor[8], r->ecx);	/* "ntel" */
		d->cd_vendor[12] = '\0';
		d->cd_max_basic = r->eax;
	}
	return 0;
}

int
cpuid_dump_lookup(const struct cpuid_dump *d, uint32_t leaf,
    uint32_t subleaf, struct cpuid_regs *out)
{
	int i;

	if ((i = cpuid_dump_find(d, leaf, subleaf)) < 0)
		return ENOENT;
	*out = d->cd_rows[i].cr_regs;
	return 0;
}

/*
 * The row of a leaf recorded with subleaf 0 and no other, or -1.  Such
 * a leaf (1, 0x80000002, ...) ignores ECX, or its subleaves were never
 * recorded; either way the row is our best answer for any subleaf.
 */
static int
cpuid_dump_only_subleaf0(const struct cpuid_dump *d, uint32_t leaf)
{
	int i = cpuid_dump_lower(d, leaf, 0);

	if (i == d->cd_nrows || d->cd_rows[i].cr_leaf != leaf ||
	    d->cd_rows[i].cr_subleaf != 0)
		return -1;
	if (i + 1 < d->cd_nrows && d->cd_rows[i + 1].cr_leaf == leaf)
		return -1;	/* several subleaves: the one asked is not */
	return i;
}

/*
 * The recorded vendor's answer for anything not recorded, with one rule
 * per vendor for every missing leaf and subleaf:
 *
 *  - GenuineIntel: the data of the highest basic leaf, that is the row
 *    (cd_max_basic, 0), or zeros if the dump lacks it.  Intel SDM Vol. 2A,
 *    CPUID: "If a value entered for CPUID.EAX is higher than the maximum
 *    input value for basic or extended function for that processor then
 *    the data for the highest basic information leaf is returned."  The
 *    Intel dumps show it: baremetal-i7-6700k-1.txt recorded 0x20000000
 *    with the data of leaf 0x16.
 *  - everyone else: zeros, AMD's behaviour.  That AMD hardware answers
 *    zeros is unconfirmed (docs/reference/cpuid-detection.md "Leaves
 *    that do not exist"); it is what KVM does for an AMD-vendor guest (linux
 *    arch/x86/kvm/cpuid.c, get_out_of_range_cpuid_entry()) and what Xen
 *    does for every guest (xen/arch/x86/cpuid.c, guest_cpuid()).
 *
 * Simplified on purpose: the SDM rule is for leaves above the maximum,
 * but we also apply it to a leaf below cd_max_basic that the dump lacks
 * (0xb on virtualbox-*-i7-4700hq-1.txt) and to a missing subleaf of a
 * recorded leaf (4 subleaf 9), where real CPUs answer leaf by leaf,
 * usually zeros.  A test that needs those exact answers should record
 * them.  Hypervisors differ too: Xen answers zeros on Intel
 * (xen-4.2-ec2-e5-2676v3-1.txt 0x20000000), and so did one Hyper-V root
 * (hyperv-root-build19041-i7-2630qm-1.txt); we replay the CPU vendor's
 * rule, not the hypervisor's.
 */
static void
cpuid_dump_vendor_rule(const struct cpuid_dump *d, struct cpuid_regs *out)
{
	int i;

	if (strcmp(d->cd_vendor, "GenuineIntel") == 0 &&
	    (i = cpuid_dump_find(d, d->cd_max_basic, 0)) >= 0) {
		*out = d->cd_rows[i].cr_regs;
		return;
	}
	memset(out, 0, sizeof(*out));
}

bool
cpuid_dump_answer(struct cpuid_dump *d, uint32_t leaf, uint32_t subleaf,
    struct cpuid_regs *out)
{
	int i;

	if ((i = cpuid_dump_find(d, leaf, subleaf)) >= 0 ||
	    (i = cpuid_dump_only_subleaf0(d, leaf)) >= 0) {
		*out = d->cd_rows[i].cr_regs;
		return false;
	}
	cpuid_dump_vendor_rule(d, out);
	if (d->cd_nsynth < CPUID_DUMP_INT_MAX)	/* saturates */
		d->cd_nsynth++;
	return true;
}
