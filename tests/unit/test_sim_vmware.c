/*
 * The simulated VMware host (sim/sim_vmware.c, through sim.c's
 * sim_backdoor() and sim_backdoor_hb()) against the rules of
 * docs/reference/vmware.md; docs/reference/openbsd-pvbus.md "vmt TCLO
 * commands", "vmt timers", byte by byte: the backdoor commands, then
 * the RPC channel as a guest drives it (open with cookies, send in
 * 4-byte chunks with padding or by REP OUTSB, receive by RECVPAYLOAD or
 * REP INSB, acknowledge, close), the RPCI answers, the TCLO script with
 * its continuation across a reset, and each fault.
 *
 * The guest side here is written from the reference notes, not from
 * drivers/vmt/: the numbers are spelled out (the magic, the status
 * bits, the sub-commands, "RPCI"/"TCLO"), and the checks are the ones
 * OpenBSD's vmt makes (ECX exactly 0x00010000 after OPEN and CLOSE, EDX
 * 15:0 zero, HB status EBX exactly 0x00010000).  The host services come
 * from sim_host.c: the NVRAM (8 bytes that survive sim_setup_model(), as the
 * CMOS survives a reset), the TSC the test sets.  The kernel's bootinfo
 * (kernel/bootinfo.c) gives the model its memory map and modules.
 */

#define _GNU_SOURCE		/* mmap's MAP_32BIT, under -std=c11 */
#include <sys/mman.h>

#include "check.h"
#include "kern.h"
#include "bootinfo.h"
#include "multiboot2.h"
#include "simvar.h"
#include "sim_host.h"
#include "sim_vmwarevar.h"	/* sv_scanned: how much the model read */

#define MAGIC		0x564d5868u	/* vmware.md "Backdoor I/O port" */
#define PORT		0x5658u
#define PORT_HB		0x5659u
#define CMD_MHZ		1		/* vmware.md "Backdoor commands" */
#define CMD_VERSION	10
#define CMD_HWVERSION	17
#define CMD_UUID	19
#define CMD_MEMSIZE	20
#define CMD_TIME	23
#define CMD_MESSAGE	30
#define CMD_HZ		45
#define CMD_TIMEFULL	46
#define OPEN		0		/* vmware.md "RPC channel" */
#define SENDSIZE	1
#define SENDPAYLOAD	2
#define RECVSIZE	3
#define RECVPAYLOAD	4
#define RECVSTATUS	5
#define CLOSE		6
#define SUCCESS		0x0001
#define DORECV		0x0002
#define CLOSED		0x0004
#define HB		0x0080
#define RPCI		0x49435052u	/* vmware.md "RPCI and TCLO" */
#define TCLO		0x4f4c4354u
#define COOKIE		0x80000000u
/* Status 1 in EBX 31:16 (vmware.md "High-bandwidth transfer"). */
#define HB_OK		0x00010000u
#define HZ		1000000000ULL
#define EPOCH		1735689600ULL	/* the model's: 2025-01-01 */
#define NCHAN		8		/* the model's channels */

/* ------------------------------------------------------------------ */
/* Set-up: a 128 MB machine as SeaBIOS describes it, fresh NVRAM. */

static void
nvram_clear(void)
{
	int i;

	for (i = 0; i < SIM_NVRAM_SIZE; i++)
		sim_nvram_write(i, 0);
}

static void
memory_map(void)
{
	memset(&bootinfo, 0, sizeof(bootinfo));
	bootinfo.bi_nmmap = 4;
	bootinfo.bi_mmap[0] = (struct bi_mmap){ 0, 0x9fc00,
	    MB2_MEMORY_AVAILABLE };
	bootinfo.bi_mmap[1] = (struct bi_mmap){ 0x9fc00, 0x400,
	    MB2_MEMORY_RESERVED };
	bootinfo.bi_mmap[2] = (struct bi_mmap){ 0x100000, 0x7ee0000,
	    MB2_MEMORY_AVAILABLE };
	bootinfo.bi_mmap[3] = (struct bi_mmap){ 0x7fe0000, 0x20000,
	    MB2_MEMORY_RESERVED };
}

/* A boot: the model set up anew; the NVRAM is whatever it holds. */
static void
boot(uint32_t faults, const char *script)
{
	char err[160];

	sim_host_reset(SIM_HOST_STUB_HYPERV);
	sim_host_tsc_now = 1000;
	sim_host_tsc_step = 0;
	CHECK_EQ_INT(sim_setup_model("vmware", faults, err, sizeof(err)), 0);
	sim.sm_tsc_hz = HZ;
	sim.sm_script = script;
	sim.sm_failbyte = 8;
	fake_cons_reset();
}

static void
setup(uint32_t faults, const char *script)
{
	memory_map();
	nvram_clear();
	boot(faults, script);
}

/*
 * Boot module i, NAME, holding len bytes of text, placed below 4 GiB as
 * the kernel's modules are (MAP_32BIT: the low 2 GiB), since the model
 * refuses a module the kernel could not map.  One buffer per module
 * slot, kept between tests.
 */
static void
module(int i, const char *name, const char *text, size_t len)
{
	static char *low[2];
	static size_t lowlen[2];
	struct bi_module *m = &bootinfo.bi_modules[i];

	if (len > lowlen[i]) {
		if (low[i] != NULL)
			munmap(low[i], lowlen[i]);
		low[i] = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (!CHECK(low[i] != MAP_FAILED)) {
			low[i] = NULL;
			lowlen[i] = 0;
			return;
		}
		lowlen[i] = len;
	}
	if (len > 0)
		memcpy(low[i], text, len);
	if (bootinfo.bi_nmodules <= i)
		bootinfo.bi_nmodules = i + 1;
	m->mod_start = (uintptr_t)low[i];
	m->mod_end = (uintptr_t)low[i] + len;
	snprintf(m->mod_string, sizeof(m->mod_string), "%s", name);
}

/* The model's state, for what the record does not say. */
static struct sim_vmware *
model(void)
{
	return sim.sm_iface[0].si_state;
}

/* The record, as si_finish prints it. */
static const char *
record(void)
{
	fake_cons_reset();
	sim_finish();
	return fake_cons_buf;
}

/* ------------------------------------------------------------------ */
/* The guest's side, from docs/reference/vmware.md. */

static void
bd(struct vm_regs *r, uint32_t cmd, uint32_t ebx)
{
	memset(r, 0, sizeof(*r));
	r->vr_rax = MAGIC;
	r->vr_rbx = ebx;
	r->vr_rcx = cmd;
	r->vr_rdx = PORT;
	CHECK_EQ_INT(sim_backdoor(r), 0);
}

struct chan {
	uint32_t	id, hi, lo;
};

/* Command 30, sub-command sub, on channel c: the status (ECX 31:16). */
static uint32_t
msg(struct vm_regs *r, uint32_t sub, const struct chan *c, uint32_t ebx)
{
	memset(r, 0, sizeof(*r));
	r->vr_rax = MAGIC;
	r->vr_rbx = ebx;
	r->vr_rcx = sub << 16 | CMD_MESSAGE;
	r->vr_rdx = c->id << 16 | PORT;
	r->vr_rsi = c->hi;
	r->vr_rdi = c->lo;
	CHECK_EQ_INT(sim_backdoor(r), 0);
	return (uint32_t)r->vr_rcx >> 16;
}

/* OPEN as OpenBSD checks it: ECX 0x00010000, EDX 15:0 zero. */
static bool
rpc_open(uint32_t proto, struct chan *c)
{
	struct vm_regs r;
	struct chan none = { 0, 0, 0 };

	(void)msg(&r, OPEN, &none, proto | COOKIE);
	if ((uint32_t)r.vr_rcx != 0x00010000)
		return false;
	CHECK_EQ_HEX(r.vr_rdx & 0xffff, 0);
	c->id = (uint32_t)r.vr_rdx >> 16;
	c->hi = (uint32_t)r.vr_rsi;
	c->lo = (uint32_t)r.vr_rdi;
	return true;
}

static bool
rpc_close(const struct chan *c)
{
	struct vm_regs r;

	(void)msg(&r, CLOSE, c, 0);
	return (uint32_t)r.vr_rcx == 0x00010000;
}

