/*
 * pvbus: which hypervisor interfaces does this machine offer?
 *
 * The detection pass reads CPUID leaf 1 for the hypervisor bit, then
 * every base 0x40000000, 0x40000100, ... 0x4000FF00 (pvbusreg.h).  A
 * base is an interface only if its highest leaf lies inside its own
 * block and its 12-byte signature is a known one or printable text: an
 * empty block answers zeros (Xen, AMD) or the highest basic leaf's data
 * (Intel, KVM on Intel, QEMU TCG), and those must not be mistaken for
 * hypervisors (docs/reference/cpuid-detection.md "Leaves that do not
 * exist", "Validating a base").  Every valid interface is kept, in base
 * order; the highest one is the primary, as in Linux's
 * detect_hypervisor_vendor() (cpuid-detection.md "Who wins").  A
 * Hyper-V-compatible interface ("Hv#1" at base+1) is decoded as such,
 * but reported under the vendor whose signature sits at its base:
 * VMware or VirtualBox offering "Hv#1" is not Microsoft Hyper-V.
 *
 * Compared with OpenBSD's pvbus_identify() (sys/dev/pv/pvbus.c), which
 * this follows in spirit: it knows six signatures and stops at the first
 * base whose signature is not printable; here the table is longer, an
 * unknown signature is reported rather than dropped, and the scan goes
 * on past garbage.  docs/pvbus-vs-openbsd.md has the comparison per dump.
 */

#include "kern.h"
#include "pvbusvar.h"
#include "vmwarereg.h"

struct pvbus_softc pvbus_softc;

/*
 * The vendors, one row each under its enum pvbus_vendor (pvbusvar.h),
 * with the layouts their blocks follow: the decoders of drivers/ident,
 * reached only from here.  Old KVM and OpenBSD vmm answer EAX 0 at the
 * base for base+1.  Sources: docs/reference/cpuid-detection.md
 * "Signatures"; docs/reference/kvm.md "CPUID leaves".
 */
#define PVBUS_TYPE(vendor, id, name)				\
	[vendor] = { .pt_id = id, .pt_name = name }

const struct pvbus_type pvbus_types[PVBUS_NVENDORS] = {
	[PVBUS_UNKNOWN] = { .pt_id = "unknown" },
	[PVBUS_KVM] = { .pt_id = "kvm", .pt_name = "KVM",
	    .pt_eax0_base1 = true,
	    .pt_ops = { &ident_kvm_ops, &ident_vmware_ops } },
	PVBUS_TYPE(PVBUS_KVMHV, "kvmhv", "KVM Hyper-V template"),
	[PVBUS_HYPERV] = { .pt_id = "hyperv", .pt_name = "Hyper-V",
	    .pt_check = ident_hyperv_check },
	[PVBUS_VMWARE] = { .pt_id = "vmware", .pt_name = "VMware",
	    .pt_ops = { &ident_vmware_ops } },
	[PVBUS_XEN] = { .pt_id = "xen", .pt_name = "Xen",
	    .pt_ops = { &ident_xen_ops }, .pt_check = ident_xen_check },
	PVBUS_TYPE(PVBUS_BHYVE, "bhyve", "bhyve"),
	PVBUS_TYPE(PVBUS_TCG, "tcg", "QEMU TCG"),
	PVBUS_TYPE(PVBUS_VBOX, "vbox", "VirtualBox"),
	PVBUS_TYPE(PVBUS_ACRN, "acrn", "ACRN"),
	/* OpenBSD vmm lays out its block as KVM does. */
	[PVBUS_OPENBSD] = { .pt_id = "openbsd", .pt_name = "OpenBSD vmm",
	    .pt_eax0_base1 = true,
	    .pt_ops = { &ident_kvm_ops, &ident_vmware_ops } },
	PVBUS_TYPE(PVBUS_NVMM, "nvmm", "NetBSD NVMM"),
	PVBUS_TYPE(PVBUS_JAILHOUSE, "jailhouse", "Jailhouse"),
	PVBUS_TYPE(PVBUS_APPLE, "apple", "Apple Virtualization"),
	PVBUS_TYPE(PVBUS_QNX, "qnx", "QNX hypervisor"),
	PVBUS_TYPE(PVBUS_SRE, "sre", "Lockheed Martin SRE"),
	PVBUS_TYPE(PVBUS_HAXM, "haxm", "Intel HAXM"),
	PVBUS_TYPE(PVBUS_PARALLELS, "parallels", "Parallels"),
	PVBUS_TYPE(PVBUS_KGT, "kgt", "Intel KGT"),
	PVBUS_TYPE(PVBUS_SPAR, "spar", "Unisys s-Par"),
	PVBUS_TYPE(PVBUS_LKVM, "lkvm", "kvmtool"),
};

