/*
 * The seam between the drivers and the hypervisor.  Every way a guest
 * talks to a hypervisor goes through one of these function pointers:
 * CPUID, MSRs, the VMware backdoor ports and the hypercall instructions.
 * hvio_native.c executes the real instructions; hvio_replay.c answers
 * CPUID from a recorded dump; the simulated hypervisors fill the same
 * table (sim/sim_backend.c).  The drivers cannot tell which one they are
 * talking to, which is the point: CI without KVM runs the same driver
 * code as a real Hyper-V guest.  Where a driver must know what its
 * environment can do, the backend says so in words of its own: a
 * capability (io_caps), or how its hypercall pages leave the guest
 * (io_exit); never its name.
 */
#ifndef _DRIVERS_HVIO_HVIO_H_
#define _DRIVERS_HVIO_HVIO_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"
#include "cpuid.h"

/*
 * The registers of a VMware backdoor call or a hypercall, in and out.
 * Every one may come back changed (open-vm-tools backdoor_types.h; Xen
 * clobbers its argument registers, Hyper-V RAX, RCX, RDX and R8-R11).
 * The order is hvio_native_asm.asm's.
 */
struct vm_regs {
	uint64_t	vr_rax, vr_rbx, vr_rcx, vr_rdx;
	uint64_t	vr_rsi, vr_rdi, vr_rbp;
	uint64_t	vr_r8, vr_r9, vr_r10, vr_r11;
};

/*
 * How a backend's hypercall pages leave the guest where not by the
 * CPU's VMCALL or VMMCALL: the instruction's bytes, and its name as a
 * driver prints it, on the Hyper-V page line ("hypercall page starts
 * ...: <name>") and after "mov eax, n" on a Xen stub line.
 */
struct hvio_exit {
	uint8_t		ex_insn[2];
	const char	*ex_page_name;
	const char	*ex_stub_name;
};

/* What a backend can do besides CPUID (io_caps). */
#define HVIO_CAP_MSR		0x01	/* RDMSR/WRMSR reach a hypervisor */
#define HVIO_CAP_HYPERCALL	0x02	/* hypercall pages and VMCALL run */

struct hvio {
	const char	*io_name;	/* "native", "replay", "sim:..." */
	const char	*io_detail;	/* "" or what it replays */
	/*
	 * HVIO_CAP_*.  Without HVIO_CAP_MSR (a replay: CPUID is all there
	 * is) no child may attach on MSRs, which would fault on a machine
	 * that is not the recorded one.
	 */
	uint32_t	io_caps;
	const struct hvio_exit *io_exit;	/* NULL: VMCALL or VMMCALL */

	void	(*io_cpuid)(uint32_t leaf, uint32_t subleaf,
		    struct cpuid_regs *out);

	/*
	 * MSR access returns 0, or EFAULT when the CPU raised #GP: a
	 * missing synthetic MSR is an answer, never a crash.
	 */
	int	(*io_rdmsr)(uint32_t msr, uint64_t *val);
	int	(*io_wrmsr)(uint32_t msr, uint64_t val);

	/*
	 * A write the caller asks the hypervisor to refuse, because a
	 * rule of the specification says it must (reserved bits set, an
	 * address misaligned): the same instruction as io_wrmsr, but a
	 * #GP here is the answer the step checks for, not a fault, and a
	 * backend that counts faults counts it apart.  NULL: io_wrmsr
	 * serves (a backend that counts nothing).  Callers go through
	 * hvio_wrmsr_refusal().
	 */
	int	(*io_wrmsr_refusal)(uint32_t msr, uint64_t val);

	/*
	 * VMware backdoor, low bandwidth: IN EAX, DX with every register
	 * as given (DX = 0x5658).  Without VMware behind the port the IN
	 * reads all ones.  Returns 0, or EFAULT if the IN faulted.
	 */
	int	(*io_backdoor)(struct vm_regs *r);

	/*
	 * High bandwidth: REP OUTSB (out = true, from vr_rsi) or REP INSB
	 * (into vr_rdi) on DX = 0x5659, vr_rcx bytes.  vr_rsi and vr_rdi
	 * hold guest addresses of the caller's buffer.
	 */
	int	(*io_backdoor_hb)(struct vm_regs *r, bool out);

	/*
	 * VMCALL (Intel) or VMMCALL (AMD) with these registers.  Returns 0,
	 * or EFAULT when the CPU raised #UD: there is no hypervisor to
	 * take the call (QEMU TCG, bare metal).
	 */
	int	(*io_hypercall)(struct vm_regs *r, bool vmmcall);

	/* Print what the backend has to say for itself, or NULL. */
	void	(*io_report)(void);
};

/*
 * The ways to the VMware backdoor (docs/reference/vmware.md "Backdoor
 * I/O port", "VMCALL and VMMCALL backdoor"): the I/O ports, or VMCALL
 * or VMMCALL where the VMware block's CPUID 0x40000010 ECX offers them
 * (the way confidential guests, whose port I/O the hypervisor cannot
 * see, reach it).  hvio.c: hvio_backdoor() and hvio_backdoor_hb() take
 * the registers as for the port (DX 15:0 = 0x5658 or 0x5659, EDX 31:16
 * the channel); by an instruction they put its flags in DX 15:0
 * instead (VM_BDOOR_FLAG_*) and run it through io_hypercall.  0, or
 * EFAULT if the IN, the REP string instruction or the VMCALL faulted.
 * hvio_backdoor_via_name[]: "I/O port", "VMCALL", "VMMCALL";
 * hvio_backdoor_via_id[]: "port", "vmcall", "vmmcall" (facts lines).
 */
