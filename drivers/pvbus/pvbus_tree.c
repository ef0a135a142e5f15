/*
 * What pvbus_identify() found, said twice: once for machines, one
 * "pvbus:" line per interface with key=value fields that CI can match
 * (docs/output.md "Machine-readable facts"), and once for people, as OpenBSD's
 * dmesg would: "pvbus0 at mainbus0: ..." and a line or two per
 * interface.  Children then attach below pvbus0 (pvbus_attach.c).
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
pvbus_iface_facts(const struct pvbus_iface *pi)
{
	const struct ident_ops *ops[PVBUS_TYPE_OPS + 2];
	char sig[CPUID_HV_SIG_LEN * 4 + 1];
	int i;

	pvbus_sig_escape(pi->pi_sig, sig, sizeof(sig));
	printf("pvbus: hv base=0x%08x sig=\"%s\" vendor=%s maxleaf=0x%08x",
	    pi->pi_id.id_base, sig, pvbus_types[pi->pi_vendor].pt_id,
	    pi->pi_id.id_maxleaf);
	pvbus_decoders(pi, ops);
	for (i = 0; ops[i] != NULL; i++)
		ops[i]->op_facts(&pi->pi_id);
	if (!pvbus_softc.sc_hvbit)
		printf(" hvbit=0");
	printf(" primary=%s\n", pi->pi_primary ? "yes" : "no");
}

void
pvbus_print_facts(void)
{
	const struct pvbus_softc *sc = &pvbus_softc;
	const struct pvbus_backdoor *bd = &sc->sc_backdoor;
	int i;

	for (i = 0; i < sc->sc_niface; i++)
		pvbus_iface_facts(&sc->sc_iface[i]);
	if (sc->sc_niface == 0)
		printf("pvbus: none hvbit=%d\n", sc->sc_hvbit);
	if (bd->bd_present)
		printf("pvbus: backdoor port=0x%04x version=%u product=%s "
		    "vmware_cpuid=%s\n", VM_PORT_CMD, bd->bd_version,
		    pvbus_product_name(bd->bd_product),
		    pvbus_find(PVBUS_VMWARE) != NULL ? "yes" : "no");
}

/* "Hyper-V 10.0", "VMware (Hyper-V interface)", "KVM", "Xen 4.11" ... */
static void
pvbus_print_name(const struct pvbus_iface *pi)
{
	char sig[CPUID_HV_SIG_LEN * 4 + 1];
	const struct ident *id = &pi->pi_id;
	const struct ident_hyperv *hy = &id->id_hyperv;
	bool microsoft = pi->pi_vendor == PVBUS_HYPERV;

	if (pi->pi_vendor == PVBUS_UNKNOWN) {
		pvbus_sig_escape(pi->pi_sig, sig, sizeof(sig));
		printf("unknown \"%s\"", sig);
	} else
		printf("%s", pvbus_types[pi->pi_vendor].pt_name);
	if (id->id_hv1 && microsoft && hy->hy_has_version)
		printf(" %u.%u", hy->hy_major, hy->hy_minor);
	else if (id->id_hv1 && !microsoft && hy->hy_has_version)
		printf(" (Hyper-V interface %u.%u)", hy->hy_major,
		    hy->hy_minor);
	else if (id->id_hv1 && !microsoft)
		printf(" (Hyper-V interface)");
	if (pi->pi_vendor == PVBUS_XEN && id->id_xen.xe_has_version)
		printf(" %u.%u", id->id_xen.xe_major, id->id_xen.xe_minor);
}

static void
pvbus_print_iface(const struct pvbus_iface *pi)
{
	const struct ident_ops *ops[PVBUS_TYPE_OPS + 2];
	char sig[CPUID_HV_SIG_LEN * 4 + 1];
	int i;

	pvbus_sig_escape(pi->pi_sig, sig, sizeof(sig));
	printf("pvbus0: 0x%08x: \"%s\", max leaf 0x%08x%s%s\n",
	    pi->pi_id.id_base, sig, pi->pi_id.id_maxleaf,
	    pi->pi_eax_zero ? " (EAX 0, an old host: read as base+1)" : "",
	    pi->pi_primary ? ", primary" : "");
	pvbus_decoders(pi, ops);
	for (i = 0; ops[i] != NULL; i++)
		ops[i]->op_print(&pi->pi_id);
}

/*
 * "pvbus0 at mainbus0: QEMU TCG, VMware backdoor; firmware agrees: QEMU":
 * the interfaces in base order, then the backdoor if no VMware signature
 * accounts for it, then what the firmware says of them (pvbus_fw.c; only
 * when CPUID is this machine's), then the backend if it is not the real
 * machine, so no log of a replay or a simulator can pass for a real
 * hypervisor's.  Returns false, after
 * saying why, when there is nothing to attach.
 */
bool
pvbus_print_tree(void)
{
	struct pvbus_softc *sc = &pvbus_softc;
	const struct hvio *io = sc->sc_io;
	const char *sep = "";
	int i;

	if (sc->sc_niface == 0 && !sc->sc_backdoor.bd_present) {
		printf("pvbus: no hypervisor found (hypervisor bit %s, "
		    "no interface at 0x40000000-0x4000ff00, no VMware "
		    "backdoor)\n", sc->sc_hvbit ? "set" : "clear");
		return false;
	}
	printf("pvbus0 at mainbus0: ");
	for (i = 0; i < sc->sc_niface; i++, sep = ", ") {
		printf("%s", sep);
		pvbus_print_name(&sc->sc_iface[i]);
	}
	if (sc->sc_backdoor.bd_present && pvbus_find(PVBUS_VMWARE) == NULL)
		printf("%sVMware backdoor", sep);
	if (!sc->sc_hvbit)
		printf(" (hypervisor bit clear)");
	if (sc->sc_fw_note[0] != '\0')
		printf("; %s", sc->sc_fw_note);
	if (strcmp(io->io_name, "native") != 0)
		printf(" [%s%s%s]", io->io_name, io->io_detail[0] != '\0' ?
		    ": " : "", io->io_detail);
	printf("\n");
	for (i = 0; i < sc->sc_niface; i++)
		pvbus_print_iface(&sc->sc_iface[i]);
	if (sc->sc_backdoor.bd_present)
		printf("pvbus0: VMware backdoor on port 0x%04x: version %u, "
		    "product %s%s\n", VM_PORT_CMD, sc->sc_backdoor.bd_version,
		    pvbus_product_name(sc->sc_backdoor.bd_product),
		    pvbus_find(PVBUS_VMWARE) == NULL ?
		    ", no VMware CPUID signature" : "");
	sc->sc_attached = true;
	return true;
}
