/*
 * What the simulated VMware host says over the RPC channel
 * (docs/reference/vmware.md "RPCI and TCLO", "RPCI messages";
 * docs/reference/openbsd-pvbus.md "vmt TCLO commands"; open-vm-tools
 * rpcout.c, rpcin.c): the answers to RPCI commands, the guestinfo keys,
 * and the TCLO script with its place kept in the NVRAM.  The channel
 * that carries it all is sim_vmware_rpc.c; the record each message
 * lands in, sim_vmware_record.c.
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
 * Limits: a script module may be up to SIM_VMW_SCRIPT_MAX bytes (1 MiB),
 * read in place, and the model plays every command in it: it keeps no
 * per-command state, and the NVRAM's 3-byte count covers any script
 * that size (a 1 MiB script holds at most 512 Ki commands).  A module
 * that is missing, empty, over the limit or above 4 GiB is refused by
 * sim_vmw_script_check(), which the backend's set-up calls, so the boot
 * fails at hv_backend naming the cause instead of playing nothing.
 */

#include "kern.h"
#include "bootinfo.h"
#include "sim_vmwarevar.h"
#include "simvar.h"

/* ------------------------------------------------------------------ */
/* The message the host has for the guest, on one channel. */

/* A message for the guest: ch_out_have bytes of p, then fill to len. */
void
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
uint8_t
sim_vmw_out_byte(const struct sim_vmw_chan *ch, uint32_t i)
{
	if (i >= ch->ch_out_len)
		return 0;
	return (uint8_t)(i < ch->ch_out_have ? ch->ch_out[i] :
	    ch->ch_out_fill);
}

#define SIM_VMW_LONG_REPLY	65536	/* rpc-reply-too-long */
#define SIM_VMW_ENDLESS		0xffffffffU	/* rpc-endless-reply */
#define SIM_VMW_MAPPED_TOP	0x100000000ULL	/* boot.asm maps 4 GiB */

/*
 * NVRAM (8 bytes, simvar.h): a magic, the boot count, the next command
 * (3 bytes) and the low 24 bits of the script's hash (3 bytes).  Three
 * bytes count any script: one of SIM_VMW_SCRIPT_MAX bytes holds at most
 * one command in two bytes (the command line's is shorter still).
 */
#define SIM_VMW_NV_MAGIC_AT	0
#define SIM_VMW_NV_MAGIC	0xa8	/* 0xa7: the old 2+4-byte layout */
#define SIM_VMW_NV_BOOT		1
#define SIM_VMW_NV_NEXT		2
#define SIM_VMW_NV_HASH		5
#define SIM_VMW_NV_MASK		0xffffffU
_Static_assert(SIM_VMW_SCRIPT_MAX / 2 + 1 <= SIM_VMW_NV_MASK,
    "the NVRAM's 3 bytes count every command a script can hold");
_Static_assert(SIM_VMW_NV_HASH + 3 <= SIM_NVRAM_SIZE,
    "the script's place fits the NVRAM");

/* ------------------------------------------------------------------ */
/*
 * RPCI: what the host answers (vmware.md "RPCI messages"; the failure
 * texts: see below).
 */

/* guestinfo: KEY gets VALUE, cut to fit; false for a long KEY or no room. */
bool
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

static bool
sim_vmw_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncmp(s, prefix, n) == 0;
}

/*
 * info-set KEY VALUE: only guestinfo.* keys are the guest's to write.
 * The host's failure texts are not public (docs/reference/vmware.md
 * "Host failure texts", "Unconfirmed").  "Two and exactly two
 * arguments expected" is what VMware Tools users report for an info-set
 * without a value, and what the 2015 QEMU vmport-rpc patch answers, as
 * it does "Too many keys"; "Permission denied" is what ESXi answers an
 * RPC the guest may not make (open-vm-tools issue 690).  Unverified
 * against VMware, all of them.
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
 * NUL).  "1 " for what VMware takes without a word
 * (docs/reference/vmware.md "RPCI messages"); "0 Unknown command" for
 * the rest, our text: VMware's is not public, and this one is what the
 * guest side says for a TCLO command it does not know, less the
 * "ERROR".
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
void
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
/* The script, and how far it got: the NVRAM. */

/* FNV-1a, to tell a different script from the one the NVRAM is about. */
static uint32_t
sim_vmw_hash(const char *p, size_t len)
{
	uint32_t h = 2166136261U;

	while (len-- > 0)
		h = (h ^ (uint8_t)*p++) * 16777619U;
	return h;
}

/* n little-endian bytes of NVRAM from byte at. */
static uint32_t
sim_vmw_nv_get(int at, int n)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint32_t)sim_nvram_read(at + i) << 8 * i;
	return v;
}

