/*
 * The kernel's first KTAP tests are about itself: was the boot
 * information well-formed, is the memory map believable, can an
 * exception be caught and survived, do the page rights hold (whether
 * the command line was understood is selftest_cmdline.c's).  The last
 * test, deliberate_fault, crashes on purpose when the command line asks
 * (fault=ud|gp|pf|de|...), so a harness can prove that a crash is
 * reported with registers and the test's name and never turns into a
 * silent reboot or a hang.
 */

#include "kern.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "ktap.h"
#include "memmap.h"
#include "multiboot2.h"
#include "pmap.h"
#include "pmem.h"
#include "selftest.h"
#include "specialreg.h"
#include "ssp.h"
#include "trap.h"
#include "x86.h"

extern char __kernel_start[], __kernel_end[];	/* linker.ld */

/* Reading this address raises #GP: bits 63:47 are not all equal. */
#define NONCANONICAL_ADDR	0x8000000000000000ULL

#define INSN_RET		0xc3

/*
 * One RET in .data, for the checks that data is not executable: if it
 * ran, it would only return.  Not const, or it would be in .rodata.
 */
static uint8_t	data_ret[16] = { INSN_RET };

_Static_assert(BI_CMDLINE_MAX == CMDLINE_MAX, "one command-line limit");

int
selftest_bootinfo(void)
{
	const struct bootinfo *bi = &bootinfo;
	int i;

	if (bi->bi_error[0] != '\0') {
		ktap_diag("%s", bi->bi_error);
		return ktap_fail("%s", bi->bi_error);
	}
	ktap_diag("%s boot information, %u tags, loader \"%pE\"", bi->bi_path,
	    bi->bi_ntags, bi->bi_loader);
	for (i = 0; i < bi->bi_nmodules; i++)
		ktap_diag("module %d: 0x%lx-0x%lx \"%pE\"", i,
		    bi->bi_modules[i].mod_start, bi->bi_modules[i].mod_end,
		    bi->bi_modules[i].mod_string);
	if (bi->bi_rsdp_len != 0)
		ktap_diag("ACPI RSDP revision %u, OEM \"%*pE\"",
		    bi->bi_rsdp[15], 6, (const char *)bi->bi_rsdp + 9);
	if (bi->bi_has_fb)
		ktap_diag("framebuffer: %s %ux%u at 0x%lx",
		    bi->bi_fb.fb_type == MB2_FB_TYPE_EGA_TEXT ? "EGA text" :
		    bi->bi_fb.fb_type == MB2_FB_TYPE_RGB ? "RGB" : "indexed",
		    bi->bi_fb.fb_width, bi->bi_fb.fb_height, bi->bi_fb.fb_addr);
	if (bi->bi_efi_systab != 0)
		ktap_diag("EFI system table at 0x%lx", bi->bi_efi_systab);
	if (bi->bi_warning[0] != '\0')
		ktap_diag("warning: %s", bi->bi_warning);
	if (!bi->bi_has_cmdline)
		return ktap_fail("no command line tag");
	return KTAP_PASS;
}

/* One "# mem" line; an empty entry has no last byte to show. */
static void
memmap_diag(const struct bi_mmap *m)
{
	const char *type;
	char typebuf[16];

	if ((type = memmap_type_name(m->mm_type)) == NULL) {
		snprintf(typebuf, sizeof(typebuf), "type %u", m->mm_type);
		type = typebuf;
	}
	if (m->mm_length == 0)
		ktap_diag("mem 0x%016lx empty, %s: ignored", m->mm_base, type);
	else
		ktap_diag("mem 0x%016lx-0x%016lx %s", m->mm_base,
		    m->mm_base + m->mm_length - 1, type);
}

