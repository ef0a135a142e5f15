/*
 * Exceptions.  trap_init() installs a GDT with a TSS and an IDT with a
 * gate for each of the 32 exception vectors; trap() is where every one
 * of them lands (via trapasm.asm).
 *
 * An exception is either expected or a crash.  Expected: the faulting
 * instruction has an .extable entry (kernel/x86.h), so trap() records the
 * vector and resumes at the fixup.  A crash: trap() prints the vector,
 * error code, control and general registers, the top of the stack and a
 * frame-pointer backtrace as KTAP diagnostics, each code address with
 * its function from the kernel's symbol table (ksyms.c), and for a #PF
 * the cause and what the faulting address is (pmap.c); it reports the
 * running test "not ok ... # crashed: #GP at <rip>", and exits with
 * KEXIT_CRASH.  It never returns to the code that crashed and never
 * reboots.  The stack protector's UD2 (ssp.c) is always a crash.
 *
 * Source: Intel SDM Vol. 3A chapter 6 (vectors, gates, 64-bit stack
 * frame, IST), 7.7 (64-bit TSS), 3.4.5 (segment descriptors).
 */

#include "kern.h"
#include "ksyms.h"
#include "ktap.h"
#include "pmap.h"
#include "specialreg.h"
#include "ssp.h"
#include "trap.h"
#include "x86.h"

#define GATE_INTR	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define TSS_AVAIL	0x89	/* present, DPL 0, available 64-bit TSS */
#define IST_DF		1	/* #DF runs on its own stack (IST1) */
#define BACKTRACE_MAX	12
#define STACK_WORDS	8

struct tss {
	uint32_t	tss_reserved0;
	uint64_t	tss_rsp[3];
	uint64_t	tss_reserved1;
	uint64_t	tss_ist[7];
	uint64_t	tss_reserved2;
	uint16_t	tss_reserved3;
	uint16_t	tss_iomap;
} __attribute__((packed));

struct gate {
	uint16_t	g_offset_lo;
	uint16_t	g_selector;
	uint8_t		g_ist;
	uint8_t		g_type;
	uint16_t	g_offset_mid;
	uint32_t	g_offset_hi;
	uint32_t	g_reserved;
} __attribute__((packed));

extern const uint64_t trap_stubs[T_NVECTORS];		/* trapasm.asm */
extern const uint8_t trap_stub_simexit[];		/* trapasm.asm */
extern uint8_t	df_stack_top[];	/* boot.asm, above a guard */
extern const struct extable_entry __extable_start[], __extable_end[];

volatile int	trap_fixup_vector = TRAP_NONE;
volatile uint64_t trap_fixup_err;

static uint64_t	gdt[5];		/* null, code, data, TSS (two slots) */
static struct tss tss;
static struct gate idt[256];
static bool	(*trap_simexit)(struct trapframe *);
static int	trap_depth;

/* SDM Vol. 3A Table 6-1. */
static const char *const trap_names[T_NVECTORS][2] = {
	{ "#DE", "divide error" },		{ "#DB", "debug" },
	{ "NMI", "non-maskable interrupt" },	{ "#BP", "breakpoint" },
	{ "#OF", "overflow" },			{ "#BR", "bound range exceeded" },
	{ "#UD", "invalid opcode" },		{ "#NM", "device not available" },
	{ "#DF", "double fault" },	{ "#CSO", "coprocessor segment overrun" },
	{ "#TS", "invalid TSS" },		{ "#NP", "segment not present" },
	{ "#SS", "stack-segment fault" },	{ "#GP", "general protection" },
	{ "#PF", "page fault" },		{ "#15", "reserved" },
	{ "#MF", "x87 floating-point error" },	{ "#AC", "alignment check" },
	{ "#MC", "machine check" },	{ "#XM", "SIMD floating-point" },
	{ "#VE", "virtualization exception" },
	{ "#CP", "control protection" },
	{ "#22", "reserved" }, { "#23", "reserved" }, { "#24", "reserved" },
	{ "#25", "reserved" }, { "#26", "reserved" }, { "#27", "reserved" },
	{ "#HV", "hypervisor injection" },
	{ "#VC", "VMM communication" },		{ "#SX", "security exception" },
	{ "#31", "reserved" },
};