static void
sim_vmw_nv_put(int at, int n, uint32_t v)
{
	int i;

	for (i = 0; i < n; i++)
		sim_nvram_write(at + i, (uint8_t)(v >> 8 * i));
}

/*
 * The next command of the script at or after byte *at: items between
 * ';' and line ends, blank ones skipped, a '\r' before a line end
 * dropped; a line that starts with '#' is a comment, ';' and all.
 * *at moves past the command and its separator.  Returns false past
 * the last.  Each byte is scanned once; sv_scanned counts them.
 */
static bool
sim_vmw_script_next(struct sim_vmware *sv, size_t *at, const char **cmd,
    size_t *len)
{
	const char *s = sv->sv_script;
	size_t p = *at, q, end = sv->sv_script_len, n;
	bool comment;

	for (; p < end; p = q < end ? q + 1 : end) {
		comment = (p == 0 || s[p - 1] == '\n') && s[p] == '#';
		for (q = p; q < end && s[q] != '\n' && (comment ||
		    s[q] != ';'); q++)
			;
		sv->sv_scanned += q - p + (q < end);
		n = q - p;
		if (n > 0 && s[q - 1] == '\r')
			n--;
		if (comment || n == 0)
			continue;
		*cmd = s + p;
		*len = n;
		*at = q < end ? q + 1 : end;
		return true;
	}
	*at = end;
	return false;
}

/*
 * vmt.script=@NAME: the module whose string (without directories) is
 * NAME, if the kernel can read it as a script: mapped (below 4 GiB, as
 * boot.asm maps), not empty, and at most SIM_VMW_SCRIPT_MAX bytes.
 * NULL with the cause in err otherwise.
 */
static const struct bi_module *
sim_vmw_script_module(const char *name, char *err, size_t errlen)
{
	const struct bi_module *m;
	const char *base, *p;
	int i;

	for (i = 0; i < bootinfo.bi_nmodules; i++) {
		for (base = p = bootinfo.bi_modules[i].mod_string; *p != '\0';
		    p++)
			if (*p == '/')
				base = p + 1;
		if (strcmp(base, name) == 0)
			break;
	}
	if (i == bootinfo.bi_nmodules) {
		snprintf(err, errlen, "vmt.script=@%pE: no boot module by that "
		    "name", name);
		return NULL;
	}
	m = &bootinfo.bi_modules[i];
	if (m->mod_end <= m->mod_start)
		snprintf(err, errlen, "vmt.script=@%pE: module %d is empty",
		    name, i);
	else if (m->mod_end > SIM_VMW_MAPPED_TOP)
		snprintf(err, errlen, "vmt.script=@%pE: module %d at "
		    "0x%lx-0x%lx ends above 4 GiB, which the kernel does not "
		    "map", name, i, (unsigned long)m->mod_start,
		    (unsigned long)m->mod_end);
	else if (m->mod_end - m->mod_start > SIM_VMW_SCRIPT_MAX)
		snprintf(err, errlen, "vmt.script=@%pE: module %d is %lu "
		    "bytes, over the %d-byte limit of a TCLO script", name, i,
		    (unsigned long)(m->mod_end - m->mod_start),
		    SIM_VMW_SCRIPT_MAX);
	else
		return m;
	return NULL;
}

int
sim_vmw_script_check(const char *script, char *err, size_t errlen)
{
	if (script == NULL || script[0] != '@')
		return 0;		/* none, or on the command line */
	return sim_vmw_script_module(script + 1, err, errlen) != NULL ? 0 :
	    EINVAL;
}

