/*
 * The simulated Xen (sim/sim_xen.c, through sim.c's dispatch) and the
 * xen0 driver (drivers/xen/xen.c) driven end to end against it on the
 * host.  The expected values come from the reference notes
 * (docs/reference/cpuid-detection.md "Several interfaces at once";
 * docs/reference/xen.md "CPUID leaves", "Hypercall page", "Calling
 * convention", "Hypercall numbers", "xen_version"), not from the code:
 * the signature is spelled here byte by byte, the stub bytes are Xen's
 * (vmx_init_hypercall_page) with INT 0xF0 for VMCALL.
 *
 * The kernel-only services come from sim_host.c: page_alloc() (heap
 * pages, so a pointer is the "physical" address, as in the kernel's 1:1
 * map), and hvio_call_page(), which runs the stub the model wrote the
 * way the CPU would: "mov eax, imm32" loads EAX, INT 0xF0 is the
 * simulated VM exit (sim_exit() with the INT's address), NOP pads, RET
 * returns, anything else fails the test.  fake_cons.c records what the
 * kernel prints.
 */

#include "check.h"
#include "kern.h"
#include "ktap.h"
#include "pmem.h"
#include "pvbusvar.h"
#include "simvar.h"
#include "sim_host.h"
#include "xenreg.h"

#define XEN_PLAIN_BASE		0x40000000u
#define XEN_VIRIDIAN_BASE	0x40000100u
/* What a debug Xen leaves in used argument registers (xen.md "Calling
 * convention"). */
#define CLOBBER			0xdeadbeefdeadf00dULL
#define POISON			0xc3

/* ------------------------------------------------------------------ */
/* The model on sim_host.c's pages, TSC, stub runner and backend. */

static void
setup(const char *model, uint32_t faults)
{
	char err[160];

	sim_host_reset(SIM_HOST_STUB_XEN);
	sim_host_tsc_step = 1000;	/* time runs by itself */
	CHECK_EQ_INT(sim_setup_model(model, faults, err, sizeof(err)), 0);
	sim.sm_tsc_hz = 1000000000ULL;
}

/* One hypercall through stub nr of page, with RDI and RSI. */
static int64_t
call(uint8_t *page, uint32_t nr, uint64_t rdi, uint64_t rsi,
    struct vm_regs *out)
{
	struct vm_regs r;

	memset(&r, 0, sizeof(r));
	r.vr_rdi = rdi;
	r.vr_rsi = rsi;
	r.vr_rdx = 0x1111;
	r.vr_r10 = 0x2222;
	r.vr_r8 = 0x3333;
	CHECK_EQ_INT(page_exec(page, "test"), 0);	/* as xen0 does */
	hvio_call_page(&r, (uintptr_t)page + nr * XEN_HYPERCALL_STUB_SIZE);
	if (out != NULL)
		*out = r;
	return (int64_t)r.vr_rax;
}

/* ------------------------------------------------------------------ */
/*
 * The model: CPUID (xen.md "CPUID leaves"; cpuid-detection.md "Several
 * interfaces at once").
 */

