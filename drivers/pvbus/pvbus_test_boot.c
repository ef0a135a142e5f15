/*
 * The KTAP tests of the bus's first and last steps, which only a booted
 * kernel has (the host replay tool runs pvbus_test.c's):
 *
 *	hv_backend	which backend the command line chose
 *			(pvbus_backend.c)
 *	no_msr_faults	after the children: none touched an MSR that
 *			CPUID did not promise (a write a step asked to be
 *			refused is counted apart)
 *	environment_expected
 *			the command line's expect.* keys against what the
 *			bus found (pvbus_expect.c)
 */

#include "kern.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "ktap.h"
#include "pvbusvar.h"

int
pvbus_test_backend(void)
{
	const struct hvio *io;
	char err[160];

	err[0] = '\0';
	if (pvbus_backend(&cmdline, &bootinfo, err, sizeof(err)) != 0) {
		printf("pvbus: backend error: %s\n", err);
		return ktap_fail("%s", err);
	}
	io = pvbus_softc.sc_io;
	ktap_diag("backend %s%s%s", io->io_name,
	    io->io_detail[0] != '\0' ? ": " : "", io->io_detail);
	return KTAP_PASS;
}

/*
 * After the children have attached: on real hardware or a real
 * hypervisor, no driver may have touched an MSR that CPUID did not
 * promise, so none of the native backend's MSR accesses may have raised
 * #GP unasked.  A write a step asked to be refused, because the
 * specification says the hypervisor must refuse it (pvclock0's reserved
 * bits), is that step's check, not a fault: it is counted apart
 * (hvio_wrmsr_refusal()), and the step itself fails if the value was
 * taken.  Under QEMU TCG there is no synthetic MSR at all, so the count
 * of accesses is itself the check that no driver tried one.
 */
int
pvbus_test_msr(void)
{
	const struct hvio *io = pvbus_softc.sc_io;
	unsigned reads, writes, faults, refusals;

	if (io != &hvio_native)
		return ktap_skip("backend %s: its MSRs are a model's or none",
		    io != NULL ? io->io_name : "none");
	hvio_native_msr_stats(&reads, &writes, &faults, &refusals);
	ktap_diag("MSR accesses through hvio: %u reads, %u writes, %u faulted, "
	    "%u refused as a step asked", reads, writes, faults, refusals);
	if (faults > 0)
		return ktap_fail("%u MSR accesses raised #GP: a driver used an "
		    "MSR its CPUID leaves did not promise", faults);
	return KTAP_PASS;
}

/*
 * The expect.* keys against the bus's record, the key-value store's
 * owner (vmt0 once its RPC channel is open) and the boot path.
 */
int
pvbus_test_expect(void)
{
	struct pvbus_env env;

	env.pe_sc = &pvbus_softc;
	env.pe_boot = bootinfo_boot_kind(&bootinfo);
	env.pe_kvop_dev = pvbus_kvop_dev();
	return pvbus_expect_run(&cmdline, &env);
}
