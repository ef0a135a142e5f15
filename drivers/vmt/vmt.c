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
 * attach.  Before the steps it picks the way to the backdoor: VMCALL or
 * VMMCALL where the VMware CPUID block offers one and it answers, else
 * the I/O port, and says which served.  This file matches, attaches and
 * runs the steps; each file it calls uses only those listed after it
 * here.  Sources: open-vm-tools lib/include/backdoor_def.h,
 * lib/backdoor/backdoor.c, timeSync.c, vmcheck.c; Linux
 * arch/x86/kernel/cpu/vmware.c; QEMU hw/i386/vmport.c;
 * docs/reference/vmware.md "Backdoor I/O port", "VMCALL and VMMCALL
 * backdoor", "Backdoor commands", vmware.md "Host time";
 * docs/reference/openbsd-pvbus.md "vmt timers"; docs/reference/qemu.md
 * "vmport".
 */

#include "kern.h"
#include "ktap.h"
#include "pvbusvar.h"
#include "vmtvar.h"
#include "vmwarereg.h"

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

/*
 * GETVERSION by an instruction CPUID offers: 0 if the host answered
 * with the magic in EBX, as the bus's probe on the port did; else
 * ENXIO, with how it did not in sc_via_why.
 */
static int
vmt_try_via(struct vmt_softc *sc, enum hvio_backdoor_via via)
{
	struct vm_regs r;

	if (hvio_backdoor_getversion(sc->sc_io, via, &r) != 0)
		snprintf(sc->sc_via_why, sizeof(sc->sc_via_why), "it faulted");
	else if ((uint32_t)r.vr_rbx != VM_MAGIC)
		snprintf(sc->sc_via_why, sizeof(sc->sc_via_why),
		    "EBX 0x%08x, not the magic", (uint32_t)r.vr_rbx);
	else
		return 0;
	return ENXIO;
}

/*
 * The way to the backdoor (docs/reference/vmware.md "VMCALL and VMMCALL
 * backdoor"): VMCALL where the VMware block's leaf 0x40000010 ECX sets
 * bit 1, else VMMCALL where it sets bit 0 (open-vm-tools backdoor.c
 * BackdoorGetInterface()'s order; Linux vmware.c takes the instruction
 * when CPUID offers exactly one), each only if GETVERSION by it
 * answers; else the I/O port, which answered the bus's probe.  Only a
 * "VMwareVMware" block says this: the same leaf in KVM's block (QEMU's
 * vmware-cpuid-freq) has no such bits.
 */
static void
vmt_choose_via(struct vmt_softc *sc, const struct ident *vmware)
{
	static const struct {
		uint32_t	bit;
		enum hvio_backdoor_via via;
	} offers[] = {
		{ VMWARE_TIMING_VMCALL, HVIO_BACKDOOR_VMCALL },
		{ VMWARE_TIMING_VMMCALL, HVIO_BACKDOOR_VMMCALL },
	};
	uint32_t flags;
	size_t i;

	sc->sc_via = sc->sc_via_unanswered = HVIO_BACKDOOR_PORT;
	if (vmware == NULL || !vmware->id_timing.tm_valid)
		return;
	flags = vmware->id_timing.tm_flags;
	for (i = 0; i < nitems(offers); i++) {
		if ((flags & offers[i].bit) == 0)
			continue;
		if (vmt_try_via(sc, offers[i].via) == 0) {
			sc->sc_via = offers[i].via;
			return;
		}
		if (sc->sc_via_unanswered == HVIO_BACKDOOR_PORT)
			sc->sc_via_unanswered = offers[i].via;
	}
}

/* Which way served, and an offer that did not. */
static void
vmt_print_via(const struct vmt_softc *sc, const struct ident *vmware)
{
	enum hvio_backdoor_via un = sc->sc_via_unanswered;

	if (un != HVIO_BACKDOOR_PORT)
		printf("%s: %s, offered by CPUID 0x%08x ECX, got no answer to "
		    "GETVERSION (%s)\n", sc->sc_name,
		    hvio_backdoor_via_name[un], vmware->id_base +
		    VMWARE_CPUID_TIMING, sc->sc_via_why);
	if (sc->sc_via == HVIO_BACKDOOR_PORT)
		printf("%s: backdoor by I/O port 0x%04x\n", sc->sc_name,
		    VM_PORT_CMD);
	else
		printf("%s: backdoor by %s, as CPUID 0x%08x ECX offers\n",
		    sc->sc_name, hvio_backdoor_via_name[sc->sc_via],
		    vmware->id_base + VMWARE_CPUID_TIMING);
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
	sc->sc_fw_uuid = pva->pva_fw_uuid;
	vmt_choose_via(sc, vmware);
	sc->sc_tclo.rpc_io = sc->sc_io;
	sc->sc_tclo.rpc_via = sc->sc_via;
	printf(": backdoor version %u%s\n", bd->bd_version,
	    vmware != NULL ? "" : ", no VMware CPUID signature");
	vmt_print_via(sc, vmware);
	sc->sc_tsc_hz = vmt_leaf_tsc_hz(sc, vmware);
	result = ktap_run_steps(vmt_steps, nitems(vmt_steps), sc, NULL);
	vmt_print_facts(sc);
	return result == KTAP_FAIL ? EIO : 0;
}

const struct pv_driver vmt_driver = {
	"vmt", vmt_match, vmt_attach
};
