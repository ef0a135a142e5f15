/*
 * cpuid_dump_parse() and the answers of a replayed CPU
 * (drivers/hvio/cpuid_dump.c): every shared dump in tests/cpuid-dumps
 * parses and says what its README says; the Intel and AMD rules for a
 * leaf the dump lacks; every malformed input named in cpuid_dump.h,
 * with the line the error names; and a deterministic fuzz smoke of
 * 20000 mutated dumps, so that "make check" feeds hostile input to the
 * parser even where clang's libFuzzer (make fuzz) is not installed.
 *
 * Every input is copied into a malloc'ed buffer of exactly its length,
 * with no NUL after it, so AddressSanitizer reports any read past the
 * end.  The shared dumps are read from tests/cpuid-dumps relative to
 * the top of the tree, where tests/unit/run.sh runs us.
 */

#define _DEFAULT_SOURCE		/* opendir(), readdir() */

#include <dirent.h>

#include "check.h"
#include "kern.h"
#include "cpuid_dump.h"
#include "hvio.h"

#define DUMP_DIR	"tests/cpuid-dumps"
#define NSHARED_MIN	18	/* the dumps README.md lists */

static struct cpuid_dump dump;

/* Parse n bytes from an exact-size copy: an overread is an ASan report. */
static int
parse_n(const char *s, size_t n)
{
	char *buf = malloc(n > 0 ? n : 1);
	int error;

	if (buf == NULL)
		abort();
	memcpy(buf, s, n);
	error = cpuid_dump_parse(buf, n, &dump);
	free(buf);
	return error;
}

static int
parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* A file of DUMP_DIR in an exact-size buffer, or NULL. */
static char *
slurp(const char *name, size_t *lenp)
{
	char path[512], *buf;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/%s", DUMP_DIR, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc(len > 0 ? (size_t)len : 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*lenp = (size_t)len;
	return buf;
}

/* Parse a shared dump; false (after a failed CHECK) if it did not. */
static bool
parse_shared(const char *name)
{
	size_t len;
	char *text = slurp(name, &len);
	int error;

	if (!check_result(__FILE__, __LINE__, text != NULL,
	    "cannot read %s/%s", DUMP_DIR, name))
		return false;
	error = cpuid_dump_parse(text, len, &dump);
	free(text);
	return check_result(__FILE__, __LINE__, error == 0,
	    "%s: error %d: %s", name, error, dump.cd_error);
}

static bool
regs_eq(const struct cpuid_regs *a, const struct cpuid_regs *b)
{
	return a->eax == b->eax && a->ebx == b->ebx && a->ecx == b->ecx &&
	    a->edx == b->edx;
}

/* The row the dump holds, or all ones so that a comparison fails. */
static struct cpuid_regs
row(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = { ~0u, ~0u, ~0u, ~0u };

	CHECK_EQ_INT(cpuid_dump_lookup(&dump, leaf, subleaf, &r), 0);
	return r;
}

static bool
sorted_and_unique(const struct cpuid_dump *d)
{
	const struct cpuid_row *a, *b;
	int i;

	for (i = 1; i < d->cd_nrows; i++) {
		a = &d->cd_rows[i - 1];
		b = &d->cd_rows[i];
		if (a->cr_leaf > b->cr_leaf || (a->cr_leaf == b->cr_leaf &&
		    a->cr_subleaf >= b->cr_subleaf))
			return false;
	}
	return true;
}

/* Rows of a dump as its own text counts them: lines starting "0x". */
static int
count_rows(const char *s, size_t n)
{
	size_t i;
	int rows = 0;

	for (i = 0; i + 1 < n; i++)
		if ((i == 0 || s[i - 1] == '\n') && s[i] == '0' &&
		    s[i + 1] == 'x')
			rows++;
	return rows;
}

/*
 * Two small dumps cut from the shared ones, for the tests that must not
 * depend on files and as seeds of the fuzz smoke.
 */
static const char intel_dump[] =
    "# file: cut from baremetal-i7-6700k-1.txt (leaves 0..0x16 abridged)\n"
    "# columns: LEAF SUBLEAF EAX EBX ECX EDX\n"
    "0x00000000 0x00000000 0x00000016 0x756e6547 0x6c65746e 0x49656e69\n"
    "0x00000001 0x00000000 0x000506e3 0x00100800 0x7ffafbbf 0xbfebfbff\n"
    "0x00000004 0x00000000 0x1c004121 0x01c0003f 0x0000003f 0x00000000\n"
    "0x00000004 0x00000001 0x1c004122 0x01c0003f 0x0000003f 0x00000000\n"
    "0x0000000b 0x00000000 0x00000001 0x00000002 0x00000100 0x00000000\n"
    "0x0000000b 0x00000001 0x00000004 0x00000008 0x00000201 0x00000000\n"
    "0x00000016 0x00000000 0x00000fa0 0x00001068 0x00000064 0x00000000\n"
    "0x20000000 0x00000000 0x00000fa0 0x00001068 0x00000064 0x00000000\n"
    "0x80000000 0x00000000 0x80000008 0x00000000 0x00000000 0x00000000\n"
    "0x80000008 0x00000000 0x00003027 0x00000000 0x00000000 0x00000000\n";

static const char amd_dump[] =
    "# file: cut from hyperv-root-build14393-epyc7401p-1.txt\n"
    "0x00000000 0x00000000 0x0000000d 0x68747541 0x444d4163 0x69746e65\n"
    "0x00000001 0x00000000 0x00800f12 0x00300800 0xfed83203 0x178bfbff\n"
    "0x0000000d 0x00000000 0x00000007 0x00000340 0x00000340 0x00000000\n"
    "0x0000000d 0x00000001 0x0000000b 0x00000340 0x00000000 0x00000000\n"
    "0x40000000 0x00000000 0x4000000a 0x7263694d 0x666f736f 0x76482074\n"
    "0x80000000 0x00000000 0x8000001e 0x68747541 0x444d4163 0x69746e65\n"
    "0x8000001d 0x00000000 0x00004121 0x01c0003f 0x0000003f 0x00000000\n"
    "0x8000001d 0x00000001 0x00004122 0x00c0003f 0x000000ff 0x00000000\n"
    "0x8fffffff 0x00000000 0x00000000 0x00000000 0x00000000 0x00000000\n";

/* ---- the shared dumps ---- */

