/*
 * xen0: the Xen hypercall page and xen_version, as an HVM or PVH guest
 * sets them up (OpenBSD does the same first steps in sys/dev/pv/xen.c).
 *
 *	hypercall_leaf	base+2: one page, through which MSR
 *			(xen.md "CPUID leaves")
 *	hypercall_page	poison a page, WRMSR its address, check that Xen
 *			wrote its stubs over the poison
 *			(xen.md "Hypercall page")
 *	xen_version	XENVER_version through the page, compared with
 *			CPUID base+1 (xen.md "Calling convention",
 *			"xen_version")
 *	extraversion	XENVER_extraversion: 16 bytes, NUL-terminated
 *	features	XENVER_get_features, submap 0
 *
 * and one facts line, "pvbus: xen0 version=... page=ok enosys=none".
 * Every step is a KTAP subtest; one that cannot run for want of an
 * earlier one is a SKIP naming it, and so is a xen_version sub-op the
 * hypervisor answers -ENOSYS, as KVM's Xen emulation does for all but
 * XENVER_get_features (docs/xen.md "Where implementations differ").  The hypervisor is reached only through struct hvio
 * (the MSR) and hvio_call_page() (the stubs Xen wrote): the same code
 * runs on real Xen, on KVM's Xen emulation and on sim_xen.c.  Sources:
 * docs/reference/cpuid-detection.md "Several interfaces at once";
 * docs/reference/xen.md "CPUID leaves", "Hypercall page", "Calling
 * convention", "Hypercall numbers", "xen_version"; xenreg.h names the
 * Xen files.  docs/xen.md walks through it with a boot log.
 */

#include "kern.h"
#include "ktap.h"
#include "pmem.h"
#include "pvbusvar.h"
#include "xenreg.h"

/*
 * The poison: RET, so that a call into a page Xen never filled returns
 * at once instead of running whatever was there.
 */
#define XEN_POISON	0xc3

struct xen_softc {
	const struct hvio *sc_io;
	const char	*sc_name;		/* "xen0" */
	const struct ident *sc_id;		/* the Xen interface */
	const struct ident *sc_hv1;		/* a Hyper-V one, or NULL */
	bool		sc_leaf_ok;		/* base+2 is usable */
	uint8_t		*sc_page;		/* filled hypercall page */
	const char	*sc_page_state;		/* the facts line's page= */
	bool		sc_has_version;
	uint16_t	sc_major, sc_minor;	/* from xen_version */
	bool		sc_has_extra;
	char		sc_extra[XEN_EXTRAVERSION_LEN];	/* printable */
	bool		sc_has_features;
	uint32_t	sc_features;		/* submap 0 */
	unsigned	sc_enosys;		/* XEN_STEP_* answered -ENOSYS */
};

/* The xen_version sub-ops, as the facts line's enosys= names them. */
#define XEN_STEP_VERSION	0x1
#define XEN_STEP_EXTRA		0x2
#define XEN_STEP_FEATURES	0x4

static struct xen_softc xen_softc;