int
selftest_memmap(void)
{
	const struct bootinfo *bi = &bootinfo;
	struct memmap_summary ms;
	char err[BI_MSG_MAX];
	int i;

	if (bi->bi_error[0] != '\0')
		return ktap_fail("no memory map: the boot information was "
		    "rejected (boot_info_parsed)");
	for (i = 0; i < bi->bi_nmmap; i++)
		memmap_diag(&bi->bi_mmap[i]);
	if (memmap_check(bi, (uintptr_t)__kernel_start,
	    (uintptr_t)__kernel_end, &ms, err, sizeof(err)) != 0)
		return ktap_fail("%s", err);
	if (ms.ms_nempty > 0)
		ktap_diag("%d empty entr%s ignored, as Linux's "
		    "e820__update_table() ignores them", ms.ms_nempty,
		    ms.ms_nempty == 1 ? "y" : "ies");
	ktap_diag("%lu KiB available in %d of %d regions; kernel 0x%lx-0x%lx",
	    ms.ms_avail_bytes / 1024, ms.ms_navail, ms.ms_nregions,
	    (uintptr_t)__kernel_start, (uintptr_t)__kernel_end);
	/* The map is believable: hand it to the page allocator. */
	if (pmem_init(bi, (uintptr_t)__kernel_start, (uintptr_t)__kernel_end,
	    err, sizeof(err)) != 0)
		return ktap_fail("%s", err);
	ktap_diag("pmem: %lu pages free in %d ranges", pmem_nfree(),
	    pmem_nranges());
	return KTAP_PASS;
}

/* One expected fault: the vector that must be caught, and a name. */
static bool
expect_caught(int got, int want, const char *how)
{
	if (got == want && want == TRAP_NONE) {
		ktap_diag("%s: no exception, as it should be", how);
		return true;
	}
	if (got == want) {
		ktap_diag("%s: %s caught, resumed", how, trap_name(want));
		return true;
	}
	ktap_diag("%s: wanted %s, got %s", how,
	    want == TRAP_NONE ? "no exception" : trap_name(want),
	    got == TRAP_NONE ? "no exception" : trap_name(got));
	return false;
}

/*
 * A #PF caught through a fixup, with the error code bits it must carry:
 * a present page that refused (PGEX_P) this kind of access.
 */
static bool
expect_pf(int got, uint64_t bits, const char *how)
{
	if (!expect_caught(got, T_PF, how))
		return false;
	if ((trap_fixup_err & (PGEX_P | bits)) == (PGEX_P | bits))
		return true;
	ktap_diag("%s: #PF error 0x%lx, wanted bits 0x%lx: not a page that "
	    "refused the access", how, (unsigned long)trap_fixup_err,
	    (unsigned long)(PGEX_P | bits));
	return false;
}

/*
 * A heap page at or above min, or NULL.  The pages below it are chained
 * through their first word while we look, then given back.
 */
static void *
page_alloc_above(uintptr_t min)
{
	void *p, *below = NULL, *next;

	while ((p = page_alloc()) != NULL && (uintptr_t)p < min) {
		*(void **)p = below;
		below = p;
	}
	for (; below != NULL; below = next) {
		next = *(void **)below;
		page_free(below);
	}
	return p;
}

/*
 * page_exec(), the way the hypercall pages use it, on a page above
 * 2 MiB, where boot.asm mapped 2 MiB pages, so that pmap.c must split
 * one first: the page runs its RET and refuses a write; once freed it
 * refuses a fetch again.
 */
static bool
selftest_page_exec(void)
{
	uint8_t *p;
	int error;
	bool ok = true;

	if ((p = page_alloc_above(0x200000)) == NULL) {
		ktap_diag("page_exec not checked: no heap page above 2 MiB");
		return true;
	}
	p[0] = INSN_RET;
	if ((error = page_exec(p, "test page")) != 0) {
		ktap_diag("page_exec(0x%lx) failed: error %d",
		    (unsigned long)(uintptr_t)p, error);
		page_free(p);
		return false;
	}
	ok &= expect_caught(call_safe((uintptr_t)p), TRAP_NONE,
	    "call into a page given to page_exec");
	ok &= expect_pf(store_safe((uintptr_t)p, INSN_RET), PGEX_W,
	    "write to a page given to page_exec");
	page_free(p);
	ok &= expect_pf(call_safe((uintptr_t)p), PGEX_I,
	    "call into that page once freed");
	return ok;
}

