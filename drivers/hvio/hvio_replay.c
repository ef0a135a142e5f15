/*
 * The replay backend: CPUID answered from a dump recorded inside a real
 * virtual machine (tests/cpuid-dumps), so the detection pass can be run
 * against Hyper-V, VMware, Xen and KVM guests that CI cannot start.  A
 * leaf the dump lacks is answered as the recorded CPU's vendor answers
 * an out-of-range leaf (cpuid_dump_answer()), and the report counts
 * those answers.  There are no MSRs, backdoor or hypercalls in a dump:
 * they answer as on a machine with nothing behind them.
 */

#include "kern.h"
#include "bootinfo.h"
#include "cpuid_dump.h"
#include "hvio.h"

static struct cpuid_dump replay_dump;
static char	replay_name[64];	/* escaped: see replay_name_set() */

static void
replay_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	(void)cpuid_dump_answer(&replay_dump, leaf, subleaf, out);
}

/* One facts line: CI can see that answers were made up, and how. */
static void
replay_report(void)
{
	const struct cpuid_dump *d = &replay_dump;

	printf("pvbus: replay profile=\"%s\" rows=%d vendor=%pE "
	    "synthesised=%d rule=%s\n", replay_name, d->cd_nrows,
	    d->cd_vendor[0] != '\0' ? d->cd_vendor : "none", d->cd_nsynth,
	    strcmp(d->cd_vendor, "GenuineIntel") == 0 ? "highest-basic-leaf" :
	    "zeros");
}

static struct hvio hvio_replay = {
	.io_name = "replay",
	.io_detail = replay_name,
	.io_caps = 0,			/* CPUID only */
	.io_cpuid = replay_cpuid,
	.io_rdmsr = hvio_no_msr_read,
	.io_wrmsr = hvio_no_msr_write,
	.io_backdoor = hvio_no_backdoor,
	.io_backdoor_hb = hvio_no_backdoor_hb,
	.io_hypercall = hvio_no_hypercall,
	.io_report = replay_report,
};

/*
 * The name of what is replayed, from outside the kernel (a module's
 * string, a file name, or the dump's own header), is escaped here, once,
 * for every place that prints it: the facts line's profile="...", the
 * pvbus0 attach line's [replay: ...], the hv_backend diagnostic and the
 * backend's errors all print replay_name as it is.  A byte is kept as
 * "%pE" keeps it (esc_byte(): \" \\ \x23 for '#', \xNN outside
 * 0x20-0x7e), and a space becomes \x20 too, so the facts line's value
 * never holds a space or an unescaped quote, whatever the name.  Only
 * whole escapes are kept when the name is cut at 63 characters.
 */
static void
replay_name_set(const char *s, size_t len)
{
	char e[4];
	size_t i, n, at = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ') {
			n = 4;
			memcpy(e, "\\x20", n);
		} else
			n = esc_byte(e, (unsigned char)s[i]);
		if (at + n > sizeof(replay_name) - 1)
			break;
		memcpy(replay_name + at, e, n);
		at += n;
	}
	replay_name[at] = '\0';
}

/*
 * A dump without a module string (QEMU's PVH loader gives -initrd none)
 * is named by its own header, "# file: NAME" on the first line, as the
 * dumps in tests/cpuid-dumps begin: the rest of that line, whatever it
 * holds.
 */
static void
replay_name_from_header(const char *text, size_t len)
{
	static const char tag[] = "# file: ";
	size_t i, n = sizeof(tag) - 1;

	if (len <= n || memcmp(text, tag, n) != 0)
		return;
	for (i = n; i < len && text[i] != '\n' && text[i] != '\r'; i++)
		;
	replay_name_set(text + n, i - n);
}

/*
 * The name is the module's string or the file's, without directories;
 * with none, the header's; with neither, the error says "module 0 (no
 * name)", the one module hv=replay reads.
 */
const struct hvio *
hvio_replay_open(const char *text, size_t len, const char *name, char *err,
    size_t errlen)
{
	const char *base = name, *p;

	for (p = name; *p != '\0'; p++)
		if (*p == '/')
			base = p + 1;
	replay_name_set(base, strlen(base));
	if (replay_name[0] == '\0')
		replay_name_from_header(text, len);
	if (cpuid_dump_parse(text, len, &replay_dump) != 0) {
		snprintf(err, errlen, "replay %s: %s", replay_name[0] != '\0' ?
		    replay_name : "module 0 (no name)", replay_dump.cd_error);
		return NULL;
	}
	return &hvio_replay;
}

/* Boot module 0 as a dump. */
static const struct hvio *
hvio_replay_select(const char *arg __unused, const struct cmdline *cl __unused,
    const struct bootinfo *bi, char *err, size_t errlen)
{
	const struct bi_module *m = &bi->bi_modules[0];

	if (bi->bi_nmodules == 0) {
		snprintf(err, errlen, "hv=replay: no boot module holds a "
		    "CPUID dump");
		return NULL;
	}
	if (!hvio_module_ok(bi, m, err, errlen))
		return NULL;
	return hvio_replay_open((const char *)(uintptr_t)m->mod_start,
	    (size_t)(m->mod_end - m->mod_start), m->mod_string, err, errlen);
}

/* What a module holds is hv_backend's business; here only that it is. */
static int
hvio_replay_check(const char *arg __unused, const struct bootinfo *bi,
    char *err, size_t errlen)
{
	if (bi->bi_nmodules > 0)
		return 0;
	snprintf(err, errlen, "hv=replay needs a CPUID dump as boot module 0, "
	    "and the loader gave no module");
	return EINVAL;
}

/* hv=replay: CPUID from the dump in boot module 0. */
const struct hvio_backend hvio_replay_backend = {
	"replay", "replay", hvio_replay_select, hvio_replay_check
};