static void
check_block(uint32_t base, uint32_t msr)
{
	struct cpuid_regs r;

	CHECK(sim_cpuid(base, 0, &r));
	CHECK_EQ_HEX(r.eax, base + 5);	/* limit 5, Xen's default */
	CHECK_EQ_HEX(r.ebx, sim_host_sig_word("XenVMMXenVMM", 0));
	CHECK_EQ_HEX(r.ecx, sim_host_sig_word("XenVMMXenVMM", 1));
	CHECK_EQ_HEX(r.edx, sim_host_sig_word("XenVMMXenVMM", 2));
	CHECK(sim_cpuid(base + 1, 0, &r));
	CHECK_EQ_HEX(r.eax, 0x00040011);	/* 4 << 16 | 17 */
	CHECK_EQ_HEX(r.ebx | r.ecx | r.edx, 0);
	CHECK(sim_cpuid(base + 2, 0, &r));
	CHECK_EQ_INT(r.eax, 1);			/* always one page */
	CHECK_EQ_HEX(r.ebx, msr);
	CHECK_EQ_HEX(r.ecx | r.edx, 0);
	CHECK(sim_cpuid(base + 3, 0, &r));
	CHECK_EQ_INT(r.ecx, 1000000);		/* guest TSC kHz */
	CHECK(sim_cpuid(base + 6, 0, &r));	/* past the block: zeros */
	CHECK_EQ_HEX(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void
test_cpuid_block_plain(void)
{
	struct cpuid_regs r;

	setup("xen", 0);
	check_block(XEN_PLAIN_BASE, 0x40000000);
	CHECK(sim_cpuid(0x40000100, 0, &r));
	CHECK_EQ_HEX(r.eax | r.ebx | r.ecx | r.edx, 0);
	CHECK(!sim_cpuid(0x00000001, 0, &r));	/* the CPU's own leaf */
}

/*
 * Viridian: Xen one block up, its MSR moved to 0x40000200
 * (cpuid-detection.md "Several interfaces at once").
 */
static void
test_cpuid_block_viridian(void)
{
	setup("xen+viridian", 0);
	CHECK_STR(sim.sm_iface[1].si_name, "xen");
	CHECK_EQ_HEX(sim.sm_iface[1].si_base, XEN_VIRIDIAN_BASE);
	check_block(XEN_VIRIDIAN_BASE, 0x40000200);
}

/* ------------------------------------------------------------------ */
/* The model: the hypercall MSR and page (xen.md "Hypercall page"). */

static void
test_page_filled_like_xen(void)
{
	uint8_t *page, *s;
	uint64_t v = 1;
	uint32_t n;
	int i;

	setup("xen", 0);
	page = sim_host_poisoned_page(POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000000, (uintptr_t)page), 0);
	for (n = 0; n < 128; n++) {
		s = page + 32 * n;
		if (n == 23) {			/* iret: ud2 */
			CHECK_EQ_HEX(s[0], 0x0f);
			CHECK_EQ_HEX(s[1], 0x0b);
			for (i = 2; i < 32; i++)
				CHECK_EQ_HEX(s[i], 0xcc);
			continue;
		}
		CHECK_EQ_HEX(s[0], 0xb8);
		CHECK_EQ_HEX((uint32_t)s[1] | (uint32_t)s[2] << 8 |
		    (uint32_t)s[3] << 16 | (uint32_t)s[4] << 24, n);
		CHECK_EQ_HEX(s[5], 0xcd);	/* int 0xf0 for vmcall */
		CHECK_EQ_HEX(s[6], 0xf0);
		CHECK_EQ_HEX(s[7], 0x90);
		CHECK_EQ_HEX(s[8], 0xc3);
		for (i = 9; i < 32; i++)	/* the rest: int3 */
			CHECK_EQ_HEX(s[i], 0xcc);
	}
	CHECK_EQ_INT(sim_rdmsr(0x40000000, &v), 0);	/* reads 0 */
	CHECK_EQ_HEX(v, 0);
	sim_host_pages_release();
}

/* A page index other than 0, page 0, and Xen's other MSRs: #GP. */
static void
test_msr_refusals(void)
{
	struct sim_iface *si;
	uint8_t *page;
	uint64_t v;

	setup("xen", 0);
	si = &sim.sm_iface[0];
	page = sim_host_poisoned_page(POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000000, (uintptr_t)page | 1), EFAULT);
	CHECK_EQ_HEX(page[0], POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000000, 0), EFAULT);
	CHECK_EQ_INT(sim_wrmsr(0x40000001, (uintptr_t)page), EFAULT);
	CHECK_EQ_INT(sim_rdmsr(0x40000001, &v), EFAULT);
	CHECK_EQ_HEX(page[0], POISON);
	/* Xen's range ends at 0x400002ff; past it the MSR is nobody's. */
	CHECK_EQ_INT(si->si_rdmsr(si, 0x400002ff, &v), EFAULT);
	CHECK_EQ_INT(si->si_rdmsr(si, 0x40000300, &v), ENOENT);
	CHECK_EQ_INT(si->si_wrmsr(si, 0x00000010, 0), ENOENT);
	sim_host_pages_release();
}