/* SENDSIZE, then SENDPAYLOAD 4 bytes at a time, the last padded. */
static bool
send_lb(const struct chan *c, const char *m, uint32_t len)
{
	struct vm_regs r;
	uint32_t i, j, w;

	if ((msg(&r, SENDSIZE, c, len) & SUCCESS) == 0)
		return false;
	for (i = 0; i < len; i += 4) {
		for (w = 0, j = 0; j < 4 && i + j < len; j++)
			w |= (uint32_t)(uint8_t)m[i + j] << 8 * j;
		if ((msg(&r, SENDPAYLOAD, c, w) & SUCCESS) == 0)
			return false;
	}
	return true;
}

/* REP OUTSB on 0x5659: EBP cookie high, EDI cookie low, ESI the bytes. */
static bool
hb_out(const struct chan *c, const char *m, uint32_t len)
{
	struct vm_regs r;

	memset(&r, 0, sizeof(r));
	r.vr_rax = MAGIC;
	r.vr_rbx = HB_OK;
	r.vr_rcx = len;
	r.vr_rdx = c->id << 16 | PORT_HB;
	r.vr_rsi = (uintptr_t)m;
	r.vr_rdi = c->lo;
	r.vr_rbp = c->hi;
	CHECK_EQ_INT(sim_backdoor_hb(&r, true), 0);
	CHECK_EQ_INT(r.vr_rcx, 0);		/* the REP ran out */
	CHECK_EQ_HEX(r.vr_rsi, (uintptr_t)m + len);
	return (uint32_t)r.vr_rbx == HB_OK;
}

static bool
send_hb(const struct chan *c, const char *m, uint32_t len)
{
	struct vm_regs r;

	if (msg(&r, SENDSIZE, c, len) != (SUCCESS | HB))
		return false;
	return len == 0 || hb_out(c, m, len);
}

/* REP INSB: ESI cookie high, EBP cookie low, EDI the buffer. */
static bool
hb_in(const struct chan *c, char *buf, uint32_t len)
{
	struct vm_regs r;

	memset(&r, 0, sizeof(r));
	r.vr_rax = MAGIC;
	r.vr_rbx = HB_OK;
	r.vr_rcx = len;
	r.vr_rdx = c->id << 16 | PORT_HB;
	r.vr_rsi = c->hi;
	r.vr_rdi = (uintptr_t)buf;
	r.vr_rbp = c->lo;
	CHECK_EQ_INT(sim_backdoor_hb(&r, false), 0);
	return (uint32_t)r.vr_rbx == HB_OK;
}

/* RECVSIZE: -1 on failure, 0 if nothing waits, else the length. */
static long
recvsize(const struct chan *c)
{
	struct vm_regs r;
	uint32_t st = msg(&r, RECVSIZE, c, 0);

	if ((st & SUCCESS) == 0)
		return -1;
	CHECK(st & HB);
	if ((st & DORECV) == 0)
		return 0;
	CHECK_EQ_HEX(r.vr_rdx >> 16, 1);	/* MESSAGE_TYPE_SENDSIZE */
	return (long)(uint32_t)r.vr_rbx;
}

/* A whole message from the host, by RECVPAYLOAD or HB, acknowledged. */
static long
recv_msg(const struct chan *c, char *buf, size_t size, bool hb)
{
	struct vm_regs r;
	long len = recvsize(c);
	uint32_t i, j;

	if (len <= 0 || (size_t)len >= size)
		return len <= 0 ? len : -1;
	if (hb && !hb_in(c, buf, (uint32_t)len))
		return -1;
	for (i = 0; !hb && i < (uint32_t)len; i += 4) {
		if (msg(&r, RECVPAYLOAD, c, SUCCESS) != SUCCESS)
			return -1;
		CHECK_EQ_HEX(r.vr_rdx >> 16, 2);  /* MESSAGE_TYPE_SENDPAYLOAD */
		for (j = 0; j < 4 && i + j < (uint32_t)len; j++)
			buf[i + j] = (char)(r.vr_rbx >> 8 * j);
		for (; j < 4; j++)		/* the padding is zeros */
			CHECK_EQ_HEX(r.vr_rbx >> 8 * j & 0xff, 0);
	}
	buf[len] = '\0';
	if (msg(&r, RECVSTATUS, c, SUCCESS) != SUCCESS)
		return -1;
	return len;
}

/* One RPCI exchange on a channel of its own: the reply, or "". */
static const char *
rpci(const char *m, uint32_t len, bool hb)
{
	static char reply[512];
	struct chan c;
	long n;

	reply[0] = '\0';
	if (!CHECK(rpc_open(RPCI, &c)))
		return reply;
	if (hb ? send_hb(&c, m, len) : send_lb(&c, m, len)) {
		n = recv_msg(&c, reply, sizeof(reply), hb);
		if (n <= 0)
			reply[0] = '\0';
	}
	CHECK(rpc_close(&c));
	return reply;
}

static const char *
rpci_str(const char *m)
{
	return rpci(m, (uint32_t)strlen(m), true);
}

/* A TCLO poll: the command the host sends, or "" for none. */
static const char *
tclo_poll(const struct chan *c)
{
	static char cmd[256];

	cmd[0] = '\0';
	CHECK(recv_msg(c, cmd, sizeof(cmd), true) >= 0);
	return cmd;
}

static void
tclo_reply(const struct chan *c, const char *reply)
{
	CHECK(send_hb(c, reply, (uint32_t)strlen(reply)));
}

/*
 * The VMCALL/VMMCALL form (vmware.md "VMCALL and VMMCALL backdoor"):
 * the port's registers, EDX 15:0 the flags (bit 0 HB, bit 1 WRITE).
 * The result of sim_hypercall(): 0, or EFAULT for the #UD.
 */
#define FLAG_HB		0x1
#define FLAG_WRITE	0x2

static int
insn(struct vm_regs *r, bool vmmcall, uint32_t cmd, uint32_t ebx,
    uint32_t edx)
{
	memset(r, 0, sizeof(*r));
	r->vr_rax = MAGIC;
	r->vr_rbx = ebx;
	r->vr_rcx = cmd;
	r->vr_rdx = edx;
	return sim_hypercall(r, vmmcall);
}

/* ------------------------------------------------------------------ */
/* CPUID and the backdoor commands. */

static void
test_cpuid_from_vmware_dump(void)
{
	struct cpuid_regs r;

	setup(0, NULL);
	CHECK(sim_cpuid(0x40000000, 0, &r));
	CHECK_EQ_HEX(r.eax, 0x40000010);
	CHECK_EQ_HEX(r.ebx, sim_host_sig_word("VMwareVMware", 0));
	CHECK_EQ_HEX(r.ecx, sim_host_sig_word("VMwareVMware", 1));
	CHECK_EQ_HEX(r.edx, sim_host_sig_word("VMwareVMware", 2));
	CHECK(sim_cpuid(0x40000001, 0, &r));	/* no "Hv#1" */
	CHECK_EQ_HEX(r.eax | r.ebx | r.ecx | r.edx, 0);
	/* The timing leaf: the model's TSC in kHz, the dump's 66 MHz bus. */
	CHECK(sim_cpuid(0x40000010, 0, &r));
	CHECK_EQ_INT(r.eax, HZ / 1000);
	CHECK_EQ_INT(r.ebx, 66000);
	CHECK_EQ_HEX(r.ecx, 0);			/* no VMCALL backdoor */
	CHECK(sim_cpuid(0x40000011, 0, &r));	/* past the dump: zeros */
	CHECK_EQ_HEX(r.eax | r.ebx | r.ecx | r.edx, 0);
	CHECK(sim_cpuid(0x40000100, 0, &r));
	CHECK_EQ_HEX(r.eax | r.ebx | r.ecx | r.edx, 0);
	CHECK(!sim_cpuid(1, 0, &r));		/* the CPU's own */
}

static void
test_getversion_answers_esx(void)
{
	struct vm_regs r;

	setup(0, NULL);
	bd(&r, 0xffff0000 | CMD_VERSION, ~MAGIC);	/* as vmt probes */
	CHECK_EQ_HEX(r.vr_rax, 6);
	CHECK_EQ_HEX(r.vr_rbx, MAGIC);
	CHECK_EQ_HEX(r.vr_rcx, 2);		/* ESX */
	/* GETMHZ must not leave EAX the magic (OpenBSD's second probe). */
	bd(&r, CMD_MHZ, 0);
	CHECK_EQ_INT(r.vr_rax, 1000);
}

