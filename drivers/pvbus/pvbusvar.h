/*
 * pvbus: what the detection pass found, the signature table, the child
 * driver table, and what pvbus offers the rest of the kernel.
 */
#ifndef _DRIVERS_PVBUS_PVBUSVAR_H_
#define _DRIVERS_PVBUS_PVBUSVAR_H_

#include <stdbool.h>
#include <stdint.h>

#include "hvio.h"
#include "pvbusreg.h"

struct pvbus_hv;

/* One row of the signature table (pvbus.c). */
struct pvbus_type {
	char		pt_sig[CPUID_HV_SIG_LEN + 1];	/* 12 bytes + NUL */
	const char	*pt_id;		/* "kvm": the vendor= of the facts */
	const char	*pt_name;	/* "KVM": for people */
	/* Read what this vendor's own leaves say (NULL: nothing more). */
	void		(*pt_decode)(const struct hvio *, struct pvbus_hv *);
	/* Print it: the dmesg detail and the facts line's fields. */
	void		(*pt_print)(const struct pvbus_hv *);
	void		(*pt_facts)(const struct pvbus_hv *);
	/* A broken promise of this interface, or NULL (fills why). */
	const char	*(*pt_check)(const struct pvbus_hv *);
};

/* Hyper-V interface facts: base+2..base+4 and base+0xC (TLFS). */
struct pvbus_hyperv {
	bool		hy_has_version;	/* base+2 present and not all zero */
	uint32_t	hy_build;
	uint16_t	hy_major, hy_minor;
	uint32_t	hy_sp;		/* service pack */
	uint8_t		hy_branch;	/* service branch */
	uint32_t	hy_number;	/* service number */
	bool		hy_has_features;	/* base+3 present */
	uint64_t	hy_privileges;	/* base+3 EBX:EAX */
	uint32_t	hy_power;	/* base+3 ECX */
	uint32_t	hy_features;	/* base+3 EDX */
	bool		hy_has_recommend;	/* base+4 present */
	uint32_t	hy_recommend;	/* base+4 EAX */
	bool		hy_has_isolation;	/* base+0xC present */
	uint32_t	hy_isolation;	/* base+0xC EBX 3:0 */
	bool		hy_paravisor;	/* base+0xC EAX bit 0 */
};

/* Xen facts: base+1 and base+2 (xen/include/public/arch-x86/cpuid.h). */
struct pvbus_xen {
	bool		xe_has_version;	/* base+1 present */
	uint16_t	xe_major, xe_minor;
	bool		xe_has_hypercall;	/* base+2 present */
	uint32_t	xe_hypercall_pages;
	uint32_t	xe_hypercall_msr;
};

/* KVM facts: base+1 (Linux Documentation/virt/kvm/x86/cpuid.rst). */
struct pvbus_kvm {
	uint32_t	kv_features;	/* EAX */
	uint32_t	kv_hints;	/* EDX */
};

/*
 * The timing leaf base+0x10 (VMware; also QEMU/KVM with
 * vmware-cpuid-freq): TSC and APIC bus frequencies in kHz.
 */
struct pvbus_freq {
	bool		fq_valid;
	uint32_t	fq_tsc_khz;
	uint32_t	fq_bus_khz;
	uint32_t	fq_flags;	/* ECX: backdoor call kinds */
};

/* One interface found at one base. */
struct pvbus_hv {
	uint32_t	hv_base;
	uint32_t	hv_maxleaf;	/* as used: EAX, or base+1 for EAX 0 */
	bool		hv_eax_zero;	/* EAX was 0 (old KVM, OpenBSD vmm) */
	char		hv_sig[CPUID_HV_SIG_LEN];
	const struct pvbus_type *hv_type;	/* NULL: unknown vendor */
	bool		hv_hv1;		/* base+1 EAX is "Hv#1" */
	bool		hv_primary;
	struct pvbus_hyperv hv_hyperv;	/* when hv_hv1 */
	struct pvbus_xen hv_xen;
	struct pvbus_kvm hv_kvm;
	struct pvbus_freq hv_freq;
};

#define PVBUS_HV_MAX	8	/* interfaces kept; real machines have 1-2 */

/* The VMware backdoor, probed whatever CPUID says. */
struct pvbus_backdoor {
	bool		bd_present;	/* GETVERSION answered the magic */
	uint32_t	bd_version;	/* EAX */
	uint32_t	bd_product;	/* ECX: 1 Express ... 4 Workstation */
};

/* The result of pvbus_identify(). */
struct pvbus_softc {
	const struct hvio *sc_io;
	bool		sc_hvbit;	/* CPUID.1:ECX[31] */
	int		sc_nscanned;	/* bases read */
	int		sc_nrejected;	/* bases that answered, rejected */
	uint32_t	sc_first_rejected;	/* base of the first of them */
	uint32_t	sc_rejected_eax;	/* and its EAX, for the record */
	int		sc_nhv;
	int		sc_ndropped;	/* valid interfaces beyond HV_MAX */
	struct pvbus_hv	sc_hv[PVBUS_HV_MAX];	/* in base order */
	int		sc_primary;	/* index into sc_hv, or -1 */
	struct pvbus_backdoor sc_backdoor;
	bool		sc_attached;	/* pvbus0 exists */
};