const char *
trap_name(int vector)
{
	if (vector == T_SIMEXIT)
		return "SIMEXIT";
	if (vector == T_SSP)
		return "SSP";
	return vector >= 0 && vector < T_NVECTORS ? trap_names[vector][0] :
	    "#??";
}

const char *
trap_description(int vector)
{
	if (vector == T_SIMEXIT)
		return "a simulated VM exit no simulator claimed";
	if (vector == T_SSP)
		return "stack smashing detected";
	return vector >= 0 && vector < T_NVECTORS ? trap_names[vector][1] :
	    "not an exception vector";
}

static void
gdt_init(void)
{
	uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;
	struct region_descriptor rd;

	gdt[0] = 0;
	gdt[SEL_KCODE >> 3] = 0x00af9a000000ffffULL;	/* 64-bit code */
	gdt[SEL_KDATA >> 3] = 0x00cf92000000ffffULL;	/* flat data */
	gdt[SEL_TSS >> 3] = (limit & 0xffff) | (base & 0xffffff) << 16 |
	    (uint64_t)TSS_AVAIL << 40 | ((limit >> 16) & 0xf) << 48 |
	    ((base >> 24) & 0xff) << 56;
	gdt[(SEL_TSS >> 3) + 1] = base >> 32;

	tss.tss_ist[IST_DF - 1] = (uintptr_t)df_stack_top;
	tss.tss_iomap = sizeof(tss);	/* no I/O permission bitmap */

	rd.rd_limit = sizeof(gdt) - 1;
	rd.rd_base = (uintptr_t)gdt;
	lgdt(&rd);
	reload_segments(SEL_KCODE, SEL_KDATA);
	ltr(SEL_TSS);
}

static void
idt_set(int vector, uint64_t handler, int ist)
{
	struct gate *g = &idt[vector];

	g->g_offset_lo = handler & 0xffff;
	g->g_selector = SEL_KCODE;
	g->g_ist = (uint8_t)ist;
	g->g_type = GATE_INTR;
	g->g_offset_mid = (handler >> 16) & 0xffff;
	g->g_offset_hi = (uint32_t)(handler >> 32);
	g->g_reserved = 0;
}

/*
 * A stack overflow runs into the unmapped guard page; the CPU cannot
 * push the #PF frame there either and raises #DF, which must therefore
 * run on a stack of its own to be reported at all.
 */
void
trap_init(void)
{
	struct region_descriptor rd;
	int v;

	gdt_init();
	for (v = 0; v < T_NVECTORS; v++)
		idt_set(v, trap_stubs[v], v == T_DF ? IST_DF : 0);
	idt_set(T_SIMEXIT, (uintptr_t)trap_stub_simexit, 0);
	rd.rd_limit = sizeof(idt) - 1;
	rd.rd_base = (uintptr_t)idt;
	lidt(&rd);
}

/* A vector other than T_SIMEXIT with no gate is a #GP, not a call here. */
void
trap_set_simexit(bool (*handler)(struct trapframe *))
{
	trap_simexit = handler;
}

static const struct extable_entry *
extable_find(uint64_t rip)
{
	const struct extable_entry *ex;

	for (ex = __extable_start; ex < __extable_end; ex++)
		if (ex->ex_insn == rip)
			return ex;
	return NULL;
}

/*
 * The #PF error code in words (SDM Vol. 3A 4.7): what the access was and
 * why the page refused it.  In ring 0, with no user pages, a present
 * page refuses a fetch only for NX and a write only for being
 * read-only.
 */
static const char *
pf_cause(uint64_t e)
{
	if (e & PGEX_RSVD)
		return "a reserved bit is set in a paging entry";
	if ((e & PGEX_P) == 0)
		return e & PGEX_I ?
		    "instruction fetch from a not-present page" :
		    e & PGEX_W ? "write to a not-present page" :
		    "read from a not-present page";
	return e & PGEX_I ? "instruction fetch from a non-executable page" :
	    e & PGEX_W ? "write to a read-only page" :
	    "read refused on a present page";
}

