/*
 * The simulated VMware host (hv=sim:vmware): what a guest sees of
 * VMware through CPUID and the backdoor, following hypervisor-
 * interfaces.md 6.1-6.10 (open-vm-tools backdoor_def.h, guest_msg_def.h,
 * message.c, rpcout.c, rpcin.c; OpenBSD vmt.c as the guest it must
 * serve).  QEMU's vmport is what it must not look like (7.2): there
 * GETMEMSIZE answers bytes, GETTIME and GETTIMEFULL are missing, and
 * command 30, the RPC channel, does not exist.  docs/vmware.md walks
 * through it next to the guest, drivers/vmt/.
 *
 * CPUID: the hypervisor block comes from a real VMware guest's dump,
 * built in (sim_vmware_dump.asm: vmware-xeon-e5-2670v3-1.txt,
 * "VMwareVMware", max leaf 0x40000010), except that the timing leaf
 * says the TSC rate the model's clocks run at (sim.sm_tsc_hz), so that
 * CPUID and GETHZ agree as they do on a real host.  With profile= the
 * backend answers CPUID from that dump instead (hvio_sim.c).
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
 * The RPC channel (6.6): up to SIM_VMW_NCHAN channels (VMware allows
 * 128), ids from 0, a pair of cookies each when the guest asks for them
 * (the COOKIE flag on OPEN).  Every call after OPEN names its channel in
 * EDX 31:16 and its cookies (ESI high and EDI low on port 0x5658; on
 * 0x5659 EBP high and EDI low out, ESI high and EBP low in); a closed
 * channel answers CLOSED, a wrong cookie a status of 0.  Replies put
 * the status in ECX 31:16 with ECX 15:0 zero, OPEN the id in EDX 31:16
 * with EDX 15:0 zero, as OpenBSD's vmt demands, and the statuses are
 * the ones iPXE (src/include/ipxe/guestrpc.h) requires, exactly, of a
 * real VMware host: 0x0001 for OPEN, SENDPAYLOAD, RECVPAYLOAD,
 * RECVSTATUS and CLOSE, 0x0081 (SUCCESS|HB) for SENDSIZE, 0x0083
 * (SUCCESS|DORECV|HB) for a RECVSIZE with a message waiting.  Both
 * paths work: the 4-byte calls, and HB on port 0x5659.  A message to the host
 * may be up to 64 KiB (VM_RPC_MAX_IN_SIZE); the host keeps its first
 * SIM_VMW_KEEP bytes, which is all any command it knows needs.  The
 * model never checkpoints, powers off or times out, so CPT, POWEROFF
 * and TIMEOUT never appear.  The numbers are drivers/vmt/vmtreg.h's,
 * the guest's header: one protocol, one copy of it.  The unit test
 * (tests/unit/test_sim_vmware.c) spells them out again from the fact
 * sheet, so a wrong one cannot hide behind the sharing.
 *
 * RPCI: each message the guest sends is answered as VMware does ("1 "
 * or "0 " and a text; the table and the texts' sources are at
 * sim_vmw_answer()) and recorded.  info-set stores guestinfo.* keys,
 * info-get reads them back, and the host has set guestinfo.testbed for
 * the guest to read.
 *
 * TCLO: the script (vmt.script="cmd;cmd;...", or vmt.script=@NAME for
 * the boot module NAME: one command per line or ';', lines starting
 * with '#' skipped) is what the host has to say, on the newest TCLO
 * channel: one command each time the guest asks (RECVSIZE) and has
 * answered the one before, by sending a message.  A command the guest
 * did not acknowledge (RECVSTATUS) is offered again, on a reopened
 * channel too; one it acknowledged and then polled past is "no reply".
 * Every command is recorded with the reply the guest sent for it, and
 * nothing else is checked.  How far the script got is kept in the CMOS
 * NVRAM (sim_nvram_read()), so after OS_Reboot the next boot plays the
 * rest; a fresh QEMU's zeroed NVRAM, or another script, means "from the
 * start".  Nothing else survives a reset: the guestinfo keys and the
 * clock start again, where a real host keeps them until power-off.
 * A real host also sends "reset" first on a new TCLO channel (as the
 * unmerged 2015 QEMU vmport-rpc patch, which mimics it, does); the
 * model sends only the script, so a script that wants it says "reset".
 *
 * At the end of the boot si_finish prints the record, one line per
 * message, for the boot cases to assert on:
 *
 *	vmware-sim: rpci 3 "info-set guestinfo.ip 10.0.2.15" -> "1 "
 *	vmware-sim: tclo 1 "ping" <- "OK "
 *	vmware-sim: 5 rpci, 3 tclo, 0 faults injected
 *
 * Faults (sim.fault=, simvar.h), each once per boot so the guest's
 * recovery can succeed, each a "vmware-sim: fault ..." line:
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
#include "simvar.h"
#include "vmtreg.h"
#include "vmwarereg.h"

#define SIM_VMW_VERSION		6	/* GETVERSION EAX: VMware, QEMU */
#define SIM_VMW_BUS_HZ		66000000	/* both dumps: 66000 kHz */
#define SIM_VMW_TSC_HZ		1000000000ULL	/* if sim.sm_tsc_hz is 0 */
#define SIM_VMW_EPOCH		1735689600	/* 2025-01-01, as sim_kvm.c */
#define SIM_VMW_MAX_LAG_US	1000000	/* ECX of GETTIME: our choice */
#define MB			(1024 * 1024ULL)

#define SIM_VMW_NCHAN		8
#define SIM_VMW_KEEP		512	/* bytes of a message the host reads */
#define SIM_VMW_REPLY_MAX	320
#define SIM_VMW_NKEYS		16
#define SIM_VMW_KEY_MAX		64
#define SIM_VMW_VALUE_MAX	256
#define SIM_VMW_NEVENTS		64
#define SIM_VMW_TEXT_MAX	160	/* of a message, in the record */
#define SIM_VMW_SHOW_MAX	64	/* of a reply, in the record */
#define SIM_VMW_LONG_REPLY	65536	/* rpc-reply-too-long */
#define SIM_VMW_ENDLESS		0xffffffffU	/* rpc-endless-reply */
#define SIM_VMW_SCRIPT_MAX	(1024 * 1024)	/* a module's bytes */

