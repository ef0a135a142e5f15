/*
 * vmt: the VMware Tools driver, after OpenBSD's sys/dev/pv/vmt.c.
 *
 * It matches when the VMware backdoor answers GETVERSION, whatever
 * CPUID says: QEMU's vmport device answers it under a "TCGTCGTCGTCG" or
 * KVM signature.  At attach it reads what the host says about the
 * machine (BIOS UUID, memory size, TSC frequency, time), treats a
 * command the host refuses as unsupported rather than as data, and
 * checks the memory size against the loader's memory map.  Then come
 * the steps of the RPC channel (vmt_info.c, vmt_tclo.c, vmt_time.c): a
 * host without one (QEMU) has them skipped, one that fails part way has
 * the channel reopened.  Each step is a KTAP subtest of vmt0; one facts
 * line ends the attach.  Sources: open-vm-tools
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
#include "vmwarereg.h"
#include "x86.h"		/* rdtsc(): when GETTIMEFULL answered */

#define MIB		(1024 * 1024ULL)

static struct vmt_softc vmt_softc;

/* One backdoor command: EAX magic, ECX command, DX the port. */
static int
vm_cmd(const struct vmt_softc *sc, uint32_t cmd, uint32_t ebx,
    struct vm_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->vr_rax = VM_MAGIC;
	r->vr_rbx = ebx;
	r->vr_rcx = cmd;
	r->vr_rdx = VM_PORT_CMD;
	return sc->sc_io->io_backdoor(r);
}

static int
vmt_match(const struct pv_attach_args *pva)
{
	return pva->pva_backdoor->bd_present;
}

