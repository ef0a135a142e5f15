/*
 * The simulated VMware host (hv=sim:vmware): what a guest sees of
 * VMware through CPUID and the backdoor, following
 * docs/reference/vmware.md; docs/reference/openbsd-pvbus.md "vmt TCLO
 * commands", "vmt timers" (open-vm-tools backdoor_def.h,
 * guest_msg_def.h, message.c, rpcout.c, rpcin.c; OpenBSD vmt.c as the
 * guest it must serve).  QEMU's vmport is what it must not look like
 * (docs/reference/qemu.md "vmport"): there GETMEMSIZE answers bytes,
 * GETTIME and GETTIMEFULL are missing, and command 30, the RPC channel,
 * does not exist.  docs/vmware.md walks through it next to the guest,
 * drivers/vmt/.
 *
 * Four files, each calling only those after it: this one is the host as
 * the guest first meets it (CPUID, the plain backdoor commands);
 * sim_vmware_rpc.c is the RPC channel, command 30 and port 0x5659;
 * sim_vmware_host.c is what the host says over it, the RPCI answers and
 * the TCLO script; sim_vmware_record.c the record of what was said.
 * sim_vmwarevar.h holds the state they share.
 *
 * CPUID: the hypervisor block comes from a real VMware guest's dump,
 * built in (sim_vmware_dump.asm: vmware-xeon-e5-2670v3-1.txt,
 * "VMwareVMware", max leaf 0x40000010), except that the timing leaf
 * says the TSC rate the model's clocks run at (sim.sm_tsc_hz), so that
 * CPUID and GETHZ agree as they do on a real host.  With profile= the
 * backend answers CPUID from that dump instead (sim_backend.c).
 *
 * The backdoor, port 0x5658 (an IN with EAX the magic, the command in
 * ECX 15:0): GETVERSION (6, the magic, product ESX: the dump comes from
 * a Xeon server host, where VMware runs as ESXi), GETMHZ, GETBIOSUUID (a
 * fixed UUID), GETMEMSIZE in MB, GETHZ, GETTIME, GETTIMEFULL, and
 * MESSAGE (30), the RPC channel.  Any other command answers EAX all
 * ones, as QEMU's does: VMware's answer to an unknown command is not
 * documented.  Without the magic, or on another port, nothing answers
 * (hvio_no_backdoor()).  The host clock is a fixed epoch plus the TSC
 * since the model started: it starts again at every boot.
 *
 * GETMEMSIZE: the model is a host that does not know QEMU's -m, so it
 * answers the RAM of the kernel's memory map (bootinfo), rounded up to
 * whole MB: under SeaBIOS that is -m exactly, since the holes it leaves
 * out are under 1 MB.  A simulator inside the guest may read the guest's
 * boot information; it says so here rather than pretend otherwise.
 *
 * sim:vmware-vmcall is the same host offering the backdoor by
 * instruction too, as VMware does for confidential guests
 * (docs/reference/vmware.md "VMCALL and VMMCALL backdoor"; Linux
 * arch/x86/kernel/cpu/vmware.c, open-vm-tools backdoor.c): the timing
 * leaf's ECX sets bit 1 (VMCALL) on an Intel CPU, bit 0 (VMMCALL) on an
 * AMD one, and that instruction with EAX the magic reaches the same
 * commands as the ports, EDX 15:0 holding the flags (HB, WRITE) where
 * the port was.  The other instruction is a #UD, as on the real CPU.
 * The ports still answer.  The recorded dumps of real VMware guests
 * have ECX 0 there, so plain sim:vmware offers neither.
 *
 * At the end of the boot si_finish prints the record, one line per
 * message, for the boot cases to assert on:
 *
 *	vmware-sim: rpci 3 "info-set guestinfo.ip 10.0.2.15" -> "1 "
 *	vmware-sim: tclo 1 "ping" <- "OK "
 *	vmware-sim: 5 rpci, 3 tclo, 0 faults injected
 *
 * Faults (sim.fault=, simvar.h), each once per boot so the guest's
 * recovery can succeed, each a "vmware-sim: fault ..." line; the two
 * about RPCI replies are injected in sim_vmware_host.c, the others in
 * sim_vmware_rpc.c:
 *	rpc-open-refused	the first OPEN answers status 0
 *	rpc-send-fails		the first message whose bytes reach
 *				sim.failbyte: the SENDPAYLOAD or HB
 *				transfer carrying that byte fails and the
 *				host drops the message
 *	rpc-reply-too-long	the first RPCI reply is 64 KiB
 *	rpc-endless-reply	the first RPCI reply claims 0xffffffff
 *				bytes and never runs out
 *	rpc-wrong-cookie	the TCLO channel goes stale once a command
 *				has been answered: the host gives it new
 *				cookies, so the guest's no longer match
 *	rpc-no-success		the first RPCI RECVSIZE answers DORECV|HB
 *				and the length, without SUCCESS
 */