/*
 * With Viridian, 0x40000000..0x400001ff are Hyper-V's: the Xen model
 * must leave them to the other interface (ENOENT) and take 0x40000200.
 */
static void
test_viridian_msr_layout(void)
{
	struct sim_iface *xen;
	uint8_t *page;
	uint64_t v;

	setup("xen+viridian", 0);
	xen = &sim.sm_iface[1];
	page = sim_host_poisoned_page(POISON);
	CHECK_EQ_INT(xen->si_wrmsr(xen, 0x40000000, (uintptr_t)page), ENOENT);
	CHECK_EQ_INT(xen->si_rdmsr(xen, 0x40000001, &v), ENOENT);
	CHECK_EQ_INT(xen->si_wrmsr(xen, 0x400001ff, 0), ENOENT);
	CHECK_EQ_HEX(page[0], POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000200, (uintptr_t)page), 0);
	CHECK_EQ_HEX(page[0], 0xb8);
	CHECK_EQ_INT(call(page, 17, 0, 0, NULL), 0x40011);
	sim_host_pages_release();
}

/* ------------------------------------------------------------------ */
/*
 * The model: hypercalls through the page (xen.md "Calling convention",
 * "Hypercall numbers", "xen_version").
 */

static void
test_xen_version_subops(void)
{
	struct xen_feature_info fi;
	struct vm_regs r;
	char buf[16];
	uint8_t *page;

	setup("xen", 0);
	page = sim_host_poisoned_page(POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000000, (uintptr_t)page), 0);
	CHECK_EQ_HEX(call(page, 17, 0, 0, &r), 0x00040011);
	/*
	 * A debug Xen clobbers the arguments it used (xen.md "Calling
	 * convention"), no others.
	 */
	CHECK_EQ_HEX(r.vr_rdi, CLOBBER);
	CHECK_EQ_HEX(r.vr_rsi, CLOBBER);
	CHECK_EQ_HEX(r.vr_rdx, 0x1111);
	CHECK_EQ_HEX(r.vr_r10, 0x2222);
	CHECK_EQ_HEX(r.vr_r8, 0x3333);

	memset(buf, 0xff, sizeof(buf));
	CHECK_EQ_INT(call(page, 17, 1, (uintptr_t)buf, NULL), 0);
	CHECK_STR(buf, ".0-sim");
	CHECK_EQ_INT(buf[15], 0);		/* the rest is zeroed */

	fi.submap_idx = 0;
	fi.submap = 0;
	CHECK_EQ_INT(call(page, 17, 6, (uintptr_t)&fi, NULL), 0);
	CHECK_EQ_HEX(fi.submap, 0x00012305);
	CHECK(fi.submap & 1U << 2);		/* auto_translated_physmap */
	CHECK(fi.submap & 1U << 8);		/* hvm_callback_vector */
	fi.submap_idx = 1;
	CHECK_EQ_INT(call(page, 17, 6, (uintptr_t)&fi, NULL), -22);

	CHECK_EQ_INT(call(page, 17, 7, 0, NULL), 4096);	/* pagesize */
	CHECK_EQ_INT(call(page, 17, 7, (uintptr_t)buf, NULL), -22);
	CHECK_EQ_INT(call(page, 17, 99, 0, NULL), -38);	/* unknown sub-op */
	sim_host_pages_release();
}

/* A buffer Xen cannot reach is -EFAULT, never a write through NULL. */
static void
test_bad_buffer_efault(void)
{
	uint8_t *page;

	setup("xen", 0);
	page = sim_host_poisoned_page(POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000000, (uintptr_t)page), 0);
	CHECK_EQ_INT(call(page, 17, 1, 0, NULL), -14);
	CHECK_EQ_INT(call(page, 17, 1, 0x10, NULL), -14);	/* page 0 */
	CHECK_EQ_INT(call(page, 17, 6, 0, NULL), -14);
	sim_host_pages_release();
}

