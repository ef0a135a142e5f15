/*
 * pvbus0 and its children, as OpenBSD's autoconf attaches a bus: the
 * tree's lines first (pvbus_tree.c), then a search of the configuration
 * table (pvconf.c), as pvbus_search() does with config_search() in
 * OpenBSD's sys/dev/pv/pvbus.c.  Every child is offered the same attach
 * arguments; each one that matches attaches, in the table's order, as a
 * KTAP subtest named after its device ("vmt0"), and its attach finishes
 * the "vmt0 at pvbus0" line, on success and on failure.  The arguments
 * carry all a child may use: the backend, the first interface of each
 * vendor and the first Hv#1 one, the VMware backdoor, the RAM of the
 * memory map.
 */

#include "kern.h"
#include "bootinfo.h"
#include "ktap.h"
#include "memmap.h"
#include "pvbusvar.h"
#include "summary.h"

/*
 * The children that matched, in order, run as the steps of one level.
 * Their names are kept in the bus's record, pvbus_softc.sc_children[],
 * which outlives the attach: a child may keep pva_name (vmt0 names
 * itself to the key-value store with it).
 */
struct pvbus_children {
	struct pv_attach_args	pc_pva;
	const struct pv_driver	*pc_driver[PVBUS_CHILDREN_MAX];
	struct ktap_step	pc_step[PVBUS_CHILDREN_MAX];
	int			pc_n;		/* matched */
	int			pc_next;	/* the next to attach */
	int			pc_nfailed;
};

static uint64_t
pvbus_mem_avail(void)
{
	struct memmap_summary ms;
	char err[BI_MSG_MAX];

	/* A map that was rejected is no measure: 0, and vmt skips. */
	if (bootinfo.bi_error[0] != '\0' ||
	    memmap_check(&bootinfo, 0, 0, &ms, err, sizeof(err)) != 0)
		return 0;
	return ms.ms_avail_bytes;
}

/*
 * ktap_run_steps() runs its steps in order: call n attaches child n.
 * Its outcome goes to the summary and to the bus's record, which
 * expect.children= is held to.
 */
static int
pvbus_attach_child(void *arg)
{
	struct pvbus_children *pc = arg;
	int i = pc->pc_next++;
	struct pvbus_attached *pa = &pvbus_softc.sc_children[i];

	pc->pc_pva.pva_name = pa->pa_name;
	printf("%s at pvbus0", pa->pa_name);
	pa->pa_ok = pc->pc_driver[i]->pd_attach(&pc->pc_pva) == 0;
	summary_child(pa->pa_name, pa->pa_ok);
	if (pa->pa_ok)
		return KTAP_PASS;
	pc->pc_nfailed++;
	return ktap_fail("attach failed");
}

/* Offer every child in pvconf[] the arguments; keep those that match. */
static void
pvbus_search(struct pvbus_children *pc)
{
	struct pvbus_softc *sc = &pvbus_softc;
	struct pvbus_attached *pa;
	struct ktap_step *ks;
	int i;

	for (i = 0; i < pvconf_n && pc->pc_n < PVBUS_CHILDREN_MAX; i++) {
		if (!pvconf[i]->pd_match(&pc->pc_pva))
			continue;
		pc->pc_driver[pc->pc_n] = pvconf[i];
		pa = &sc->sc_children[pc->pc_n];
		snprintf(pa->pa_name, sizeof(pa->pa_name), "%s0",
		    pvconf[i]->pd_name);
		pa->pa_ok = false;
		ks = &pc->pc_step[pc->pc_n];
		ks->ks_name = pa->pa_name;
		ks->ks_run = pvbus_attach_child;
		sc->sc_nchildren = ++pc->pc_n;
	}
}

int
pvbus_attach(void)
{
	struct pvbus_children pc;
	int result;

	pvbus_softc.sc_nchildren = 0;
	if (!pvbus_print_tree())
		return ktap_skip("no hypervisor interface: no pvbus0");
	memset(&pc, 0, sizeof(pc));
	pvbus_child_args(&pc.pc_pva, pvbus_mem_avail());
	pvbus_search(&pc);
	if (pc.pc_n == 0) {
		printf("pvbus: 0 attached, 0 failed\n");
		ktap_diag("no child driver matched");
		return KTAP_PASS;
	}
	result = ktap_run_steps(pc.pc_step, pc.pc_n, &pc, NULL);
	printf("pvbus: %d attached, %d failed\n", pc.pc_n - pc.pc_nfailed,
	    pc.pc_nfailed);
	return result;
}