/*
 * W^X, on every boot: a call into .data, the stack and a heap page must
 * fault as an instruction fetch (where the CPU has NX), and a write to
 * the kernel's code and read-only data as a write to a read-only page.
 * Each write stores the bytes that are already there, so a page that
 * wrongly took it is left as it was.
 */
static bool
selftest_wx(void)
{
	static const uint64_t rodata_word = 0x726f64617461ULL;
	uint8_t stack_ret[16] = { INSN_RET };
	uintptr_t text = (uintptr_t)selftest_exceptions;
	uint8_t *heap;
	bool ok = true;

	ok &= expect_pf(store_safe(text, load(text)), PGEX_W,
	    "write to the kernel's code");
	ok &= expect_pf(store_safe((uintptr_t)&rodata_word, rodata_word),
	    PGEX_W, "write to the kernel's read-only data");
	if (!pmap_has_nx()) {
		ktap_diag("NX not available (CPUID 0x80000001 EDX[20] = 0): "
		    "data, stacks and heap can be executed on this CPU");
		return ok;
	}
	ok &= expect_pf(call_safe((uintptr_t)data_ret), PGEX_I,
	    "call into .data");
	ok &= expect_pf(call_safe((uintptr_t)stack_ret), PGEX_I,
	    "call into the stack");
	if ((heap = page_alloc()) == NULL) {
		ktap_diag("no heap page to check (pmem has none)");
		return ok;
	}
	heap[0] = INSN_RET;
	ok &= expect_pf(call_safe((uintptr_t)heap), PGEX_I,
	    "call into a heap page");
	page_free(heap);
	return ok & selftest_page_exec();
}

int
selftest_exceptions(void)
{
	uint64_t v;
	bool ok = true;

	ok &= expect_caught(ud2_safe(), T_UD, "ud2");
	ok &= expect_caught(load_safe(NONCANONICAL_ADDR, &v), T_GP,
	    "load from a non-canonical address");
	ok &= expect_caught(load_safe(0, &v), T_PF, "load from page 0");
	if (!selftest_wx())
		return ktap_fail("a page allowed what its rights forbid");
	ktap_diag("W^X %s: code r-x, read-only data r--, data, stacks and "
	    "heap rw%s", pmap_has_nx() ? "in force" : "not in force (no NX)",
	    pmap_has_nx() ? "-" : "x");
	ktap_diag("stack canary from %s", ssp_source());
	return ok ? KTAP_PASS : ktap_fail("an exception was not caught");
}

/*
 * What fault= may ask for.  The first four are the CPU exceptions a
 * crash report must name.  The next four break the kernel's protections
 * and must be caught by them: a call into a data page (NX), a write into
 * the kernel's code (read-only), a stack overflow (the guard page: a #PF
 * the CPU cannot deliver on the same stack becomes a #DF, taken on its
 * own IST stack) and a local buffer overrun (the stack protector).  The
 * last two prove that the harness tells apart the other ways a boot can
 * go wrong: a hang (only the host's timeout ends it) and a triple fault
 * (QEMU resets, or exits 0 under -no-reboot, with no report).
 */
enum fault_kind { FAULT_UD, FAULT_GP, FAULT_PF, FAULT_DE, FAULT_EXEC_DATA,
    FAULT_WRITE_CODE, FAULT_STACK, FAULT_STACK_SMASH, FAULT_HANG,
    FAULT_TRIPLE };

static const struct {
	const char	*f_name;
	enum fault_kind	 f_kind;
	const char	*f_what;
} faults[] = {
	{ "ud",		FAULT_UD,	"#UD (UD2)" },
	{ "gp",		FAULT_GP,	"#GP (load from a non-canonical address)" },
	{ "pf",		FAULT_PF,	"#PF (load from page 0)" },
	{ "de",		FAULT_DE,	"#DE (DIV by zero)" },
	{ "exec-data",	FAULT_EXEC_DATA, "#PF (call into a data page)" },
	{ "write-code",	FAULT_WRITE_CODE,
	    "#PF (write into the kernel's code)" },
	{ "stack",	FAULT_STACK,	"#DF (unbounded recursion into the guard page)" },
	{ "stack-smash", FAULT_STACK_SMASH, "SSP (a local buffer overrun "
	    "in smash_victim)" },
	{ "hang",	FAULT_HANG,	"a hang (spin with interrupts off)" },
	{ "triple",	FAULT_TRIPLE,	"a triple fault (#UD with an empty IDT)" },
};

