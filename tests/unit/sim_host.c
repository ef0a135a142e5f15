/*
 * The kernel services of sim_host.h, on the host: heap pages, a TSC the
 * test controls (for the guest's RDTSC too), a CPU for the stubs of a
 * simulated hypercall page, and the hvio backend on the model.
 */

#define _GNU_SOURCE		/* REG_RIP and friends in <ucontext.h> */
#include <signal.h>
#include <sys/prctl.h>
#include <ucontext.h>

#include "check.h"
#include "kern.h"
#include "bootinfo.h"
#include "pmem.h"
#include "simvar.h"
#include "xenreg.h"
#include "sim_host.h"

int		sim_host_npages_alloc;
uint64_t	sim_host_tsc_offset;
uint64_t	sim_host_tsc_now;
uint64_t	sim_host_tsc_step;
enum sim_host_stub sim_host_stub;
int		sim_host_ncalls;
int		sim_host_nmsr;
long		sim_host_nrdtsc;

static void	*pages[SIM_HOST_PAGES_MAX];
static bool	 pages_exec[SIM_HOST_PAGES_MAX];	/* page_exec()'d */

/* A leaf the test rewrites after the model answered (0: none). */
static uint32_t	over_leaf[SIM_HOST_OVERRIDES_MAX];
static struct cpuid_regs over_regs[SIM_HOST_OVERRIDES_MAX];

void *
page_alloc(void)
{
	void *p;
	int i;

	for (i = 0; i < SIM_HOST_PAGES_MAX && pages[i] != NULL; i++)
		;
	if (i == SIM_HOST_PAGES_MAX ||
	    (p = aligned_alloc(PAGE_SIZE, PAGE_SIZE)) == NULL)
		return NULL;
	memset(p, 0, PAGE_SIZE);
	pages[i] = p;
	sim_host_npages_alloc++;
	return p;
}

void
page_free(void *page)
{
	int i;

	for (i = 0; i < SIM_HOST_PAGES_MAX; i++)
		if (pages[i] == page) {
			free(page);
			pages[i] = NULL;
			pages_exec[i] = false;
			return;
		}
	CHECK(!"page_free of a page page_alloc did not give");
}

/* The kernel's rule: only a page page_alloc() gave may be executed. */
int
page_exec(void *page, const char *what)
{
	int i;

	CHECK(what != NULL);
	for (i = 0; i < SIM_HOST_PAGES_MAX; i++)
		if (pages[i] == page) {
			pages_exec[i] = true;
			return 0;
		}
	CHECK(!"page_exec of a page page_alloc did not give");
	return EINVAL;
}

/* The host's map: every page page_alloc() gave, and nothing else. */
bool
page_mapped(uint64_t pa)
{
	int i;

	for (i = 0; i < SIM_HOST_PAGES_MAX; i++)
		if (pages[i] != NULL && pa - (uintptr_t)pages[i] < PAGE_SIZE)
			return true;
	return false;
}

static bool
page_is_exec(uintptr_t addr)
{
	int i;

	for (i = 0; i < SIM_HOST_PAGES_MAX; i++)
		if (pages[i] != NULL && pages_exec[i] &&
		    addr - (uintptr_t)pages[i] < PAGE_SIZE)
			return true;
	return false;
}

int
sim_host_pages_held(void)
{
	int i, n = 0;

	for (i = 0; i < SIM_HOST_PAGES_MAX; i++)
		n += pages[i] != NULL;
	return n;
}

/* Between tests: what the kernel keeps for ever, the test gives back. */
int
sim_host_pages_release(void)
{
	int i, n = sim_host_pages_held();

	for (i = 0; i < SIM_HOST_PAGES_MAX; i++) {
		free(pages[i]);
		pages[i] = NULL;
		pages_exec[i] = false;
	}
	sim_host_npages_alloc = 0;
	return n;
}

uint64_t
sim_rdtsc(void)
{
	return sim_host_tsc_now += sim_host_tsc_step;
}

/*
 * The guest's RDTSC.  The drivers execute the instruction itself
 * (kernel/x86.h), so it is trapped: Linux's prctl(PR_SET_TSC,
 * PR_TSC_SIGSEGV) sets CR4.TSD while this process runs, RDTSC at CPL 3
 * then raises #GP (Intel SDM vol. 2B, RDTSC), which the kernel delivers
 * as SIGSEGV with si_code SI_KERNEL.  The handler answers EDX:EAX from
 * the test's TSC and steps over the two bytes 0F 31, as a hypervisor
 * with RDTSC exiting does.  Any other SIGSEGV goes back to the handler
 * that was there before (the sanitizer's), which sees it happen again.
 */
static struct sigaction rdtsc_old;

static void
rdtsc_trap(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	greg_t *r = uc->uc_mcontext.gregs;
	const uint8_t *ip = (const uint8_t *)r[REG_RIP];
	uint64_t tsc;

	if (sig != SIGSEGV || si->si_code != SI_KERNEL || ip[0] != 0x0f ||
	    ip[1] != 0x31) {
		sigaction(SIGSEGV, &rdtsc_old, NULL);
		return;
	}
	tsc = sim_rdtsc() + sim_host_tsc_offset;
	r[REG_RAX] = (uint32_t)tsc;
	r[REG_RDX] = tsc >> 32;
	r[REG_RIP] += 2;
	sim_host_nrdtsc++;
}