#include "kern.h"
#include "bootinfo.h"
#include "cpuid_dump.h"
#include "multiboot2.h"
#include "sim_vmwarevar.h"
#include "simvar.h"
#include "vmwarereg.h"

#define SIM_VMW_VERSION		6	/* GETVERSION EAX: VMware, QEMU */
#define SIM_VMW_BUS_HZ		66000000	/* both dumps: 66000 kHz */
#define SIM_VMW_TSC_HZ		1000000000ULL	/* if sim.sm_tsc_hz is 0 */
#define SIM_VMW_EPOCH		1735689600	/* 2025-01-01, as sim_kvm.c */
#define SIM_VMW_MAX_LAG_US	1000000	/* ECX of GETTIME: our choice */
#define MB			(1024 * 1024ULL)

/* The BIOS UUID: "VMSim vmware", 0, 0, 0, 1 (VMware's start with 56 4d). */
static const uint8_t sim_vmw_uuid[16] = {
	0x56, 0x4d, 0x53, 0x69, 0x6d, 0x20, 0x76, 0x6d,
	0x77, 0x61, 0x72, 0x65, 0x00, 0x00, 0x00, 0x01,
};

/* sim_vmware_dump.asm */
extern const char	sim_vmware_dump[];
extern const uint64_t	sim_vmware_dump_len;

static struct sim_vmware sim_vmware;

/* ------------------------------------------------------------------ */
/* What the host knows: the clock, memory. */

static uint64_t
sim_vmw_tsc_hz(void)
{
	return sim.sm_tsc_hz != 0 ? sim.sm_tsc_hz : SIM_VMW_TSC_HZ;
}

static void
sim_vmw_now(const struct sim_vmware *sv, uint64_t *sec, uint32_t *usec)
{
	uint64_t hz = sim_vmw_tsc_hz(), t = sim_rdtsc() - sv->sv_tsc0;

	*sec = SIM_VMW_EPOCH + t / hz;
	*usec = (uint32_t)((t % hz) * 1000000 / hz);
}

/* The available RAM of the loader's memory map, in whole MB. */
static uint32_t
sim_vmw_memsize_mb(void)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < bootinfo.bi_nmmap; i++)
		if (bootinfo.bi_mmap[i].mm_type == MB2_MEMORY_AVAILABLE)
			sum += bootinfo.bi_mmap[i].mm_length;
	return (uint32_t)((sum + MB - 1) / MB);
}

/* Once, at the first call of the boot: sim_backend.c has set it all up. */
void
sim_vmw_start(struct sim_vmware *sv)
{
	static const char testbed[] = "guestinfo.testbed";

	if (sv->sv_started)
		return;
	sv->sv_started = true;
	sv->sv_tsc0 = sim_rdtsc();
	sv->sv_rand = 0x564d5868;	/* a fixed seed: the same cookies */
	sv->sv_tclo_chan = sv->sv_offered = -1;
	sv->sv_tclo_event = sv->sv_awaiting = -1;
	sv->sv_dump_ok = cpuid_dump_parse(sim_vmware_dump,
	    (size_t)sim_vmware_dump_len, &sv->sv_dump) == 0;
	if (!sv->sv_dump_ok)
		sim_vmw_note(sv, EV_NOTE, "the built-in CPUID dump: %s",
		    sv->sv_dump.cd_error);
	(void)sim_vmw_set_key(sv, testbed, sizeof(testbed) - 1, "sim:vmware",
	    10);
	sim_vmw_script_load(sv);
}