static void
test_backdoor_needs_magic_and_port(void)
{
	struct vm_regs r;

	setup(0, NULL);
	memset(&r, 0, sizeof(r));
	r.vr_rax = MAGIC + 1;
	r.vr_rcx = CMD_VERSION;
	r.vr_rdx = PORT;
	CHECK_EQ_INT(sim_backdoor(&r), 0);
	CHECK_EQ_HEX(r.vr_rax, 0xffffffff);	/* nothing answered */
	CHECK(r.vr_rbx != MAGIC);
	memset(&r, 0, sizeof(r));
	r.vr_rax = MAGIC;
	r.vr_rcx = CMD_VERSION;
	r.vr_rdx = PORT_HB;
	CHECK_EQ_INT(sim_backdoor(&r), 0);
	CHECK_EQ_HEX(r.vr_rax, 0xffffffff);
	bd(&r, CMD_HWVERSION, ~MAGIC);		/* not modelled */
	CHECK_EQ_HEX(r.vr_rax, 0xffffffff);
	bd(&r, 0x100 | CMD_VERSION, 0);		/* 16 bits, unlike QEMU's 8 */
	CHECK_EQ_HEX(r.vr_rax, 0xffffffff);
}

/*
 * sim:vmware-vmcall: the timing leaf offers the CPU vendor's
 * instruction (ECX bit 1 VMCALL on Intel, bit 0 VMMCALL on AMD), which
 * reaches the port's commands, HB transfers included; the other
 * instruction, or the call without the magic, is a #UD.  Plain
 * sim:vmware offers neither, and VMCALL is a #UD there.
 */
static void
test_vmcall_personality(void)
{
	char err[160], buf[32];
	struct cpuid_regs c;
	struct vm_regs r;
	struct chan ch;
	const char *m = "info-get guestinfo.testbed";

	setup(0, NULL);
	CHECK_EQ_INT(insn(&r, false, 0xffff0000 | CMD_VERSION, ~MAGIC, 0),
	    EFAULT);

	memory_map();
	nvram_clear();
	sim_host_reset(SIM_HOST_STUB_HYPERV);
	CHECK_EQ_INT(sim_setup_model("vmware-vmcall", 0, err, sizeof(err)),
	    0);
	sim.sm_tsc_hz = HZ;
	sim.sm_amd = false;			/* Intel: VMCALL */
	CHECK(sim_cpuid(0x40000010, 0, &c));
	CHECK_EQ_HEX(c.ecx, 0x2);
	CHECK_EQ_INT(c.eax, HZ / 1000);
	CHECK_EQ_INT(insn(&r, false, 0xffff0000 | CMD_VERSION, ~MAGIC, 0), 0);
	CHECK_EQ_HEX(r.vr_rax, 6);
	CHECK_EQ_HEX(r.vr_rbx, MAGIC);
	CHECK_EQ_HEX(r.vr_rcx, 2);
	CHECK_EQ_INT(insn(&r, true, CMD_VERSION, ~MAGIC, 0), EFAULT);
	memset(&r, 0, sizeof(r));
	r.vr_rcx = CMD_VERSION;			/* no magic */
	CHECK_EQ_INT(sim_hypercall(&r, false), EFAULT);
	bd(&r, 0xffff0000 | CMD_VERSION, ~MAGIC);	/* the port still */
	CHECK_EQ_HEX(r.vr_rbx, MAGIC);

	/* An RPCI sent and answered by HB through VMCALL. */
	CHECK(rpc_open(RPCI, &ch));
	CHECK_EQ_HEX(msg(&r, SENDSIZE, &ch, 26), SUCCESS | HB);
	memset(&r, 0, sizeof(r));
	r.vr_rax = MAGIC;
	r.vr_rbx = HB_OK;
	r.vr_rcx = 26;
	r.vr_rdx = ch.id << 16 | FLAG_HB | FLAG_WRITE;
	r.vr_rsi = (uintptr_t)m;
	r.vr_rdi = ch.lo;
	r.vr_rbp = ch.hi;
	CHECK_EQ_INT(sim_hypercall(&r, false), 0);
	CHECK_EQ_HEX(r.vr_rbx, HB_OK);
	CHECK_EQ_INT(recvsize(&ch), 12);
	memset(buf, 0, sizeof(buf));
	memset(&r, 0, sizeof(r));
	r.vr_rax = MAGIC;
	r.vr_rbx = HB_OK;
	r.vr_rcx = 12;
	r.vr_rdx = ch.id << 16 | FLAG_HB;
	r.vr_rsi = ch.hi;
	r.vr_rdi = (uintptr_t)buf;
	r.vr_rbp = ch.lo;
	CHECK_EQ_INT(sim_hypercall(&r, false), 0);
	CHECK_EQ_HEX(r.vr_rbx, HB_OK);
	CHECK_STR(buf, "1 sim:vmware");
	CHECK_EQ_HEX(msg(&r, RECVSTATUS, &ch, SUCCESS), SUCCESS);
	/* A low-bandwidth call of the channel by VMCALL: CLOSE. */
	memset(&r, 0, sizeof(r));
	r.vr_rax = MAGIC;
	r.vr_rcx = CLOSE << 16 | CMD_MESSAGE;
	r.vr_rdx = ch.id << 16;
	r.vr_rsi = ch.hi;
	r.vr_rdi = ch.lo;
	CHECK_EQ_INT(sim_hypercall(&r, false), 0);
	CHECK_EQ_HEX(r.vr_rcx, 0x00010000);
	CHECK_CONTAINS(record(), "vmware-sim: backdoor calls answered: 5 by "
	    "the I/O ports, 4 by VMCALL\n");

	sim.sm_amd = true;			/* AMD: VMMCALL */
	CHECK(sim_cpuid(0x40000010, 0, &c));
	CHECK_EQ_HEX(c.ecx, 0x1);
	CHECK_EQ_INT(insn(&r, true, 0xffff0000 | CMD_VERSION, ~MAGIC, 0), 0);
	CHECK_EQ_HEX(r.vr_rbx, MAGIC);
	CHECK_EQ_INT(insn(&r, false, CMD_VERSION, ~MAGIC, 0), EFAULT);
}

static void
test_bios_uuid_words(void)
{
	struct vm_regs r;

	setup(0, NULL);
	bd(&r, CMD_UUID, 0);
	/* 564d5369-6d20-766d-7761-726500000001, little-endian words. */
	CHECK_EQ_HEX(r.vr_rax, 0x69534d56);
	CHECK_EQ_HEX(r.vr_rbx, 0x6d76206d);
	CHECK_EQ_HEX(r.vr_rcx, 0x65726177);
	CHECK_EQ_HEX(r.vr_rdx, 0x01000000);
}

static void
test_memsize_in_mb_from_memory_map(void)
{
	struct vm_regs r;

	setup(0, NULL);
	bd(&r, CMD_MEMSIZE, 0);
	CHECK_EQ_INT(r.vr_rax, 128);		/* MB, not QEMU's bytes */
	bootinfo.bi_mmap[2].mm_length += 0x10000000;	/* 256 MB more */
	bd(&r, CMD_MEMSIZE, 0);
	CHECK_EQ_INT(r.vr_rax, 384);
}

static void
test_gethz_tsc_and_bus(void)
{
	struct vm_regs r;

	setup(0, NULL);
	sim.sm_tsc_hz = 0x123456789ULL;
	bd(&r, CMD_HZ, 0xffffffff);
	CHECK_EQ_HEX(r.vr_rax, 0x23456789);
	CHECK_EQ_HEX(r.vr_rbx, 0x1);
	CHECK_EQ_INT(r.vr_rcx, 66000000);
}

static void
test_time_and_timefull(void)
{
	struct vm_regs r;

	setup(0, NULL);
	bd(&r, CMD_VERSION, 0);			/* the model starts: TSC 1000 */
	sim_host_tsc_now = 1000 + 5 * HZ + 250000000;	/* 5.25 s later */
	bd(&r, CMD_TIME, 0);
	CHECK_EQ_INT(r.vr_rax, EPOCH + 5);
	CHECK_EQ_INT(r.vr_rbx, 250000);
	CHECK_EQ_INT(r.vr_rcx, 1000000);	/* max lag, the model's */
	bd(&r, CMD_TIMEFULL, 0);
	CHECK_EQ_HEX(r.vr_rax, MAGIC);		/* success leaves the magic */
	CHECK_EQ_INT((uint64_t)r.vr_rsi << 32 | r.vr_rdx, EPOCH + 5);
	CHECK_EQ_INT(r.vr_rbx, 250000);
	CHECK_EQ_INT(r.vr_rcx, 1000000);
}

