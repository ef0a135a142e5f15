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
#include "cpuid_dump.h"
#include "hvio.h"

static struct cpuid_dump replay_dump;
static char	replay_name[64];

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

	printf("pvbus: replay profile=\"%pE\" rows=%d vendor=%pE "
	    "synthesised=%d rule=%s\n", replay_name, d->cd_nrows,
	    d->cd_vendor[0] != '\0' ? d->cd_vendor : "none", d->cd_nsynth,
	    strcmp(d->cd_vendor, "GenuineIntel") == 0 ? "highest-basic-leaf" :
	    "zeros");
}

static struct hvio hvio_replay = {
	.io_name = "replay",
	.io_detail = replay_name,
	.io_cpuid_only = true,
	.io_cpuid = replay_cpuid,
	.io_rdmsr = hvio_no_msr_read,
	.io_wrmsr = hvio_no_msr_write,
	.io_backdoor = hvio_no_backdoor,
	.io_backdoor_hb = hvio_no_backdoor_hb,
	.io_hypercall = hvio_no_hypercall,
	.io_report = replay_report,
};

/*
 * A dump without a module string (QEMU's PVH loader gives -initrd none)
 * is named by its own header, "# file: NAME" on the first line, as the
 * dumps in tests/cpuid-dumps begin.
 */
static void
replay_name_from_header(const char *text, size_t len)
{
	static const char tag[] = "# file: ";
	size_t i, n = sizeof(tag) - 1;

	if (len <= n || memcmp(text, tag, n) != 0)
		return;
	for (i = n; i < len && i - n < sizeof(replay_name) - 1; i++) {
		if (text[i] == '\n' || text[i] == '\r' || text[i] < 0x20 ||
		    text[i] > 0x7e)
			break;
		replay_name[i - n] = text[i];
	}
	replay_name[i - n] = '\0';
}

/* The name is the module's string or the file's, without directories. */
const struct hvio *
hvio_replay_open(const char *text, size_t len, const char *name, char *err,
    size_t errlen)
{
	const char *base = name, *p;

	for (p = name; *p != '\0'; p++)
		if (*p == '/')
			base = p + 1;
	snprintf(replay_name, sizeof(replay_name), "%s", base);
	if (replay_name[0] == '\0')
		replay_name_from_header(text, len);
	if (cpuid_dump_parse(text, len, &replay_dump) != 0) {
		snprintf(err, errlen, "replay %pE: %s", replay_name,
		    replay_dump.cd_error);
		return NULL;
	}
	return &hvio_replay;
}
