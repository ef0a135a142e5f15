/*
 * The simulated hypervisors (hv=sim:<name>): behavioural models of
 * Hyper-V, Xen, KVM and VMware that follow the rules of
 * docs/reference/hyperv.md, xen.md, kvm.md and vmware.md, so CI without
 * KVM runs the guest code of hyperv.c, xen.c, pvclock.c and vmt for
 * real.  sim_backend.c is the backend: it answers CPUID, MSRs and
 * VMCALL/VMMCALL by asking each interface of the model in turn, and
 * takes the simulated VM exits.
 *
 * A VM exit: where a real hypercall page holds VMCALL, a simulated one
 * holds INT 0xF0 (T_SIMEXIT, kernel/trap.h).  The trap hands the
 * registers to sim_backend.c, which passes them to the interface whose page
 * the INT is in; the interface does what the hypervisor would, writes
 * the result registers, and the IRETQ resumes the page's RET.
 *
 * Guest memory: the kernel maps memory 1:1, so a guest physical address
 * is also a pointer the model can read and write, as KVM writes guest
 * RAM.  The unit tests give the models heap pages the same way.
 *
 * The files, each using only those listed after it: sim_backend.c, the
 * backend; sim_options.c, the command line's sim.* words; sim_models.c,
 * the table of models; the models, sim_hyperv.c, sim_xen.c, sim_kvm.c
 * and sim_vmware*.c; sim.c, the common part; sim_machine.c, what they
 * take from the real machine.
 */
#ifndef _SIM_SIMVAR_H_
#define _SIM_SIMVAR_H_

#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "hvio.h"

#define SIM_EXIT_INSN	0xf0cd		/* "INT 0xF0" as a little-endian u16 */
#define SIM_EXIT_LEN	2

/* The exit as the backend describes it to the drivers (sim.c). */
extern const struct hvio_exit sim_exit_insn;

/* One interface of a model, at one CPUID base. */
struct sim_iface {
	const char	*si_name;	/* "hyperv", "xen", "kvm" */
	uint32_t	si_base;	/* its CPUID block */

	/*
	 * A leaf in [si_base, si_base + 0xff]: fill out and return true,
	 * or false for a leaf past the block's end (answered with zeros).
	 */
	bool	(*si_cpuid)(struct sim_iface *, uint32_t leaf,
		    uint32_t subleaf, struct cpuid_regs *out);

	/* ENOENT: not this interface's MSR; EFAULT: the #GP it raises. */
	int	(*si_rdmsr)(struct sim_iface *, uint32_t msr, uint64_t *val);
	int	(*si_wrmsr)(struct sim_iface *, uint32_t msr, uint64_t val);

	/*
	 * An exit from a page this interface filled; rip is the address
	 * of the INT.  ENOENT: not its page.
	 */
	int	(*si_exit)(struct sim_iface *, struct vm_regs *r, uintptr_t rip);

	/* VMCALL (vmmcall false) or VMMCALL; ENOENT: not its call. */
	int	(*si_hypercall)(struct sim_iface *, struct vm_regs *r,
		    bool vmmcall);

	/*
	 * The VMware backdoor: an IN on port 0x5658 (si_backdoor), or REP
	 * OUTSB/INSB on 0x5659 (si_backdoor_hb, out = guest to host, from
	 * the buffer at vr_rsi; else into vr_rdi).  ENOENT: not its port.
	 */
	int	(*si_backdoor)(struct sim_iface *, struct vm_regs *r);
	int	(*si_backdoor_hb)(struct sim_iface *, struct vm_regs *r,
		    bool out);

	/* At the end of the boot: print what the model recorded, or NULL. */
	void	(*si_finish)(struct sim_iface *);

	void		*si_state;	/* the model's own */
};

/* Faults injected on request (sim.fault=a,b on the command line). */
#define SIM_FAULT_HYPERCALL_MSR_IGNORED	0x01	/* the enable never sticks */
#define SIM_FAULT_PAGE_NOT_FILLED	0x02	/* enabled, page left as is */
#define SIM_FAULT_STATUS_ERROR		0x04	/* every call fails */
#define SIM_FAULT_CLOCK_ODD_VERSION	0x08	/* clock stuck mid-update */
#define SIM_FAULT_GARBAGE_CPUID		0x10	/* base EAX out of its block */
/* The VMware host's RPC channel (sim_vmware_rpc.c, sim_vmware_host.c). */
#define SIM_FAULT_RPC_OPEN_REFUSED	0x20	/* OPEN answers no SUCCESS */
#define SIM_FAULT_RPC_SEND_FAILS	0x40	/* a send fails at byte N */
#define SIM_FAULT_RPC_REPLY_TOO_LONG	0x80	/* a reply over the limit */
#define SIM_FAULT_RPC_WRONG_COOKIE	0x100	/* cookies do not match */
#define SIM_FAULT_RPC_NO_SUCCESS	0x200	/* a status without SUCCESS */
#define SIM_FAULT_RPC_ENDLESS_REPLY	0x400	/* a reply that never ends */

struct sim {
	const char	*sm_name;	/* "sim:kvm+hyperv" */
	int		sm_niface;
	struct sim_iface sm_iface[2];
	uint32_t	sm_faults;	/* SIM_FAULT_* */
	bool		sm_amd;		/* VMMCALL is the CPU's instruction */
	uint64_t	sm_tsc_hz;	/* the TSC rate the clocks assume */
	const char	*sm_script;	/* vmt.script=: TCLO commands, ';' */
	uint32_t	sm_failbyte;	/* sim.failbyte=: where a send fails */
};

extern struct sim sim;

static inline bool
sim_fault(uint32_t f)
{
	return (sim.sm_faults & f) != 0;
}