/*
 * Known signatures: 12 bytes, "\0" is a NUL byte, and the vendor each
 * names.  Sources are those of docs/reference/cpuid-detection.md
 * "Signatures"; the rows marked [3rd] there come only from third-party
 * detection lists.
 */
static const struct {
	char		ps_sig[CPUID_HV_SIG_LEN + 1];	/* 12 bytes + NUL */
	enum pvbus_vendor ps_vendor;
} pvbus_sigs[] = {
	{ "KVMKVMKVM\0\0\0",	PVBUS_KVM },
	{ "Linux KVM Hv",	PVBUS_KVMHV },
	{ "Microsoft Hv",	PVBUS_HYPERV },
	{ "VMwareVMware",	PVBUS_VMWARE },
	{ "XenVMMXenVMM",	PVBUS_XEN },
	{ "bhyve bhyve ",	PVBUS_BHYVE },
	{ "BHyVE BHyVE ",	PVBUS_BHYVE },		/* early, [3rd] */
	{ "TCGTCGTCGTCG",	PVBUS_TCG },
	{ "VBoxVBoxVBox",	PVBUS_VBOX },
	{ "ACRNACRNACRN",	PVBUS_ACRN },
	{ "OpenBSDVMM58",	PVBUS_OPENBSD },
	{ "___ NVMM ___",	PVBUS_NVMM },
	{ "Jailhouse\0\0\0",	PVBUS_JAILHOUSE },
	{ "Apple VZ\0\0\0\0",	PVBUS_APPLE },
	{ "QNXQVMBSQG\0\0",	PVBUS_QNX },
	{ " QNXQVMBSQG ",	PVBUS_QNX },		/* [3rd] */
	{ "SRESRESRESRE",	PVBUS_SRE },
	{ "HAXMHAXMHAXM",	PVBUS_HAXM },
	{ " prl hyperv ",	PVBUS_PARALLELS },	/* [3rd] */
	{ "prl hyperv  ",	PVBUS_PARALLELS },	/* [3rd] */
	{ " lrpepyh  vr",	PVBUS_PARALLELS },	/* [3rd] */
	{ "EVMMEVMMEVMM",	PVBUS_KGT },		/* [3rd] */
	{ "UnisysSpar64",	PVBUS_SPAR },		/* [3rd] */
	{ "LKVMLKVMLKVM",	PVBUS_LKVM },		/* [3rd] */
};

/*
 * The interfaces a block may offer whatever its vendor, named by base+1
 * EAX (TLFS: the interface signature), and their decoders: Hv#1.
 */
static const struct {
	uint32_t	pn_id;
	const struct ident_ops *pn_ops;
} pvbus_interfaces[] = {
	{ HV_INTERFACE_HV1,	&ident_hyperv_ops },
};

enum pvbus_vendor
pvbus_match_signature(const char sig[CPUID_HV_SIG_LEN])
{
	size_t i;

	for (i = 0; i < nitems(pvbus_sigs); i++)
		if (memcmp(sig, pvbus_sigs[i].ps_sig, CPUID_HV_SIG_LEN) == 0)
			return pvbus_sigs[i].ps_vendor;
	return PVBUS_UNKNOWN;
}

/*
 * Text a hypervisor would choose: printable ASCII, at least four
 * characters, then only NUL padding ("Jailhouse\0\0\0").
 */
static bool
sig_printable(const char sig[CPUID_HV_SIG_LEN])
{
	int i, len;

	for (len = 0; len < CPUID_HV_SIG_LEN && sig[len] != '\0'; len++)
		if (sig[len] < 0x20 || sig[len] > 0x7e)
			return false;
	for (i = len; i < CPUID_HV_SIG_LEN; i++)
		if (sig[i] != '\0')
			return false;
	return len >= 4;
}