/* ------------------------------------------------------------------ */
/* The channel. */

static void
test_open_gives_id_and_cookies(void)
{
	struct chan a, b, none = { 0, 0, 0 };
	struct vm_regs r;

	setup(0, NULL);
	CHECK(rpc_open(RPCI, &a));
	CHECK(rpc_open(TCLO, &b));
	CHECK_EQ_INT(a.id, 0);			/* ids from 0 */
	CHECK_EQ_INT(b.id, 1);
	CHECK(a.hi != 0 && a.lo != 0 && b.hi != 0 && b.lo != 0);
	CHECK(a.hi != b.hi && a.lo != b.lo);
	/* Without the cookie flag: no cookies, and it still works. */
	(void)msg(&r, OPEN, &none, RPCI);
	CHECK_EQ_HEX(r.vr_rcx, 0x00010000);
	CHECK_EQ_HEX(r.vr_rsi | r.vr_rdi, 0);
	none.id = (uint32_t)r.vr_rdx >> 16;
	CHECK_EQ_INT(none.id, 2);
	CHECK_STR(rpci_str("log hello"), "1 ");
	CHECK(send_lb(&none, "log x", 5));
	CHECK(rpc_close(&none));
	/* Another protocol: status 0. */
	(void)msg(&r, OPEN, &none, 0x12345678 | COOKIE);
	CHECK_EQ_HEX(r.vr_rcx, 0);
}

static void
test_channels_are_limited(void)
{
	struct chan c[NCHAN + 1];
	int i;

	setup(0, NULL);
	for (i = 0; i < NCHAN; i++)
		CHECK(rpc_open(RPCI, &c[i]));
	CHECK(!rpc_open(RPCI, &c[NCHAN]));
	CHECK(rpc_close(&c[3]));
	CHECK(rpc_open(TCLO, &c[NCHAN]));
	CHECK_EQ_INT(c[NCHAN].id, 3);
	CHECK_CONTAINS(record(), "vmware-sim: OPEN refused: all 8 channels "
	    "are open\n");
}

static void
test_cookies_and_channel_checked(void)
{
	struct chan c, bad;
	struct vm_regs r;

	setup(0, NULL);
	CHECK(rpc_open(RPCI, &c));
	bad = c;
	bad.hi ^= 1;
	CHECK_EQ_HEX(msg(&r, SENDSIZE, &bad, 4), 0);
	bad = c;
	bad.lo ^= 0x80000000;
	CHECK_EQ_HEX(msg(&r, SENDSIZE, &bad, 4), 0);
	CHECK_EQ_HEX(msg(&r, CLOSE, &bad, 0), 0);	/* still open */
	bad = c;
	bad.id = 5;				/* never opened */
	CHECK_EQ_HEX(msg(&r, SENDSIZE, &bad, 4), CLOSED);
	bad.id = 0xffff;
	CHECK_EQ_HEX(msg(&r, RECVSIZE, &bad, 0), CLOSED);
	CHECK(!hb_out(&bad, "abcd", 4));
	/* HB with the cookies in the low-bandwidth places: refused. */
	CHECK(msg(&r, SENDSIZE, &c, 4) & SUCCESS);
	bad = c;
	bad.hi = c.lo;
	bad.lo = c.hi;
	CHECK(!hb_out(&bad, "abcd", 4));
	CHECK(hb_out(&c, "abcd", 4));
	CHECK(rpc_close(&c));
	CHECK_EQ_HEX(msg(&r, SENDSIZE, &c, 4), CLOSED);	/* closed now */
	CHECK(!rpc_close(&c));
}

/* The whole exchange by the low-bandwidth calls, register by register. */
static void
test_rpci_by_4_byte_chunks(void)
{
	static const char m[] = "tools.set.version 2147483647";	/* 28 */
	struct chan c;
	struct vm_regs r;

	setup(0, NULL);
	CHECK(rpc_open(RPCI, &c));
	CHECK_EQ_HEX(msg(&r, RECVSIZE, &c, 0), SUCCESS | HB);	/* nothing */
	CHECK_EQ_HEX(msg(&r, SENDSIZE, &c, 29), SUCCESS | HB);
	CHECK_EQ_HEX(r.vr_rcx & 0xffff, 0);
	CHECK(send_lb(&c, m, sizeof(m) - 1));	/* 28: a new SENDSIZE */
	CHECK_EQ_HEX(msg(&r, SENDPAYLOAD, &c, 0x41414141), 0);	/* done */
	CHECK_EQ_HEX(msg(&r, RECVSIZE, &c, 0), SUCCESS | DORECV | HB);
	CHECK_EQ_INT(r.vr_rbx, 2);
	CHECK_EQ_HEX(r.vr_rdx, 0x00010000);
	CHECK_EQ_HEX(msg(&r, RECVPAYLOAD, &c, SUCCESS), SUCCESS);
	CHECK_EQ_HEX(r.vr_rbx, 0x00002031);	/* "1 ", two zero pad bytes */
	CHECK_EQ_HEX(r.vr_rdx, 0x00020000);
	CHECK_EQ_HEX(msg(&r, RECVPAYLOAD, &c, SUCCESS), 0);	/* no more */
	CHECK_EQ_HEX(msg(&r, RECVSTATUS, &c, SUCCESS), SUCCESS);
	CHECK_EQ_HEX(r.vr_rcx, 0x00010000);
	CHECK_EQ_HEX(msg(&r, RECVSTATUS, &c, SUCCESS), 0);	/* once */
	CHECK_EQ_HEX(msg(&r, RECVSIZE, &c, 0), SUCCESS | HB);
	CHECK(rpc_close(&c));
	CHECK_STR(record(), "vmware-sim: no TCLO script\n"
	    "vmware-sim: rpci 1 \"tools.set.version 2147483647\" -> \"1 \"\n"
	    "vmware-sim: 1 rpci, 0 tclo, 0 faults injected\n");
}

static void
test_rpci_by_hb(void)
{
	char buf[64];
	struct chan c;
	struct vm_regs r;

	setup(0, NULL);
	CHECK(rpc_open(RPCI, &c));
	CHECK(send_hb(&c, "info-get guestinfo.testbed", 26));
	CHECK_EQ_INT(recvsize(&c), 12);
	memset(buf, '#', sizeof(buf));
	CHECK(hb_in(&c, buf, 5));		/* in two parts */
	CHECK(hb_in(&c, buf + 5, 7));
	CHECK(!hb_in(&c, buf + 12, 1));		/* past the end */
	CHECK(memcmp(buf, "1 sim:vmware#", 13) == 0);
	CHECK_EQ_HEX(msg(&r, RECVSTATUS, &c, SUCCESS), SUCCESS);
	CHECK(rpc_close(&c));
	/* An HB command other than 0 (MESSAGE) fails. */
	CHECK(rpc_open(RPCI, &c));
	CHECK(msg(&r, SENDSIZE, &c, 4) & SUCCESS);
	memset(&r, 0, sizeof(r));
	r.vr_rax = MAGIC;
	r.vr_rbx = HB_OK | 1;
	r.vr_rcx = 4;
	r.vr_rdx = c.id << 16 | PORT_HB;
	r.vr_rsi = (uintptr_t)"abcd";
	r.vr_rdi = c.lo;
	r.vr_rbp = c.hi;
	CHECK_EQ_INT(sim_backdoor_hb(&r, true), 0);
	CHECK_EQ_HEX(r.vr_rbx, 0);
	CHECK(rpc_close(&c));
}