static bool
is_txt(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".txt") == 0;
}

/* Every .txt file of DUMP_DIR parses, with all its rows, sorted. */
static void
test_every_shared_dump_parses(void)
{
	struct dirent *de;
	size_t len;
	char *text;
	DIR *dir;
	int nfiles = 0;

	if (!CHECK((dir = opendir(DUMP_DIR)) != NULL))
		return;
	while ((de = readdir(dir)) != NULL) {
		if (!is_txt(de->d_name))
			continue;
		nfiles++;
		if ((text = slurp(de->d_name, &len)) == NULL) {
			CHECK(text != NULL);
			continue;
		}
		check_result(__FILE__, __LINE__,
		    cpuid_dump_parse(text, len, &dump) == 0, "%s: %s",
		    de->d_name, dump.cd_error);
		check_result(__FILE__, __LINE__,
		    dump.cd_nrows == count_rows(text, len), "%s: %d rows, "
		    "the text has %d", de->d_name, dump.cd_nrows,
		    count_rows(text, len));
		CHECK(sorted_and_unique(&dump));
		CHECK(strcmp(dump.cd_vendor, "GenuineIntel") == 0 ||
		    strcmp(dump.cd_vendor, "AuthenticAMD") == 0);
		CHECK_STR(dump.cd_error, "");
		CHECK_EQ_INT(dump.cd_errline, 0);
		free(text);
	}
	closedir(dir);
	CHECK(nfiles >= NSHARED_MIN);
}

/* README: "Microsoft Hv", max leaf 0x4000000a, base+1 EAX "Hv#1". */
static void
test_azure_hyperv_base(void)
{
	struct cpuid_regs r;
	char sig[13];

	if (!parse_shared("hyperv-azure-f72sv2-1.txt"))
		return;
	CHECK_EQ_INT(dump.cd_nrows, 54);
	CHECK_STR(dump.cd_vendor, "GenuineIntel");
	CHECK_EQ_HEX(dump.cd_max_basic, 0x15);
	r = row(0x40000000, 0);
	CHECK_EQ_HEX(r.eax, 0x4000000a);
	memcpy(sig + 0, &r.ebx, 4);	/* hypervisor order: EBX ECX EDX */
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = '\0';
	CHECK_STR(sig, "Microsoft Hv");
	CHECK_EQ_HEX(row(0x40000001, 0).eax, 0x31237648);	/* "Hv#1" */
	CHECK_EQ_HEX(row(0x40000003, 0).ebx, 0x003b8030);
	CHECK_EQ_HEX(row(0x0000000d, 7).ebx, 0x00000680);
	CHECK_EQ_INT(cpuid_dump_lookup(&dump, 0x4000000b, 0, &r), ENOENT);
	CHECK_EQ_INT(cpuid_dump_lookup(&dump, 0x0000000d, 3, &r), ENOENT);
}

/* The vendor is EBX, EDX, ECX of leaf 0; a bare-metal dump has no 0x4. */
static void
test_baremetal_vendor_and_no_hypervisor_leaves(void)
{
	struct cpuid_regs r;

	if (!parse_shared("baremetal-i7-6700k-1.txt"))
		return;
	CHECK_STR(dump.cd_vendor, "GenuineIntel");
	CHECK_EQ_HEX(dump.cd_max_basic, 0x16);
	CHECK_EQ_INT(dump.cd_nrows, 48);
	CHECK_EQ_INT(dump.cd_nsynth, 0);
	CHECK_EQ_INT(cpuid_dump_lookup(&dump, 0x40000000, 0, &r), ENOENT);
	CHECK_EQ_HEX(row(1, 0).ecx >> 31, 0);	/* no hypervisor bit */
	if (!parse_shared("hyperv-root-build14393-epyc7401p-1.txt"))
		return;
	CHECK_STR(dump.cd_vendor, "AuthenticAMD");
	CHECK_EQ_HEX(dump.cd_max_basic, 0xd);
}

/* ---- answers for what the dump lacks ---- */

/*
 * Intel: an unrecorded leaf answers the highest basic leaf's data, and
 * cd_nsynth counts each made-up answer.
 */
static void
test_intel_missing_leaf_is_max_basic_leaf(void)
{
	struct cpuid_regs r, max;

	if (!parse_shared("baremetal-i7-6700k-1.txt"))
		return;
	max = row(0x16, 0);
	CHECK(cpuid_dump_answer(&dump, 0x40000000, 0, &r));
	CHECK(regs_eq(&r, &max));
	CHECK_EQ_HEX(r.eax, 0x00000fa0);
	CHECK_EQ_INT(dump.cd_nsynth, 1);
	CHECK(cpuid_dump_answer(&dump, 0x80000009, 0, &r));	/* > ext max */
	CHECK(regs_eq(&r, &max));
	CHECK(cpuid_dump_answer(&dump, 0x4, 9, &r));	/* missing subleaf */
	CHECK(regs_eq(&r, &max));
	CHECK_EQ_INT(dump.cd_nsynth, 3);
	CHECK(!cpuid_dump_answer(&dump, 0x20000000, 0, &r));	/* recorded */
	CHECK(regs_eq(&r, &max));	/* the hardware said so too */
	CHECK(!cpuid_dump_answer(&dump, 0x4, 3, &r));
	CHECK_EQ_HEX(r.eax, 0x1c03c163);
	CHECK_EQ_INT(dump.cd_nsynth, 3);

	/* Leaf 0xb is missing below the maximum 0xd: the same rule. */
	if (!parse_shared("virtualbox-hv-win7guest-i7-4700hq-1.txt"))
		return;
	max = row(0xd, 0);
	CHECK(cpuid_dump_answer(&dump, 0xb, 0, &r));
	CHECK(regs_eq(&r, &max));
	CHECK_EQ_INT(dump.cd_nsynth, 1);
}

/* A copy of text without the row of leaf (subleaf 0), exact size. */
static char *
without_leaf(const char *text, size_t len, uint32_t leaf, size_t *lenp)
{
	char prefix[32], *out = malloc(len > 0 ? len : 1);
	size_t pos, end, n = 0, plen;

	plen = (size_t)snprintf(prefix, sizeof(prefix), "0x%08x 0x00000000 ",
	    leaf);
	for (pos = 0; pos < len; pos = end) {
		for (end = pos; end < len && text[end] != '\n'; end++)
			continue;
		if (end < len)
			end++;
		if (end - pos >= plen && memcmp(text + pos, prefix, plen) == 0)
			continue;
		memcpy(out + n, text + pos, end - pos);
		n += end - pos;
	}
	*lenp = n;
	return out;
}

