/*
 * vmt0's facts line, one line of key=value for CI: printed at the end of
 * the attach, and by the TCLO loop just before a halt or a reboot the
 * host asked for, which never return to it.
 */

#include "kern.h"
#include "vmtvar.h"

/*
 * "pvbus: vmt0 rpc=ok tools_version=2147483647 tclo_commands=5 ...
 * backdoor=port": also printed just before a host-requested halt or
 * reboot, which never return to the end of the attach.  backdoor= comes
 * last, so that a grep for "vmt0 rpc=ok" written before it was added
 * still matches.
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
	printf(" backdoor=%s", hvio_backdoor_via_id[sc->sc_via]);
	if (sc->sc_via_unanswered != HVIO_BACKDOOR_PORT)
		printf(" backdoor_unanswered=%s",
		    hvio_backdoor_via_id[sc->sc_via_unanswered]);
	printf("\n");
}