static void
test_rpci_answers(void)
{
	static const struct {
		const char	*m, *reply;
	} t[] = {
		{ "tools.set.version 2147483647", "1 " },
		{ "tools.capability.statechange ", "1 " },
		{ "tools.capability.hgfs_server toolbox 1", "1 " },
		{ "vmx.capability.unified_loop toolbox", "1 " },
		{ "tools.os.statechange.status 1 1", "1 " },
		{ "SetGuestInfo  7 1200", "1 " },
		{ "SetGuestInfo  6 FreeBSD", "1 " },
		{ "vmbackup.eventSet reset 0 ", "1 " },
		{ "log vmt0 attached", "1 " },
		{ "info-get guestinfo.ip", "0 No value found" },
		{ "info-set guestinfo.ip 10.0.2.15", "1 " },
		{ "info-get guestinfo.ip", "1 10.0.2.15" },
		{ "info-set guestinfo.ip 10.0.2.16", "1 " },
		{ "info-get guestinfo.ip", "1 10.0.2.16" },
		{ "info-set guestinfo.note two words", "1 " },
		{ "info-get guestinfo.note", "1 two words" },
		{ "info-get guestinfo.testbed", "1 sim:vmware" },
		{ "info-set guestinfo.bare", "0 Two and exactly two arguments "
		    "expected" },
		{ "info-set machine.id 1", "0 Permission denied" },
		{ "tools.set.versio", "0 Unknown command" },
		{ "Capabilities_Register", "0 Unknown command" },
		{ "", "0 Unknown command" },
	};
	size_t i;

	setup(0, NULL);
	for (i = 0; i < nitems(t); i++) {
		if (!CHECK_STR(rpci(t[i].m, (uint32_t)strlen(t[i].m),
		    i % 2 == 0), t[i].reply))
			printf("# message %zu \"%s\"\n", i, t[i].m);
	}
}

/* OpenBSD's vmt_kvop sends its whole 4096-byte buffer, NULs and all. */
static void
test_rpci_nul_padded(void)
{
	static char m[4096];

	setup(0, NULL);
	snprintf(m, sizeof(m), "info-get guestinfo.testbed");
	CHECK_STR(rpci(m, sizeof(m), true), "1 sim:vmware");
	CHECK_STR(rpci(m, sizeof(m), false), "1 sim:vmware");
	CHECK_CONTAINS(record(), "vmware-sim: rpci 2 \"info-get "
	    "guestinfo.testbed\" (4096 bytes) -> \"1 sim:vmware\"\n");
}

static void
test_message_size_limit(void)
{
	static char big[65536];
	struct chan c;
	struct vm_regs r;

	setup(0, NULL);
	CHECK(rpc_open(RPCI, &c));
	CHECK_EQ_HEX(msg(&r, SENDSIZE, &c, 65537), 0);
	CHECK_EQ_HEX(msg(&r, SENDPAYLOAD, &c, 0), 0);	/* no message */
	memset(big, 'a', sizeof(big));
	memcpy(big, "log ", 4);
	CHECK(send_hb(&c, big, sizeof(big)));	/* 64 KiB is allowed */
	CHECK_EQ_INT(recvsize(&c), 2);
	CHECK(msg(&r, SENDSIZE, &c, 8) & SUCCESS);
	CHECK(!hb_out(&c, big, 9));		/* more than announced */
	CHECK(rpc_close(&c));
	CHECK_CONTAINS(record(), "vmware-sim: SENDSIZE 65537 refused: over "
	    "the host's 65536 bytes\n");
	CHECK_CONTAINS(fake_cons_buf, "vmware-sim: rpci 1 \"log aaaa");
	CHECK_CONTAINS(fake_cons_buf, "aaa...\" (65536 bytes) -> \"1 \" "
	    "(not received)\n");
}

/* ------------------------------------------------------------------ */
/* TCLO. */

static void
test_tclo_plays_script(void)
{
	struct chan t;

	setup(0, "ping;Set_Option broadcastIP 1;unknown_cmd;OS_Halt");
	CHECK(rpc_open(TCLO, &t));
	CHECK(send_hb(&t, NULL, 0));		/* "I am here" */
	CHECK_STR(tclo_poll(&t), "ping");
	tclo_reply(&t, "OK ");
	CHECK_STR(tclo_poll(&t), "Set_Option broadcastIP 1");
	CHECK_STR(rpci_str("info-set guestinfo.ip 10.0.2.15"), "1 ");
	tclo_reply(&t, "OK ");
	CHECK_STR(tclo_poll(&t), "unknown_cmd");
	tclo_reply(&t, "ERROR Unknown command");
	CHECK_STR(tclo_poll(&t), "OS_Halt");
	CHECK_STR(rpci_str("tools.os.statechange.status 1 1"), "1 ");
	tclo_reply(&t, "OK ");
	CHECK_STR(tclo_poll(&t), "");		/* the host has no more */
	CHECK_STR(tclo_poll(&t), "");
	CHECK_STR(record(),
	    "vmware-sim: boot 1 of a 4-command TCLO script from the command "
	    "line: started at command 1, played 4, 0 left\n"
	    "vmware-sim: tclo 1 \"ping\" <- \"OK \"\n"
	    "vmware-sim: tclo 2 \"Set_Option broadcastIP 1\" <- \"OK \"\n"
	    "vmware-sim: rpci 1 \"info-set guestinfo.ip 10.0.2.15\" -> "
	    "\"1 \"\n"
	    "vmware-sim: tclo 3 \"unknown_cmd\" <- \"ERROR Unknown command\"\n"
	    "vmware-sim: tclo 4 \"OS_Halt\" <- \"OK \"\n"
	    "vmware-sim: rpci 2 \"tools.os.statechange.status 1 1\" -> "
	    "\"1 \"\n"
	    "vmware-sim: 2 rpci, 4 tclo, 0 faults injected\n");
}

/* Polled by the 4-byte calls: the same command. */
static void
test_tclo_low_bandwidth(void)
{
	char buf[64];
	struct chan t;

	setup(0, "Capabilities_Register");
	CHECK(rpc_open(TCLO, &t));
	CHECK_EQ_INT(recv_msg(&t, buf, sizeof(buf), false), 21);
	CHECK_STR(buf, "Capabilities_Register");
	CHECK(send_lb(&t, "OK ", 3));
	CHECK_CONTAINS(record(), "vmware-sim: tclo 1 "
	    "\"Capabilities_Register\" <- \"OK \"\n");
}

/* Not acknowledged: offered again, on a new channel too. */
static void
test_tclo_offers_again_until_acknowledged(void)
{
	char buf[8];
	struct chan t, u;
	struct vm_regs r;

	setup(0, "ping;OS_Halt");
	CHECK(rpc_open(TCLO, &t));
	CHECK_EQ_INT(recvsize(&t), 4);
	CHECK(hb_in(&t, buf, 2));		/* half read, asked again */
	CHECK_EQ_INT(recvsize(&t), 4);
	CHECK(hb_in(&t, buf, 4));
	CHECK(rpc_close(&t));			/* gone without RECVSTATUS */
	CHECK(rpc_open(TCLO, &u));
	CHECK_STR(tclo_poll(&u), "ping");
	tclo_reply(&u, "OK ");
	/* RECVSTATUS 0: the guest refuses it; the host goes on. */
	CHECK_EQ_INT(recvsize(&u), 7);
	CHECK_EQ_HEX(msg(&r, RECVSTATUS, &u, 0), SUCCESS);
	CHECK_STR(tclo_poll(&u), "");
	CHECK_CONTAINS(record(), "vmware-sim: tclo 1 \"ping\" <- \"OK \"\n"
	    "vmware-sim: tclo 2 \"OS_Halt\" <- (refused on receipt)\n"
	    "vmware-sim: 0 rpci, 2 tclo, 0 faults injected\n");
}

/* A guest that polls again without replying, and one that says more. */
static void
test_tclo_no_reply_and_unsolicited(void)
{
	struct chan t;

	setup(0, "ping;reset;OS_Halt");
	CHECK(rpc_open(TCLO, &t));
	tclo_reply(&t, "OK ATR toolbox");	/* after a reopen, unasked */
	CHECK_STR(tclo_poll(&t), "ping");
	CHECK_STR(tclo_poll(&t), "reset");	/* ping went unanswered */
	tclo_reply(&t, "OK ATR toolbox");
	CHECK_STR(tclo_poll(&t), "OS_Halt");
	CHECK_STR(record(),
	    "vmware-sim: boot 1 of a 3-command TCLO script from the command "
	    "line: started at command 1, played 3, 0 left\n"
	    "vmware-sim: tclo - <- \"OK ATR toolbox\"\n"
	    "vmware-sim: tclo 1 \"ping\" <- (no reply)\n"
	    "vmware-sim: tclo 2 \"reset\" <- \"OK ATR toolbox\"\n"
	    "vmware-sim: tclo 3 \"OS_Halt\" <- (no reply)\n"
	    "vmware-sim: 0 rpci, 3 tclo, 0 faults injected\n");
}