/*
 * Where an Intel machine recorded a probe of an out-of-range leaf
 * (0x20000000, 0x80860000, 0xc0000000, as cpuid(1) makes), delete the
 * row and the made-up answer must be what the machine said.
 */
static void
test_intel_rule_matches_recorded_probes(void)
{
	static const char *const files[] = {
		"baremetal-i7-6700k-1.txt", "hyperv-azure-f72sv2-1.txt",
		"kvm-firecracker-ec2-m5metal-1.txt", "kvm-qemu-i7-8650u-1.txt",
		"kvm-qemu-xeon-gold5218-1.txt", "vmware-hv1-i7-6700k-1.txt",
		"vmware-xeon-e5-2670v3-1.txt",
	};
	static const uint32_t probes[] = { 0x20000000, 0x80860000,
	    0xc0000000 };
	struct cpuid_regs want, got;
	size_t i, j, len, len2;
	char *text, *cut;
	int nprobes = 0;

	for (i = 0; i < nitems(files); i++) {
		if (!CHECK((text = slurp(files[i], &len)) != NULL))
			continue;
		for (j = 0; j < nitems(probes); j++) {
			if (cpuid_dump_parse(text, len, &dump) != 0 ||
			    cpuid_dump_lookup(&dump, probes[j], 0, &want) != 0)
				continue;
			cut = without_leaf(text, len, probes[j], &len2);
			CHECK_EQ_INT(cpuid_dump_parse(cut, len2, &dump), 0);
			CHECK(cpuid_dump_answer(&dump, probes[j], 0, &got));
			check_result(__FILE__, __LINE__, regs_eq(&got, &want),
			    "%s: leaf 0x%08x made up wrong", files[i],
			    probes[j]);
			free(cut);
			nprobes++;
		}
		free(text);
	}
	CHECK_EQ_INT(nprobes, 14);
}

/* AMD (and any vendor but Intel): zeros, counted. */
static void
test_amd_missing_leaf_is_zeros(void)
{
	static const struct cpuid_regs zero;
	struct cpuid_regs r;

	if (!parse_shared("hyperv-root-build14393-epyc7401p-1.txt"))
		return;
	CHECK(cpuid_dump_answer(&dump, 0x40000100, 0, &r));
	CHECK(regs_eq(&r, &zero));
	CHECK(cpuid_dump_answer(&dump, 0x4, 0, &r));	/* below the max */
	CHECK(regs_eq(&r, &zero));
	CHECK(cpuid_dump_answer(&dump, 0x8000001d, 4, &r));	/* subleaf */
	CHECK(regs_eq(&r, &zero));
	CHECK(cpuid_dump_answer(&dump, 0xd, 0x3f, &r));
	CHECK(regs_eq(&r, &zero));
	CHECK_EQ_INT(dump.cd_nsynth, 4);
	CHECK(!cpuid_dump_answer(&dump, 0x8fffffff, 0, &r));	/* recorded */
	CHECK(regs_eq(&r, &zero));
	CHECK(!cpuid_dump_answer(&dump, 0x40000000, 0, &r));
	CHECK_EQ_HEX(r.eax, 0x4000000a);
	CHECK_EQ_INT(dump.cd_nsynth, 4);

	CHECK_EQ_INT(parse(amd_dump), 0);	/* the embedded cut */
	CHECK_STR(dump.cd_vendor, "AuthenticAMD");
	CHECK(cpuid_dump_answer(&dump, 0x16, 0, &r));
	CHECK(regs_eq(&r, &zero));
}

/* A leaf recorded only with subleaf 0 answers that row for any subleaf. */
static void
test_subleaf0_only_leaf_ignores_subleaf(void)
{
	struct cpuid_regs r, max;

	CHECK_EQ_INT(parse(intel_dump), 0);
	CHECK(!cpuid_dump_answer(&dump, 1, 5, &r));
	CHECK_EQ_HEX(r.eax, 0x000506e3);
	CHECK(!cpuid_dump_answer(&dump, 0x80000008, 0xffffffff, &r));
	CHECK_EQ_HEX(r.eax, 0x00003027);
	CHECK_EQ_INT(dump.cd_nsynth, 0);
	max = row(0x16, 0);
	CHECK(cpuid_dump_answer(&dump, 0xb, 2, &r));	/* has 0 and 1 */
	CHECK(regs_eq(&r, &max));
	CHECK(cpuid_dump_answer(&dump, 2, 0, &r));	/* not recorded */
	CHECK(regs_eq(&r, &max));
	CHECK_EQ_INT(dump.cd_nsynth, 2);

	/* Recorded only with subleaf 1: subleaf 0 is made up. */
	CHECK_EQ_INT(parse(
	    "0x0 0x0 0x7 0x756e6547 0x6c65746e 0x49656e69\n"
	    "0x7 0x0 0x0 0x0 0x0 0x0\n"
	    "0x9 0x1 0x1 0x2 0x3 0x4\n"), 0);
	CHECK(cpuid_dump_answer(&dump, 0x9, 0, &r));
	CHECK_EQ_HEX(r.eax, 0);		/* leaf 7's data: zeros */
	CHECK(!cpuid_dump_answer(&dump, 0x9, 1, &r));
	CHECK_EQ_HEX(r.edx, 4);
}

/* No leaf 0: no vendor, no maximum, every made-up answer is zeros. */
static void
test_no_leaf0_means_no_vendor(void)
{
	struct cpuid_regs r;

	CHECK_EQ_INT(parse("0x1 0x0 0x1 0x2 0x3 0x4\n"
	    "0x0 0x1 0x16 0x756e6547 0x6c65746e 0x49656e69\n"), 0);
	CHECK_STR(dump.cd_vendor, "");
	CHECK_EQ_HEX(dump.cd_max_basic, 0);
	CHECK(cpuid_dump_answer(&dump, 0x40000000, 0, &r));
	CHECK_EQ_HEX(r.eax | r.ebx | r.ecx | r.edx, 0);
	CHECK(!cpuid_dump_answer(&dump, 0x1, 0, &r));
	CHECK_EQ_HEX(r.ecx, 3);
}