/* An unknown number is -ENOSYS, and then the arguments are left alone. */
static void
test_unknown_hypercall_enosys(void)
{
	struct vm_regs r;
	uint8_t *page;

	setup("xen", 0);
	page = sim_host_poisoned_page(POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000000, (uintptr_t)page), 0);
	CHECK_EQ_INT(call(page, 12, 7, 0x5000, &r), -38);	/* memory_op */
	CHECK_EQ_HEX(r.vr_rdi, 7);
	CHECK_EQ_HEX(r.vr_rsi, 0x5000);
	CHECK_EQ_INT(call(page, 127, 0, 0, NULL), -38);
	sim_host_pages_release();
}

/* Only the INT in a stub of the model's page is a Xen exit. */
static void
test_exit_only_from_the_page(void)
{
	struct vm_regs r;
	uint8_t *page, other[64];

	setup("xen", 0);
	memset(&r, 0, sizeof(r));
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)other), ENOENT);	/* no page */
	page = sim_host_poisoned_page(POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000000, (uintptr_t)page), 0);
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)other), ENOENT);
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)page + 17 * 32), ENOENT);
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)page + PAGE_SIZE + 5), ENOENT);
	r.vr_rax = 17;
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)page + 17 * 32 + 5), 0);
	CHECK_EQ_HEX(r.vr_rax, 0x40011);
	sim_host_pages_release();
}

/* VMCALL from anywhere is a hypercall too, with this CPU's instruction. */
static void
test_direct_vmcall(void)
{
	struct vm_regs r;

	setup("xen", 0);
	sim.sm_amd = false;
	memset(&r, 0, sizeof(r));
	r.vr_rax = 17;
	CHECK_EQ_INT(sim_hypercall(&r, false), 0);
	CHECK_EQ_HEX(r.vr_rax, 0x40011);
	r.vr_rax = 17;
	CHECK_EQ_INT(sim_hypercall(&r, true), EFAULT);	/* #UD on Intel */
	sim.sm_amd = true;
	r.vr_rax = 17;
	r.vr_rdi = 0;
	CHECK_EQ_INT(sim_hypercall(&r, true), 0);
	CHECK_EQ_HEX(r.vr_rax, 0x40011);
}

/* ------------------------------------------------------------------ */
/* The model's faults. */

static void
test_fault_msr_ignored(void)
{
	uint8_t *page;
	struct vm_regs r;
	int i, changed = 0;

	setup("xen", SIM_FAULT_HYPERCALL_MSR_IGNORED);
	page = sim_host_poisoned_page(POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000000, (uintptr_t)page), 0);
	for (i = 0; i < PAGE_SIZE; i++)
		changed += page[i] != POISON;
	CHECK_EQ_INT(changed, 0);
	memset(&r, 0, sizeof(r));
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)page + 17 * 32 + 5), ENOENT);
	sim_host_pages_release();
}

static void
test_fault_page_not_filled(void)
{
	uint8_t *page;
	struct vm_regs r;
	int i, int3 = 0;

	setup("xen", SIM_FAULT_PAGE_NOT_FILLED);
	page = sim_host_poisoned_page(POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000000, (uintptr_t)page), 0);
	for (i = 0; i < PAGE_SIZE; i++)
		int3 += page[i] == 0xcc;
	CHECK_EQ_INT(int3, PAGE_SIZE);
	memset(&r, 0, sizeof(r));
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)page + 17 * 32 + 5), ENOENT);
	sim_host_pages_release();
}

static void
test_fault_status_error(void)
{
	uint8_t *page;

	setup("xen", SIM_FAULT_STATUS_ERROR);
	page = sim_host_poisoned_page(POISON);
	CHECK_EQ_INT(sim_wrmsr(0x40000000, (uintptr_t)page), 0);
	CHECK_EQ_HEX(page[0], 0xb8);
	CHECK_EQ_INT(call(page, 17, 0, 0, NULL), -1);	/* -EPERM */
	sim_host_pages_release();
}