/* Only the newest TCLO channel hears from the host. */
static void
test_tclo_newest_channel_only(void)
{
	struct chan t, u;

	setup(0, "ping");
	CHECK(rpc_open(TCLO, &t));
	CHECK(rpc_open(TCLO, &u));
	CHECK_STR(tclo_poll(&t), "");
	CHECK_STR(tclo_poll(&u), "ping");
	CHECK(rpc_open(RPCI, &t));
	CHECK_STR(tclo_poll(&t), "");		/* RPCI: nothing unasked */
}

/* OS_Reboot: the next boot plays the rest (NVRAM), a new script anew. */
static void
test_tclo_script_continues_after_reset(void)
{
	static const char script[] = "ping;OS_Reboot;OS_Halt";
	struct chan t;

	setup(0, script);
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "ping");
	tclo_reply(&t, "OK ");
	CHECK_STR(tclo_poll(&t), "OS_Reboot");
	tclo_reply(&t, "OK ");
	CHECK_CONTAINS(record(), "vmware-sim: boot 1 of a 3-command TCLO "
	    "script from the command line: started at command 1, played 2, "
	    "1 left\n");
	CHECK_EQ_HEX(sim_nvram_read(0), 0xa8);	/* the 3-byte layout */
	CHECK_EQ_HEX(sim_nvram_read(2), 2);	/* next: command 3 */
	CHECK_EQ_HEX(sim_nvram_read(3), 0);
	CHECK_EQ_HEX(sim_nvram_read(4), 0);

	boot(0, script);			/* the reset: NVRAM kept */
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "OS_Halt");
	tclo_reply(&t, "OK ");
	CHECK_STR(record(), "vmware-sim: boot 2 of a 3-command TCLO script "
	    "from the command line: started at command 3, played 1, 0 left\n"
	    "vmware-sim: tclo 3 \"OS_Halt\" <- \"OK \"\n"
	    "vmware-sim: 0 rpci, 1 tclo, 0 faults injected\n");

	boot(0, script);			/* all played: nothing to say */
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "");
	CHECK_CONTAINS(record(), "boot 3 of a 3-command");

	boot(0, "OS_Halt");			/* another script: from 1 */
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "OS_Halt");
	CHECK_CONTAINS(record(), "vmware-sim: boot 1 of a 1-command");

	nvram_clear();				/* a fresh QEMU */
	boot(0, script);
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "ping");
}

/* vmt.script=@NAME: the boot module; lines or ';', comments skipped. */
static void
test_tclo_script_from_module(void)
{
	static const char text[] = "# a comment; not a command\r\n"
	    "ping\r\n\nSet_Option broadcastIP 1;OS_Halt\n#;last\n";
	struct chan t;

	setup(0, "@script.tclo");
	module(0, "/boot/script.tclo", text, sizeof(text) - 1);
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "ping");
	tclo_reply(&t, "OK ");
	CHECK_STR(tclo_poll(&t), "Set_Option broadcastIP 1");
	tclo_reply(&t, "OK ");
	CHECK_STR(tclo_poll(&t), "OS_Halt");
	CHECK_CONTAINS(record(), "vmware-sim: boot 1 of a 3-command TCLO "
	    "script from /boot/script.tclo:");

	setup(0, "@odd\"\x01.tclo");		/* a name is outside text */
	module(0, "odd\"\x01.tclo", "x\n# \"#\x02\n", 8);
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "x");
	CHECK_CONTAINS(record(), "vmware-sim: boot 1 of a 1-command TCLO "
	    "script from odd\\\"\\x01.tclo:");

	setup(0, "@");				/* PVH: no module string */
	module(0, "", "ping\n", 5);
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "ping");
	CHECK_CONTAINS(record(), "vmware-sim: boot 1 of a 1-command TCLO "
	    "script from module 0 (no name): started at command 1");

	setup(0, "@script.tclo");		/* only comments */
	module(0, "script.tclo", "# one\n\n#two;three\n", 18);
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "");
	CHECK_CONTAINS(record(), "vmware-sim: boot 1 of a 0-command TCLO "
	    "script from script.tclo: started at command 1, played 0, 0 "
	    "left\n");
}

/*
 * A module the model cannot play is refused with its cause: the check
 * the backend's set-up makes (so the boot fails at hv_backend), and, if
 * the model is started anyway, the record.
 */
static void
test_tclo_script_module_refused(void)
{
	char err[160];
	struct bi_module *m = &bootinfo.bi_modules[0];

	setup(0, "@script.tclo");
	CHECK_EQ_INT(sim_vmw_script_check(NULL, err, sizeof(err)), 0);
	CHECK_EQ_INT(sim_vmw_script_check("ping;OS_Halt", err, sizeof(err)),
	    0);
	CHECK_EQ_INT(sim_vmw_script_check("@nosuch.tclo", err, sizeof(err)),
	    EINVAL);
	CHECK_STR(err, "vmt.script=@nosuch.tclo: no boot module by that "
	    "name");
	CHECK_STR(record(), "vmware-sim: no TCLO script\n"
	    "vmware-sim: vmt.script=@script.tclo: no boot module by that "
	    "name: no script\n"
	    "vmware-sim: 0 rpci, 0 tclo, 0 faults injected\n");

	setup(0, "@script.tclo");		/* there, but empty */
	module(0, "dump.txt", "x", 1);
	module(1, "script.tclo", "", 0);
	CHECK_EQ_INT(sim_vmw_script_check(sim.sm_script, err, sizeof(err)),
	    EINVAL);
	CHECK_STR(err, "vmt.script=@script.tclo: module 1 is empty");
	CHECK_CONTAINS(record(), "vmware-sim: vmt.script=@script.tclo: "
	    "module 1 is empty: no script\n");

	setup(0, "@script.tclo");		/* one byte over the limit */
	bootinfo.bi_nmodules = 1;
	m->mod_start = 0x200000;
	m->mod_end = 0x200000 + SIM_VMW_SCRIPT_MAX + 1;
	snprintf(m->mod_string, sizeof(m->mod_string), "script.tclo");
	CHECK_EQ_INT(sim_vmw_script_check(sim.sm_script, err, sizeof(err)),
	    EINVAL);
	CHECK_STR(err, "vmt.script=@script.tclo: module 0 is 1048577 bytes, "
	    "over the 1048576-byte limit of a TCLO script");
	m->mod_end--;				/* at the limit: taken */
	CHECK_EQ_INT(sim_vmw_script_check(sim.sm_script, err, sizeof(err)),
	    0);

	m->mod_start = 0xffff0000;		/* past what the kernel maps */
	m->mod_end = 0x100000010;
	CHECK_EQ_INT(sim_vmw_script_check(sim.sm_script, err, sizeof(err)),
	    EINVAL);
	CHECK_STR(err, "vmt.script=@script.tclo: module 0 at "
	    "0xffff0000-0x100000010 ends above 4 GiB, which the kernel does "
	    "not map");
	CHECK_CONTAINS(record(), "ends above 4 GiB, which the kernel does "
	    "not map: no script\n");

	/* The name is outside text: escaped, in the error and the record. */
	setup(0, "@a\"b\n");
	CHECK_EQ_INT(sim_vmw_script_check(sim.sm_script, err, sizeof(err)),
	    EINVAL);
	CHECK_STR(err, "vmt.script=@a\\\"b\\x0a: no boot module by that "
	    "name");
	CHECK_CONTAINS(record(), "vmware-sim: vmt.script=@a\\\"b\\x0a: no "
	    "boot module by that name: no script\n");
}

/* A script of n commands "cmd<i>", one per line: its bytes. */
static char *
long_script(int n, size_t *len)
{
	char *s = malloc((size_t)n * 16 + 16);
	size_t at = 0;
	int i;

	for (i = 0; i < n - 1; i++)
		at += (size_t)sprintf(s + at, "cmd%d\n", i + 1);
	at += (size_t)sprintf(s + at, "OS_Halt\n");
	*len = at;
	return s;
}