/* Intel without the max basic leaf's subleaf 0 row: zeros. */
static void
test_intel_without_max_leaf_row_is_zeros(void)
{
	struct cpuid_regs r;

	CHECK_EQ_INT(parse("0x0 0x0 0x16 0x756e6547 0x6c65746e 0x49656e69\n"
	    "0x16 0x1 0x5 0x5 0x5 0x5\n"), 0);
	CHECK_STR(dump.cd_vendor, "GenuineIntel");
	CHECK(cpuid_dump_answer(&dump, 0x40000000, 0, &r));
	CHECK_EQ_HEX(r.eax | r.ebx | r.ecx | r.edx, 0);
}

/* ---- what the parser accepts ---- */

static void
test_unsorted_rows_are_sorted(void)
{
	struct cpuid_regs r;

	CHECK_EQ_INT(parse(
	    "0x80000000 0x0 0x80000001 0x0 0x0 0x0\n"
	    "0xd 0x2 0x100 0x240 0x0 0x0\n"
	    "0xd 0x0 0x7 0x340 0x340 0x0\n"
	    "0x0 0x0 0xd 0x68747541 0x444d4163 0x69746e65\n"
	    "0xd 0x1 0xb 0x340 0x0 0x0\n"
	    "0xffffffff 0xffffffff 0x1 0x1 0x1 0x1\n"
	    "0x1 0x0 0x800f12 0x300800 0xfed83203 0x178bfbff\n"), 0);
	CHECK_EQ_INT(dump.cd_nrows, 7);
	CHECK(sorted_and_unique(&dump));
	CHECK_EQ_HEX(dump.cd_rows[0].cr_leaf, 0);
	CHECK_EQ_HEX(dump.cd_rows[3].cr_subleaf, 1);
	CHECK_EQ_HEX(dump.cd_rows[6].cr_leaf, 0xffffffff);
	CHECK_STR(dump.cd_vendor, "AuthenticAMD");
	CHECK_EQ_INT(cpuid_dump_lookup(&dump, 0xd, 2, &r), 0);
	CHECK_EQ_HEX(r.ebx, 0x240);
	CHECK_EQ_INT(cpuid_dump_lookup(&dump, 0xffffffff, 0xffffffff, &r), 0);
}

/* CRLF, blanks, tabs, comments anywhere, no newline at the end. */
static void
test_text_variations_are_fine(void)
{
	CHECK_EQ_INT(parse("\r\n# header\r\n\r\n   \t\r\n\t# indented\n"
	    "0x0 0x0 0x1 0x756e6547 0x6c65746e 0x49656e69\r\n"
	    "  0X1\t0x0  0xABCDEF01 0xabcdef01 0x00000000000000ff 0x0  \r\n"
	    "0x2 0x0 0x0 0x0 0x0 0x0 # a comment after the fields\n"
	    "0x3 0x0 0x0 0x0 0x0 0x7\t#\n"
	    "0x4 0x0 0x0 0x0 0x0 0xffffffff"), 0);
	CHECK_STR(dump.cd_error, "");
	CHECK_EQ_INT(dump.cd_nrows, 5);
	CHECK_EQ_HEX(row(1, 0).eax, 0xabcdef01);
	CHECK_EQ_HEX(row(1, 0).ebx, 0xabcdef01);
	CHECK_EQ_HEX(row(1, 0).ecx, 0xff);
	CHECK_EQ_HEX(row(3, 0).edx, 7);
	CHECK_EQ_HEX(row(4, 0).edx, 0xffffffff);	/* last, no "\n" */
	CHECK_EQ_HEX(dump.cd_max_basic, 1);
	CHECK_EQ_INT(parse("0x5 0x0 0x0 0x0 0x0 0x1\r"), 0);	/* bare CR */
	CHECK_EQ_HEX(row(5, 0).edx, 1);
}

/* Rows are limited to CPUID_DUMP_LINE_MAX bytes; comment lines are not. */
static void
test_overlong_row_is_einval(void)
{
	char line[1200];
	int n;

	n = snprintf(line, sizeof(line), "# h\n\n0x0 0x0 0x0 0x0 0x0 0x0");
	memset(line + n, ' ', CPUID_DUMP_LINE_MAX - 23);  /* 256 bytes */
	CHECK_EQ_INT(parse_n(line, (size_t)n + CPUID_DUMP_LINE_MAX - 23), 0);
	memcpy(line + n + CPUID_DUMP_LINE_MAX - 23, "\r\n", 2);
	CHECK_EQ_INT(parse_n(line, (size_t)n + CPUID_DUMP_LINE_MAX - 21), 0);
	line[n + CPUID_DUMP_LINE_MAX - 23] = ' ';	/* 257 bytes */
	CHECK_EQ_INT(parse_n(line, (size_t)n + CPUID_DUMP_LINE_MAX - 21),
	    EINVAL);
	CHECK_EQ_INT(dump.cd_errline, 3);
	CHECK_STR(dump.cd_error, "line 3: the row is 257 bytes long, more "
	    "than CPUID_DUMP_LINE_MAX (256)");
	CHECK_EQ_INT(dump.cd_nrows, 0);

	line[0] = '#';		/* a 1000-byte comment line is fine */
	memset(line + 1, 'c', 999);
	memcpy(line + 1000, "\n0x0 0x0 0x0 0x0 0x0 0x0\n", 25);
	CHECK_EQ_INT(parse_n(line, 1025), 0);
	memset(line, ' ', 1000);	/* a 1000-blank line too */
	CHECK_EQ_INT(parse_n(line, 1025), 0);
}

struct bad_case {
	const char	*bc_text;
	int		 bc_error;
	int		 bc_line;
	const char	*bc_message;
};

#define HDR	"# file: bad\n\n"	/* 2 lines before the first row */
#define ROW0	"0x0 0x0 0x16 0x756e6547 0x6c65746e 0x49656e69\n"  /* line 3 */