/* CR2, and what lies there; for a guard page, which stack overflowed. */
static void
print_cr2(void)
{
	uint64_t cr2 = rcr2();
	const char *stack;
	char where[160];

	pmap_describe(cr2, where, sizeof(where));
	printf("# cr2 0x%016lx: %s\n", cr2, where);
	if ((stack = pmap_guard(cr2)) != NULL)
		printf("# the %s overflowed into its guard page\n", stack);
}

/*
 * A canary check failed: the return address of its call to
 * __stack_chk_fail() is in the function whose frame was overwritten.
 * One byte back is still in that function even when the call is its
 * last instruction.
 */
static void
print_ssp_detail(const char *fn)
{
	char sym[80];

	printf("# stack protector: the canary of %s was overwritten, "
	    "checked at 0x%lx%s\n", fn != NULL ? fn : "a function the "
	    "symbol table does not know", (unsigned long)ssp_smashed_at,
	    ksym_format_ret(ssp_smashed_at, sym, sizeof(sym)));
}

/*
 * The function ret returns into, without GCC's suffixes for its clones
 * and split-off parts (smash_victim.isra.0, hyperv_attach.cold), into
 * buf; NULL if the symbol table does not know it.
 */
static const char *
ret_function(uintptr_t ret, char *buf, size_t len)
{
	const char *name;
	uintptr_t off;
	size_t n;

	if ((name = ksym_lookup(ret - 1, &off)) == NULL)
		return NULL;
	for (n = 0; name[n] != '\0' && name[n] != '.'; n++)
		;
	snprintf(buf, len, "%.*s", (int)n, name);
	return buf;
}

/*
 * " <function+0xoff>" for a code address, or " <Xen hypercall page+0x25>"
 * for one in a page the kernel made executable for a hypervisor.
 */
static char *
code_name(uintptr_t addr, char *buf, size_t len)
{
	const char *page;
	uintptr_t off;

	if (*ksym_format(addr, buf, len) == '\0' &&
	    (page = pmap_exec_name(addr, &off)) != NULL)
		snprintf(buf, len, " <%s+0x%lx>", page, (unsigned long)off);
	return buf;
}

static void
print_registers(const struct trapframe *tf)
{
	char sym[80];

	printf("# rip 0x%016lx%s cs 0x%02lx rflags 0x%08lx\n", tf->tf_rip,
	    code_name(tf->tf_rip, sym, sizeof(sym)), tf->tf_cs,
	    tf->tf_rflags);
	printf("# rsp 0x%016lx ss 0x%02lx\n", tf->tf_rsp, tf->tf_ss);
	printf("# cr0 0x%08lx cr2 0x%016lx cr3 0x%08lx cr4 0x%08lx\n",
	    rcr0(), rcr2(), rcr3(), rcr4());
	printf("# rax 0x%016lx rbx 0x%016lx rcx 0x%016lx\n",
	    tf->tf_rax, tf->tf_rbx, tf->tf_rcx);
	printf("# rdx 0x%016lx rsi 0x%016lx rdi 0x%016lx\n",
	    tf->tf_rdx, tf->tf_rsi, tf->tf_rdi);
	printf("# rbp 0x%016lx r8  0x%016lx r9  0x%016lx\n",
	    tf->tf_rbp, tf->tf_r8, tf->tf_r9);
	printf("# r10 0x%016lx r11 0x%016lx r12 0x%016lx\n",
	    tf->tf_r10, tf->tf_r11, tf->tf_r12);
	printf("# r13 0x%016lx r14 0x%016lx r15 0x%016lx\n",
	    tf->tf_r13, tf->tf_r14, tf->tf_r15);
}

/*
 * The top of the interrupted stack and the chain of saved frame
 * pointers (the kernel is built with -fno-omit-frame-pointer).  Every
 * read goes through load_safe(): the stack pointer of a crashed kernel
 * is not to be trusted.
 */