/* A model, as hv=sim:<name> names it (sim_models.c lists them). */
struct sim_model {
	const char	*m_name;
	int		 m_niface;
	void		(*m_init)(struct sim_iface *);
	uint32_t	 m_faults;	/* SIM_FAULT_* it can inject */
	bool		 m_vmware_host;	/* plays vmt.script=, sim.failbyte= */
};

/* sim.c: the model's set-up and the dispatch to its interfaces. */
void	sim_setup(const struct sim_model *m, uint32_t faults);
bool	sim_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);
int	sim_rdmsr(uint32_t msr, uint64_t *val);
int	sim_wrmsr(uint32_t msr, uint64_t val);
int	sim_exit(struct vm_regs *r, uintptr_t rip);
int	sim_hypercall(struct vm_regs *r, bool vmmcall);
int	sim_backdoor(struct vm_regs *r);
int	sim_backdoor_hb(struct vm_regs *r, bool out);
void	sim_finish(void);

/*
 * sim_models.c: the model hv=sim:<name> names, or NULL; set it up
 * (EINVAL naming the models if there is none); check the name for
 * cmdline_parsed; and "a, b or c" appended to err at *np, each name
 * with prefix (*np counts what snprintf() would have written).
 */
const struct sim_model *sim_model_find(const char *name);
bool	sim_has_vmware_host(const char *hv);	/* hv= value, or NULL */
int	sim_setup_model(const char *name, uint32_t faults, char *err,
	    size_t errlen);
int	sim_check_model(const char *name, char *err, size_t errlen);
void	sim_list(char *err, size_t errlen, size_t *np, const char *prefix,
	    const char *const *names, size_t n);

/*
 * sim_options.c: parse "a,b" into SIM_FAULT_* bits ("" is none); EINVAL
 * naming an unknown one, one named twice, or an empty one.
 */
int	sim_parse_faults(const char *s, uint32_t *faults, char *err,
	    size_t errlen);

/*
 * sim.failbyte= counts bytes of one RPC message, and the host takes no
 * message longer than 64 KiB (GUESTMSG_MAX_IN_SIZE, VM_RPC_MAX_IN_SIZE
 * in spec/vmtreg.h), so a byte past that can never fail.
 */
#define SIM_FAILBYTE_MAX	65535
#define SIM_FAILBYTE_DEFAULT	8

/*
 * The checks cmdline_parsed runs on the simulators' options
 * (kernel/cmdline_keys.c lists them): 0, or non-zero with one sentence
 * in err.  sim_options.c has two of them:
 *
 * - sim_check_fault(): sim.fault= needs hv=sim:<model>, and each fault
 *   must be one that model injects; garbage-cpuid does nothing with
 *   profile=.
 * - sim_check_failbyte(): a decimal from 0 to SIM_FAILBYTE_MAX, with
 *   the VMware host (sim:vmware, sim:vmware+hyperv) and
 *   sim.fault=rpc-send-fails.
 *
 * and sim_backend.c, which reads the options, the two that name boot
 * modules:
 *
 * - sim_backend_check_profile(): profile= needs hv=sim:<model> and a
 *   module of that name.
 * - sim_backend_check_script(): vmt.script= needs the VMware host, and
 *   a script the model can play (sim_vmw_script_check()).
 */
cmdline_check_fn sim_check_fault;
cmdline_check_fn sim_check_failbyte;
cmdline_check_fn sim_backend_check_profile;
cmdline_check_fn sim_backend_check_script;

/*
 * sim_machine.c in the kernel, tests/unit/sim_host.c in unit tests: the
 * TSC the simulated clocks run on (RDTSC in the kernel).
 */
uint64_t sim_rdtsc(void);

/*
 * Host state that outlives a guest reset: a few bytes of the CMOS RTC's
 * general-purpose NVRAM in the kernel (QEMU keeps them across a system
 * reset), an array in unit tests.  0 <= i < SIM_NVRAM_SIZE.
 */
#define SIM_NVRAM_SIZE	8
uint8_t	sim_nvram_read(int i);
void	sim_nvram_write(int i, uint8_t v);

/*
 * The models (sim_hyperv.c, sim_xen.c, sim_kvm.c, sim_vmware.c: also
 * with its backdoor by VMCALL/VMMCALL), which sim_models.c alone calls.
 * The Hyper-V and Xen models each play the implementation a personality
 * names (sim_hyperv_personas.c, sim_xen.c).
 */
enum sim_hv_persona_id {
	SIM_HV_WINDOWS,		/* Hyper-V itself, as the TLFS describes it */
	SIM_HV_KVM,		/* KVM's emulation */
	SIM_HV_XEN,		/* Xen's Viridian */
	SIM_HV_VBOX,		/* VirtualBox's Hyper-V provider */
	SIM_HV_VMWARE,		/* VMware's Hv#1, beside its own leaves */
	SIM_HV_NPERSONAS
};
enum sim_xen_persona_id {
	SIM_XEN_NATIVE,		/* Xen 4.17 itself */
	SIM_XEN_KVM,		/* Xen as KVM and QEMU emulate it */
	SIM_XEN_NPERSONAS
};
void	sim_hyperv_init(struct sim_iface *si, uint32_t base,
	    enum sim_hv_persona_id persona);
void	sim_vmware_init(struct sim_iface *si, uint32_t base);
void	sim_vmware_vmcall_init(struct sim_iface *si, uint32_t base);
void	sim_xen_init(struct sim_iface *si, uint32_t base, uint32_t msr,
	    enum sim_xen_persona_id persona);
void	sim_kvm_init(struct sim_iface *si, uint32_t base);

#endif