static void
test_fault_garbage_cpuid(void)
{
	struct cpuid_regs r;

	setup("xen", SIM_FAULT_GARBAGE_CPUID);
	CHECK(sim_cpuid(XEN_PLAIN_BASE, 0, &r));
	CHECK_EQ_HEX(r.eax, 0x1f);
	pvbus_identify(&sim_host_io);
	CHECK(pvbus_find(PVBUS_XEN) == NULL);
}

/* ------------------------------------------------------------------ */
/* The driver, end to end: pvbus_identify, then its match and attach. */

extern const struct pv_driver xen_driver;	/* as pvconf.c declares it */

static struct pv_attach_args run_pva;
static int	run_error;

static int
t_attach(void)
{
	ktap_sub_begin(1);
	ktap_sub_start("xen0");
	kern_printf("xen0 at pvbus0");	/* the kernel's, into fake_cons */
	run_error = xen_driver.pd_attach(&run_pva);
	ktap_sub_result(run_error == 0 ? KTAP_PASS : KTAP_FAIL, "xen0",
	    run_error == 0 ? NULL : "attach failed");
	return ktap_sub_end();
}

static const struct ktest attach_plan[] = {
	{ "pvbus_attach", t_attach },
};

/* Identify on sim_host_io; 1 and the attach's error if xen0 matched. */
static bool
attach(int *error)
{
	pvbus_identify(&sim_host_io);
	pvbus_child_args(&run_pva, 0);
	run_pva.pva_name = "xen0";
	if (!xen_driver.pd_match(&run_pva))
		return false;
	fake_cons_reset();
	run_error = -1;
	ktap_begin(attach_plan, (int)nitems(attach_plan));
	ktap_run_all();
	(void)ktap_end();
	*error = run_error;
	return true;
}

static void
test_driver_passes_on_sim_xen(void)
{
	int error;

	setup("xen", 0);
	CHECK(attach(&error));
	CHECK_EQ_INT(error, 0);
	CHECK_CONTAINS(fake_cons_buf, "xen0 at pvbus0: Xen 4.17 at "
	    "0x40000000, hypercall MSR 0x40000000\n");
	CHECK_CONTAINS(fake_cons_buf, "    ok 1 hypercall_leaf\n");
	CHECK_CONTAINS(fake_cons_buf, ": b8 11 00 00 00 cd f0 90 c3: mov "
	    "eax, 17; int 0xf0; nop (the simulator's VM exit); ret\n");
	CHECK_CONTAINS(fake_cons_buf, "    ok 2 hypercall_page\n");
	CHECK_CONTAINS(fake_cons_buf,
	    "xen0: xen_version 4.17, CPUID base+1 4.17\n");
	CHECK_CONTAINS(fake_cons_buf, "    ok 3 xen_version\n");
	CHECK_CONTAINS(fake_cons_buf, "xen0: Xen 4.17.0-sim\n");
	CHECK_CONTAINS(fake_cons_buf, "    ok 4 extraversion\n");
	CHECK_CONTAINS(fake_cons_buf, "xen0: features 0x00012305: "
	    "writable_page_tables auto_translated_physmap hvm_callback_vector "
	    "hvm_safe_pvclock memory_op_vnode_supported not_direct_mapped\n");
	CHECK_CONTAINS(fake_cons_buf, "    ok 5 features\n");
	CHECK_CONTAINS(fake_cons_buf, "pvbus: xen0 version=4.17 "
	    "extraversion=\".0-sim\" features=0x00012305 "
	    "hypercall_msr=0x40000000 page=ok enosys=none\n");
	/* The calls: version, extraversion, features. */
	CHECK_EQ_INT(sim_host_ncalls, 3);
	CHECK_EQ_INT(sim_host_npages_alloc, 1);
	sim_host_pages_release();
}

static void
test_driver_viridian_msr(void)
{
	int error;

	setup("xen+viridian", 0);
	CHECK(attach(&error));
	CHECK_EQ_INT(error, 0);
	CHECK_CONTAINS(fake_cons_buf, "xen0 at pvbus0: Xen 4.17 at "
	    "0x40000100, hypercall MSR 0x40000200\n");
	CHECK_CONTAINS(fake_cons_buf, "hypercall_msr=0x40000200 page=ok enosys=none\n");
	sim_host_pages_release();
}