/* NVRAM: magic, boot count, next command (2 bytes), script hash (4). */
#define SIM_VMW_NV_MAGIC	0xa7
#define SIM_VMW_NV_BOOT		1
#define SIM_VMW_NV_NEXT		2
#define SIM_VMW_NV_HASH		4

/* The BIOS UUID: "VMSim vmware", 0, 0, 0, 1 (VMware's start with 56 4d). */
static const uint8_t sim_vmw_uuid[16] = {
	0x56, 0x4d, 0x53, 0x69, 0x6d, 0x20, 0x76, 0x6d,
	0x77, 0x61, 0x72, 0x65, 0x00, 0x00, 0x00, 0x01,
};

/* sim_vmware_dump.asm */
extern const char	sim_vmware_dump[];
extern const uint64_t	sim_vmware_dump_len;

/* One channel. */
struct sim_vmw_chan {
	bool		ch_open;
	bool		ch_tclo;
	uint32_t	ch_cookie_hi, ch_cookie_lo;
	/* Guest to host: SENDSIZE given, ch_in_got of ch_in_len arrived. */
	bool		ch_sending;
	uint32_t	ch_in_len, ch_in_got;
	char		ch_in[SIM_VMW_KEEP];
	/*
	 * Host to guest: a message waits (DORECV); RECVSIZE told its
	 * length (sized); ch_out_pos bytes read.  Its bytes are ch_out's
	 * first ch_out_have, then ch_out_fill up to ch_out_len.
	 */
	bool		ch_out_ready, ch_out_sized;
	uint32_t	ch_out_len, ch_out_pos, ch_out_have;
	const char	*ch_out;
	char		ch_out_fill;
	char		ch_outbuf[SIM_VMW_REPLY_MAX];
	int		ch_event;	/* the record entry it answers */
};

/* What the record holds: one line each at the end. */
enum sim_vmw_kind { EV_RPCI, EV_TCLO, EV_UNSOLICITED, EV_FAULT, EV_NOTE };
enum sim_vmw_state {
	ST_NONE,
	ST_OFFERED,		/* TCLO: told, not acknowledged */
	ST_AWAITING,		/* TCLO: acknowledged, no reply yet */
	ST_DONE,		/* replied; RPCI: reply received */
	ST_NOREPLY,		/* TCLO: the guest went on without one */
	ST_REJECTED,		/* RECVSTATUS 0 */
};

struct sim_vmw_event {
	enum sim_vmw_kind ev_kind;
	enum sim_vmw_state ev_state;
	int		ev_num;		/* rpci count, script index + 1 */
	uint32_t	ev_len;		/* the whole message */
	uint32_t	ev_tlen;	/* its text: up to the first NUL */
	char		ev_text[SIM_VMW_TEXT_MAX];
	uint32_t	ev_rlen;	/* the whole reply */
	uint32_t	ev_rshown;
	char		ev_reply[SIM_VMW_SHOW_MAX];
};

struct sim_vmw_key {
	char		kv_key[SIM_VMW_KEY_MAX];
	char		kv_value[SIM_VMW_VALUE_MAX];
};

struct sim_vmware {
	bool		sv_started;
	uint64_t	sv_tsc0;	/* the host clock's epoch */
	uint32_t	sv_fired;	/* SIM_FAULT_* already injected */
	uint32_t	sv_rand;	/* cookies */
	struct cpuid_dump sv_dump;
	bool		sv_dump_ok;
	struct sim_vmw_chan sv_chan[SIM_VMW_NCHAN];
	struct sim_vmw_key sv_keys[SIM_VMW_NKEYS];
	int		sv_nkeys;

	/* TCLO: the script and the host's side of the conversation. */
	const char	*sv_script;	/* NULL: nothing to say */
	size_t		sv_script_len;
	const char	*sv_script_from;	/* "command line", module */
	int		sv_ncmds;
	int		sv_next;	/* the next command to play */
	int		sv_first;	/* the first this boot */
	int		sv_boot;	/* boots with this script, 1.. */
	uint32_t	sv_hash;
	int		sv_tclo_chan;	/* the newest TCLO channel, or -1 */
	int		sv_offered;	/* command told, not acknowledged */
	int		sv_tclo_event;	/* its record entry, or -1 */
	int		sv_awaiting;	/* entry awaiting a reply, or -1 */
	int		sv_nanswered;	/* commands the guest answered */

	struct sim_vmw_event sv_events[SIM_VMW_NEVENTS];
	int		sv_nevents;
	int		sv_nlost;	/* not recorded: the record was full */
	int		sv_nrpci, sv_ntclo, sv_nfaults;
};

static struct sim_vmware sim_vmware;

/* ------------------------------------------------------------------ */
/* The record. */

static int
sim_vmw_event(struct sim_vmware *sv, enum sim_vmw_kind kind, int num)
{
	struct sim_vmw_event *ev;

	if (sv->sv_nevents == SIM_VMW_NEVENTS) {
		sv->sv_nlost++;
		return -1;
	}
	ev = &sv->sv_events[sv->sv_nevents];
	memset(ev, 0, sizeof(*ev));
	ev->ev_kind = kind;
	ev->ev_num = num;
	return sv->sv_nevents++;
}

/* The text of a message: up to its first NUL, as much as fits. */
static void
sim_vmw_event_text(struct sim_vmware *sv, int e, const char *p, uint32_t len,
    uint32_t kept)
{
	struct sim_vmw_event *ev;
	uint32_t n;

	if (e < 0)
		return;
	ev = &sv->sv_events[e];
	for (n = 0; n < kept && p[n] != '\0'; n++)
		;
	ev->ev_len = len;
	ev->ev_tlen = n == kept ? len : n;
	ev->ev_rlen = 0;
	if (n > sizeof(ev->ev_text))
		n = sizeof(ev->ev_text);
	memcpy(ev->ev_text, p, n);
}