static const struct bad_case bad_cases[] = {
	{ HDR ROW0 "0x1 0x0 0xZZ 0x0 0x0 0x0\n", EINVAL, 4,
	  "line 4: field 3 (EAX) \"0xZZ\" is not a 0x-prefixed hex number" },
	{ HDR ROW0 "12 0x0 0x0 0x0 0x0 0x0\n", EINVAL, 4,
	  "line 4: field 1 (LEAF) \"12\" is not a 0x-prefixed hex number" },
	{ HDR ROW0 "0x1 0x 0x0 0x0 0x0 0x0\n", EINVAL, 4,
	  "line 4: field 2 (SUBLEAF) \"0x\" is not a 0x-prefixed hex "
	  "number" },
	{ HDR ROW0 "0x1 0x0 0x0 -0x1 0x0 0x0\n", EINVAL, 4,
	  "line 4: field 4 (EBX) \"-0x1\" is not a 0x-prefixed hex number" },
	{ HDR ROW0 "0x1 0x0 0x0 0x0 0x1g 0x0\n", EINVAL, 4,
	  "line 4: field 5 (ECX) \"0x1g\" is not a 0x-prefixed hex number" },
	{ HDR ROW0 "0x1 0x0 0x0 0x0 0x0 0x1,\n", EINVAL, 4,
	  "line 4: field 6 (EDX) \"0x1,\" is not a 0x-prefixed hex number" },
	{ HDR ROW0 "0x1 0x0 0x0 0x0 0x0 0x0\x01\n", EINVAL, 4,
	  "line 4: field 6 (EDX) \"0x0?\" is not a 0x-prefixed hex number" },
	{ HDR "0x1 0x0 0x0 0x0 0x0 0x0\r\r\n", EINVAL, 3,
	  "line 3: field 6 (EDX) \"0x0?\" is not a 0x-prefixed hex number" },
	{ HDR ROW0 "0x1 0x0 0x0 0x0 0x0 0x0123456789abcdefghijklmn\n",
	  EINVAL, 4, "line 4: field 6 (EDX) \"0x0123456789abcdefgh...\" is "
	  "not a 0x-prefixed hex number" },
	{ HDR ROW0 "0x1 0x0 0x100000000 0x0 0x0 0x0\n", EINVAL, 4,
	  "line 4: field 3 (EAX) \"0x100000000\" does not fit in 32 bits" },
	{ HDR "0xffffffff0 0x0 0x0 0x0 0x0 0x0\n", EINVAL, 3,
	  "line 3: field 1 (LEAF) \"0xffffffff0\" does not fit in 32 bits" },
	{ HDR ROW0 "0x1 0x0 0x0 0x0 0x0\n", EINVAL, 4,
	  "line 4: field 6 (EDX) is missing; a row is LEAF SUBLEAF EAX EBX "
	  "ECX EDX" },
	{ HDR ROW0 "0x1 0x0 0x0 # 0x0 0x0 0x0\n", EINVAL, 4,
	  "line 4: field 4 (EBX) is missing; a row is LEAF SUBLEAF EAX EBX "
	  "ECX EDX" },
	{ HDR ROW0 "0x1", EINVAL, 4,
	  "line 4: field 2 (SUBLEAF) is missing; a row is LEAF SUBLEAF EAX "
	  "EBX ECX EDX" },
	{ HDR ROW0 "0x1 0x0 0x0 0x0 0x0 0x0 0x0\n", EINVAL, 4,
	  "line 4: \"0x0\" follows field 6 (EDX); only a '#' comment may" },
	{ HDR ROW0 "0x1 0x0 0x0 0x0 0x0 0x0 ; note\n", EINVAL, 4,
	  "line 4: \";\" follows field 6 (EDX); only a '#' comment may" },
	{ HDR ROW0 "0x1 0x0 0x0 0x0 0x0 0x0#x\n", EINVAL, 4,
	  "line 4: field 6 (EDX) \"0x0\\x23x\" is not a 0x-prefixed hex number" },
	{ HDR ROW0 "0x4 0x1 0x0 0x0 0x0 0x0\n\n# x\n"
	  "0x00000004 0x00000001 0x1 0x0 0x0 0x0\n", EINVAL, 7,
	  "line 7: leaf 0x00000004 subleaf 0x00000001 is already on an "
	  "earlier line" },
	{ HDR ROW0 "# caf\xc3\xa9\n", EINVAL, 4,
	  "line 4: byte 0xc3 at column 6 is not ASCII text; is this a binary "
	  "file?" },
	{ "", EINVAL, 0, "no rows: the dump is empty or holds only comments "
	  "and blank lines" },
	{ "# only\n# comments\n\n  \r\n", EINVAL, 0, "no rows: the dump is "
	  "empty or holds only comments and blank lines" },
	{ "\n\n\n", EINVAL, 0, "no rows: the dump is empty or holds only "
	  "comments and blank lines" },
};

/* Every malformed row: EINVAL, the line, one sentence, no rows kept. */
static void
test_malformed_input_names_its_line(void)
{
	const struct bad_case *bc;
	size_t i;
	bool ok;

	for (i = 0; i < nitems(bad_cases); i++) {
		bc = &bad_cases[i];
		ok = CHECK_EQ_INT(parse(bc->bc_text), bc->bc_error);
		ok &= CHECK_EQ_INT(dump.cd_errline, bc->bc_line);
		ok &= CHECK_STR(dump.cd_error, bc->bc_message);
		ok &= CHECK_EQ_INT(dump.cd_nrows, 0);
		ok &= CHECK_STR(dump.cd_vendor, "");
		ok &= CHECK_EQ_HEX(dump.cd_max_basic, 0);
		if (!ok)
			printf("#   in bad_cases[%zu]\n", i);
	}
}

/* A NUL, in a row or a comment, is a binary file; so is 0x80..0xff. */
static void
test_nul_byte_is_binary(void)
{
	static const char nul_row[] = HDR ROW0 "0x1 0x0\0 0x0 0x0 0x0 0x0\n";
	static const char nul_comment[] = "#\0\n" ROW0;
	static const char high[] = ROW0 "0x1 0x0 0x0 0x0 0x0 0x0\n\xff";

	CHECK_EQ_INT(parse_n(nul_row, sizeof(nul_row) - 1), EINVAL);
	CHECK_EQ_INT(dump.cd_errline, 4);
	CHECK_STR(dump.cd_error, "line 4: byte 0x00 at column 8 is not ASCII "
	    "text; is this a binary file?");
	CHECK_EQ_INT(parse_n(nul_comment, sizeof(nul_comment) - 1), EINVAL);
	CHECK_EQ_INT(dump.cd_errline, 1);
	CHECK_EQ_INT(parse_n(high, sizeof(high) - 1), EINVAL);
	CHECK_EQ_INT(dump.cd_errline, 3);
	CHECK_CONTAINS(dump.cd_error, "byte 0xff at column 1");
	CHECK_EQ_INT(parse("# \x7f is ASCII\n" ROW0 "#\x80\n"), EINVAL);
	CHECK_STR(dump.cd_error, "line 3: byte 0x80 at column 2 is not ASCII "
	    "text; is this a binary file?");
}