static const struct bit_name xen_feature_names[] = {
	{ XENFEAT_WRITABLE_PAGE_TABLES,		"writable_page_tables" },
	{ XENFEAT_WRITABLE_DESCRIPTOR_TABLES,	"writable_descriptor_tables" },
	{ XENFEAT_AUTO_TRANSLATED_PHYSMAP,	"auto_translated_physmap" },
	{ XENFEAT_SUPERVISOR_MODE_KERNEL,	"supervisor_mode_kernel" },
	{ XENFEAT_PAE_PGDIR_ABOVE_4GB,		"pae_pgdir_above_4gb" },
	{ XENFEAT_MMU_PT_UPDATE_PRESERVE_AD,	"mmu_pt_update_preserve_ad" },
	{ XENFEAT_HIGHMEM_ASSIST,		"highmem_assist" },
	{ XENFEAT_GNTTAB_MAP_AVAIL_BITS,	"gnttab_map_avail_bits" },
	{ XENFEAT_HVM_CALLBACK_VECTOR,		"hvm_callback_vector" },
	{ XENFEAT_HVM_SAFE_PVCLOCK,		"hvm_safe_pvclock" },
	{ XENFEAT_HVM_PIRQS,			"hvm_pirqs" },
	{ XENFEAT_DOM0,				"dom0" },
	{ XENFEAT_GRANT_MAP_IDENTITY,		"grant_map_identity" },
	{ XENFEAT_MEMORY_OP_VNODE_SUPPORTED,	"memory_op_vnode_supported" },
	{ XENFEAT_ARM_SMCCC_SUPPORTED,		"ARM_SMCCC_supported" },
	{ XENFEAT_LINUX_RSDP_UNRESTRICTED,	"linux_rsdp_unrestricted" },
	{ XENFEAT_NOT_DIRECT_MAPPED,		"not_direct_mapped" },
	{ XENFEAT_DIRECT_MAPPED,		"direct_mapped" },
	{ XENFEAT_RUNSTATE_PHYS_AREA,		"runstate_phys_area" },
	{ XENFEAT_VCPU_TIME_PHYS_AREA,		"vcpu_time_phys_area" },
	{ XENFEAT_DM_MSIX_ALL_WRITES,		"dm_msix_all_writes" },
	{ 0, NULL }
};

/*
 * Match a Xen interface with its hypercall leaf, where MSRs are real:
 * a replay has CPUID only, and a WRMSR there would #GP for nothing.
 */
static int
xen_match(const struct pv_attach_args *pva)
{
	const struct ident *id = pva->pva_iface[PVBUS_XEN];

	return id != NULL && id->id_xen.xe_has_hypercall &&
	    (pva->pva_io->io_caps & HVIO_CAP_MSR) != 0;
}

/* Xen's errno (xen.md "Calling convention", Linux numbering), for messages. */
static const char *
xen_errname(int64_t ret)
{
	switch (ret) {
	case -XEN_EPERM:
		return "EPERM";
	case -XEN_EFAULT:
		return "EFAULT";
	case -XEN_EINVAL:
		return "EINVAL";
	case -XEN_ENOSYS:
		return "ENOSYS";
	default:
		return "an unknown error";
	}
}

/*
 * Hypercall nr with two arguments (RDI, RSI): CALL its stub, page + nr
 * * 32 (xen.md "Calling convention").  Every register is set afresh for
 * each call: Xen may leave the argument registers clobbered.  Returns
 * RAX, negative errno on failure.
 */
static int64_t
xen_hypercall2(const struct xen_softc *sc, uint32_t nr, uint64_t a1,
    uint64_t a2)
{
	struct vm_regs r;

	memset(&r, 0, sizeof(r));
	r.vr_rdi = a1;
	r.vr_rsi = a2;
	hvio_call_page(&r, (uintptr_t)sc->sc_page +
	    nr * XEN_HYPERCALL_STUB_SIZE);
	return (int64_t)r.vr_rax;
}

/*
 * With Viridian on, Xen sits at 0x40000100 next to a Hyper-V interface
 * and must have moved its MSR out of Viridian's range
 * (cpuid-detection.md "Several interfaces at once"; xen.md "Hypercall
 * page"): there 0x40000000 is the guest OS id.
 */
static bool
xen_msr_clashes(const struct xen_softc *sc)
{
	return sc->sc_hv1 != NULL &&
	    sc->sc_id->id_xen.xe_hypercall_msr <= XEN_VIRIDIAN_MSR_LAST;
}