bool
sim_host_trap_rdtsc(bool on)
{
	struct sigaction sa;

	if (!on) {
		if (prctl(PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0) != 0)
			return false;
		return sigaction(SIGSEGV, &rdtsc_old, NULL) == 0;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = rdtsc_trap;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &rdtsc_old) != 0)
		return false;
	if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) != 0) {
		printf("# sim_host: prctl(PR_SET_TSC, PR_TSC_SIGSEGV) failed: "
		    "the guest's RDTSC cannot be given the test's TSC\n");
		sigaction(SIGSEGV, &rdtsc_old, NULL);
		return false;
	}
	sim_host_nrdtsc = 0;
	return true;
}

/* The host's NVRAM, which survives a guest reset (CMOS in the kernel). */
static uint8_t sim_host_nvram[SIM_NVRAM_SIZE];

uint8_t
sim_nvram_read(int i)
{
	return sim_host_nvram[i];
}

void
sim_nvram_write(int i, uint8_t v)
{
	sim_host_nvram[i] = v;
}

/*
 * Run the stub at entry as the CPU would, checking it has the layout
 * sim_host_stub names; after a failed check the call does nothing more.
 */
void
hvio_call_page(struct vm_regs *r, uintptr_t entry)
{
	const uint8_t *p = (const uint8_t *)entry;

	sim_host_ncalls++;
	/* In the kernel a page not given to page_exec() is NX: a #PF. */
	if (!CHECK(page_is_exec(entry)))
		return;
	if (sim_host_stub == SIM_HOST_STUB_XEN) {
		if (!CHECK(p[0] == XEN_STUB_MOV_EAX))
			return;
		r->vr_rax = (uint32_t)p[1] | (uint32_t)p[2] << 8 |
		    (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
		p += XEN_STUB_MOV_LEN;
	} else if (p[0] == 0x0d) {
		/* OR EAX, imm32 (Xen's Viridian): RAX zero-extended. */
		r->vr_rax = (uint32_t)r->vr_rax | ((uint32_t)p[1] |
		    (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 |
		    (uint32_t)p[4] << 24);
		p += 5;
	}
	if (!CHECK(p[0] == 0xcd && p[1] == 0xf0))	/* INT 0xF0 */
		return;
	CHECK_EQ_INT(sim_exit(r, (uintptr_t)p), 0);
	p += SIM_EXIT_LEN;
	if (sim_host_stub == SIM_HOST_STUB_XEN && *p == 0x90)
		p++;		/* NOP: the INT is 2 bytes, VMCALL 3 */
	CHECK_EQ_HEX(*p, 0xc3);		/* RET */
}

static void
host_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	if (!sim_cpuid(leaf, subleaf, out) && leaf == 1)
		out->ecx = 1U << 31;		/* the hypervisor bit */
	for (i = 0; i < SIM_HOST_OVERRIDES_MAX; i++)
		if (over_leaf[i] != 0 && over_leaf[i] == leaf)
			*out = over_regs[i];
}

static int
host_rdmsr(uint32_t msr, uint64_t *val)
{
	sim_host_nmsr++;
	return sim_rdmsr(msr, val);
}

static int
host_wrmsr(uint32_t msr, uint64_t val)
{
	sim_host_nmsr++;
	return sim_wrmsr(msr, val);
}

/*
 * The kernel's boot information, which no loader fills here: a test
 * writes the memory map and the modules the VMware model reads.
 */
struct bootinfo bootinfo;

struct hvio sim_host_io = {
	.io_name = "sim:test",
	.io_detail = "",
	.io_caps = HVIO_CAP_MSR | HVIO_CAP_HYPERCALL,
	.io_exit = &sim_exit_insn,
	.io_cpuid = host_cpuid,
	.io_rdmsr = host_rdmsr,
	.io_wrmsr = host_wrmsr,
	.io_backdoor = hvio_no_backdoor,
	.io_backdoor_hb = hvio_no_backdoor_hb,
	.io_hypercall = sim_hypercall,
};

void
sim_host_override(int i, uint32_t leaf, uint32_t eax, uint32_t ebx,
    uint32_t ecx, uint32_t edx)
{
	over_leaf[i] = leaf;
	over_regs[i].eax = eax;
	over_regs[i].ebx = ebx;
	over_regs[i].ecx = ecx;
	over_regs[i].edx = edx;
}

void
sim_host_reset(enum sim_host_stub stub)
{
	memset(over_leaf, 0, sizeof(over_leaf));
	sim_host_io.io_caps = HVIO_CAP_MSR | HVIO_CAP_HYPERCALL;
	sim_host_stub = stub;
	sim_host_ncalls = sim_host_nmsr = 0;
}

void
sim_host_start_model(const char *model, uint32_t faults,
    enum sim_host_stub stub, uint64_t tsc_hz)
{
	char err[200];

	sim_host_reset(stub);
	sim_host_tsc_now = 5000000;
	sim_host_tsc_step = 0;
	sim_host_tsc_offset = 0;
	CHECK_EQ_INT(sim_setup_model(model, faults, err, sizeof(err)), 0);
	sim.sm_tsc_hz = tsc_hz;
}

uint64_t
sim_host_rdmsr(uint32_t msr)
{
	uint64_t v = 0xdeadbeef;

	CHECK_EQ_INT(sim_rdmsr(msr, &v), 0);
	return v;
}

uint8_t *
sim_host_poisoned_page(uint8_t poison)
{
	uint8_t *p = page_alloc();

	if (p != NULL)
		memset(p, poison, PAGE_SIZE);
	return p;
}

uint32_t
sim_host_sig_word(const char *sig, int i)
{
	const unsigned char *b = (const unsigned char *)sig + 4 * i;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}