/*
 * Each call takes over 512 bytes of stack, so the 16 KiB boot stack runs
 * out long before the (volatile, so unknowable to the compiler) limit.
 */
static volatile int recurse_limit = 1 << 30;

static int __attribute__((noinline))
recurse(int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	if (depth < recurse_limit)
		return recurse(depth + 1) + frame[0];
	return frame[0];
}

/*
 * Writes smash_len bytes into a 16-byte buffer: past its end lie the
 * canary, the saved frame pointer and the return address.  The length
 * is volatile, so the compiler cannot see the overrun coming and must
 * leave it to the canary check on the way out.
 */
static volatile size_t smash_len = 64;

static int __attribute__((noinline))
smash_victim(void)
{
	volatile char buf[16];
	size_t i;

	for (i = 0; i < smash_len; i++)
		buf[i] = 'A';
	return buf[0];
}

static void
raise_fault(enum fault_kind kind)
{
	static const struct region_descriptor empty_idt = { 0, 0 };
	volatile uint32_t zero = 0;
	uintptr_t text = (uintptr_t)raise_fault;

	switch (kind) {
	case FAULT_UD:
		ud2();
		break;
	case FAULT_GP:
		(void)load(NONCANONICAL_ADDR);
		break;
	case FAULT_PF:
		(void)load(0);
		break;
	case FAULT_DE:
		(void)divl(1, zero);
		break;
	case FAULT_EXEC_DATA:
		((void (*)(void))(uintptr_t)data_ret)();
		break;
	case FAULT_WRITE_CODE:
		store(text, load(text));	/* the same bytes, if it works */
		break;
	case FAULT_STACK:
		(void)recurse(0);
		break;
	case FAULT_STACK_SMASH:
		(void)smash_victim();
		break;
	case FAULT_HANG:
		for (;;)
			pause();
	case FAULT_TRIPLE:
		lidt(&empty_idt);
		ud2();
		break;
	}
}

/* fault=VALUE's entry in faults[], or -1. */
static int
fault_find(const char *value)
{
	size_t i;

	for (i = 0; i < nitems(faults); i++)
		if (strcmp(value, faults[i].f_name) == 0)
			return (int)i;
	return -1;
}

/* cmdline_parsed's check of fault=: one of faults[], named from it. */
int
selftest_check_fault(const char *value, const struct cmdline *cl __unused,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	size_t i, n;

	if (fault_find(value) >= 0)
		return 0;
	n = (size_t)snprintf(err, errlen, "fault=%pE: want ", value);
	for (i = 0; i < nitems(faults) && n < errlen; i++)
		n += (size_t)snprintf(err + n, errlen - n, "%s%s", i == 0 ?
		    "" : i + 1 == nitems(faults) ? " or " : ", ",
		    faults[i].f_name);
	return EINVAL;
}

/*
 * fault=: go wrong on purpose, outside any fixup.  trap() reports an
 * exception and exits; returning from here is the failure.
 */
int
selftest_fault(void)
{
	const char *f = cmdline_get(&cmdline, "fault");
	char err[CMDLINE_MSG_MAX];
	int i;

	if (f == NULL)
		return ktap_skip("no fault= on the command line");
	if ((i = fault_find(f)) < 0) {	/* cmdline_parsed said so first */
		(void)selftest_check_fault(f, &cmdline, &bootinfo, err,
		    sizeof(err));
		return ktap_fail("%s", err);
	}
	if (faults[i].f_kind == FAULT_EXEC_DATA && !pmap_has_nx())
		return ktap_skip("fault=exec-data: NX not available on this "
		    "CPU, so data can be executed");
	ktap_diag("raising %s on purpose (fault=%pE)", faults[i].f_what, f);
	raise_fault(faults[i].f_kind);
	return ktap_fail("fault=%pE did not happen", f);
}