static void
sig_read(const struct cpuid_regs *r, char sig[CPUID_HV_SIG_LEN])
{
	memcpy(sig, &r->ebx, 4);	/* EBX, ECX, EDX: not leaf 0's order */
	memcpy(sig + 4, &r->ecx, 4);
	memcpy(sig + 8, &r->edx, 4);
}

/*
 * Is this base an interface?  Its EAX must name a leaf inside its own
 * block; old KVM and OpenBSD vmm answer EAX = 0, which means base+1
 * (Linux Documentation/virt/kvm/x86/cpuid.rst;
 * docs/reference/cpuid-detection.md "Validating a base",
 * "Unconfirmed").  The signature must be known or printable.
 */
bool
pvbus_base_valid(uint32_t base, const struct cpuid_regs *r,
    uint32_t *maxleaf)
{
	enum pvbus_vendor v;
	char sig[CPUID_HV_SIG_LEN];

	sig_read(r, sig);
	v = pvbus_match_signature(sig);
	*maxleaf = r->eax;
	if (r->eax == 0 && pvbus_types[v].pt_eax0_base1)
		*maxleaf = base + 1;
	if (*maxleaf < base || *maxleaf > base + CPUID_HV_BASE_STEP - 1)
		return false;
	return v != PVBUS_UNKNOWN || sig_printable(sig);
}

/* "KVMKVMKVM\0\0\0": the signature as "%pE" escapes it, cut as snprintf. */
int
pvbus_sig_escape(const char sig[CPUID_HV_SIG_LEN], char *buf, size_t size)
{
	return snprintf(buf, size, "%*pE", CPUID_HV_SIG_LEN, sig);
}

/*
 * The decoders of an interface, in order: the one its base+1 names
 * (Hv#1), then those of its vendor's layout.  NULL ends the list.
 */
void
pvbus_decoders(const struct pvbus_iface *pi,
    const struct ident_ops *ops[PVBUS_TYPE_OPS + 2])
{
	const struct pvbus_type *pt = &pvbus_types[pi->pi_vendor];
	int i, n = 0;

	for (i = 0; i < (int)nitems(pvbus_interfaces); i++)
		if (pi->pi_interface == pvbus_interfaces[i].pn_id)
			ops[n++] = pvbus_interfaces[i].pn_ops;
	for (i = 0; i < PVBUS_TYPE_OPS && pt->pt_ops[i] != NULL; i++)
		ops[n++] = pt->pt_ops[i];
	ops[n] = NULL;
}

/* The interface signature at base+1, then every decoder it has. */
static void
pvbus_decode(const struct hvio *io, struct pvbus_iface *pi)
{
	const struct ident_ops *ops[PVBUS_TYPE_OPS + 2];
	struct ident *id = &pi->pi_id;
	struct cpuid_regs r;
	int i;

	if (id->id_maxleaf >= id->id_base + 1) {
		io->io_cpuid(id->id_base + 1, 0, &r);
		pi->pi_interface = r.eax;
		id->id_hv1 = r.eax == HV_INTERFACE_HV1;
	}
	pvbus_decoders(pi, ops);
	for (i = 0; ops[i] != NULL; i++)
		ops[i]->op_decode(io, id);
}

static void
pvbus_record(const struct hvio *io, uint32_t base, uint32_t maxleaf,
    const struct cpuid_regs *r)
{
	struct pvbus_softc *sc = &pvbus_softc;
	struct pvbus_iface *pi;

	if (sc->sc_niface == PVBUS_IFACE_MAX) {
		/*
		 * Never seen on a real machine; the primary is then the
		 * highest base kept, not the highest found.
		 */
		sc->sc_ndropped++;
		return;
	}
	pi = &sc->sc_iface[sc->sc_niface];
	memset(pi, 0, sizeof(*pi));
	pi->pi_id.id_base = base;
	pi->pi_id.id_maxleaf = maxleaf;
	pi->pi_eax_zero = r->eax == 0;
	sig_read(r, pi->pi_sig);
	pi->pi_vendor = pvbus_match_signature(pi->pi_sig);
	pvbus_decode(io, pi);
	sc->sc_primary = sc->sc_niface++;	/* so the highest base wins */
}