/* A failed parse forgets the rows; the next parse forgets the error. */
static void
test_error_then_reparse_starts_clean(void)
{
	struct cpuid_regs r;

	CHECK_EQ_INT(parse(intel_dump), 0);
	CHECK(cpuid_dump_answer(&dump, 0x40000000, 0, &r));
	CHECK_EQ_INT(dump.cd_nsynth, 1);
	CHECK_EQ_INT(parse(ROW0 "0x1 0x0 0x0\n"), EINVAL);
	CHECK_EQ_INT(dump.cd_nrows, 0);
	CHECK_EQ_INT(cpuid_dump_lookup(&dump, 0, 0, &r), ENOENT);
	CHECK(cpuid_dump_answer(&dump, 0, 0, &r));	/* an empty dump */
	CHECK_EQ_HEX(r.eax | r.ebx | r.ecx | r.edx, 0);
	CHECK_EQ_INT(parse(amd_dump), 0);
	CHECK_STR(dump.cd_error, "");
	CHECK_EQ_INT(dump.cd_errline, 0);
	CHECK_EQ_INT(dump.cd_nsynth, 0);
	CHECK_EQ_INT(dump.cd_nrows, 9);
}

/* CPUID_DUMP_ROWS_MAX rows fit; one more is E2BIG on its line. */
static void
test_too_many_rows_is_e2big(void)
{
	size_t size = 40 * (CPUID_DUMP_ROWS_MAX + 2), len = 0;
	char *text = malloc(size);
	int i;

	len += snprintf(text + len, size - len, "# many\n");
	for (i = CPUID_DUMP_ROWS_MAX - 1; i >= 0; i--)	/* worst order */
		len += snprintf(text + len, size - len,
		    "0x%x 0x0 0x%x 0x0 0x0 0x0\n", i, i);
	CHECK_EQ_INT(parse_n(text, len), 0);
	CHECK_EQ_INT(dump.cd_nrows, CPUID_DUMP_ROWS_MAX);
	CHECK(sorted_and_unique(&dump));
	CHECK_EQ_HEX(row(0x3ff, 0).eax, 0x3ff);
	CHECK_EQ_HEX(dump.cd_max_basic, 0);
	len += snprintf(text + len, size - len, "\n0x0 0x1 0x0 0x0 0x0 0x0\n");
	CHECK_EQ_INT(parse_n(text, len), E2BIG);
	CHECK_EQ_INT(dump.cd_errline, CPUID_DUMP_ROWS_MAX + 3);
	CHECK_STR(dump.cd_error, "line 1027: more than 1024 rows; that is "
	    "CPUID_DUMP_ROWS_MAX");
	CHECK_EQ_INT(dump.cd_nrows, 0);
	free(text);
}

/* ---- fuzz smoke ---- */

#define FUZZ_RUNS	20000
#define FUZZ_SLACK	2048	/* bytes a mutated input may grow */

static uint64_t fuzz_state = 0x9e3779b97f4a7c15ull;	/* fixed seed */

/* xorshift64*: a number in 0..n-1, the same sequence on every run. */
static size_t
fuzz_rand(size_t n)
{
	fuzz_state ^= fuzz_state >> 12;
	fuzz_state ^= fuzz_state << 25;
	fuzz_state ^= fuzz_state >> 27;
	return n == 0 ? 0 : (size_t)((fuzz_state * 0x2545f4914f6cdd1dull) >>
	    32) % n;
}

/* Bytes the grammar cares about, and some it must refuse. */
static const char fuzz_bytes[] = "0123456789abcdefABCDEFxXgG #\t\r\n"
    "\0\x01\x7f\x80\xff-+;";

static size_t
fuzz_insert(char *buf, size_t len, size_t cap, size_t at, const char *s,
    size_t n)
{
	n = n < cap - len ? n : cap - len;
	memmove(buf + at + n, buf + at, len - at);
	memcpy(buf + at, s, n);
	return len + n;
}

/* One random edit of buf (len bytes of cap); returns the new length. */
static size_t
fuzz_mutate(char *buf, size_t len, size_t cap)
{
	size_t at = fuzz_rand(len + 1), n, from;
	char tmp[320];

	switch (fuzz_rand(7)) {
	case 0:			/* overwrite a byte */
		if (at < len)
			buf[at] = fuzz_bytes[fuzz_rand(sizeof(fuzz_bytes) - 1)];
		return len;
	case 1:			/* insert a byte */
		tmp[0] = fuzz_bytes[fuzz_rand(sizeof(fuzz_bytes) - 1)];
		return fuzz_insert(buf, len, cap, at, tmp, 1);
	case 2:			/* delete up to 16 bytes */
		n = fuzz_rand(16) + 1;
		n = n < len - at ? n : len - at;
		memmove(buf + at, buf + at + n, len - at - n);
		return len - n;
	case 3:			/* copy up to 100 bytes: duplicate rows */
		from = fuzz_rand(len + 1);
		n = fuzz_rand(100) + 1;
		n = n < len - from ? n : len - from;
		memcpy(tmp, buf + from, n);
		return fuzz_insert(buf, len, cap, at, tmp, n);
	case 4:			/* a run of blanks or digits: long lines */
		n = fuzz_rand(300) + 1;
		memset(tmp, fuzz_rand(2) ? ' ' : 'f', n);
		return fuzz_insert(buf, len, cap, at, tmp, n);
	case 5:			/* cut the end off */
		return at;
	default:		/* another hex digit: duplicates, big values */
		if (at < len && strchr("0123456789abcdef", buf[at]) != NULL &&
		    buf[at] != '\0')
			buf[at] = "0123456789abcdef"[fuzz_rand(16)];
		return len;
	}
}

/* cpuid_dump_answer() by linear search: the rules in cpuid_dump.h. */
static bool
model_answer(const struct cpuid_dump *d, uint32_t leaf, uint32_t subleaf,
    struct cpuid_regs *out)
{
	const struct cpuid_row *only = NULL;
	int i, nleaf = 0;