enum hvio_backdoor_via {
	HVIO_BACKDOOR_PORT,
	HVIO_BACKDOOR_VMCALL,
	HVIO_BACKDOOR_VMMCALL,
};
extern const char *const hvio_backdoor_via_name[];
extern const char *const hvio_backdoor_via_id[];
int	hvio_backdoor(const struct hvio *io, enum hvio_backdoor_via via,
	    struct vm_regs *r);
int	hvio_backdoor_hb(const struct hvio *io, enum hvio_backdoor_via via,
	    struct vm_regs *r, bool out);

/*
 * GETVERSION by via, the question that finds the backdoor: EBX not the
 * magic on the way in, so that only VMware's answer (EBX = the magic)
 * says it is there (open-vm-tools vmcheck.c).  r is what came back;
 * the return is hvio_backdoor()'s.
 */
int	hvio_backdoor_getversion(const struct hvio *io,
	    enum hvio_backdoor_via via, struct vm_regs *r);

/* hvio_native.c: the instructions themselves. */
extern const struct hvio hvio_native;

/*
 * MSR accesses the native backend made; how many raised #GP unasked
 * (faults); and how many writes a step asked to be refused were
 * (refusals: hvio_wrmsr_refusal()).
 */
void	hvio_native_msr_stats(unsigned *reads, unsigned *writes,
	    unsigned *faults, unsigned *refusals);

/*
 * hvio.c: a WRMSR the caller expects the hypervisor to refuse with
 * #GP (io_wrmsr_refusal): 0 if it took the value, EFAULT if it refused.
 */
int	hvio_wrmsr_refusal(const struct hvio *io, uint32_t msr, uint64_t val);

/*
 * A backend the command line can name (hvio_backends.c lists them):
 * hv=NAME, or hv=NAME<arg> for a name that ends in ':' (hv=sim:kvm is
 * "sim:" with "kvm").  open() gets the arg, and the command line for
 * the backend's own options; check() the arg, for cmdline_parsed (NULL:
 * nothing to check).  Each gives NULL or non-zero with one sentence in
 * err.
 */
struct cmdline;
struct bootinfo;
struct hvio_backend {
	const char	*hb_name;	/* "native", "replay", "sim:" */
	const char	*hb_usage;	/* "sim:<model>", for messages */
	const struct hvio *(*hb_open)(const char *arg,
		    const struct cmdline *cl, const struct bootinfo *bi,
		    char *err, size_t errlen);
	int	(*hb_check)(const char *arg, const struct bootinfo *bi,
		    char *err, size_t errlen);
};

extern const struct hvio_backend *const hvio_backends[];
extern const int hvio_nbackends;

/*
 * hvio_select.c: the backend the command line asks for: hv=native (the
 * default), hv=replay (CPUID from the dump in boot module 0) or another
 * of hvio_backends[] (the simulators: hv=sim:<model>).  Returns NULL
 * with a sentence in err if that cannot be had.
 */
const struct hvio *hvio_select(const struct cmdline *cl,
	    const struct bootinfo *bi, char *err, size_t errlen);

/*
 * The check of hv= for cmdline_parsed (struct cmdline_key,
 * kernel/cmdline.h): 0, or non-zero with a sentence in err.
 */
cmdline_check_fn hvio_check_hv;

/*
 * hvio_module.c, for a backend's options that name a boot module: is
 * module m's data some, mapped and not over 1 MiB (false, with the one
 * cause in err)?  And the message for KEY=NAME naming no module
 * ("profile=").
 */
struct bi_module;
bool	hvio_module_ok(const struct bootinfo *bi, const struct bi_module *m,
	    char *err, size_t errlen);
void	hvio_module_missing(const char *what, const char *name,
	    const struct bootinfo *bi, char *err, size_t errlen);

/* hvio_replay.c: CPUID from a recorded dump (cpuid_dump.h). */
const struct hvio *hvio_replay_open(const char *text, size_t len,
	    const char *name, char *err, size_t errlen);

/*
 * Call into a hypercall page (Hyper-V: offset 0; Xen: 32 bytes per call
 * number) with these registers, and store what comes back.  The page is
 * ordinary code the hypervisor wrote into guest memory, so this is the
 * same for every backend: on a real hypervisor the page holds VMCALL,
 * under a simulator the exit io_exit describes (sim/sim_backend.c).
 * hvio_native_asm.asm.
 */
void	hvio_call_page(struct vm_regs *r, uintptr_t entry);

/* A backend's refusal: CPUID works, nothing else answers. */
int	hvio_no_msr_read(uint32_t msr, uint64_t *val);
int	hvio_no_msr_write(uint32_t msr, uint64_t val);
int	hvio_no_backdoor(struct vm_regs *r);
int	hvio_no_backdoor_hb(struct vm_regs *r, bool out);
int	hvio_no_hypercall(struct vm_regs *r, bool vmmcall);

#endif