/* base+2: Xen defines exactly one page; OpenBSD refuses other counts. */
static int
xen_step_leaf(void *arg)
{
	struct xen_softc *sc = arg;
	const struct ident_xen *xe = &sc->sc_id->id_xen;

	ktap_diag("CPUID 0x%08x: EAX %u page%s, EBX MSR 0x%08x",
	    sc->sc_id->id_base + XEN_CPUID_HYPERCALL, xe->xe_hypercall_pages,
	    xe->xe_hypercall_pages == 1 ? "" : "s", xe->xe_hypercall_msr);
	if (xe->xe_hypercall_pages != XEN_HYPERCALL_PAGES)
		return ktap_fail("Xen offers %u hypercall pages at base+2; "
		    "the interface defines exactly 1", xe->xe_hypercall_pages);
	if (xen_msr_clashes(sc))
		return ktap_fail("Xen beside a Hyper-V interface kept its "
		    "hypercall MSR at 0x%08x, in Viridian's range: it should "
		    "have moved to 0x%08x", xe->xe_hypercall_msr,
		    XEN_MSR_VIRIDIAN);
	sc->sc_leaf_ok = true;
	return KTAP_PASS;
}

/* The first stub that is not "mov eax, n" (iret is ud2), or -1. */
static int
xen_bad_stub(const uint8_t *page)
{
	const uint8_t *s;
	uint32_t n, imm;

	for (n = 0; n < XEN_HYPERCALL_NSTUBS; n++) {
		if (n == XEN_HYPERCALL_IRET)
			continue;
		s = page + n * XEN_HYPERCALL_STUB_SIZE;
		imm = (uint32_t)s[1] | (uint32_t)s[2] << 8 |
		    (uint32_t)s[3] << 16 | (uint32_t)s[4] << 24;
		if (s[0] != XEN_STUB_MOV_EAX || imm != n)
			return (int)n;
	}
	return -1;
}

/*
 * What follows the mov in a stub: the instruction that leaves the
 * guest.  An exit of the backend's own is the backend's to name.
 */
static const char *
xen_stub_exit_name(const struct xen_softc *sc, const uint8_t *s)
{
	const struct hvio_exit *ex = sc->sc_io->io_exit;
	const uint8_t *insn = s + XEN_STUB_MOV_LEN;

	if (memcmp(insn, XEN_STUB_VMCALL, XEN_STUB_CALL_LEN) == 0)
		return "vmcall (Intel)";
	if (memcmp(insn, XEN_STUB_VMMCALL, XEN_STUB_CALL_LEN) == 0)
		return "vmmcall (AMD)";
	if (ex != NULL && memcmp(insn, ex->ex_insn, sizeof(ex->ex_insn)) == 0)
		return ex->ex_stub_name;
	return "an instruction this driver does not know";
}

/*
 * Print stub n's first bytes and what they are, so a reader sees what
 * Xen wrote: "mov eax, n; vmcall; ret" on Intel.
 */
