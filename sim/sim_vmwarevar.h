/*
 * The simulated VMware host (hv=sim:vmware): the state its four files
 * share, and what each offers those above it.  sim_vmware.c is the host
 * as the guest first meets it (CPUID, the plain backdoor commands);
 * sim_vmware_rpc.c the RPC message channel
 * (docs/reference/vmware.md "High-bandwidth transfer", "RPC channel");
 * sim_vmware_host.c what the host says over it: RPCI answers, guestinfo
 * keys, the TCLO script (vmware.md "RPCI and TCLO", "RPCI messages";
 * docs/reference/openbsd-pvbus.md "vmt TCLO commands");
 * sim_vmware_record.c the record of what was said.
 */
#ifndef _SIM_SIM_VMWAREVAR_H_
#define _SIM_SIM_VMWAREVAR_H_

#include "kern.h"
#include "cpuid_dump.h"
#include "simvar.h"

#define SIM_VMW_NCHAN		8
#define SIM_VMW_KEEP		512	/* bytes of a message the host reads */
#define SIM_VMW_REPLY_MAX	320
#define SIM_VMW_NKEYS		16
#define SIM_VMW_KEY_MAX		64
#define SIM_VMW_VALUE_MAX	256
#define SIM_VMW_NEVENTS		64
#define SIM_VMW_TEXT_MAX	160	/* of a message, in the record */
#define SIM_VMW_SHOW_MAX	64	/* of a reply, in the record */

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
	bool		sv_vmcall;	/* sim:vmware-vmcall: the instruction */
	int		sv_nport, sv_ninsn;	/* calls answered, by which way */
	bool		sv_started;
	uint64_t	sv_tsc0;	/* the host clock's epoch */
	uint32_t	sv_fired;	/* SIM_FAULT_* already injected */
	uint32_t	sv_rand;	/* cookies */
	struct cpuid_dump sv_dump;
	bool		sv_dump_ok;
	struct sim_vmw_chan sv_chan[SIM_VMW_NCHAN];
	struct sim_vmw_key sv_keys[SIM_VMW_NKEYS];
	int		sv_nkeys;

	/*
	 * TCLO: the script and the host's side of the conversation.  The
	 * script is read in place and scanned once from the start to count
	 * its commands, then onwards from where the last one ended: every
	 * byte is looked at a bounded number of times, however long the
	 * script (sv_scanned counts them, for the unit test).
	 */
	const char	*sv_script;	/* NULL: nothing to say */
	size_t		sv_script_len;
	const char	*sv_script_from;	/* its module's string, or NULL */
	int		sv_script_module;	/* and index */
	int		sv_ncmds;
	int		sv_next;	/* the next command to play */
	size_t		sv_next_at;	/* the byte its scan starts at */
	int		sv_first;	/* the first this boot */
	int		sv_boot;	/* boots with this script, 1.. */
	uint32_t	sv_hash;	/* 24 bits, as the NVRAM keeps it */
	uint64_t	sv_scanned;	/* script bytes the scanner read */
	int		sv_tclo_chan;	/* the newest TCLO channel, or -1 */
	int		sv_offered;	/* command told, not acknowledged */
	const char	*sv_offer;	/* its text, */
	size_t		sv_offer_len;	/* its length, */
	size_t		sv_offer_end;	/* and where the next scan starts */
	int		sv_tclo_event;	/* its record entry, or -1 */
	bool		sv_await;	/* a command awaits the guest's reply */
	int		sv_awaiting;	/* its record entry, or -1 */
	int		sv_nanswered;	/* commands the guest answered */

	struct sim_vmw_event sv_events[SIM_VMW_NEVENTS];
	int		sv_nevents;
	int		sv_nlost;	/* not recorded: the record was full */
	int		sv_nrpci, sv_ntclo, sv_nfaults;
};

/*
 * The model's files, each calling only those below it:
 *
 *	sim_vmware.c		the host as the guest first meets it:
 *				CPUID, the plain backdoor commands, the
 *				start of the boot, the end-of-boot print
 *	sim_vmware_rpc.c	the RPC channel: command 30 on port 0x5658,
 *				REP OUTSB/INSB on 0x5659
 *	sim_vmware_host.c	what the host says over it: the message it
 *				has for the guest, RPCI answers, guestinfo
 *				keys, the TCLO script and its NVRAM
 *	sim_vmware_record.c	the record of the conversation, and the
 *				faults injected
 */

/* sim_vmware.c: the start of the boot, once per boot. */
void	sim_vmw_start(struct sim_vmware *sv);

/* sim_vmware_rpc.c: command 30 (EAX the magic) and HB on port 0x5659. */
void	sim_vmw_rpc(struct sim_vmware *sv, struct vm_regs *r);
void	sim_vmw_hb(struct sim_vmware *sv, struct vm_regs *r, bool out);

/*
 * sim_vmware_host.c: what the host says; the script and its NVRAM.
 * sim_vmw_script_check(): can vmt.script=VALUE be played (a module
 * that exists, is mapped, not empty and not over SIM_VMW_SCRIPT_MAX)?
 * 0, or EINVAL with a sentence naming the cause in err.
 */
#define SIM_VMW_SCRIPT_MAX	(1024 * 1024)	/* a script module's bytes */
void	sim_vmw_put(struct sim_vmw_chan *ch, const char *p, uint32_t have,
	    uint32_t len, int event);
uint8_t	sim_vmw_out_byte(const struct sim_vmw_chan *ch, uint32_t i);
int	sim_vmw_script_check(const char *script, char *err, size_t errlen);
void	sim_vmw_script_load(struct sim_vmware *sv);
bool	sim_vmw_set_key(struct sim_vmware *sv, const char *key, size_t klen,
	    const char *value, size_t vlen);
void	sim_vmw_rpci(struct sim_vmware *sv, struct sim_vmw_chan *ch);
void	sim_vmw_tclo_give_up(struct sim_vmware *sv);
void	sim_vmw_tclo_poll(struct sim_vmware *sv, struct sim_vmw_chan *ch);
void	sim_vmw_tclo_ack(struct sim_vmware *sv, bool ok);
void	sim_vmw_tclo_reply(struct sim_vmware *sv, struct sim_vmw_chan *ch);

/* sim_vmware_record.c: the record, and the faults taken. */
int	sim_vmw_event(struct sim_vmware *sv, enum sim_vmw_kind kind, int num);
void	sim_vmw_event_text(struct sim_vmware *sv, int e, const char *p,
	    uint32_t len, uint32_t kept);
void	sim_vmw_event_reply(struct sim_vmware *sv, int e, const char *p,
	    uint32_t have, uint32_t len, enum sim_vmw_state state);
void	sim_vmw_note(struct sim_vmware *sv, enum sim_vmw_kind kind,
	    const char *fmt, ...) __printflike(3, 4);
bool	sim_vmw_take(struct sim_vmware *sv, uint32_t fault);
void	sim_vmw_record_print(const struct sim_vmware *sv);

#endif