/* Where the script stands: continued from the NVRAM, or from the start. */
void
sim_vmw_script_load(struct sim_vmware *sv)
{
	const struct bi_module *m;
	const char *s = sim.sm_script, *cmd;
	char err[SIM_VMW_TEXT_MAX];
	size_t at, len;
	int n, want = 0;

	if (s == NULL || *s == '\0')
		return;
	if (*s == '@') {
		if ((m = sim_vmw_script_module(s + 1, err, sizeof(err))) ==
		    NULL) {
			sim_vmw_note(sv, EV_NOTE, "%s: no script", err);
			return;
		}
		sv->sv_script = (const char *)(uintptr_t)m->mod_start;
		sv->sv_script_len = (size_t)(m->mod_end - m->mod_start);
		sv->sv_script_from = m->mod_string;
		sv->sv_script_module = (int)(m - bootinfo.bi_modules);
	} else {
		sv->sv_script = s;
		sv->sv_script_len = strlen(s);
		sv->sv_script_from = NULL;	/* the command line */
	}
	sv->sv_hash = sim_vmw_hash(sv->sv_script, sv->sv_script_len) &
	    SIM_VMW_NV_MASK;
	sv->sv_boot = 1;
	if (sim_nvram_read(SIM_VMW_NV_MAGIC_AT) == SIM_VMW_NV_MAGIC &&
	    sim_vmw_nv_get(SIM_VMW_NV_HASH, 3) == sv->sv_hash) {
		want = (int)sim_vmw_nv_get(SIM_VMW_NV_NEXT, 3);
		sv->sv_boot = sim_nvram_read(SIM_VMW_NV_BOOT) + 1;
	}
	/* One pass: count the commands, find where command "want" starts. */
	for (at = 0, n = 0;; n++) {
		if (n == want)
			sv->sv_next_at = at;
		if (!sim_vmw_script_next(sv, &at, &cmd, &len))
			break;
	}
	sv->sv_ncmds = n;
	sv->sv_next = want <= n ? want : n;
	if (want > n)
		sv->sv_next_at = at;
	sv->sv_first = sv->sv_next;
	sim_nvram_write(SIM_VMW_NV_MAGIC_AT, SIM_VMW_NV_MAGIC);
	sim_nvram_write(SIM_VMW_NV_BOOT, (uint8_t)(sv->sv_boot > 255 ? 255 :
	    sv->sv_boot));
	sim_vmw_nv_put(SIM_VMW_NV_HASH, 3, sv->sv_hash);
	sim_vmw_nv_put(SIM_VMW_NV_NEXT, 3, (uint32_t)sv->sv_next);
}

/* ------------------------------------------------------------------ */
/* TCLO: the script, played to the guest. */

/* The guest went on without replying: say so, and stop waiting. */
void
sim_vmw_tclo_give_up(struct sim_vmware *sv)
{
	if (sv->sv_await && sv->sv_awaiting >= 0)
		sv->sv_events[sv->sv_awaiting].ev_state = ST_NOREPLY;
	sv->sv_await = false;
	sv->sv_awaiting = -1;
}

/* RECVSIZE on a TCLO channel: the next command, if it is its turn. */
void
sim_vmw_tclo_poll(struct sim_vmware *sv, struct sim_vmw_chan *ch)
{
	const char *cmd;
	size_t at, len;
	int e;

	if (ch - sv->sv_chan != sv->sv_tclo_chan || ch->ch_out_ready)
		return;			/* an old channel, or told already */
	sim_vmw_tclo_give_up(sv);
	if (sv->sv_offered < 0) {
		at = sv->sv_next_at;
		if (sv->sv_next >= sv->sv_ncmds ||
		    !sim_vmw_script_next(sv, &at, &cmd, &len))
			return;
		sv->sv_offered = sv->sv_next;
		sv->sv_offer = cmd;
		sv->sv_offer_len = len;
		sv->sv_offer_end = at;
		sv->sv_ntclo++;
		e = sv->sv_tclo_event = sim_vmw_event(sv, EV_TCLO,
		    sv->sv_next + 1);
		sim_vmw_event_text(sv, e, cmd, (uint32_t)len, (uint32_t)len);
		if (e >= 0)
			sv->sv_events[e].ev_state = ST_OFFERED;
	}
	sim_vmw_put(ch, sv->sv_offer, (uint32_t)sv->sv_offer_len,
	    (uint32_t)sv->sv_offer_len, sv->sv_tclo_event);
}

/* RECVSTATUS for a command: taken (played, saved) or rejected. */
void
sim_vmw_tclo_ack(struct sim_vmware *sv, bool ok)
{
	int e = sv->sv_tclo_event;

	if (sv->sv_offered < 0)
		return;
	sv->sv_next = sv->sv_offered + 1;
	sv->sv_next_at = sv->sv_offer_end;
	sv->sv_offered = sv->sv_tclo_event = -1;
	sim_vmw_nv_put(SIM_VMW_NV_NEXT, 3, (uint32_t)sv->sv_next);
	if (e >= 0)
		sv->sv_events[e].ev_state = ok ? ST_AWAITING : ST_REJECTED;
	sv->sv_await = ok;		/* recorded or not */
	sv->sv_awaiting = ok ? e : -1;
}

/* A whole message on the TCLO channel: the reply, a ping, or unasked. */
void
sim_vmw_tclo_reply(struct sim_vmware *sv, struct sim_vmw_chan *ch)
{
	uint32_t kept = ch->ch_in_len < SIM_VMW_KEEP ? ch->ch_in_len :
	    SIM_VMW_KEEP;
	int e = sv->sv_awaiting;

	if (ch->ch_in_len == 0)
		return;			/* "I am here": nothing to record */
	if (sv->sv_await)
		sv->sv_nanswered++;
	else
		e = sim_vmw_event(sv, EV_UNSOLICITED, 0);
	sim_vmw_event_reply(sv, e, ch->ch_in, kept, ch->ch_in_len, ST_DONE);
	sv->sv_await = false;
	sv->sv_awaiting = -1;
}