/* GETBIOSUUID: the 16 bytes in EAX..EDX, little-endian words. */
static int
vmt_uuid(void *arg)
{
	struct vmt_softc *sc = arg;
	struct vm_regs r;
	uint8_t b[16];
	uint32_t w[4];
	int i;

	if (vm_cmd(sc, VM_CMD_GET_BIOS_UUID, 0, &r) != 0 ||
	    (uint32_t)r.vr_rax == VM_UNSUPPORTED)
		return ktap_skip("GETBIOSUUID unsupported");
	w[0] = (uint32_t)r.vr_rax, w[1] = (uint32_t)r.vr_rbx;
	w[2] = (uint32_t)r.vr_rcx, w[3] = (uint32_t)r.vr_rdx;
	for (i = 0; i < 16; i++)
		b[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
	printf("%s: bios uuid %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x\n", sc->sc_name, b[0], b[1], b[2], b[3],
	    b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
	    b[14], b[15]);
	return KTAP_PASS;
}

/*
 * GETMEMSIZE: VMware answers MB, QEMU bytes in 32 bits, which wrap from
 * 4 GiB up; either way the answer must agree with the memory map
 * (vmt_memsize_judge() in vmt_reply.c has the rule and its sources).
 */
static int
vmt_memsize(void *arg)
{
	struct vmt_softc *sc = arg;
	static const char *const how[] = {
		[VMT_MEM_MB] = "answered in MB, as VMware does",
		[VMT_MEM_BYTES] = "answered in bytes, as QEMU does",
		[VMT_MEM_BYTES_LOW32] = "answered in bytes, as QEMU does, "
		    "modulo 4 GiB",
	};
	struct vm_regs r;
	enum vmt_mem_unit unit;
	uint64_t bytes;
	uint32_t v;

	if (vm_cmd(sc, VM_CMD_GET_MEMSIZE, 0, &r) != 0 ||
	    (v = (uint32_t)r.vr_rax) == VM_UNSUPPORTED)
		return ktap_skip("GETMEMSIZE unsupported");
	if (sc->sc_mem_avail == 0)
		return ktap_skip("no memory map to check GETMEMSIZE against");
	if ((unit = vmt_memsize_judge(v, sc->sc_mem_avail, &bytes)) !=
	    VMT_MEM_WRONG) {
		printf("%s: memory %lu MB (%s", sc->sc_name,
		    (unsigned long)(bytes / MIB), how[unit]);
		if (unit == VMT_MEM_BYTES_LOW32)
			printf(": EAX 0x%08x", v);
		printf("); memory map %lu MB\n",
		    (unsigned long)(sc->sc_mem_avail / MIB));
		return KTAP_PASS;
	}
	printf("%s: memory size 0x%08x agrees with the memory map's %lu MB "
	    "neither as MB nor as bytes (nor as their low 32 bits)\n",
	    sc->sc_name, v, (unsigned long)(sc->sc_mem_avail / MIB));
	return ktap_fail("GETMEMSIZE disagrees with the memory map");
}

/*
 * A TSC rate the guest clock can run on: the waits and the uptime
 * divide by hz / 1000000 and hz / 100, and the clock multiplies what
 * is left of a division by hz by 1000000 in 64 bits.  No x86 TSC has
 * run below 1 MHz or above 1 THz; a host that says so is not believed.
 */
bool
vmt_tsc_hz_plausible(uint64_t hz)
{
	return hz >= VMT_TSC_HZ_MIN && hz <= VMT_TSC_HZ_MAX;
}

/* GETHZ: EBX stays all ones when the host does not know the rate. */
static int
vmt_gethz(void *arg)
{
	struct vmt_softc *sc = arg;
	struct vm_regs r;
	uint64_t hz;

	if (vm_cmd(sc, VM_CMD_GET_HZ, 0xffffffff, &r) != 0 ||
	    (uint32_t)r.vr_rax == VM_UNSUPPORTED ||
	    (uint32_t)r.vr_rbx == 0xffffffff)
		return ktap_skip("GETHZ unsupported");
	hz = (uint64_t)(uint32_t)r.vr_rbx << 32 | (uint32_t)r.vr_rax;
	printf("%s: TSC %lu Hz, APIC bus %u Hz\n", sc->sc_name,
	    (unsigned long)hz, (uint32_t)r.vr_rcx);
	if (!vmt_tsc_hz_plausible(hz))
		return ktap_fail("GETHZ says the TSC runs at %lu Hz, outside "
		    "%lu Hz..%lu Hz: not used", (unsigned long)hz,
		    (unsigned long)VMT_TSC_HZ_MIN,
		    (unsigned long)VMT_TSC_HZ_MAX);
	sc->sc_tsc_hz = hz;	/* the guest clock runs on it */
	return KTAP_PASS;
}

/*
 * GETMHZ: EAX = the CPU's MHz.  Refused, it reads all ones (QEMU 7.2
 * does not have it), and a host that ignores the command leaves the
 * magic in EAX, which is why OpenBSD's probe checks for that.
 */
static int
vmt_getmhz(void *arg)
{
	struct vmt_softc *sc = arg;
	struct vm_regs r;

	if (vm_cmd(sc, VM_CMD_GET_SPEED, 0, &r) != 0 ||
	    (uint32_t)r.vr_rax == VM_UNSUPPORTED ||
	    (uint32_t)r.vr_rax == VM_MAGIC)
		return ktap_skip("GETMHZ unsupported");
	printf("%s: CPU %u MHz (GETMHZ)\n", sc->sc_name, (uint32_t)r.vr_rax);
	return KTAP_PASS;
}

/* GETTIME: EAX seconds (32 bits), EBX microseconds; all ones = refused. */
static int
vmt_gettime(void *arg)
{
	struct vmt_softc *sc = arg;
	struct vm_regs r;

	if (vm_cmd(sc, VM_CMD_GET_TIME, 0, &r) != 0 ||
	    (uint32_t)r.vr_rax == VM_UNSUPPORTED)
		return ktap_skip("GETTIME unsupported");
	printf("%s: host time %u.%06u s (GETTIME)\n", sc->sc_name,
	    (uint32_t)r.vr_rax, (uint32_t)r.vr_rbx);
	return KTAP_PASS;
}

/*
 * GETTIMEFULL: on success EAX is left as the magic; ESI:EDX seconds,
 * EBX microseconds.  *tsc is the TSC halfway through the call, the
 * moment the answer is best taken to describe (the exit to the host
 * takes a while under emulation).  ENXIO if the host refused.
 */
int
vmt_gettimefull(struct vmt_softc *sc, uint64_t *us, uint64_t *tsc)
{
	struct vm_regs r;
	uint64_t s, t0;

	t0 = rdtsc();
	if (vm_cmd(sc, VM_CMD_GET_TIME_FULL, 0, &r) != 0 ||
	    (uint32_t)r.vr_rax != VM_MAGIC)
		return ENXIO;
	*tsc = t0 + (rdtsc() - t0) / 2;
	s = (uint64_t)(uint32_t)r.vr_rsi << 32 | (uint32_t)r.vr_rdx;
	*us = s * 1000000 + (uint32_t)r.vr_rbx;
	return 0;
}

/* The first answer also sets the guest clock (vmt_time.c). */
static int
vmt_step_gettimefull(void *arg)
{
	struct vmt_softc *sc = arg;
	uint64_t us, tsc;

	if (vmt_gettimefull(sc, &us, &tsc) != 0)
		return ktap_skip("GETTIMEFULL unsupported");
	printf("%s: host time %lu.%06u s (GETTIMEFULL)\n", sc->sc_name,
	    (unsigned long)(us / 1000000), (unsigned)(us % 1000000));
	vmt_tick(sc);
	return KTAP_PASS;
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
 * "pvbus: vmt0 rpc=ok tools_version=2147483647 tclo_commands=5 ...":
 * also printed just before a host-requested halt or reboot, which never
 * return to the end of the attach.
 */
void
vmt_print_facts(const struct vmt_softc *sc)
{
	static const char *const rpc[] = { "untried", "ok", "none",
	    "failed" };

	printf("pvbus: %s rpc=%s", sc->sc_name, rpc[sc->sc_rpc]);
	if (sc->sc_rpc == VMT_RPC_OK) {
		if (sc->sc_tools_version != 0)
			printf(" tools_version=%u", sc->sc_tools_version);
		printf(" rpci=%d rpci_failed=%d polls=%d tclo_commands=%d "
		    "tclo_errors=%d tclo_failures=%d reopens=%d",
		    sc->sc_nrpci, sc->sc_nrpci_failed, sc->sc_npolls,
		    sc->sc_ncmds, sc->sc_nunknown, sc->sc_ntclo_failed,
		    sc->sc_nreopen);
	}
	if (sc->sc_nticks > 0 && sc->sc_tsc_hz != 0)
		printf(" time_delta_us=%+ld time_syncs=%d",
		    (long)sc->sc_delta_us, sc->sc_nsyncs);
	printf("\n");
}

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