/* A replay has CPUID only: no WRMSR may be tried on its word. */
static void
test_driver_no_match_on_replay(void)
{
	int error;

	setup("xen", 0);
	sim_host_io.io_caps = 0;	/* a replay: CPUID only */
	CHECK(!attach(&error));
	sim_host_io.io_caps = HVIO_CAP_MSR | HVIO_CAP_HYPERCALL;
	CHECK_EQ_INT(sim_host_npages_alloc, 0);
}

/* Without base+2 in the block there is no hypercall page to ask for. */
static void
test_driver_no_match_without_leaf2(void)
{
	int error;

	setup("xen", 0);
	sim_host_override(0, XEN_PLAIN_BASE, XEN_PLAIN_BASE + 1,
	    sim_host_sig_word("XenVMMXenVMM", 0),
	    sim_host_sig_word("XenVMMXenVMM", 1),
	    sim_host_sig_word("XenVMMXenVMM", 2));
	CHECK(!attach(&error));
}

static void
test_driver_msr_ignored(void)
{
	int error;

	setup("xen", SIM_FAULT_HYPERCALL_MSR_IGNORED);
	CHECK(attach(&error));
	CHECK_EQ_INT(error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "    not ok 2 hypercall_page # Xen did "
	    "not fill the hypercall page: byte 0 is still the poison 0xc3\n");
	CHECK_CONTAINS(fake_cons_buf, "    ok 3 xen_version # SKIP no "
	    "hypercall page (see hypercall_page)\n");
	CHECK_CONTAINS(fake_cons_buf, "page=unfilled enosys=none\n");
	CHECK_EQ_INT(sim_host_ncalls, 0);
	sim_host_pages_release();
}

static void
test_driver_page_not_filled(void)
{
	int error;

	setup("xen", SIM_FAULT_PAGE_NOT_FILLED);
	CHECK(attach(&error));
	CHECK_EQ_INT(error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "cc cc cc cc cc cc cc cc cc: int3, "
	    "Xen's filler, not a stub\n");
	CHECK_CONTAINS(fake_cons_buf, "    not ok 2 hypercall_page # Xen "
	    "changed the hypercall page but did not write its stubs: stub 0 "
	    "does not start with mov eax, 0\n");
	CHECK_CONTAINS(fake_cons_buf, "page=nostubs enosys=none\n");
	CHECK_EQ_INT(sim_host_ncalls, 0);	/* never called into int3 */
	sim_host_pages_release();
}

static void
test_driver_status_error(void)
{
	int error;

	setup("xen", SIM_FAULT_STATUS_ERROR);
	CHECK(attach(&error));
	CHECK_EQ_INT(error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "    not ok 3 xen_version # Xen refused "
	    "xen_version(XENVER_version): -1 (EPERM)\n");
	CHECK_CONTAINS(fake_cons_buf, "    not ok 5 features # Xen refused "
	    "xen_version(XENVER_get_features): -1 (EPERM)\n");
	CHECK_CONTAINS(fake_cons_buf, "pvbus: xen0 version=- extraversion=- "
	    "features=- hypercall_msr=0x40000000 page=ok enosys=none\n");
	sim_host_pages_release();
}

/* The lying hypervisor: CPUID says 4.11, xen_version 4.17. */
static void
test_driver_version_disagrees(void)
{
	int error;

	setup("xen", 0);
	sim_host_override(0, XEN_PLAIN_BASE + 1, 0x0004000b, 0, 0, 0);
	CHECK(attach(&error));
	CHECK_EQ_INT(error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "xen0 at pvbus0: Xen 4.11 at ");
	CHECK_CONTAINS(fake_cons_buf, "    not ok 3 xen_version # Xen "
	    "contradicts itself: xen_version says 4.17, CPUID base+1 says "
	    "4.11\n");
	CHECK_CONTAINS(fake_cons_buf, "    ok 4 extraversion\n");
	sim_host_pages_release();
}