static void
xen_print_stub(const struct xen_softc *sc, const uint8_t *page, uint32_t n)
{
	const uint8_t *s = page + n * XEN_HYPERCALL_STUB_SIZE;

	printf("%s: stub %u at 0x%lx: %02x %02x %02x %02x %02x %02x %02x "
	    "%02x %02x", sc->sc_name, n, (unsigned long)(uintptr_t)s, s[0],
	    s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
	if (s[0] == XEN_STUB_MOV_EAX)
		printf(": mov eax, %u; %s%s\n", (uint32_t)s[1] |
		    (uint32_t)s[2] << 8 | (uint32_t)s[3] << 16 |
		    (uint32_t)s[4] << 24, xen_stub_exit_name(sc, s),
		    s[XEN_STUB_MOV_LEN + XEN_STUB_CALL_LEN] == XEN_STUB_RET ?
		    "; ret" : "");
	else if (s[0] == XEN_PAGE_FILL)
		printf(": int3, Xen's filler, not a stub\n");
	else
		printf(": not a stub\n");
}

/*
 * xen.md "Hypercall page": poison a page with RET, write its address to
 * the MSR, and check that Xen replaced the poison with its stubs.  A
 * #GP, an untouched page or a page without stubs each fail, naming what
 * Xen did.
 */
static int
xen_step_page(void *arg)
{
	struct xen_softc *sc = arg;
	uint32_t msr = sc->sc_id->id_xen.xe_hypercall_msr;
	uint8_t *page;
	uint64_t pa;
	int n, error;

	if (!sc->sc_leaf_ok)
		return ktap_skip("no usable hypercall leaf "
		    "(see hypercall_leaf)");
	if ((page = page_alloc()) == NULL) {
		sc->sc_page_state = "nomem";
		return ktap_fail("no free page for the hypercall page");
	}
	memset(page, XEN_POISON, PAGE_SIZE);
	pa = (uintptr_t)page;
	if (sc->sc_io->io_wrmsr(msr, pa) != 0) {
		page_free(page);
		sc->sc_page_state = "gp";
		return ktap_fail("Xen refused the hypercall page: WRMSR 0x%08x "
		    "of 0x%lx raised #GP", msr, (unsigned long)pa);
	}
	if (page[0] == XEN_POISON) {
		page_free(page);
		sc->sc_page_state = "unfilled";
		return ktap_fail("Xen did not fill the hypercall page: byte 0 "
		    "is still the poison 0x%02x", XEN_POISON);
	}
	if ((n = xen_bad_stub(page)) >= 0) {
		xen_print_stub(sc, page, (uint32_t)n);
		page_free(page);
		sc->sc_page_state = "nostubs";
		return ktap_fail("Xen changed the hypercall page but did not "
		    "write its stubs: stub %d does not start with mov eax, %d",
		    n, n);
	}
	/* The page the guest executes: executable, and read-only. */
	if ((error = page_exec(page, "Xen hypercall page")) != 0) {
		page_free(page);
		sc->sc_page_state = "noexec";
		return ktap_fail("the hypercall page could not be made "
		    "executable (error %d)", error);
	}
	sc->sc_page = page;
	sc->sc_page_state = "ok";
	printf("%s: hypercall page at 0x%lx through MSR 0x%08x\n",
	    sc->sc_name, (unsigned long)pa, msr);
	xen_print_stub(sc, page, XEN_HYPERCALL_XEN_VERSION);
	return KTAP_PASS;
}

/*
 * -ENOSYS from a xen_version sub-op: the hypervisor does not implement
 * it, which the interface allows (xen.md "xen_version": every sub-op
 * falls out of do_xen_version() as -ENOSYS where a Xen lacks it).  KVM's
 * Xen emulation is such a host: QEMU's kvm_xen_hcall_xen_version()
 * answers XENVER_get_features alone, and KVM itself XENVER_version only
 * when QEMU gave it the version (docs/reference/xen.md "KVM and QEMU").
 * A SKIP naming that, and the sub-op noted for the facts line.
 */
static int
xen_enosys(struct xen_softc *sc, unsigned step, const char *subop)
{
	sc->sc_enosys |= step;
	printf("%s: xen_version(%s): -ENOSYS\n", sc->sc_name, subop);
	return ktap_skip("xen_version(%s) is not implemented here (-ENOSYS; "
	    "KVM's Xen emulation answers only XENVER_get_features, and "
	    "XENVER_version when QEMU gave KVM the version)", subop);
}

/*
 * xen.md "xen_version": XENVER_version, (major << 16) | minor in RAX,
 * must say what CPUID base+1 says: one hypervisor cannot be two
 * versions.  -ENOSYS is a SKIP (xen_enosys()).
 */
static int
xen_step_version(void *arg)
{
	struct xen_softc *sc = arg;
	const struct ident_xen *xe = &sc->sc_id->id_xen;
	int64_t ret;

	if (sc->sc_page == NULL)
		return ktap_skip("no hypercall page (see hypercall_page)");
	ret = xen_hypercall2(sc, XEN_HYPERCALL_XEN_VERSION, XENVER_VERSION, 0);
	if (ret == -XEN_ENOSYS)
		return xen_enosys(sc, XEN_STEP_VERSION, "XENVER_version");
	if (ret < 0)
		return ktap_fail("Xen refused xen_version(XENVER_version): "
		    "%ld (%s)", (long)ret, xen_errname(ret));
	if (ret > 0xffffffffLL)
		return ktap_fail("xen_version(XENVER_version) returned 0x%lx, "
		    "more than a 32-bit version", (unsigned long)ret);
	sc->sc_has_version = true;
	sc->sc_major = (uint16_t)(ret >> XEN_VERSION_MAJOR_SHIFT);
	sc->sc_minor = (uint16_t)(ret & XEN_VERSION_MINOR_MASK);
	printf("%s: xen_version %u.%u, CPUID base+1 %u.%u\n", sc->sc_name,
	    sc->sc_major, sc->sc_minor, xe->xe_major, xe->xe_minor);
	if (sc->sc_major != xe->xe_major || sc->sc_minor != xe->xe_minor)
		return ktap_fail("Xen contradicts itself: xen_version says "
		    "%u.%u, CPUID base+1 says %u.%u", sc->sc_major,
		    sc->sc_minor, xe->xe_major, xe->xe_minor);
	return KTAP_PASS;
}

/*
 * xen.md "xen_version": XENVER_extraversion fills char[16], a
 * NUL-terminated string (xen/include/public/version.h).  Poisoned
 * first, so a Xen that says 0 and writes nothing is caught by the NUL
 * check.  -ENOSYS is a SKIP (xen_enosys()).
 */
static int
xen_step_extraversion(void *arg)
{
	struct xen_softc *sc = arg;
	char buf[XEN_EXTRAVERSION_LEN];
	int64_t ret;
	size_t i;

	if (sc->sc_page == NULL)
		return ktap_skip("no hypercall page (see hypercall_page)");
	memset(buf, 0xff, sizeof(buf));
	ret = xen_hypercall2(sc, XEN_HYPERCALL_XEN_VERSION,
	    XENVER_EXTRAVERSION, (uintptr_t)buf);
	if (ret == -XEN_ENOSYS)
		return xen_enosys(sc, XEN_STEP_EXTRA, "XENVER_extraversion");
	if (ret < 0)
		return ktap_fail("Xen refused "
		    "xen_version(XENVER_extraversion): %ld (%s)", (long)ret,
		    xen_errname(ret));
	if (strnlen(buf, sizeof(buf)) == sizeof(buf))
		return ktap_fail("Xen's extraversion is not NUL-terminated "
		    "within its %d bytes", XEN_EXTRAVERSION_LEN);
	/* Kept printable and quotable for the facts line. */
	for (i = 0; buf[i] != '\0'; i++)
		sc->sc_extra[i] = buf[i] < 0x20 || buf[i] > 0x7e ||
		    buf[i] == '"' || buf[i] == '\\' ? '?' : buf[i];
	sc->sc_extra[i] = '\0';
	sc->sc_has_extra = true;
	if (sc->sc_has_version)
		printf("%s: Xen %u.%u%s\n", sc->sc_name, sc->sc_major,
		    sc->sc_minor, sc->sc_extra);
	else
		printf("%s: extraversion \"%pE\"\n", sc->sc_name, sc->sc_extra);
	return KTAP_PASS;
}

/*
 * xen.md "xen_version": XENVER_get_features, submap 0.  Every HVM or
 * PVH guest runs on translated paging, so auto_translated_physmap must
 * be set (xen/include/public/features.h).  -ENOSYS is a SKIP.
 */
static int
xen_step_features(void *arg)
{
	struct xen_softc *sc = arg;
	struct xen_feature_info fi;
	char what[40];
	int64_t ret;

	if (sc->sc_page == NULL)
		return ktap_skip("no hypercall page (see hypercall_page)");
	fi.submap_idx = 0;
	fi.submap = 0;
	ret = xen_hypercall2(sc, XEN_HYPERCALL_XEN_VERSION,
	    XENVER_GET_FEATURES, (uintptr_t)&fi);
	if (ret == -XEN_ENOSYS)
		return xen_enosys(sc, XEN_STEP_FEATURES, "XENVER_get_features");
	if (ret < 0)
		return ktap_fail("Xen refused "
		    "xen_version(XENVER_get_features): %ld (%s)", (long)ret,
		    xen_errname(ret));
	sc->sc_has_features = true;
	sc->sc_features = fi.submap;
	snprintf(what, sizeof(what), "%s: features 0x%08x:", sc->sc_name,
	    fi.submap);
	print_bits(what, fi.submap, xen_feature_names);
	if ((fi.submap & 1U << XENFEAT_AUTO_TRANSLATED_PHYSMAP) == 0)
		return ktap_fail("Xen says auto_translated_physmap is off, "
		    "which no HVM or PVH guest can be");
	return KTAP_PASS;
}

/* " enosys=version,extraversion": the sub-ops not implemented here. */
static void
xen_print_enosys(const struct xen_softc *sc)
{
	static const struct {
		unsigned	step;
		const char	*name;
	} subops[] = {
		{ XEN_STEP_VERSION, "version" },
		{ XEN_STEP_EXTRA, "extraversion" },
		{ XEN_STEP_FEATURES, "features" },
	};
	const char *sep = "=";
	size_t i;

	printf(" enosys");
	for (i = 0; i < nitems(subops); i++) {
		if ((sc->sc_enosys & subops[i].step) == 0)
			continue;
		printf("%s%s", sep, subops[i].name);
		sep = ",";
	}
	if (sc->sc_enosys == 0)
		printf("=none");
}

/* "pvbus: xen0 version=4.17 extraversion=".0" features=0x... ..." */
static void
xen_print_facts(const struct xen_softc *sc)
{
	printf("pvbus: %s", sc->sc_name);
	if (sc->sc_has_version)
		printf(" version=%u.%u", sc->sc_major, sc->sc_minor);
	else
		printf(" version=-");
	if (sc->sc_has_extra)
		printf(" extraversion=\"%pE\"", sc->sc_extra);
	else
		printf(" extraversion=-");
	if (sc->sc_has_features)
		printf(" features=0x%08x", sc->sc_features);
	else
		printf(" features=-");
	printf(" hypercall_msr=0x%08x page=%s",
	    sc->sc_id->id_xen.xe_hypercall_msr, sc->sc_page_state);
	xen_print_enosys(sc);
	printf("\n");
}

static const struct ktap_step xen_steps[] = {
	{ "hypercall_leaf", xen_step_leaf },
	{ "hypercall_page", xen_step_page },
	{ "xen_version", xen_step_version },
	{ "extraversion", xen_step_extraversion },
	{ "features", xen_step_features },
};

static int
xen_attach(const struct pv_attach_args *pva)
{
	struct xen_softc *sc = &xen_softc;
	const struct ident_xen *xe;
	int result;

	memset(sc, 0, sizeof(*sc));
	sc->sc_io = pva->pva_io;
	sc->sc_name = pva->pva_name;
	sc->sc_id = pva->pva_iface[PVBUS_XEN];
	sc->sc_hv1 = pva->pva_hv1;
	sc->sc_page_state = "none";
	xe = &sc->sc_id->id_xen;
	printf(": Xen %u.%u at 0x%08x, hypercall MSR 0x%08x\n", xe->xe_major,
	    xe->xe_minor, sc->sc_id->id_base, xe->xe_hypercall_msr);
	result = ktap_run_steps(xen_steps, nitems(xen_steps), sc, NULL);
	xen_print_facts(sc);
	return result == KTAP_FAIL ? EIO : 0;
}

const struct pv_driver xen_driver = {
	"xen", xen_match, xen_attach
};