static void
print_stack(const struct trapframe *tf)
{
	uint64_t w[2], fp = tf->tf_rbp;
	char sym[80];
	int i;

	printf("# stack at 0x%016lx:", tf->tf_rsp);
	for (i = 0; i < STACK_WORDS; i++) {
		if (load_safe(tf->tf_rsp + 8 * i, &w[0]) != TRAP_NONE) {
			printf(" (unreadable)");
			break;
		}
		printf(" 0x%lx", w[0]);
	}
	printf("\n# backtrace: 0x%lx%s\n", tf->tf_rip,
	    code_name(tf->tf_rip, sym, sizeof(sym)));
	/*
	 * A fetch that faults at a CALL's target has no frame of its own
	 * yet: the caller is the return address on top of the stack.
	 */
	if (tf->tf_vector == T_PF && (tf->tf_err & PGEX_I) != 0 &&
	    load_safe(tf->tf_rsp, &w[0]) == TRAP_NONE)
		printf("#   from 0x%lx%s (the return address at rsp)\n",
		    w[0], ksym_format_ret(w[0], sym, sizeof(sym)));
	for (i = 0; i < BACKTRACE_MAX && fp != 0 && (fp & 7) == 0; i++) {
		if (load_safe(fp, &w[0]) != TRAP_NONE ||
		    load_safe(fp + 8, &w[1]) != TRAP_NONE)
			break;
		printf("#   from 0x%lx%s\n", w[1],
		    ksym_format_ret(w[1], sym, sizeof(sym)));
		if (w[0] <= fp)		/* the chain must climb the stack */
			break;
		fp = w[0];
	}
}

static void __noreturn
trap_crash(const struct trapframe *tf)
{
	int v = (int)tf->tf_vector;
	const char *test = ktap_running(), *fn = NULL;
	char what[112], fnbuf[64];

	printf("# CRASH %s (%s), error 0x%lx, in %s\n", trap_name(v),
	    trap_description(v), tf->tf_err, test != NULL ? test : "no test");
	if (v == T_PF)
		printf("# page fault: %s\n", pf_cause(tf->tf_err));
	if (v == T_DF)
		printf("# double fault: most likely a #PF whose frame the CPU "
		    "could not push; cr2 is that #PF's address\n");
	if (v == T_PF || v == T_DF)
		print_cr2();
	if (v == T_SSP)
		print_ssp_detail(fn = ret_function(ssp_smashed_at, fnbuf,
		    sizeof(fnbuf)));
	print_registers(tf);
	print_stack(tf);
	if (v == T_SSP && fn != NULL)
		snprintf(what, sizeof(what), "SSP in %s at 0x%lx", fn,
		    (unsigned long)ssp_smashed_at);
	else if (v == T_SSP)
		snprintf(what, sizeof(what), "SSP at 0x%lx",
		    (unsigned long)ssp_smashed_at);
	else
		snprintf(what, sizeof(what), "%s at 0x%lx", trap_name(v),
		    tf->tf_rip);
	ktap_crash(what);
	kexit(KEXIT_CRASH);
}

/*
 * A #PF for a fetch, just after a CALL whose return address has an
 * .extable entry: call_safe() (kernel/x86.h) called a page it may not
 * execute.  Pop the return address, as the RET there would have.
 */
static const struct extable_entry *
extable_find_call(struct trapframe *tf)
{
	const struct extable_entry *ex;
	uint64_t ret;

	if (tf->tf_vector != T_PF || (tf->tf_err & PGEX_I) == 0 ||
	    load_safe(tf->tf_rsp, &ret) != TRAP_NONE ||
	    (ex = extable_find(ret)) == NULL)
		return NULL;
	tf->tf_rsp += 8;
	return ex;
}

void
trap(struct trapframe *tf)
{
	const struct extable_entry *ex;

	if (tf->tf_vector == T_SIMEXIT && trap_simexit != NULL &&
	    trap_simexit(tf))
		return;
	if (tf->tf_vector == T_UD && ssp_smashed_at != 0)
		tf->tf_vector = T_SSP;	/* __stack_chk_fail()'s UD2 */
	if (tf->tf_vector != T_SSP &&
	    ((ex = extable_find(tf->tf_rip)) != NULL ||
	    (ex = extable_find_call(tf)) != NULL)) {
		trap_fixup_vector = (int)tf->tf_vector;
		trap_fixup_err = tf->tf_err;
		tf->tf_rip = ex->ex_resume;
		return;
	}
	if (trap_depth++ > 0) {
		/* The report itself crashed: say the least and stop. */
		printf("\n# CRASH %s at 0x%lx while reporting a crash\n",
		    trap_name((int)tf->tf_vector), tf->tf_rip);
		kexit(KEXIT_CRASH);
	}
	trap_crash(tf);
}
