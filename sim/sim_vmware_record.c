/*
 * The simulated VMware host's record of the conversation: each RPCI
 * message and its answer, each TCLO command and the guest's reply,
 * each fault injected and each thing refused, printed at the end of the
 * boot (vmware-sim: lines), and the faults asked for, each injected
 * once.  The bottom of the model: sim_vmware_host.c, sim_vmware_rpc.c
 * and sim_vmware.c write into it, and it calls none of them.
 */

#include "kern.h"
#include "sim_vmwarevar.h"
#include "simvar.h"

int
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
void
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

void
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

/* A fault injected or something the host refused, as one sentence. */
void
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
bool
sim_vmw_take(struct sim_vmware *sv, uint32_t fault)
{
	if (!sim_fault(fault) || (sv->sv_fired & fault) != 0)
		return false;
	sv->sv_fired |= fault;
	return true;
}

/* s[0..n), quoted, escaped, "..." for what does not fit in max. */
static void
sim_vmw_print_quoted(const char *s, uint32_t n, uint32_t shown)
{
	printf("\"%*pE%s\"", (int)(n < shown ? n : shown), s,
	    n > shown ? "..." : "");
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

/* The events, what was lost, and the counts. */
void
sim_vmw_record_print(const struct sim_vmware *sv)
{
	int i;

	for (i = 0; i < sv->sv_nevents; i++)
		sim_vmw_print_event(&sv->sv_events[i]);
	if (sv->sv_nlost > 0)
		printf("vmware-sim: %d more not recorded\n", sv->sv_nlost);
	printf("vmware-sim: %d rpci, %d tclo, %d fault%s injected\n",
	    sv->sv_nrpci, sv->sv_ntclo, sv->sv_nfaults,
	    sv->sv_nfaults == 1 ? "" : "s");
}