static void
sim_vmw_event_reply(struct sim_vmware *sv, int e, const char *p,
    uint32_t have, uint32_t len, enum sim_vmw_state state)
{
	struct sim_vmw_event *ev;

	if (e < 0)
		return;
	ev = &sv->sv_events[e];
	ev->ev_state = state;
	ev->ev_rlen = len;
	ev->ev_rshown = have < sizeof(ev->ev_reply) ? have :
	    sizeof(ev->ev_reply);
	memcpy(ev->ev_reply, p, ev->ev_rshown);
}

static void sim_vmw_note(struct sim_vmware *, enum sim_vmw_kind,
    const char *, ...) __printflike(3, 4);

/* A fault injected or something the host refused, as one sentence. */
static void
sim_vmw_note(struct sim_vmware *sv, enum sim_vmw_kind kind,
    const char *fmt, ...)
{
	va_list ap;
	int e;

	if (kind == EV_FAULT)
		sv->sv_nfaults++;
	if ((e = sim_vmw_event(sv, kind, 0)) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(sv->sv_events[e].ev_text, SIM_VMW_TEXT_MAX, fmt, ap);
	va_end(ap);
}

/* A fault asked for and not yet injected this boot: inject it now. */
static bool
sim_vmw_take(struct sim_vmware *sv, uint32_t fault)
{
	if (!sim_fault(fault) || (sv->sv_fired & fault) != 0)
		return false;
	sv->sv_fired |= fault;
	return true;
}

/* ------------------------------------------------------------------ */
/* What the host knows: the clock, memory, the script. */

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

/* FNV-1a, to tell a different script from the one the NVRAM is about. */
static uint32_t
sim_vmw_hash(const char *p, size_t len)
{
	uint32_t h = 2166136261U;

	while (len-- > 0)
		h = (h ^ (uint8_t)*p++) * 16777619U;
	return h;
}

/*
 * Command k of the script: items between ';' and line ends, blank ones
 * skipped, a '\r' before a line end dropped; a line that starts with
 * '#' is a comment, ';' and all.  Returns false past the last.
 */
static bool
sim_vmw_script_cmd(const struct sim_vmware *sv, int k, const char **cmd,
    size_t *len)
{
	const char *start = sv->sv_script, *end = start + sv->sv_script_len;
	const char *p, *q;
	size_t n;

	for (p = start; p < end; p = q + 1) {
		if ((p == start || p[-1] == '\n') && *p == '#') {
			for (q = p; q < end && *q != '\n'; q++)
				;
			continue;
		}
		for (q = p; q < end && *q != ';' && *q != '\n'; q++)
			;
		n = (size_t)(q - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		if (k-- == 0) {
			*cmd = p;
			*len = n;
			return true;
		}
	}
	return false;
}

/* vmt.script=@NAME: the module whose string (without directories) is NAME. */
static bool
sim_vmw_script_module(struct sim_vmware *sv, const char *name)
{
	const struct bi_module *m;
	const char *base, *p;
	int i;

	for (i = 0; i < bootinfo.bi_nmodules; i++) {
		m = &bootinfo.bi_modules[i];
		for (base = p = m->mod_string; *p != '\0'; p++)
			if (*p == '/')
				base = p + 1;
		if (strcmp(base, name) != 0)
			continue;
		if (m->mod_end <= m->mod_start ||
		    m->mod_end - m->mod_start > SIM_VMW_SCRIPT_MAX) {
			sim_vmw_note(sv, EV_NOTE, "vmt.script=@%s: the "
			    "module is empty or over %d bytes: no script",
			    name, SIM_VMW_SCRIPT_MAX);
			return false;
		}
		sv->sv_script = (const char *)(uintptr_t)m->mod_start;
		sv->sv_script_len = (size_t)(m->mod_end - m->mod_start);
		sv->sv_script_from = m->mod_string;
		return true;
	}
	sim_vmw_note(sv, EV_NOTE, "vmt.script=@%s: no boot module by that "
	    "name: no script", name);
	return false;
}

/* Where the script stands: continued from the NVRAM, or from the start. */
static void
sim_vmw_script_load(struct sim_vmware *sv)
{
	const char *s = sim.sm_script, *cmd;
	uint32_t hash;
	size_t len;
	int i;

	if (s == NULL || *s == '\0')
		return;
	if (*s == '@') {
		if (!sim_vmw_script_module(sv, s + 1))
			return;
	} else {
		sv->sv_script = s;
		sv->sv_script_len = strlen(s);
		sv->sv_script_from = "the command line";
	}
	while (sim_vmw_script_cmd(sv, sv->sv_ncmds, &cmd, &len))
		sv->sv_ncmds++;
	sv->sv_hash = sim_vmw_hash(sv->sv_script, sv->sv_script_len);
	for (hash = 0, i = 0; i < 4; i++)
		hash |= (uint32_t)sim_nvram_read(SIM_VMW_NV_HASH + i) << 8 * i;
	sv->sv_boot = 1;
	if (sim_nvram_read(0) == SIM_VMW_NV_MAGIC && hash == sv->sv_hash) {
		sv->sv_next = sim_nvram_read(SIM_VMW_NV_NEXT) |
		    sim_nvram_read(SIM_VMW_NV_NEXT + 1) << 8;
		if (sv->sv_next > sv->sv_ncmds)
			sv->sv_next = sv->sv_ncmds;
		sv->sv_boot = sim_nvram_read(SIM_VMW_NV_BOOT) + 1;
	}
	sv->sv_first = sv->sv_next;
	sim_nvram_write(0, SIM_VMW_NV_MAGIC);
	sim_nvram_write(SIM_VMW_NV_BOOT, (uint8_t)(sv->sv_boot > 255 ? 255 :
	    sv->sv_boot));
	for (i = 0; i < 4; i++)
		sim_nvram_write(SIM_VMW_NV_HASH + i, (uint8_t)(sv->sv_hash >>
		    8 * i));
	sim_nvram_write(SIM_VMW_NV_NEXT, (uint8_t)sv->sv_next);
	sim_nvram_write(SIM_VMW_NV_NEXT + 1, (uint8_t)(sv->sv_next >> 8));
}

static bool
sim_vmw_set_key(struct sim_vmware *sv, const char *key, size_t klen,
    const char *value, size_t vlen)
{
	struct sim_vmw_key *kv;
	int i;

	if (klen >= SIM_VMW_KEY_MAX)
		return false;
	if (vlen >= SIM_VMW_VALUE_MAX)
		vlen = SIM_VMW_VALUE_MAX - 1;
	for (i = 0; i < sv->sv_nkeys; i++)
		if (strncmp(sv->sv_keys[i].kv_key, key, klen) == 0 &&
		    sv->sv_keys[i].kv_key[klen] == '\0')
			break;
	if (i == SIM_VMW_NKEYS)
		return false;
	kv = &sv->sv_keys[i];
	if (i == sv->sv_nkeys++) {
		memcpy(kv->kv_key, key, klen);
		kv->kv_key[klen] = '\0';
	}
	memcpy(kv->kv_value, value, vlen);
	kv->kv_value[vlen] = '\0';
	return true;
}

/* Once, at the first call of the boot: sim.c has set everything by then. */
static void
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
/* RPCI: what the host answers (6.9; the failure texts: see below). */

static bool
sim_vmw_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncmp(s, prefix, n) == 0;
}

/*
 * info-set KEY VALUE: only guestinfo.* keys are the guest's to write.
 * The host's failure texts are not public (hypervisor-interfaces.md
 * 9.5).  "Two and exactly two arguments expected" is what VMware Tools
 * users report for an info-set without a value, and what the 2015 QEMU
 * vmport-rpc patch answers, as it does "Too many keys"; "Permission
 * denied" is what ESXi answers an RPC the guest may not make
 * (open-vm-tools issue 690).  Unverified against VMware, all of them.
 */
static const char *
sim_vmw_info_set(struct sim_vmware *sv, const char *s, size_t len)
{
	const char *key = s + 9, *sp;	/* after "info-set " */
	size_t klen;

	for (sp = key; sp < s + len && *sp != ' '; sp++)
		;
	klen = (size_t)(sp - key);
	if (sp == s + len || klen == 0)
		return "0 Two and exactly two arguments expected";
	if (!sim_vmw_prefix(key, klen, "guestinfo."))
		return "0 Permission denied";
	if (!sim_vmw_set_key(sv, key, klen, sp + 1, (size_t)(s + len - sp - 1)))
		return "0 Too many keys";
	return "1 ";
}

/*
 * info-get KEY: "1 VALUE", or "0 No value found", the text vmtoolsd
 * --cmd prints for a key VMware does not have (siderolabs/talos-vmtoolsd
 * pull request 52) and the vmport-rpc patch answers.
 */
static void
sim_vmw_info_get(struct sim_vmware *sv, const char *s, size_t len,
    char *out, size_t outlen)
{
	const char *key = s + 9;	/* after "info-get " */
	size_t klen = len - 9;
	int i;

	for (i = 0; i < sv->sv_nkeys; i++)
		if (strlen(sv->sv_keys[i].kv_key) == klen &&
		    strncmp(sv->sv_keys[i].kv_key, key, klen) == 0) {
			snprintf(out, outlen, "1 %s", sv->sv_keys[i].kv_value);
			return;
		}
	snprintf(out, outlen, "0 No value found");
}

/*
 * The reply to an RPCI message of len bytes (its text up to the first
 * NUL).  "1 " for what VMware takes without a word (fact sheet 6.9);
 * "0 Unknown command" for the rest, our text: VMware's is not public,
 * and this one is what the guest side says for a TCLO command it does
 * not know, less the "ERROR".
 */
static void
sim_vmw_answer(struct sim_vmware *sv, const char *s, size_t len, char *out,
    size_t outlen)
{
	static const char *const ok[] = {
		"tools.set.version ", "tools.capability.",
		"tools.os.statechange.status ", "vmx.capability.unified_loop",
		"SetGuestInfo  ", "vmbackup.", "log ",
	};
	size_t i;

	if (sim_vmw_prefix(s, len, "info-set ")) {
		snprintf(out, outlen, "%s", sim_vmw_info_set(sv, s, len));
		return;
	}
	if (sim_vmw_prefix(s, len, "info-get ")) {
		sim_vmw_info_get(sv, s, len, out, outlen);
		return;
	}
	for (i = 0; i < nitems(ok); i++)
		if (sim_vmw_prefix(s, len, ok[i])) {
			snprintf(out, outlen, "1 ");
			return;
		}
	snprintf(out, outlen, "0 Unknown command");
}

/* A message for the guest: ch_out_have bytes of p, then fill to len. */
static void
sim_vmw_put(struct sim_vmw_chan *ch, const char *p, uint32_t have,
    uint32_t len, int event)
{
	ch->ch_out = p;
	ch->ch_out_have = have;
	ch->ch_out_len = len;
	ch->ch_out_fill = 'x';
	ch->ch_out_pos = 0;
	ch->ch_out_ready = true;
	ch->ch_out_sized = false;
	ch->ch_event = event;
}

/* Byte i of the message waiting for the guest. */
static uint8_t
sim_vmw_out_byte(const struct sim_vmw_chan *ch, uint32_t i)
{
	if (i >= ch->ch_out_len)
		return 0;
	return (uint8_t)(i < ch->ch_out_have ? ch->ch_out[i] :
	    ch->ch_out_fill);
}

/* The reply, as the guest will read it, in the record of its message. */
static void
sim_vmw_record_put(struct sim_vmware *sv, const struct sim_vmw_chan *ch)
{
	struct sim_vmw_event *ev;
	uint32_t i;

	if (ch->ch_event < 0)
		return;
	ev = &sv->sv_events[ch->ch_event];
	ev->ev_rlen = ch->ch_out_len;
	for (i = 0; i < ch->ch_out_len && i < sizeof(ev->ev_reply); i++)
		ev->ev_reply[i] = (char)sim_vmw_out_byte(ch, i);
	ev->ev_rshown = i;
}

/* A whole RPCI message arrived: record it and queue the reply. */
static void
sim_vmw_rpci(struct sim_vmware *sv, struct sim_vmw_chan *ch)
{
	uint32_t kept = ch->ch_in_len < SIM_VMW_KEEP ? ch->ch_in_len :
	    SIM_VMW_KEEP, tlen, len;
	int e;

	for (tlen = 0; tlen < kept && ch->ch_in[tlen] != '\0'; tlen++)
		;
	e = sim_vmw_event(sv, EV_RPCI, ++sv->sv_nrpci);
	sim_vmw_event_text(sv, e, ch->ch_in, ch->ch_in_len, kept);
	sim_vmw_answer(sv, ch->ch_in, tlen, ch->ch_outbuf,
	    sizeof(ch->ch_outbuf));
	len = (uint32_t)strlen(ch->ch_outbuf);
	if (sim_vmw_take(sv, SIM_FAULT_RPC_ENDLESS_REPLY)) {
		len = SIM_VMW_ENDLESS;
		sim_vmw_note(sv, EV_FAULT, "rpc-endless-reply: the reply to "
		    "rpci %d claims %u bytes and never runs out",
		    sv->sv_nrpci, len);
	} else if (sim_vmw_take(sv, SIM_FAULT_RPC_REPLY_TOO_LONG)) {
		len = SIM_VMW_LONG_REPLY;
		sim_vmw_note(sv, EV_FAULT, "rpc-reply-too-long: the reply to "
		    "rpci %d is %u bytes", sv->sv_nrpci, len);
	}
	sim_vmw_put(ch, ch->ch_outbuf, (uint32_t)strlen(ch->ch_outbuf), len,
	    e);
	sim_vmw_record_put(sv, ch);
}

/* ------------------------------------------------------------------ */
/* TCLO: the script, played to the guest. */

/* The guest went on without replying: say so, and stop waiting. */
static void
sim_vmw_tclo_give_up(struct sim_vmware *sv)
{
	if (sv->sv_awaiting >= 0)
		sv->sv_events[sv->sv_awaiting].ev_state = ST_NOREPLY;
	sv->sv_awaiting = -1;
}

/* RECVSIZE on a TCLO channel: the next command, if it is its turn. */
static void
sim_vmw_tclo_poll(struct sim_vmware *sv, struct sim_vmw_chan *ch)
{
	const char *cmd;
	size_t len;
	int e;

	if (ch - sv->sv_chan != sv->sv_tclo_chan || ch->ch_out_ready)
		return;			/* an old channel, or told already */
	sim_vmw_tclo_give_up(sv);
	if (sv->sv_offered < 0) {
		if (!sim_vmw_script_cmd(sv, sv->sv_next, &cmd, &len))
			return;
		sv->sv_offered = sv->sv_next;
		sv->sv_ntclo++;
		e = sv->sv_tclo_event = sim_vmw_event(sv, EV_TCLO,
		    sv->sv_next + 1);
		sim_vmw_event_text(sv, e, cmd, (uint32_t)len, (uint32_t)len);
		if (e >= 0)
			sv->sv_events[e].ev_state = ST_OFFERED;
	}
	(void)sim_vmw_script_cmd(sv, sv->sv_offered, &cmd, &len);
	sim_vmw_put(ch, cmd, (uint32_t)len, (uint32_t)len, sv->sv_tclo_event);
}

/* RECVSTATUS for a command: taken (played, saved) or rejected. */
static void
sim_vmw_tclo_ack(struct sim_vmware *sv, bool ok)
{
	int e = sv->sv_tclo_event;

	if (sv->sv_offered < 0)
		return;
	sv->sv_next = sv->sv_offered + 1;
	sv->sv_offered = sv->sv_tclo_event = -1;
	sim_nvram_write(SIM_VMW_NV_NEXT, (uint8_t)sv->sv_next);
	sim_nvram_write(SIM_VMW_NV_NEXT + 1, (uint8_t)(sv->sv_next >> 8));
	if (e >= 0)
		sv->sv_events[e].ev_state = ok ? ST_AWAITING : ST_REJECTED;
	if (ok)
		sv->sv_awaiting = e;
}

/* A whole message on the TCLO channel: the reply, a ping, or unasked. */
static void
sim_vmw_tclo_reply(struct sim_vmware *sv, struct sim_vmw_chan *ch)
{
	uint32_t kept = ch->ch_in_len < SIM_VMW_KEEP ? ch->ch_in_len :
	    SIM_VMW_KEEP;
	int e = sv->sv_awaiting;

	if (ch->ch_in_len == 0)
		return;			/* "I am here": nothing to record */
	if (e >= 0)
		sv->sv_nanswered++;
	else if ((e = sim_vmw_event(sv, EV_UNSOLICITED, 0)) < 0)
		return;
	sim_vmw_event_reply(sv, e, ch->ch_in, kept, ch->ch_in_len, ST_DONE);
	sv->sv_awaiting = -1;
}

/*
 * rpc-wrong-cookie: when the guest polls the TCLO channel after it has
 * answered a command, the channel goes stale, as after the VM was
 * restored elsewhere: the host gives it new cookies, so the guest's no
 * longer match, and only a new channel gets it talking again.
 */
static void
sim_vmw_stale(struct sim_vmware *sv, int id)
{
	struct sim_vmw_chan *ch = &sv->sv_chan[id];

	if (id != sv->sv_tclo_chan || sv->sv_nanswered == 0 ||
	    !sim_vmw_take(sv, SIM_FAULT_RPC_WRONG_COOKIE))
		return;
	ch->ch_cookie_hi = ~ch->ch_cookie_hi;
	ch->ch_cookie_lo = ~ch->ch_cookie_lo;
	sim_vmw_note(sv, EV_FAULT, "rpc-wrong-cookie: TCLO channel %d has "
	    "new cookies; the guest's are stale", id);
}

/* ------------------------------------------------------------------ */
/* The channel: open, send, receive, close (6.6). */

static uint32_t
sim_vmw_cookie(struct sim_vmware *sv)
{
	uint32_t x = sv->sv_rand;

	do {				/* xorshift32 */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
	} while (x == 0);
	return sv->sv_rand = x;
}

static void
sim_vmw_status(struct vm_regs *r, uint32_t status)
{
	r->vr_rcx = status << VM_RPC_STATUS_SHIFT;
}

static void
sim_vmw_open(struct sim_vmware *sv, struct vm_regs *r)
{
	uint32_t ebx = (uint32_t)r->vr_rbx;
	uint32_t proto = ebx & ~VM_RPC_FLAG_COOKIE;
	struct sim_vmw_chan *ch;
	int id;

	sim_vmw_status(r, 0);
	if (proto != VM_RPC_PROTO_RPCI && proto != VM_RPC_PROTO_TCLO)
		return;
	if (sim_vmw_take(sv, SIM_FAULT_RPC_OPEN_REFUSED)) {
		sim_vmw_note(sv, EV_FAULT, "rpc-open-refused: OPEN %s refused",
		    proto == VM_RPC_PROTO_TCLO ? "TCLO" : "RPCI");
		return;
	}
	for (id = 0; id < SIM_VMW_NCHAN && sv->sv_chan[id].ch_open; id++)
		;
	if (id == SIM_VMW_NCHAN) {
		sim_vmw_note(sv, EV_NOTE, "OPEN refused: all %d channels are "
		    "open", SIM_VMW_NCHAN);
		return;
	}
	ch = &sv->sv_chan[id];
	memset(ch, 0, sizeof(*ch));
	ch->ch_open = true;
	ch->ch_tclo = proto == VM_RPC_PROTO_TCLO;
	if (ebx & VM_RPC_FLAG_COOKIE) {
		ch->ch_cookie_hi = sim_vmw_cookie(sv);
		ch->ch_cookie_lo = sim_vmw_cookie(sv);
	}
	if (ch->ch_tclo) {
		sim_vmw_tclo_give_up(sv);
		sv->sv_tclo_chan = id;
	}
	sim_vmw_status(r, VM_RPC_STATUS_SUCCESS);
	r->vr_rdx = (uint32_t)id << VM_RPC_CHANNEL_SHIFT;
	r->vr_rsi = ch->ch_cookie_hi;
	r->vr_rdi = ch->ch_cookie_lo;
}

/*
 * The channel a call names (EDX 31:16) if its cookies match, else NULL
 * with the status to answer: CLOSED for no such channel, 0 for a
 * cookie that is not its own.
 */
static struct sim_vmw_chan *
sim_vmw_chan(struct sim_vmware *sv, const struct vm_regs *r, uint32_t hi,
    uint32_t lo, uint32_t *status)
{
	uint32_t id = (uint32_t)r->vr_rdx >> VM_RPC_CHANNEL_SHIFT;
	struct sim_vmw_chan *ch;

	*status = VM_RPC_STATUS_CLOSED;
	if (id >= SIM_VMW_NCHAN || !sv->sv_chan[id].ch_open)
		return NULL;
	ch = &sv->sv_chan[id];
	*status = 0;
	if (ch->ch_cookie_hi != hi || ch->ch_cookie_lo != lo)
		return NULL;
	return ch;
}

/* The message is complete: RPCI asks, TCLO answers. */
static void
sim_vmw_received(struct sim_vmware *sv, struct sim_vmw_chan *ch)
{
	ch->ch_sending = false;
	if (ch->ch_tclo)
		sim_vmw_tclo_reply(sv, ch);
	else
		sim_vmw_rpci(sv, ch);
}

/* rpc-send-fails: does [from, from + n) carry the byte that fails? */
static bool
sim_vmw_send_fails(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    uint32_t n)
{
	uint32_t from = ch->ch_in_got, at = sim.sm_failbyte;

	if (at < from || at - from >= n ||
	    !sim_vmw_take(sv, SIM_FAULT_RPC_SEND_FAILS))
		return false;
	ch->ch_sending = false;
	sim_vmw_note(sv, EV_FAULT, "rpc-send-fails: a %u-byte %s message "
	    "failed at byte %u; the host dropped it", ch->ch_in_len,
	    ch->ch_tclo ? "TCLO" : "RPCI", at);
	return true;
}

/* n bytes of the guest's message arrive; the host keeps the first ones. */
static void
sim_vmw_take_bytes(struct sim_vmw_chan *ch, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++, ch->ch_in_got++)
		if (ch->ch_in_got < SIM_VMW_KEEP)
			ch->ch_in[ch->ch_in_got] = (char)p[i];
}

