/*
 * The CPUID decoders: what one hypervisor interface's block of leaves
 * says, read by the decoder of the layout it follows.  One file per
 * layout: ident_hyperv.c (the Hv#1 interface, whoever offers it),
 * ident_kvm.c (KVM's, also OpenBSD vmm's), ident_xen.c and
 * ident_vmware.c (VMware's timing leaf, also in QEMU's KVM block).
 *
 * The bus reaches a decoder only through its struct ident_ops, which
 * its signature table holds (drivers/pvbus/pvbus.c); a decoder knows
 * nothing of the bus.  A child driver finds the leaves it needs in its
 * attach arguments (struct pv_attach_args, drivers/pvbus/pvbusvar.h).
 */
#ifndef _DRIVERS_IDENT_IDENTVAR_H_
#define _DRIVERS_IDENT_IDENTVAR_H_

#include <stdbool.h>
#include <stdint.h>

#include "hvio.h"

/* The Hv#1 interface: base+2..base+4 and base+0xC (TLFS). */
struct ident_hyperv {
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

/* Xen: base+1 and base+2 (xen/include/public/arch-x86/cpuid.h). */
struct ident_xen {
	bool		xe_has_version;	/* base+1 present */
	uint16_t	xe_major, xe_minor;
	bool		xe_has_hypercall;	/* base+2 present */
	uint32_t	xe_hypercall_pages;
	uint32_t	xe_hypercall_msr;
};

/* KVM: base+1 (Linux Documentation/virt/kvm/x86/cpuid.rst). */
struct ident_kvm {
	uint32_t	kv_features;	/* EAX */
	uint32_t	kv_hints;	/* EDX */
};

/*
 * The timing leaf base+0x10 (VMware; also QEMU/KVM with
 * vmware-cpuid-freq): TSC and APIC bus frequencies in kHz.
 */
struct ident_timing {
	bool		tm_valid;
	uint32_t	tm_tsc_khz;
	uint32_t	tm_bus_khz;
	uint32_t	tm_flags;	/* ECX: backdoor call kinds */
};

/* One interface's block of leaves, and what its decoders found. */
struct ident {
	uint32_t	id_base;
	uint32_t	id_maxleaf;	/* as used: EAX, or base+1 for EAX 0 */
	bool		id_hv1;		/* base+1 EAX is "Hv#1" */
	struct ident_hyperv id_hyperv;	/* when id_hv1 */
	struct ident_xen id_xen;
	struct ident_kvm id_kvm;
	struct ident_timing id_timing;
};

/*
 * A decoder: read the leaves of this layout (id_base and id_maxleaf are
 * set; no leaf past id_maxleaf is read), then print them, once as the
 * dmesg detail lines ("pvbus0: ..."), once as " key=value" fields of
 * the interface's facts line ("pvbus: hv base=...").
 */
struct ident_ops {
	void	(*op_decode)(const struct hvio *, struct ident *);
	void	(*op_print)(const struct ident *);
	void	(*op_facts)(const struct ident *);
};

extern const struct ident_ops ident_hyperv_ops;		/* ident_hyperv.c */
extern const struct ident_ops ident_kvm_ops;		/* ident_kvm.c */
extern const struct ident_ops ident_xen_ops;		/* ident_xen.c */
extern const struct ident_ops ident_vmware_ops;		/* ident_vmware.c */

/*
 * What a vendor's signature promises besides its layout: NULL, or what
 * it broke.  "Microsoft Hv" promises Hv#1 and base+5; Xen base+2.
 */
const char *ident_hyperv_check(const struct ident *);
const char *ident_xen_check(const struct ident *);

/*
 * The partition's role, decided as Linux decides it
 * (drivers/hv/hv_common.c hv_identify_partition_type();
 * docs/reference/hyperv.md "Partition roles"): CreatePartitions and no
 * Isolation privilege make a parent partition, the root with
 * CpuManagement, an L1VH partition (a guest that may create partitions
 * of its own) without it; anything else is a guest.  Its name is
 * "root", "l1vh" or "guest".
 */
enum hv_role { HV_ROLE_GUEST, HV_ROLE_ROOT, HV_ROLE_L1VH };
enum hv_role ident_hyperv_role(const struct ident_hyperv *);
const char *ident_hyperv_role_name(enum hv_role);

/*
 * The isolation type, as Linux reads it (arch/x86/hyperv/ivm.c
 * hv_get_isolation_type()): base+0xC EBX 3:0, but only when the
 * Isolation privilege is offered; HV_ISOLATION_NONE otherwise.
 */
uint32_t ident_hyperv_isolation_type(const struct ident_hyperv *);

/* An isolation type (base+0xC EBX 3:0) by name: "none", "snp" ... or NULL. */
const char *ident_hyperv_isolation(uint32_t type);

#endif