/* ------------------------------------------------------------------ */
/* The backdoor port, 0x5658. */

static void
sim_vmw_time(struct sim_vmware *sv, struct vm_regs *r, bool full)
{
	uint64_t sec;
	uint32_t usec;

	sim_vmw_now(sv, &sec, &usec);
	if (full) {			/* EAX stays the magic */
		r->vr_rdx = (uint32_t)sec;
		r->vr_rsi = (uint32_t)(sec >> 32);
	} else
		r->vr_rax = (uint32_t)sec;
	r->vr_rbx = usec;
	r->vr_rcx = SIM_VMW_MAX_LAG_US;
}

static void
sim_vmw_uuid_regs(struct vm_regs *r)
{
	uint64_t *reg[4] = { &r->vr_rax, &r->vr_rbx, &r->vr_rcx, &r->vr_rdx };
	int i, j;

	for (i = 0; i < 4; i++)
		for (*reg[i] = 0, j = 0; j < 4; j++)
			*reg[i] |= (uint32_t)sim_vmw_uuid[4 * i + j] << 8 * j;
}

/* An IN on port 0x5658: EAX the magic, the command in ECX 15:0. */
static int
sim_vmware_backdoor(struct sim_iface *si, struct vm_regs *r)
{
	struct sim_vmware *sv = si->si_state;
	uint64_t hz = sim_vmw_tsc_hz();

	if ((r->vr_rdx & 0xffff) != VM_PORT_CMD ||
	    (uint32_t)r->vr_rax != VM_MAGIC)
		return ENOENT;		/* nothing answers: all ones */
	sim_vmw_start(sv);
	switch (r->vr_rcx & 0xffff) {
	case VM_CMD_GET_SPEED:
		r->vr_rax = (uint32_t)(hz / 1000000);
		break;
	case VM_CMD_GET_VERSION:
		r->vr_rax = SIM_VMW_VERSION;
		r->vr_rbx = VM_MAGIC;
		r->vr_rcx = VM_PRODUCT_ESX;
		break;
	case VM_CMD_GET_BIOS_UUID:
		sim_vmw_uuid_regs(r);
		break;
	case VM_CMD_GET_MEMSIZE:
		r->vr_rax = sim_vmw_memsize_mb();
		break;
	case VM_CMD_GET_TIME:
	case VM_CMD_GET_TIME_FULL:
		sim_vmw_time(sv, r, (r->vr_rcx & 0xffff) ==
		    VM_CMD_GET_TIME_FULL);
		break;
	case VM_CMD_RPC:
		sim_vmw_rpc(sv, r);
		break;
	case VM_CMD_GET_HZ:
		r->vr_rax = (uint32_t)hz;
		r->vr_rbx = (uint32_t)(hz >> 32);
		r->vr_rcx = SIM_VMW_BUS_HZ;
		break;
	default:
		r->vr_rax = VM_UNSUPPORTED;
		break;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* CPUID: the built-in dump's hypervisor block. */

static bool
sim_vmware_cpuid(struct sim_iface *si, uint32_t leaf,
    uint32_t subleaf __unused, struct cpuid_regs *out)
{
	struct sim_vmware *sv = si->si_state;
	uint32_t off = leaf - si->si_base;

	sim_vmw_start(sv);
	if (!sv->sv_dump_ok || cpuid_dump_lookup(&sv->sv_dump,
	    0x40000000 + off, 0, out) != 0)
		return false;
	if (off == VMWARE_CPUID_TIMING) {
		out->eax = (uint32_t)(sim_vmw_tsc_hz() / 1000);
		if (sv->sv_vmcall)
			out->ecx |= sim.sm_amd ? VMWARE_TIMING_VMMCALL :
			    VMWARE_TIMING_VMCALL;
	}
	return true;
}

/* At the end of the boot: the script's progress, then the record. */
static void
sim_vmware_finish(struct sim_iface *si)
{
	struct sim_vmware *sv = si->si_state;

	sim_vmw_start(sv);
	if (sv->sv_vmcall)
		printf("vmware-sim: backdoor calls answered: %d by the I/O "
		    "ports, %d by %s\n", sv->sv_nport, sv->sv_ninsn,
		    sim.sm_amd ? "VMMCALL" : "VMCALL");
	if (sv->sv_script == NULL)
		printf("vmware-sim: no TCLO script\n");
	else {
		printf("vmware-sim: boot %d of a %d-command TCLO script from ",
		    sv->sv_boot, sv->sv_ncmds);
		if (sv->sv_script_from == NULL)
			printf("the command line");
		else if (sv->sv_script_from[0] == '\0')
			printf("module %d (no name)", sv->sv_script_module);
		else
			printf("%pE", sv->sv_script_from);
		printf(": started at command %d, played %d, %d left\n",
		    sv->sv_first + 1, sv->sv_next - sv->sv_first,
		    sv->sv_ncmds - sv->sv_next);
	}
	sim_vmw_record_print(sv);
}

/*
 * REP OUTSB or REP INSB on port 0x5659, the RPC channel's other door
 * (sim_vmware_rpc.c): ENOENT without the magic or on another port.
 */
static int
sim_vmware_backdoor_hb(struct sim_iface *si, struct vm_regs *r, bool out)
{
	struct sim_vmware *sv = si->si_state;

	if ((r->vr_rdx & 0xffff) != VM_PORT_RPC ||
	    (uint32_t)r->vr_rax != VM_MAGIC)
		return ENOENT;
	sim_vmw_start(sv);
	sim_vmw_hb(sv, r, out);
	return 0;
}

/*
 * VMCALL or VMMCALL (sim:vmware-vmcall): the instruction CPUID offers,
 * EAX the magic; low bandwidth is the port 0x5658's dispatch, HB the
 * port 0x5659's in the direction WRITE says.  Anything else is not
 * this host's call: a #UD.
 */
static int
sim_vmware_hypercall(struct sim_iface *si, struct vm_regs *r, bool vmmcall)
{
	struct sim_vmware *sv = si->si_state;
	uint64_t flags = r->vr_rdx & 0xffff;

	if (!sv->sv_vmcall || vmmcall != sim.sm_amd ||
	    (uint32_t)r->vr_rax != VM_MAGIC)
		return ENOENT;
	sv->sv_ninsn++;
	r->vr_rdx &= ~0xffffULL;
	if ((flags & VM_BDOOR_FLAG_HB) == 0) {
		r->vr_rdx |= VM_PORT_CMD;
		return sim_vmware_backdoor(si, r);
	}
	r->vr_rdx |= VM_PORT_RPC;
	return sim_vmware_backdoor_hb(si, r,
	    (flags & VM_BDOOR_FLAG_WRITE) != 0);
}

/* The ports themselves, counted apart from the instruction's calls. */
static int
sim_vmware_port(struct sim_iface *si, struct vm_regs *r)
{
	struct sim_vmware *sv = si->si_state;
	int error = sim_vmware_backdoor(si, r);

	sv->sv_nport += error == 0;
	return error;
}

static int
sim_vmware_port_hb(struct sim_iface *si, struct vm_regs *r, bool out)
{
	struct sim_vmware *sv = si->si_state;
	int error = sim_vmware_backdoor_hb(si, r, out);

	sv->sv_nport += error == 0;
	return error;
}

void
sim_vmware_init(struct sim_iface *si, uint32_t base)
{
	memset(&sim_vmware, 0, sizeof(sim_vmware));
	memset(si, 0, sizeof(*si));
	si->si_name = "vmware";
	si->si_base = base;
	si->si_cpuid = sim_vmware_cpuid;
	si->si_backdoor = sim_vmware_port;
	si->si_backdoor_hb = sim_vmware_port_hb;
	si->si_finish = sim_vmware_finish;
	si->si_state = &sim_vmware;
}

/* sim:vmware-vmcall: the host above, the backdoor by instruction too. */
void
sim_vmware_vmcall_init(struct sim_iface *si, uint32_t base)
{
	sim_vmware_init(si, base);
	sim_vmware.sv_vmcall = true;
	si->si_hypercall = sim_vmware_hypercall;
}
