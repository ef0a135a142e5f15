/*
 * What pvbus_identify() found, said twice: once for machines, one
 * "pvbus:" line per interface with key=value fields that CI can match
 * (README "Machine-readable facts"), and once for people, as OpenBSD's
 * dmesg would: "pvbus0 at mainbus0: ..." and a line or two per
 * interface.  Children then attach below pvbus0 (pvbus_test.c runs them).
 */

#include "kern.h"
#include "pvbusvar.h"
#include "vmwarereg.h"

static const char *
pvbus_product_name(uint32_t product)
{
	switch (product) {
	case VM_PRODUCT_EXPRESS:	return "express";
	case VM_PRODUCT_ESX:		return "esx";
	case VM_PRODUCT_SERVER:		return "server";
	case VM_PRODUCT_WORKSTATION:	return "workstation";
	case VM_PRODUCT_ACE:		return "ace";
	default:			return "unknown";
	}
}

static void
pvbus_hv_facts(const struct pvbus_hv *hv)
{
	char sig[CPUID_HV_SIG_LEN * 4 + 1];

	pvbus_sig_escape(hv->hv_sig, sig, sizeof(sig));
	printf("pvbus: hv base=0x%08x sig=\"%s\" vendor=%s maxleaf=0x%08x",
	    hv->hv_base, sig, hv->hv_type != NULL ? hv->hv_type->pt_id :
	    "unknown", hv->hv_maxleaf);
	if (hv->hv_hv1)
		hyperv_facts(hv);
	if (hv->hv_type != NULL && hv->hv_type->pt_facts != NULL)
		hv->hv_type->pt_facts(hv);
	if (!pvbus_softc.sc_hvbit)
		printf(" hvbit=0");
	printf(" primary=%s\n", hv->hv_primary ? "yes" : "no");
}

void
pvbus_print_facts(void)
{
	const struct pvbus_softc *sc = &pvbus_softc;
	const struct pvbus_backdoor *bd = &sc->sc_backdoor;
	int i;

	for (i = 0; i < sc->sc_nhv; i++)
		pvbus_hv_facts(&sc->sc_hv[i]);
	if (sc->sc_nhv == 0)
		printf("pvbus: none hvbit=%d\n", sc->sc_hvbit);
	if (bd->bd_present)
		printf("pvbus: backdoor port=0x%04x version=%u product=%s "
		    "vmware_cpuid=%s\n", VM_PORT_CMD, bd->bd_version,
		    pvbus_product_name(bd->bd_product),
		    pvbus_find("vmware") != NULL ? "yes" : "no");
}

/* "Hyper-V 10.0", "VMware (Hyper-V interface)", "KVM", "Xen 4.11" ... */
static void
pvbus_print_name(const struct pvbus_hv *hv)
{
	char sig[CPUID_HV_SIG_LEN * 4 + 1];
	const struct pvbus_hyperv *hy = &hv->hv_hyperv;
	bool microsoft = hv->hv_type != NULL &&
	    strcmp(hv->hv_type->pt_id, "hyperv") == 0;

	if (hv->hv_type == NULL) {
		pvbus_sig_escape(hv->hv_sig, sig, sizeof(sig));
		printf("unknown \"%s\"", sig);
	} else
		printf("%s", hv->hv_type->pt_name);
	if (hv->hv_hv1 && microsoft && hy->hy_has_version)
		printf(" %u.%u", hy->hy_major, hy->hy_minor);
	else if (hv->hv_hv1 && !microsoft && hy->hy_has_version)
		printf(" (Hyper-V interface %u.%u)", hy->hy_major,
		    hy->hy_minor);
	else if (hv->hv_hv1 && !microsoft)
		printf(" (Hyper-V interface)");
	if (hv->hv_type != NULL && strcmp(hv->hv_type->pt_id, "xen") == 0 &&
	    hv->hv_xen.xe_has_version)
		printf(" %u.%u", hv->hv_xen.xe_major, hv->hv_xen.xe_minor);
}

static void
pvbus_print_hv(const struct pvbus_hv *hv)
{
	char sig[CPUID_HV_SIG_LEN * 4 + 1];

	pvbus_sig_escape(hv->hv_sig, sig, sizeof(sig));
	printf("pvbus0: 0x%08x: \"%s\", max leaf 0x%08x%s%s\n", hv->hv_base,
	    sig, hv->hv_maxleaf,
	    hv->hv_eax_zero ? " (EAX 0, an old host: read as base+1)" : "",
	    hv->hv_primary ? ", primary" : "");
	if (hv->hv_hv1)
		hyperv_print(hv);
	if (hv->hv_type != NULL && hv->hv_type->pt_print != NULL)
		hv->hv_type->pt_print(hv);
}

/*
 * "pvbus0 at mainbus0: QEMU TCG, VMware backdoor": the interfaces in
 * base order, then the backdoor if no VMware signature accounts for it,
 * then the backend if it is not the real machine, so no log of a replay
 * or a simulator can pass for a real hypervisor's.  Returns false, after
 * saying why, when there is nothing to attach.
 */
bool
pvbus_attach(void)
{
	struct pvbus_softc *sc = &pvbus_softc;
	const struct hvio *io = sc->sc_io;
	const char *sep = "";
	int i;

	if (sc->sc_nhv == 0 && !sc->sc_backdoor.bd_present) {
		printf("pvbus: no hypervisor found (hypervisor bit %s, "
		    "no interface at 0x40000000-0x4000ff00, no VMware "
		    "backdoor)\n", sc->sc_hvbit ? "set" : "clear");
		return false;
	}
	printf("pvbus0 at mainbus0: ");
	for (i = 0; i < sc->sc_nhv; i++, sep = ", ") {
		printf("%s", sep);
		pvbus_print_name(&sc->sc_hv[i]);
	}
	if (sc->sc_backdoor.bd_present && pvbus_find("vmware") == NULL)
		printf("%sVMware backdoor", sep);
	if (!sc->sc_hvbit)
		printf(" (hypervisor bit clear)");
	if (strcmp(io->io_name, "native") != 0)
		printf(" [%s%s%s]", io->io_name, io->io_detail[0] != '\0' ?
		    ": " : "", io->io_detail);
	printf("\n");
	for (i = 0; i < sc->sc_nhv; i++)
		pvbus_print_hv(&sc->sc_hv[i]);
	if (sc->sc_backdoor.bd_present)
		printf("pvbus0: VMware backdoor on port 0x%04x: version %u, "
		    "product %s%s\n", VM_PORT_CMD, sc->sc_backdoor.bd_version,
		    pvbus_product_name(sc->sc_backdoor.bd_product),
		    pvbus_find("vmware") == NULL ?
		    ", no VMware CPUID signature" : "");
	sc->sc_attached = true;
	return true;
}