	for (i = 0; i < d->cd_nrows; i++) {
		if (d->cd_rows[i].cr_leaf != leaf)
			continue;
		if (d->cd_rows[i].cr_subleaf == subleaf) {
			*out = d->cd_rows[i].cr_regs;
			return false;
		}
		nleaf++;
		only = &d->cd_rows[i];
	}
	if (nleaf == 1 && only->cr_subleaf == 0) {
		*out = only->cr_regs;
		return false;
	}
	memset(out, 0, sizeof(*out));
	if (strcmp(d->cd_vendor, "GenuineIntel") == 0)
		for (i = 0; i < d->cd_nrows; i++)
			if (d->cd_rows[i].cr_leaf == d->cd_max_basic &&
			    d->cd_rows[i].cr_subleaf == 0)
				*out = d->cd_rows[i].cr_regs;
	return true;
}

/* What must hold after any parse; NULL, or what did not. */
static const char *
fuzz_invariants(const struct cpuid_dump *d, int error)
{
	const char *nul = memchr(d->cd_error, '\0', sizeof(d->cd_error));
	const char *p;

	if (nul == NULL)
		return "cd_error is not NUL-terminated";
	for (p = d->cd_error; p < nul; p++)
		if (*p < 0x20 || *p > 0x7e)
			return "cd_error is not one printable line";
	if (memchr(d->cd_vendor, '\0', sizeof(d->cd_vendor)) == NULL)
		return "cd_vendor is not NUL-terminated";
	if (d->cd_nrows < 0 || d->cd_nrows > CPUID_DUMP_ROWS_MAX)
		return "cd_nrows out of range";
	if (!sorted_and_unique(d))
		return "rows not sorted and unique";
	if (error == 0)
		return d->cd_error[0] == '\0' && d->cd_errline == 0 &&
		    d->cd_nrows > 0 ? NULL : "success with an error set";
	if (error != EINVAL && error != E2BIG)
		return "an unexpected error code";
	if (d->cd_error[0] == '\0' || d->cd_nrows != 0 || d->cd_errline < 0)
		return "an error without its message, or with rows";
	if (d->cd_errline > 0 && strncmp(d->cd_error, "line ", 5) != 0)
		return "an error with a line but no \"line N: \"";
	return NULL;
}

/* Compare one answer with the model; count what the dump made up. */
static const char *
fuzz_ask(struct cpuid_dump *d, uint32_t leaf, uint32_t subleaf, int *nsynth)
{
	struct cpuid_regs got, want, r;
	bool made_up = cpuid_dump_answer(d, leaf, subleaf, &got);
	int found = cpuid_dump_lookup(d, leaf, subleaf, &r);

	*nsynth += made_up;
	if (made_up != model_answer(d, leaf, subleaf, &want) ||
	    !regs_eq(&got, &want))
		return "cpuid_dump_answer() disagrees with the model";
	if (found == 0 && (made_up || !regs_eq(&r, &got)))
		return "cpuid_dump_lookup() disagrees with the answer";
	if (found != 0 && found != ENOENT)
		return "cpuid_dump_lookup() returned neither 0 nor ENOENT";
	return d->cd_nsynth == *nsynth ? NULL : "cd_nsynth miscounts";
}

/* A few questions about every row and its neighbours. */
static const char *
fuzz_queries(struct cpuid_dump *d)
{
	static const uint32_t leaves[] = { 0, 1, 0xd, 0x40000000,
	    0x40000100, 0x80000000, 0xffffffff };
	const struct cpuid_row *r;
	const char *why = NULL;
	size_t k;
	int i, nsynth = 0;

	for (k = 0; k < nitems(leaves) && why == NULL; k++)
		why = fuzz_ask(d, leaves[k], (uint32_t)k, &nsynth);
	for (i = 0; i < d->cd_nrows && why == NULL; i++) {
		r = &d->cd_rows[i];
		if ((why = fuzz_ask(d, r->cr_leaf, r->cr_subleaf,
		    &nsynth)) == NULL &&
		    (why = fuzz_ask(d, r->cr_leaf, r->cr_subleaf + 1,
		    &nsynth)) == NULL)
			why = fuzz_ask(d, r->cr_leaf + 1, 0, &nsynth);
	}
	return why;
}

/*
 * FUZZ_RUNS inputs: an embedded or shared dump with 1 to 4 random edits,
 * parsed from an exact-size buffer, then checked and questioned.
 */
static void
test_fuzz_smoke(void)
{
	static const char *const shared[] = {
		"hyperv-azure-f72sv2-1.txt",
		"hyperv-root-build14393-epyc7401p-1.txt",
		"xen-4.2-ec2-e5-2676v3-1.txt",
	};
	const char *seeds[2 + nitems(shared)], *why;
	size_t lens[2 + nitems(shared)], nseeds, i, s, len, cap;
	char *files[nitems(shared)] = { NULL }, *buf;
	int run, error, nbad = 0, nerr[3] = { 0, 0, 0 };

	seeds[0] = intel_dump;
	lens[0] = sizeof(intel_dump) - 1;
	seeds[1] = amd_dump;
	lens[1] = sizeof(amd_dump) - 1;
	nseeds = 2;
	for (i = 0; i < nitems(shared); i++)
		if ((files[i] = slurp(shared[i], &lens[nseeds])) != NULL)
			seeds[nseeds++] = files[i];
	for (run = 0; run < FUZZ_RUNS; run++) {
		s = fuzz_rand(nseeds);
		cap = lens[s] + FUZZ_SLACK;
		if ((buf = malloc(cap)) == NULL)
			abort();
		memcpy(buf, seeds[s], lens[s]);
		len = lens[s];
		for (i = fuzz_rand(4) + 1; i > 0; i--)
			len = fuzz_mutate(buf, len, cap);
		error = parse_n(buf, len);
		free(buf);
		why = fuzz_invariants(&dump, error);
		if (why == NULL && error == 0)
			why = fuzz_queries(&dump);
		if (why != NULL && nbad++ < 5)
			printf("# fuzz run %d (seed %zu): %s; error %d: %s\n",
			    run, s, why, error, dump.cd_error);
		nerr[error == 0 ? 0 : error == EINVAL ? 1 : 2]++;
	}
	for (i = 0; i < nitems(shared); i++)
		free(files[i]);
	printf("# fuzz smoke: %d inputs, %d parsed, %d EINVAL, %d E2BIG\n",
	    FUZZ_RUNS, nerr[0], nerr[1], nerr[2]);
	CHECK_EQ_INT(nbad, 0);
	CHECK_EQ_INT(nseeds, 2 + nitems(shared));
	CHECK(nerr[0] > FUZZ_RUNS / 10);	/* both paths are exercised */
	CHECK(nerr[1] > FUZZ_RUNS / 10);
}

