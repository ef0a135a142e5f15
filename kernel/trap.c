/*
 * Exceptions.  trap_init() installs a GDT with a TSS and an IDT with a
 * gate for each of the 32 exception vectors; trap() is where every one
 * of them lands (via trapasm.asm).
 *
 * An exception is either expected or a crash.  Expected: the faulting
 * instruction has an .extable entry (kernel/x86.h), so trap() records the
 * vector and resumes at the fixup.  A crash: trap() prints the vector,
 * error code, control and general registers, the top of the stack and a
 * frame-pointer backtrace as KTAP diagnostics, reports the running test
 * "not ok ... # crashed: #GP at <rip>", and exits with KEXIT_CRASH.  It
 * never returns to the code that crashed and never reboots.
 *
 * Source: Intel SDM Vol. 3A chapter 6 (vectors, gates, 64-bit stack
 * frame, IST), 7.7 (64-bit TSS), 3.4.5 (segment descriptors).
 */

#include "kern.h"
#include "ktap.h"
#include "specialreg.h"
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
extern const uint8_t boot_stack_guard[4096];		/* boot.asm */
extern const struct extable_entry __extable_start[], __extable_end[];

volatile int	trap_fixup_vector = TRAP_NONE;

static uint64_t	gdt[5];		/* null, code, data, TSS (two slots) */
static struct tss tss;
static struct gate idt[256];
static bool	(*trap_simexit)(struct trapframe *);
static uint8_t	df_stack[4096] __attribute__((aligned(16)));
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
	return vector >= 0 && vector < T_NVECTORS ? trap_names[vector][0] :
	    "#??";
}

const char *
trap_description(int vector)
{
	if (vector == T_SIMEXIT)
		return "a simulated VM exit no simulator claimed";
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

	tss.tss_ist[IST_DF - 1] = (uintptr_t)(df_stack + sizeof(df_stack));
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

static void
print_pf_detail(const struct trapframe *tf)
{
	uint64_t e = tf->tf_err;

	printf("# page fault: %s %s at cr2 0x%016lx%s%s\n",
	    e & PGEX_P ? "protection violation on" : "not-present page on",
	    e & PGEX_I ? "instruction fetch" : e & PGEX_W ? "write" : "read",
	    rcr2(), e & PGEX_RSVD ? ", reserved bit set" : "",
	    rcr2() < 0x1000 ? " (NULL pointer?)" : "");
}

static void
print_registers(const struct trapframe *tf)
{
	printf("# rip 0x%016lx cs 0x%02lx rflags 0x%08lx\n",
	    tf->tf_rip, tf->tf_cs, tf->tf_rflags);
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
	int i;

	printf("# stack at 0x%016lx:", tf->tf_rsp);
	for (i = 0; i < STACK_WORDS; i++) {
		if (load_safe(tf->tf_rsp + 8 * i, &w[0]) != TRAP_NONE) {
			printf(" (unreadable)");
			break;
		}
		printf(" 0x%lx", w[0]);
	}
	printf("\n# backtrace: 0x%lx", tf->tf_rip);
	for (i = 0; i < BACKTRACE_MAX && fp != 0 && (fp & 7) == 0; i++) {
		if (load_safe(fp, &w[0]) != TRAP_NONE ||
		    load_safe(fp + 8, &w[1]) != TRAP_NONE)
			break;
		printf(" 0x%lx", w[1]);
		if (w[0] <= fp)		/* the chain must climb the stack */
			break;
		fp = w[0];
	}
	printf("\n");
}

static void __noreturn
trap_crash(const struct trapframe *tf)
{
	int v = (int)tf->tf_vector;
	const char *test = ktap_running();
	char what[64];

	printf("# CRASH %s (%s), error 0x%lx, in %s\n", trap_name(v),
	    trap_description(v), tf->tf_err, test != NULL ? test : "no test");
	if (v == T_PF)
		print_pf_detail(tf);
	if ((v == T_PF || v == T_DF) && rcr2() - (uintptr_t)boot_stack_guard <
	    sizeof(boot_stack_guard))
		printf("# the boot stack overflowed into its guard page\n");
	print_registers(tf);
	print_stack(tf);
	snprintf(what, sizeof(what), "%s at 0x%lx", trap_name(v), tf->tf_rip);
	ktap_crash(what);
	kexit(KEXIT_CRASH);
}

void
trap(struct trapframe *tf)
{
	const struct extable_entry *ex;

	if (tf->tf_vector == T_SIMEXIT && trap_simexit != NULL &&
	    trap_simexit(tf))
		return;
	if ((ex = extable_find(tf->tf_rip)) != NULL) {
		trap_fixup_vector = (int)tf->tf_vector;
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