static uint32_t
sim_vmw_sendsize(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    uint32_t len)
{
	ch->ch_sending = false;
	if (len > VM_RPC_MAX_IN_SIZE) {
		sim_vmw_note(sv, EV_NOTE, "SENDSIZE %u refused: over the "
		    "host's %u bytes", len, VM_RPC_MAX_IN_SIZE);
		return 0;
	}
	ch->ch_in_len = len;
	ch->ch_in_got = 0;
	ch->ch_sending = true;
	if (len == 0)
		sim_vmw_received(sv, ch);
	return VM_RPC_STATUS_SUCCESS | VM_RPC_STATUS_HB;
}

/* SENDPAYLOAD: the next 4 bytes in EBX, the last ones padded. */
static uint32_t
sim_vmw_sendpayload(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    uint32_t ebx)
{
	uint8_t b[4] = { ebx, ebx >> 8, ebx >> 16, ebx >> 24 };
	uint32_t n;

	if (!ch->ch_sending)
		return 0;
	n = ch->ch_in_len - ch->ch_in_got < 4 ? ch->ch_in_len -
	    ch->ch_in_got : 4;
	if (sim_vmw_send_fails(sv, ch, n))
		return 0;
	sim_vmw_take_bytes(ch, b, n);
	if (ch->ch_in_got == ch->ch_in_len)
		sim_vmw_received(sv, ch);
	return VM_RPC_STATUS_SUCCESS;
}

