/*
 * vmt: the VMware Tools driver, after OpenBSD's sys/dev/pv/vmt.c.
 *
 * It matches when the VMware backdoor answers GETVERSION, whatever
 * CPUID says: QEMU's vmport device answers it under a "TCGTCGTCGTCG" or
 * KVM signature.  At attach it reads what the host says about the
 * machine (BIOS UUID, memory size, TSC frequency, time), treats a
 * command the host refuses as unsupported rather than as data, and
 * checks the memory size against the loader's memory map
 * (vmt_backdoor.c).  Then come the steps of the RPC channel
 * (vmt_info.c, vmt_tclo.c, vmt_time.c): a host without one (QEMU) has
 * them skipped, one that fails part way has the channel reopened.  Each
 * step is a KTAP subtest of vmt0; one facts line (vmt_facts.c) ends the
 * attach.  This file matches, attaches and runs the steps; each file it
 * calls uses only those listed after it here.  Sources: open-vm-tools
 * lib/include/backdoor_def.h, timeSync.c, vmcheck.c; QEMU
 * hw/i386/vmport.c; docs/reference/vmware.md "Backdoor I/O port",
 * "Backdoor commands", vmware.md "Host time";
 * docs/reference/openbsd-pvbus.md "vmt timers"; docs/reference/qemu.md
 * "vmport".
 */

#include "kern.h"
#include "ktap.h"
#include "pvbusvar.h"
#include "vmtvar.h"

static struct vmt_softc vmt_softc;

static int
vmt_match(const struct pv_attach_args *pva)
{
	return pva->pva_backdoor->bd_present;
}

static const struct ktap_step vmt_steps[] = {
	{ "bios_uuid", vmt_uuid },
	{ "memsize", vmt_memsize },
	{ "gethz", vmt_gethz },
	{ "getmhz", vmt_getmhz },
	{ "gettime", vmt_gettime },
	{ "gettimefull", vmt_step_gettimefull },
	{ "rpci_open", vmt_step_rpci_open },		/* vmt_info.c */
	{ "tools_version", vmt_step_tools_version },
	{ "capabilities", vmt_step_capabilities },
	{ "guest_info", vmt_step_guest_info },
	{ "guest_ip", vmt_step_guest_ip },
	{ "info_get", vmt_step_info_get },
	{ "tclo", vmt_step_tclo },			/* vmt_tclo.c */
	{ "time_delta", vmt_step_time },
};

/*
 * The TSC rate from CPUID's timing leaf, until GETHZ says better; 0 if
 * there is none, or one the guest clock cannot run on (said once).
 */
static uint64_t
vmt_leaf_tsc_hz(const struct vmt_softc *sc, const struct ident *vmware)
{
	uint64_t hz;

	if (vmware == NULL || !vmware->id_timing.tm_valid)
		return 0;
	hz = (uint64_t)vmware->id_timing.tm_tsc_khz * 1000;
	if (vmt_tsc_hz_plausible(hz))
		return hz;
	printf("%s: the CPUID timing leaf's TSC rate, %u kHz, is not "
	    "plausible: not used\n", sc->sc_name,
	    vmware->id_timing.tm_tsc_khz);
	return 0;
}

static int
vmt_attach(const struct pv_attach_args *pva)
{
	struct vmt_softc *sc = &vmt_softc;
	const struct pvbus_backdoor *bd = pva->pva_backdoor;
	const struct ident *vmware = pva->pva_iface[PVBUS_VMWARE];
	int result;

	memset(sc, 0, sizeof(*sc));
	sc->sc_io = pva->pva_io;
	sc->sc_name = pva->pva_name;
	sc->sc_mem_avail = pva->pva_mem_avail;
	sc->sc_tclo.rpc_io = sc->sc_io;
	printf(": backdoor version %u%s\n", bd->bd_version,
	    vmware != NULL ? "" : ", no VMware CPUID signature");
	sc->sc_tsc_hz = vmt_leaf_tsc_hz(sc, vmware);
	result = ktap_run_steps(vmt_steps, nitems(vmt_steps), sc, NULL);
	vmt_print_facts(sc);
	return result == KTAP_FAIL ? EIO : 0;
}

const struct pv_driver vmt_driver = {
	"vmt", vmt_match, vmt_attach
};