/*
 * The VMware backdoor does not depend on CPUID: QEMU's vmport answers it
 * with a "TCGTCGTCGTCG" or "KVMKVMKVM" signature.  GETVERSION with EBX
 * not the magic; VMware answers EBX = magic (open-vm-tools vmcheck.c).
 */
static void
pvbus_probe_backdoor(const struct hvio *io, struct pvbus_backdoor *bd)
{
	struct vm_regs r;

	memset(bd, 0, sizeof(*bd));
	if (hvio_backdoor_getversion(io, HVIO_BACKDOOR_PORT, &r) != 0)
		return;
	if ((uint32_t)r.vr_rax == 0xffffffff || (uint32_t)r.vr_rbx != VM_MAGIC)
		return;
	bd->bd_present = true;
	bd->bd_version = (uint32_t)r.vr_rax;
	bd->bd_product = (uint32_t)r.vr_rcx;
}

/*
 * Without the hypervisor bit only 0x40000000 is read: a hypervisor may
 * hide the bit and still answer there (QEMU -cpu ...,-hypervisor), while
 * on hardware that read returns other data, which validation rejects.
 */
void
pvbus_identify(const struct hvio *io)
{
	struct pvbus_softc *sc = &pvbus_softc;
	struct cpuid_regs r;
	uint32_t base, last, maxleaf;

	memset(sc, 0, sizeof(*sc));
	sc->sc_io = io;
	sc->sc_primary = -1;
	io->io_cpuid(1, 0, &r);
	sc->sc_hvbit = (r.ecx & CPUID_1_ECX_HYPERVISOR) != 0;
	last = sc->sc_hvbit ? CPUID_HV_BASE_LAST : CPUID_HV_BASE_FIRST;
	for (base = CPUID_HV_BASE_FIRST; base <= last;
	    base += CPUID_HV_BASE_STEP) {
		io->io_cpuid(base, 0, &r);
		sc->sc_nscanned++;
		if (pvbus_base_valid(base, &r, &maxleaf)) {
			pvbus_record(io, base, maxleaf, &r);
		} else if ((r.eax | r.ebx | r.ecx | r.edx) != 0) {
			if (sc->sc_nrejected++ == 0) {
				sc->sc_first_rejected = base;
				sc->sc_rejected_eax = r.eax;
			}
		}
	}
	if (sc->sc_primary >= 0)
		sc->sc_iface[sc->sc_primary].pi_primary = true;
	pvbus_probe_backdoor(io, &sc->sc_backdoor);
	sc->sc_identified = true;
}

/*
 * The attach arguments every child is offered: the backend, the first
 * interface of each vendor and the first Hv#1 one, the backdoor, the
 * RAM the memory map has (0 if there is no map to trust), and the
 * SMBIOS UUID when firmware_identify found one on this machine.
 */
void
pvbus_child_args(struct pv_attach_args *pva, uint64_t mem_avail)
{
	const struct pvbus_softc *sc = &pvbus_softc;
	const struct pvbus_iface *pi;
	int i;

	memset(pva, 0, sizeof(*pva));
	pva->pva_io = sc->sc_io;
	pva->pva_backdoor = &sc->sc_backdoor;
	pva->pva_mem_avail = mem_avail;
	if (sc->sc_fw_uuid.fu_present)
		pva->pva_fw_uuid = &sc->sc_fw_uuid;
	for (i = sc->sc_niface - 1; i >= 0; i--) {
		pi = &sc->sc_iface[i];
		pva->pva_iface[pi->pi_vendor] = &pi->pi_id;
		if (pi->pi_id.id_hv1)
			pva->pva_hv1 = &pi->pi_id;
	}
}

/* The first interface of this vendor, or NULL. */
const struct pvbus_iface *
pvbus_find(enum pvbus_vendor vendor)
{
	const struct pvbus_softc *sc = &pvbus_softc;
	int i;

	for (i = 0; i < sc->sc_niface; i++)
		if (sc->sc_iface[i].pi_vendor == vendor)
			return &sc->sc_iface[i];
	return NULL;
}