/* RECVSIZE: DORECV and the length if a message waits. */
static uint32_t
sim_vmw_recvsize(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    struct vm_regs *r)
{
	uint32_t status = VM_RPC_STATUS_SUCCESS | VM_RPC_STATUS_HB;

	if (ch->ch_tclo)
		sim_vmw_tclo_poll(sv, ch);
	r->vr_rbx = 0;
	if (!ch->ch_out_ready)
		return status;
	r->vr_rbx = ch->ch_out_len;
	r->vr_rdx = (uint32_t)VM_RPC_TYPE_SENDSIZE << VM_RPC_CHANNEL_SHIFT;
	ch->ch_out_pos = 0;
	if (!ch->ch_tclo && sim_vmw_take(sv, SIM_FAULT_RPC_NO_SUCCESS)) {
		sim_vmw_note(sv, EV_FAULT, "rpc-no-success: RECVSIZE for rpci "
		    "%d answered DORECV|HB without SUCCESS", sv->sv_nrpci);
		ch->ch_out_sized = false;
		return VM_RPC_STATUS_DORECV | VM_RPC_STATUS_HB;
	}
	ch->ch_out_sized = true;
	return status | VM_RPC_STATUS_DORECV;
}

/* RECVPAYLOAD: the next 4 bytes in EBX, zeros past the end. */
static uint32_t
sim_vmw_recvpayload(struct sim_vmw_chan *ch, struct vm_regs *r)
{
	uint32_t i, w = 0;

	if (!ch->ch_out_sized || ch->ch_out_pos >= ch->ch_out_len)
		return 0;
	for (i = 0; i < 4; i++)
		w |= (uint32_t)sim_vmw_out_byte(ch, ch->ch_out_pos + i) <<
		    8 * i;
	ch->ch_out_pos += ch->ch_out_len - ch->ch_out_pos < 4 ?
	    ch->ch_out_len - ch->ch_out_pos : 4;
	r->vr_rbx = w;
	r->vr_rdx = (uint32_t)VM_RPC_TYPE_SENDPAYLOAD <<
	    VM_RPC_CHANNEL_SHIFT;
	return VM_RPC_STATUS_SUCCESS;
}