/* OpenBSD refuses a page count other than 1, and so does xen0. */
static void
test_driver_two_pages_refused(void)
{
	int error;

	setup("xen", 0);
	sim_host_override(0, XEN_PLAIN_BASE + 2, 2, 0x40000000, 0, 0);
	CHECK(attach(&error));
	CHECK_EQ_INT(error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "    not ok 1 hypercall_leaf # Xen "
	    "offers 2 hypercall pages at base+2; the interface defines "
	    "exactly 1\n");
	CHECK_CONTAINS(fake_cons_buf, "    ok 2 hypercall_page # SKIP no "
	    "usable hypercall leaf (see hypercall_leaf)\n");
	CHECK_CONTAINS(fake_cons_buf, "page=none enosys=none\n");
	CHECK_EQ_INT(sim_host_npages_alloc, 0);
}

/*
 * Xen beside a Hyper-V interface that kept its MSR at 0x40000000 (the
 * guest OS id there): refused before anything is written.
 */
static void
test_driver_viridian_clash(void)
{
	int error;

	setup("xen+viridian", 0);
	sim_host_override(0, 0x40000000, 0x40000005,
	    sim_host_sig_word("Microsoft Hv", 0),
	    sim_host_sig_word("Microsoft Hv", 1),
	    sim_host_sig_word("Microsoft Hv", 2));
	sim_host_override(1, 0x40000001, 0x31237648, 0, 0, 0);	/* "Hv#1" */
	sim_host_override(2, XEN_VIRIDIAN_BASE + 2, 1, 0x40000000, 0, 0);
	CHECK(attach(&error));
	CHECK_EQ_INT(error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "    not ok 1 hypercall_leaf # Xen "
	    "beside a Hyper-V interface kept its hypercall MSR at 0x40000000, "
	    "in Viridian's range: it should have moved to 0x40000200\n");
	CHECK_EQ_INT(sim_host_npages_alloc, 0);
}

/* A page_alloc() that has nothing left is a failure, not a crash. */
static void
test_driver_no_page(void)
{
	void *hog[SIM_HOST_PAGES_MAX];
	int i, error;

	setup("xen", 0);
	for (i = 0; i < SIM_HOST_PAGES_MAX; i++)
		hog[i] = page_alloc();
	CHECK(attach(&error));
	CHECK_EQ_INT(error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "    not ok 2 hypercall_page # no free "
	    "page for the hypercall page\n");
	CHECK_CONTAINS(fake_cons_buf, "page=nomem enosys=none\n");
	(void)hog;
	sim_host_pages_release();
}

static const struct check_test tests[] = {
	CHECK_TEST(test_cpuid_block_plain),
	CHECK_TEST(test_cpuid_block_viridian),
	CHECK_TEST(test_page_filled_like_xen),
	CHECK_TEST(test_msr_refusals),
	CHECK_TEST(test_viridian_msr_layout),
	CHECK_TEST(test_xen_version_subops),
	CHECK_TEST(test_bad_buffer_efault),
	CHECK_TEST(test_unknown_hypercall_enosys),
	CHECK_TEST(test_exit_only_from_the_page),
	CHECK_TEST(test_direct_vmcall),
	CHECK_TEST(test_fault_msr_ignored),
	CHECK_TEST(test_fault_page_not_filled),
	CHECK_TEST(test_fault_status_error),
	CHECK_TEST(test_fault_garbage_cpuid),
	CHECK_TEST(test_driver_passes_on_sim_xen),
	CHECK_TEST(test_driver_viridian_msr),
	CHECK_TEST(test_driver_no_match_on_replay),
	CHECK_TEST(test_driver_no_match_without_leaf2),
	CHECK_TEST(test_driver_msr_ignored),
	CHECK_TEST(test_driver_page_not_filled),
	CHECK_TEST(test_driver_status_error),
	CHECK_TEST(test_driver_version_disagrees),
	CHECK_TEST(test_driver_two_pages_refused),
	CHECK_TEST(test_driver_viridian_clash),
	CHECK_TEST(test_driver_no_page),
};

int
main(void)
{
	return check_main("test_sim_xen", tests, nitems(tests));
}