/*
 * A long script loads and plays in time linear in its length: the
 * model reads each byte a bounded number of times (sv_scanned), not
 * once per command before it, and it plays every command, not some.
 */
static void
test_tclo_long_script_linear(void)
{
	enum { N = 100000 };
	char want[32];
	struct chan t;
	size_t len;
	char *text = long_script(N, &len);
	int i, bad = 0;

	setup(0, "@long.tclo");
	module(0, "long.tclo", text, len);
	CHECK(rpc_open(TCLO, &t));		/* the model starts: loads */
	CHECK(model()->sv_ncmds == N);
	CHECK(model()->sv_scanned <= len);	/* one pass to count them */
	for (i = 1; i < N; i++) {
		snprintf(want, sizeof(want), "cmd%d", i);
		bad += strcmp(tclo_poll(&t), want) != 0;
		tclo_reply(&t, "ERROR Unknown command");
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_STR(tclo_poll(&t), "OS_Halt");
	tclo_reply(&t, "OK ");
	CHECK_STR(tclo_poll(&t), "");
	CHECK_STR(tclo_poll(&t), "");		/* idle: nothing rescanned */
	CHECK(model()->sv_scanned <= 2 * len);	/* and one to play them */
	CHECK_CONTAINS(record(), "vmware-sim: boot 1 of a 100000-command "
	    "TCLO script from long.tclo: started at command 1, played "
	    "100000, 0 left\n");
	CHECK_CONTAINS(fake_cons_buf, "vmware-sim: 0 rpci, 100000 tclo, 0 "
	    "faults injected\n");
	CHECK_CONTAINS(fake_cons_buf, "vmware-sim: 99936 more not "
	    "recorded\n");
	free(text);
}

/*
 * Past command 65536 the NVRAM's place needs its third byte: a reboot
 * at command 70000 of a long script goes on at 70001, and the loader
 * finds it in one pass.
 */
static void
test_tclo_long_script_continues(void)
{
	enum { N = 80000, AT = 70000 };
	char want[32];
	struct chan t;
	size_t len;
	char *text = long_script(N, &len);
	int i;

	setup(0, "@long.tclo");
	module(0, "long.tclo", text, len);
	CHECK(rpc_open(TCLO, &t));
	for (i = 1; i <= AT; i++) {
		(void)tclo_poll(&t);
		tclo_reply(&t, "OK ");
	}
	CHECK_CONTAINS(record(), "played 70000, 10000 left\n");
	CHECK_EQ_HEX(sim_nvram_read(2) | sim_nvram_read(3) << 8 |
	    sim_nvram_read(4) << 16, AT);

	boot(0, "@long.tclo");			/* the reset: NVRAM kept */
	CHECK(rpc_open(TCLO, &t));
	CHECK(model()->sv_scanned <= len);
	snprintf(want, sizeof(want), "cmd%d", AT + 1);
	CHECK_STR(tclo_poll(&t), want);
	CHECK_CONTAINS(record(), "vmware-sim: boot 2 of a 80000-command TCLO "
	    "script from long.tclo: started at command 70001, played 1, "
	    "9999 left\n");
	free(text);
}

static void
test_no_script_host_is_silent(void)
{
	struct chan t;

	setup(0, NULL);
	CHECK(rpc_open(TCLO, &t));
	CHECK(send_lb(&t, NULL, 0));
	CHECK_EQ_INT(recvsize(&t), 0);
	CHECK_EQ_HEX(sim_nvram_read(0), 0);	/* untouched */
	CHECK_STR(record(), "vmware-sim: no TCLO script\n"
	    "vmware-sim: 0 rpci, 0 tclo, 0 faults injected\n");
}

/* The record keeps 64 entries and counts the rest. */
static void
test_record_is_bounded(void)
{
	char m[32];
	int i;

	setup(0, NULL);
	for (i = 0; i < 70; i++) {
		snprintf(m, sizeof(m), "log %d", i);
		CHECK_STR(rpci_str(m), "1 ");
	}
	CHECK_CONTAINS(record(), "vmware-sim: rpci 64 \"log 63\" -> \"1 \"\n"
	    "vmware-sim: 6 more not recorded\n"
	    "vmware-sim: 70 rpci, 0 tclo, 0 faults injected\n");
}

/* ------------------------------------------------------------------ */
/* Faults: each once, each recorded, each recoverable. */

static void
test_fault_open_refused_once(void)
{
	struct chan t;

	setup(SIM_FAULT_RPC_OPEN_REFUSED, "ping");
	CHECK(!rpc_open(TCLO, &t));
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "ping");
	CHECK(rpc_open(RPCI, &t));
	CHECK_STR(record(), "vmware-sim: boot 1 of a 1-command TCLO script "
	    "from the command line: started at command 1, played 1, 0 left\n"
	    "vmware-sim: fault rpc-open-refused: OPEN TCLO refused\n"
	    "vmware-sim: tclo 1 \"ping\" <- (no reply)\n"
	    "vmware-sim: 0 rpci, 1 tclo, 1 fault injected\n");
}

/* By SENDPAYLOAD: the chunk with byte 8 fails, the message is dropped. */
static void
test_fault_send_fails_low_bandwidth(void)
{
	static const char m[] = "tools.set.version 2147483647";
	struct chan c;
	struct vm_regs r;

	setup(SIM_FAULT_RPC_SEND_FAILS, NULL);
	CHECK_STR(rpci_str("log abcd"), "1 ");	/* bytes 0..7: not hit */
	CHECK(rpc_open(RPCI, &c));
	CHECK(msg(&r, SENDSIZE, &c, sizeof(m) - 1) & SUCCESS);
	CHECK_EQ_HEX(msg(&r, SENDPAYLOAD, &c, 0x6c6f6f74), SUCCESS);
	CHECK_EQ_HEX(msg(&r, SENDPAYLOAD, &c, 0x65732e73), SUCCESS);
	CHECK_EQ_HEX(msg(&r, SENDPAYLOAD, &c, 0x65762e74), 0);	/* 8..11 */
	CHECK_EQ_HEX(msg(&r, SENDPAYLOAD, &c, 0x6f697372), 0);	/* dropped */
	CHECK_EQ_INT(recvsize(&c), 0);
	CHECK(send_lb(&c, m, sizeof(m) - 1));	/* once: now it goes */
	CHECK_EQ_INT(recvsize(&c), 2);
	CHECK(rpc_close(&c));
	CHECK_STR(record(), "vmware-sim: no TCLO script\n"
	    "vmware-sim: rpci 1 \"log abcd\" -> \"1 \"\n"
	    "vmware-sim: fault rpc-send-fails: a 28-byte RPCI message failed "
	    "at byte 8; the host dropped it\n"
	    "vmware-sim: rpci 2 \"tools.set.version 2147483647\" -> \"1 \" "
	    "(not received)\n"
	    "vmware-sim: 2 rpci, 0 tclo, 1 fault injected\n");
}

/* By HB: the transfer that carries the byte fails; a short one passes. */
static void
test_fault_send_fails_hb(void)
{
	struct chan c;

	setup(SIM_FAULT_RPC_SEND_FAILS, NULL);
	sim.sm_failbyte = 20;
	CHECK_STR(rpci_str("log short"), "1 ");
	CHECK(rpc_open(RPCI, &c));
	CHECK(!send_hb(&c, "info-set guestinfo.ip 10.0.2.15", 31));
	CHECK_EQ_INT(recvsize(&c), 0);
	CHECK(send_hb(&c, "info-set guestinfo.ip 10.0.2.15", 31));
	CHECK_EQ_INT(recvsize(&c), 2);
	CHECK(rpc_close(&c));
	CHECK_CONTAINS(record(), "vmware-sim: fault rpc-send-fails: a "
	    "31-byte RPCI message failed at byte 20; the host dropped it\n");
}