/* RECVSTATUS: EBX 1 the guest took the message, 0 it refused it. */
static uint32_t
sim_vmw_recvstatus(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    uint32_t ebx)
{
	bool ok = (ebx & VM_RPC_STATUS_SUCCESS) != 0;
	int e = ch->ch_event;

	if (!ch->ch_out_sized)
		return 0;
	ch->ch_out_ready = ch->ch_out_sized = false;
	if (ch->ch_tclo)
		sim_vmw_tclo_ack(sv, ok);
	else if (e >= 0)
		sv->sv_events[e].ev_state = ok ? ST_DONE : ST_REJECTED;
	return VM_RPC_STATUS_SUCCESS;
}

static void
sim_vmw_close(struct sim_vmware *sv, struct sim_vmw_chan *ch)
{
	if (ch - sv->sv_chan == sv->sv_tclo_chan) {
		sim_vmw_tclo_give_up(sv);
		sv->sv_tclo_chan = -1;
	}
	memset(ch, 0, sizeof(*ch));
}

/* Command 30: the sub-command in ECX 31:16. */
static void
sim_vmw_rpc(struct sim_vmware *sv, struct vm_regs *r)
{
	uint32_t sub = (uint32_t)r->vr_rcx >> VM_RPC_SUB_SHIFT, status;
	struct sim_vmw_chan *ch;

	if (sub == VM_RPC_OPEN) {
		sim_vmw_open(sv, r);
		return;
	}
	if (sub == VM_RPC_RECVSIZE && sv->sv_tclo_chan >= 0 &&
	    (uint32_t)r->vr_rdx >> VM_RPC_CHANNEL_SHIFT ==
	    (uint32_t)sv->sv_tclo_chan)
		sim_vmw_stale(sv, sv->sv_tclo_chan);
	if ((ch = sim_vmw_chan(sv, r, (uint32_t)r->vr_rsi,
	    (uint32_t)r->vr_rdi, &status)) == NULL) {
		sim_vmw_status(r, status);
		return;
	}
	switch (sub) {
	case VM_RPC_SENDSIZE:
		status = sim_vmw_sendsize(sv, ch, (uint32_t)r->vr_rbx);
		break;
	case VM_RPC_SENDPAYLOAD:
		status = sim_vmw_sendpayload(sv, ch, (uint32_t)r->vr_rbx);
		break;
	case VM_RPC_RECVSIZE:
		status = sim_vmw_recvsize(sv, ch, r);
		break;
	case VM_RPC_RECVPAYLOAD:
		status = sim_vmw_recvpayload(ch, r);
		break;
	case VM_RPC_RECVSTATUS:
		status = sim_vmw_recvstatus(sv, ch, (uint32_t)r->vr_rbx);
		break;
	case VM_RPC_CLOSE:
		sim_vmw_close(sv, ch);
		status = VM_RPC_STATUS_SUCCESS;
		break;
	default:
		status = 0;
		break;
	}
	sim_vmw_status(r, status);
}