extern struct pvbus_softc pvbus_softc;

/* Arguments a child's match and attach get. */
struct pv_attach_args {
	const struct hvio *pva_io;
	const struct pvbus_softc *pva_pvbus;
	const char	*pva_name;	/* "vmt0": for the child's messages */
	uint64_t	pva_mem_avail;	/* bytes of RAM in the memory map */
};

/* A child driver (pvconf.c lists them). */
struct pv_driver {
	const char	*pd_name;	/* "vmt": devices are vmt0, vmt1 ... */
	int		(*pd_match)(const struct pv_attach_args *);
	/* Finishes the "vmt0 at pvbus0" line; returns 0 or an errno. */
	int		(*pd_attach)(const struct pv_attach_args *);
};

extern const struct pv_driver pvbus_drivers[];
extern const int pvbus_ndrivers;

/* pvbus.c: the detection pass. */
void	pvbus_identify(const struct hvio *io);
const struct pvbus_type *pvbus_match_signature(const char sig[12]);
bool	pvbus_base_valid(uint32_t base, const struct cpuid_regs *r,
	    uint32_t *maxleaf);
int	pvbus_sig_escape(const char sig[12], char *buf, size_t size);
const struct pvbus_hv *pvbus_find(const char *vendor_id);

/* Print the names of the bits set in v (a NULL-ended table). */
struct pvbus_bit {
	int		pb_bit;
	const char	*pb_name;
};
void	pvbus_print_bits(const char *what, uint64_t v,
	    const struct pvbus_bit *names);

/* pvbus_tree.c: what was found, for machines and for people. */
void	pvbus_print_facts(void);	/* "pvbus: hv base=..." lines */
bool	pvbus_attach(void);		/* "pvbus0 at mainbus0: ..." */

/*
 * The host asked a child (dev, "vmt0") to power off or reboot the guest:
 * log it as OpenBSD does, close the KTAP report, then exit with
 * KEXIT_HALT or reset the machine.  OpenBSD sys/dev/pv/pvbus.c.
 */
void	pvbus_shutdown(const char *dev) __noreturn;
void	pvbus_reboot(const char *dev) __noreturn;

/*
 * The key-value interface (OpenBSD's pvbus kvop, used by hostctl(8)):
 * one child registers a handler; the rest of the kernel reads and writes
 * keys through pvbus_kvop().  Returns 0, ENXIO if no child offers it, or
 * the handler's error (EINVAL refused, ERANGE value too long).
 */
#define PVBUS_KVREAD	0
#define PVBUS_KVWRITE	1
#define PVBUS_KVOP_MAXSIZE	4096	/* key or value, NUL included */
typedef int pvbus_kvop_fn(void *arg, int op, const char *key, char *value,
    size_t valuelen);
void	pvbus_kvop_register(const char *dev, pvbus_kvop_fn *fn, void *arg);
int	pvbus_kvop(int op, const char *key, char *value, size_t valuelen);

/*
 * pvbus_test.c: the KTAP tests of the backend choice, the detection pass
 * and the tree.  pvbus_io is the backend they use (hvio_select()).
 */
extern const struct hvio *pvbus_io;
int	pvbus_test_backend(void);
int	pvbus_test_identify(void);
int	pvbus_test_attach(void);

/* Children (pvconf.c lists them): hyperv.c, xen.c, pvclock.c. */
int	hyperv_match(const struct pv_attach_args *);
int	hyperv_attach(const struct pv_attach_args *);
int	xen_match(const struct pv_attach_args *);
int	xen_attach(const struct pv_attach_args *);
int	pvclock_match(const struct pv_attach_args *);
int	pvclock_attach(const struct pv_attach_args *);

/* Per-vendor decoders (drivers/ident/). */
void	hyperv_decode(const struct hvio *, struct pvbus_hv *);
void	hyperv_print(const struct pvbus_hv *);
void	hyperv_facts(const struct pvbus_hv *);
const char *hyperv_check(const struct pvbus_hv *);
bool	hyperv_is_root(const struct pvbus_hyperv *);
void	xen_decode(const struct hvio *, struct pvbus_hv *);
void	xen_print(const struct pvbus_hv *);
void	xen_facts(const struct pvbus_hv *);
const char *xen_check(const struct pvbus_hv *);
void	kvm_decode(const struct hvio *, struct pvbus_hv *);
void	kvm_print(const struct pvbus_hv *);
void	kvm_facts(const struct pvbus_hv *);
void	vmware_decode(const struct hvio *, struct pvbus_hv *);
void	vmware_print(const struct pvbus_hv *);
void	vmware_facts(const struct pvbus_hv *);

#endif