static void
test_fault_reply_too_long(void)
{
	static char buf[65536];
	char want[256];
	struct chan c;

	setup(SIM_FAULT_RPC_REPLY_TOO_LONG, NULL);
	CHECK(rpc_open(RPCI, &c));
	CHECK(send_hb(&c, "tools.set.version 2147483647", 28));
	CHECK_EQ_INT(recvsize(&c), 65536);
	CHECK(hb_in(&c, buf, sizeof(buf)));	/* it is all there */
	CHECK(memcmp(buf, "1 xxxx", 6) == 0 && buf[65535] == 'x');
	CHECK(rpc_close(&c));
	CHECK_STR(rpci_str("tools.set.version 2147483647"), "1 ");  /* once */
	/* The record shows the first 64 bytes: "1 " and 62 of the filler. */
	snprintf(want, sizeof(want), "vmware-sim: rpci 1 \"tools.set.version "
	    "2147483647\" -> \"1 %.62s...\" (65536 bytes) (not received)\n"
	    "vmware-sim: fault rpc-reply-too-long: the reply to rpci 1 is "
	    "65536 bytes\n", buf + 2);
	CHECK_CONTAINS(record(), want);
	CHECK_CONTAINS(fake_cons_buf, "vmware-sim: rpci 2 \"tools.set.version "
	    "2147483647\" -> \"1 \"\n");
}

static void
test_fault_endless_reply(void)
{
	struct chan c;
	struct vm_regs r;
	int i;

	setup(SIM_FAULT_RPC_ENDLESS_REPLY, NULL);
	CHECK(rpc_open(RPCI, &c));
	CHECK(send_lb(&c, "log x", 5));
	CHECK_EQ_HEX(recvsize(&c), 0xffffffff);
	CHECK_EQ_HEX(msg(&r, RECVPAYLOAD, &c, SUCCESS), SUCCESS);
	CHECK_EQ_HEX(r.vr_rbx, 0x78782031);	/* "1 xx" */
	for (i = 0; i < 10000; i++)
		if (msg(&r, RECVPAYLOAD, &c, SUCCESS) != SUCCESS ||
		    (uint32_t)r.vr_rbx != 0x78787878)
			break;
	CHECK_EQ_INT(i, 10000);			/* it does not end */
	CHECK(rpc_close(&c));
	CHECK_STR(rpci_str("log x"), "1 ");
	CHECK_CONTAINS(record(), "vmware-sim: fault rpc-endless-reply: the "
	    "reply to rpci 1 claims 4294967295 bytes and never runs out\n");
}

/* The TCLO channel goes stale; only a new channel gets the script on. */
static void
test_fault_wrong_cookie(void)
{
	struct chan t, u;
	struct vm_regs r;

	setup(SIM_FAULT_RPC_WRONG_COOKIE, "ping;Capabilities_Register");
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "ping");	/* nothing answered yet */
	tclo_reply(&t, "OK ");
	CHECK_EQ_HEX(msg(&r, RECVSIZE, &t, 0), 0);	/* stale */
	CHECK_EQ_HEX(msg(&r, RECVSIZE, &t, 0), 0);	/* and stays so */
	CHECK(!send_lb(&t, NULL, 0));
	CHECK(!rpc_close(&t));
	CHECK(rpc_open(TCLO, &u));
	CHECK(u.id != t.id);
	tclo_reply(&u, "OK ATR toolbox");
	CHECK_STR(tclo_poll(&u), "Capabilities_Register");
	tclo_reply(&u, "OK ");
	CHECK_EQ_INT(recvsize(&u), 0);		/* once */
	CHECK_CONTAINS(record(), "vmware-sim: tclo 1 \"ping\" <- \"OK \"\n"
	    "vmware-sim: fault rpc-wrong-cookie: TCLO channel 0 has new "
	    "cookies; the guest's are stale\n"
	    "vmware-sim: tclo - <- \"OK ATR toolbox\"\n"
	    "vmware-sim: tclo 2 \"Capabilities_Register\" <- \"OK \"\n"
	    "vmware-sim: 0 rpci, 2 tclo, 1 fault injected\n");
}

/* DORECV and the length, but no SUCCESS: the call failed. */
static void
test_fault_no_success(void)
{
	char buf[8];
	struct chan c;
	struct vm_regs r;

	setup(SIM_FAULT_RPC_NO_SUCCESS, "ping");
	CHECK(rpc_open(TCLO, &c));
	CHECK_STR(tclo_poll(&c), "ping");	/* TCLO: not this fault's */
	CHECK(rpc_open(RPCI, &c));
	CHECK(send_hb(&c, "log x", 5));
	CHECK_EQ_HEX(msg(&r, RECVSIZE, &c, 0), DORECV | HB);
	CHECK_EQ_INT(r.vr_rbx, 2);
	CHECK(!hb_in(&c, buf, 2));		/* nothing was offered */
	CHECK_EQ_HEX(msg(&r, RECVSTATUS, &c, SUCCESS), 0);
	CHECK(rpc_close(&c));
	CHECK_STR(rpci_str("log y"), "1 ");	/* once */
	CHECK_CONTAINS(record(), "vmware-sim: rpci 1 \"log x\" -> \"1 \" "
	    "(not received)\n"
	    "vmware-sim: fault rpc-no-success: RECVSIZE for rpci 1 answered "
	    "DORECV|HB without SUCCESS\n"
	    "vmware-sim: rpci 2 \"log y\" -> \"1 \"\n");
}

/* Every fault at once: each still fires once, and the faults count. */
static void
test_faults_all_together(void)
{
	struct chan t;

	setup(SIM_FAULT_RPC_OPEN_REFUSED | SIM_FAULT_RPC_SEND_FAILS |
	    SIM_FAULT_RPC_REPLY_TOO_LONG | SIM_FAULT_RPC_WRONG_COOKIE |
	    SIM_FAULT_RPC_NO_SUCCESS | SIM_FAULT_RPC_ENDLESS_REPLY, "ping");
	CHECK(!rpc_open(TCLO, &t));
	CHECK(rpc_open(TCLO, &t));
	CHECK_STR(tclo_poll(&t), "ping");
	tclo_reply(&t, "OK ");
	CHECK_EQ_INT(recvsize(&t), -1);		/* stale */
	(void)rpci_str("log 1");		/* endless, no success */
	(void)rpci_str("log 2");		/* too long */
	(void)rpci_str("log 333333333");	/* fails at byte 8 */
	CHECK_STR(rpci_str("log 4"), "1 ");
	CHECK_CONTAINS(record(), "vmware-sim: 3 rpci, 1 tclo, 6 faults "
	    "injected\n");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_cpuid_from_vmware_dump),
	CHECK_TEST(test_getversion_answers_esx),
	CHECK_TEST(test_backdoor_needs_magic_and_port),
	CHECK_TEST(test_vmcall_personality),
	CHECK_TEST(test_bios_uuid_words),
	CHECK_TEST(test_memsize_in_mb_from_memory_map),
	CHECK_TEST(test_gethz_tsc_and_bus),
	CHECK_TEST(test_time_and_timefull),
	CHECK_TEST(test_open_gives_id_and_cookies),
	CHECK_TEST(test_channels_are_limited),
	CHECK_TEST(test_cookies_and_channel_checked),
	CHECK_TEST(test_rpci_by_4_byte_chunks),
	CHECK_TEST(test_rpci_by_hb),
	CHECK_TEST(test_rpci_answers),
	CHECK_TEST(test_rpci_nul_padded),
	CHECK_TEST(test_message_size_limit),
	CHECK_TEST(test_tclo_plays_script),
	CHECK_TEST(test_tclo_low_bandwidth),
	CHECK_TEST(test_tclo_offers_again_until_acknowledged),
	CHECK_TEST(test_tclo_no_reply_and_unsolicited),
	CHECK_TEST(test_tclo_newest_channel_only),
	CHECK_TEST(test_tclo_script_continues_after_reset),
	CHECK_TEST(test_tclo_script_from_module),
	CHECK_TEST(test_tclo_script_module_refused),
	CHECK_TEST(test_tclo_long_script_linear),
	CHECK_TEST(test_tclo_long_script_continues),
	CHECK_TEST(test_no_script_host_is_silent),
	CHECK_TEST(test_record_is_bounded),
	CHECK_TEST(test_fault_open_refused_once),
	CHECK_TEST(test_fault_send_fails_low_bandwidth),
	CHECK_TEST(test_fault_send_fails_hb),
	CHECK_TEST(test_fault_reply_too_long),
	CHECK_TEST(test_fault_endless_reply),
	CHECK_TEST(test_fault_wrong_cookie),
	CHECK_TEST(test_fault_no_success),
	CHECK_TEST(test_faults_all_together),
};

int
main(void)
{
	return check_main("test_sim_vmware", tests, nitems(tests));
}