/* ------------------------------------------------------------------ */
/* The backdoor ports. */

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

/* REP OUTSB from ESI: the payload of the message SENDSIZE announced. */
static uint32_t
sim_vmw_hb_out(struct sim_vmware *sv, struct sim_vmw_chan *ch,
    struct vm_regs *r, uint32_t n)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)r->vr_rsi;
	uint32_t upto;

	if (!ch->ch_sending || n > ch->ch_in_len - ch->ch_in_got)
		return 0;
	upto = sim.sm_failbyte - ch->ch_in_got;
	if (sim_vmw_send_fails(sv, ch, n)) {
		sim_vmw_take_bytes(ch, p, upto);
		return 0;
	}
	sim_vmw_take_bytes(ch, p, n);
	if (ch->ch_in_got == ch->ch_in_len)
		sim_vmw_received(sv, ch);
	return VM_RPC_STATUS_SUCCESS;
}

/* REP INSB to EDI: bytes of the message RECVSIZE announced. */
static uint32_t
sim_vmw_hb_in(struct sim_vmw_chan *ch, struct vm_regs *r, uint32_t n)
{
	uint8_t *p = (uint8_t *)(uintptr_t)r->vr_rdi;
	uint32_t i;

	if (!ch->ch_out_sized || n > ch->ch_out_len - ch->ch_out_pos)
		return 0;
	for (i = 0; i < n; i++)
		p[i] = sim_vmw_out_byte(ch, ch->ch_out_pos + i);
	ch->ch_out_pos += n;
	return VM_RPC_STATUS_SUCCESS;
}