/* ------------------------------------------------------------------ */
/* hvio_replay.c: the dump's name, wherever it comes from, escaped. */

#define ROWS	"0x00000000 0x00000000 0x0000000d 0x756e6547 0x6c65746e " \
		"0x49656e69\n"

/* Open text as module NAME; the facts line the backend reports. */
static const char *
replay_facts(const char *text, const char *name)
{
	static char line[200];
	const struct hvio *io;
	char err[160];
	char *nl;

	err[0] = '\0';
	fake_cons_reset();
	if ((io = hvio_replay_open(text, strlen(text), name, err,
	    sizeof(err))) == NULL) {
		snprintf(line, sizeof(line), "error: %s", err);
		return line;
	}
	io->io_report();
	if ((nl = strchr(fake_cons_buf, '\n')) != NULL)
		*nl = '\0';
	return fake_cons_buf;
}

/* The part of a facts line after profile="...": the other keys. */
static const char *
after_profile(const char *line)
{
	const char *p = strstr(line, "profile=\"");

	if (p == NULL)
		return "";
	for (p += 9; *p != '\0' && *p != '"'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p == '"' ? p + 1 : "";
}

static void
test_replay_name_escaped_once(void)
{
	const struct hvio *io;
	char err[160];

	/* A module string: directories dropped, nothing to escape. */
	CHECK_STR(replay_facts(ROWS, "/boot/modules/dump.txt"),
	    "pvbus: replay profile=\"dump.txt\" rows=1 vendor=GenuineIntel "
	    "synthesised=0 rule=highest-basic-leaf");
	/* A module string with a quote, spaces, '#' and a control byte. */
	CHECK_STR(replay_facts(ROWS, "a\" b=1 #\x01"),
	    "pvbus: replay profile=\"a\\\"\\x20b=1\\x20\\x23\\x01\" "
	    "rows=1 vendor=GenuineIntel synthesised=0 "
	    "rule=highest-basic-leaf");
	/* No module string: the header names it, escaped the same way. */
	CHECK_STR(replay_facts("# file: x\" vendor=xen rows=999 ok 1\r\n"
	    ROWS, ""), "pvbus: replay profile=\"x\\\"\\x20vendor=xen"
	    "\\x20rows=999\\x20ok\\x201\" rows=1 vendor=GenuineIntel "
	    "synthesised=0 rule=highest-basic-leaf");
	CHECK_STR(after_profile(replay_facts("# file: x\" vendor=xen rows=999 "
	    "ok 1\n" ROWS, "")), " rows=1 vendor=GenuineIntel synthesised=0 "
	    "rule=highest-basic-leaf");
	CHECK_STR(replay_facts("# file: bad # SKIP not a failure\n" ROWS, ""),
	    "pvbus: replay profile=\"bad\\x20\\x23\\x20SKIP\\x20not"
	    "\\x20a\\x20failure\" rows=1 vendor=GenuineIntel synthesised=0 "
	    "rule=highest-basic-leaf");
	CHECK_STR(replay_facts("# file: \x1b[2K\x07\tend\n" ROWS, ""),
	    "pvbus: replay profile=\"\\x1b[2K\\x07\\x09end\" rows=1 "
	    "vendor=GenuineIntel synthesised=0 rule=highest-basic-leaf");
	/* io_detail, which the attach line prints as it is, is the same. */
	io = hvio_replay_open(ROWS, strlen(ROWS), "a b", err, sizeof(err));
	CHECK(io != NULL && strcmp(io->io_detail, "a\\x20b") == 0);
	/* Cut at 63 characters, and never inside an escape. */
	CHECK_STR(replay_facts(ROWS, "123456789012345678901234567890123456789"
	    "012345678901234567890 b"), "pvbus: replay profile=\"123456789012"
	    "345678901234567890123456789012345678901234567890\" rows=1 "
	    "vendor=GenuineIntel synthesised=0 rule=highest-basic-leaf");
	/* Neither a name nor a header. */
	CHECK_STR(replay_facts(ROWS, ""), "pvbus: replay profile=\"\" rows=1 "
	    "vendor=GenuineIntel synthesised=0 rule=highest-basic-leaf");
	CHECK_STR(replay_facts("zz\n", ""), "error: replay module 0 (no "
	    "name): line 1: field 1 (LEAF) \"zz\" is not a 0x-prefixed hex "
	    "number");
	CHECK_STR(replay_facts("# file: a b\nzz\n", ""), "error: replay "
	    "a\\x20b: line 2: field 1 (LEAF) \"zz\" is not a 0x-prefixed "
	    "hex number");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_every_shared_dump_parses),
	CHECK_TEST(test_azure_hyperv_base),
	CHECK_TEST(test_baremetal_vendor_and_no_hypervisor_leaves),
	CHECK_TEST(test_intel_missing_leaf_is_max_basic_leaf),
	CHECK_TEST(test_intel_rule_matches_recorded_probes),
	CHECK_TEST(test_amd_missing_leaf_is_zeros),
	CHECK_TEST(test_subleaf0_only_leaf_ignores_subleaf),
	CHECK_TEST(test_no_leaf0_means_no_vendor),
	CHECK_TEST(test_intel_without_max_leaf_row_is_zeros),
	CHECK_TEST(test_unsorted_rows_are_sorted),
	CHECK_TEST(test_text_variations_are_fine),
	CHECK_TEST(test_overlong_row_is_einval),
	CHECK_TEST(test_malformed_input_names_its_line),
	CHECK_TEST(test_nul_byte_is_binary),
	CHECK_TEST(test_error_then_reparse_starts_clean),
	CHECK_TEST(test_too_many_rows_is_e2big),
	CHECK_TEST(test_fuzz_smoke),
	CHECK_TEST(test_replay_name_escaped_once),
};

int
main(void)
{
	return check_main("test_cpuid_dump", tests, nitems(tests));
}