/*
 * REP OUTSB (out) or REP INSB on port 0x5659 (6.5): EBX 15:0 the HB
 * command (0, a message), ECX bytes, the channel in EDX 31:16; the
 * status comes back in EBX 31:16.  The string instruction completes
 * whatever the status: RCX 0, RSI or RDI moved on.
 */
static int
sim_vmware_backdoor_hb(struct sim_iface *si, struct vm_regs *r, bool out)
{
	struct sim_vmware *sv = si->si_state;
	struct sim_vmw_chan *ch;
	uint32_t n = (uint32_t)r->vr_rcx, status;
	bool cmd_ok = (r->vr_rbx & 0xffff) == VM_HB_CMD_MESSAGE &&
	    r->vr_rcx == n;

	if ((r->vr_rdx & 0xffff) != VM_PORT_RPC ||
	    (uint32_t)r->vr_rax != VM_MAGIC)
		return ENOENT;
	sim_vmw_start(sv);
	ch = out ? sim_vmw_chan(sv, r, (uint32_t)r->vr_rbp,
	    (uint32_t)r->vr_rdi, &status) : sim_vmw_chan(sv, r,
	    (uint32_t)r->vr_rsi, (uint32_t)r->vr_rbp, &status);
	if (ch != NULL && !cmd_ok)
		status = 0;		/* another HB command, or 4 GiB */
	else if (ch != NULL)
		status = out ? sim_vmw_hb_out(sv, ch, r, n) :
		    sim_vmw_hb_in(ch, r, n);
	r->vr_rbx = status << VM_RPC_STATUS_SHIFT;
	if (out)
		r->vr_rsi += n;
	else
		r->vr_rdi += n;
	r->vr_rcx = 0;
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
	if (off == VMWARE_CPUID_TIMING)
		out->eax = (uint32_t)(sim_vmw_tsc_hz() / 1000);
	return true;
}

/* ------------------------------------------------------------------ */
/* The record, at the end of the boot. */

/* s[0..n), quoted, escaped, "..." for what does not fit in max. */
static void
sim_vmw_print_quoted(const char *s, uint32_t n, uint32_t shown)
{
	uint32_t i;
	int c;

	printf("\"");
	for (i = 0; i < n && i < shown; i++) {
		c = (uint8_t)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			printf("%c", c);
		else
			printf("\\x%02x", c);
	}
	printf("%s\"", i < n ? "..." : "");
}

static void
sim_vmw_print_reply(const struct sim_vmw_event *ev)
{
	sim_vmw_print_quoted(ev->ev_reply, ev->ev_rlen, ev->ev_rshown);
	if (ev->ev_rlen > ev->ev_rshown)
		printf(" (%u bytes)", ev->ev_rlen);
}

static void
sim_vmw_print_event(const struct sim_vmw_event *ev)
{

	printf("vmware-sim: ");
	switch (ev->ev_kind) {
	case EV_FAULT:
		printf("fault %s\n", ev->ev_text);
		return;
	case EV_NOTE:
		printf("%s\n", ev->ev_text);
		return;
	case EV_UNSOLICITED:
		printf("tclo - <- ");
		sim_vmw_print_reply(ev);
		printf("\n");
		return;
	default:
		break;
	}
	printf("%s %d ", ev->ev_kind == EV_RPCI ? "rpci" : "tclo", ev->ev_num);
	sim_vmw_print_quoted(ev->ev_text, ev->ev_tlen, SIM_VMW_TEXT_MAX);
	if (ev->ev_len != ev->ev_tlen || ev->ev_tlen > SIM_VMW_TEXT_MAX)
		printf(" (%u bytes)", ev->ev_len);
	if (ev->ev_kind == EV_TCLO && ev->ev_state != ST_DONE) {
		printf(" <- %s\n", ev->ev_state == ST_OFFERED ?
		    "(never received)" : ev->ev_state == ST_REJECTED ?
		    "(refused on receipt)" : "(no reply)");
		return;
	}
	printf(ev->ev_kind == EV_RPCI ? " -> " : " <- ");
	sim_vmw_print_reply(ev);
	if (ev->ev_kind == EV_RPCI && ev->ev_state != ST_DONE)
		printf(ev->ev_state == ST_REJECTED ? " (refused)" :
		    " (not received)");
	printf("\n");
}

static void
sim_vmware_finish(struct sim_iface *si)
{
	struct sim_vmware *sv = si->si_state;
	int i;

	sim_vmw_start(sv);
	if (sv->sv_ncmds == 0)
		printf("vmware-sim: no TCLO script\n");
	else
		printf("vmware-sim: boot %d of a %d-command TCLO script from "
		    "%s: started at command %d, played %d, %d left\n",
		    sv->sv_boot, sv->sv_ncmds, sv->sv_script_from,
		    sv->sv_first + 1, sv->sv_next - sv->sv_first,
		    sv->sv_ncmds - sv->sv_next);
	for (i = 0; i < sv->sv_nevents; i++)
		sim_vmw_print_event(&sv->sv_events[i]);
	if (sv->sv_nlost > 0)
		printf("vmware-sim: %d more not recorded\n", sv->sv_nlost);
	printf("vmware-sim: %d rpci, %d tclo, %d fault%s injected\n",
	    sv->sv_nrpci, sv->sv_ntclo, sv->sv_nfaults,
	    sv->sv_nfaults == 1 ? "" : "s");
}

void
sim_vmware_init(struct sim_iface *si, uint32_t base)
{
	memset(&sim_vmware, 0, sizeof(sim_vmware));
	memset(si, 0, sizeof(*si));
	si->si_name = "vmware";
	si->si_base = base;
	si->si_cpuid = sim_vmware_cpuid;
	si->si_backdoor = sim_vmware_backdoor;
	si->si_backdoor_hb = sim_vmware_backdoor_hb;
	si->si_finish = sim_vmware_finish;
	si->si_state = &sim_vmware;
}
