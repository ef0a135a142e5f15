/*
 * The personalities of the Hyper-V model (sim_hyperv.c): what each real
 * implementation of the Hv#1 interface does where the TLFS leaves a
 * choice, or where the implementation departs from the TLFS.  One
 * struct per implementation, in sim_hyperv_personas.c, each field cited
 * there to the implementation's source file and function;
 * docs/hyperv.md "Where implementations differ" is the same table for
 * people, and docs/reference/hyperv.md "Implementations" holds the
 * facts.  sim_hyperv.c is the one engine that plays them all.
 */
#ifndef _SIM_SIM_HYPERVVAR_H_
#define _SIM_SIM_HYPERVVAR_H_

#include <stdbool.h>
#include <stdint.h>

/* What base+2, the version leaf, says. */
enum sim_hv_version {
	SIM_HV_VERSION_FIXED,		/* always hp_build, hp_major_minor */
	SIM_HV_VERSION_AFTER_OS_ID,	/* zeros until a guest OS id is set */
	SIM_HV_VERSION_FROM_OS_ID,	/* zeros until then; then the id's */
};

/* When base+4, the recommendations, are given. */
enum sim_hv_recommend {
	SIM_HV_RECOMMEND_ALWAYS,
	SIM_HV_RECOMMEND_OS_ID_4,	/* once the id's OS field is >= 4 */
};

/* Whose a VMCALL/VMMCALL made outside the hypercall page is. */
enum sim_hv_direct {
	SIM_HV_DIRECT_OS_ID,	/* Hyper-V's while the guest OS id is set */
	SIM_HV_DIRECT_EAX31,	/* Hyper-V's when EAX bit 31 is set */
	SIM_HV_DIRECT_NONE,	/* another interface's (VMware's backdoor) */
};

/* How TIME_REF_COUNT and the reference TSC page count. */
enum sim_hv_clock {
	SIM_HV_CLOCK_EXACT,	/* one scale, floor(10^7 * 2^64 / hz), both */
	SIM_HV_CLOCK_KHZ,	/* one scale, ((10000 << 32) / kHz) << 32 */
	SIM_HV_CLOCK_TRUNCATED,	/* the page as KHZ; the MSR counts TSC
				   ticks / floor(hz / 10^7) */
};

struct sim_hv_persona {
	const char	*hp_name;	/* "Xen's Viridian", for docs */
	const char	*hp_signature;	/* base EBX..EDX; NULL: another
					   interface answers base */
	uint32_t	hp_maxleaf;	/* base EAX, less the base */
	uint32_t	hp_lastleaf;	/* leaves answered: base+1 to this */
	enum sim_hv_version hp_version;
	uint32_t	hp_build;	/* base+2 EAX */
	uint32_t	hp_major_minor;	/* base+2 EBX */
	uint64_t	hp_privileges;	/* base+3 EBX:EAX */
	uint32_t	hp_features;	/* base+3 EDX */
	enum sim_hv_recommend hp_recommend_when;
	uint32_t	hp_recommend;	/* base+4 EAX */
	uint32_t	hp_spin_retries;	/* base+4 EBX */
	uint32_t	hp_limits[2];	/* base+5 EAX, EBX */
	uint32_t	hp_hwfeatures;	/* base+6 EAX */

	/* The hypercall MSR drops the enable bit while the id is 0 ... */
	bool		hp_hc_needs_os_id;
	/* ... and keeps the rest of the value written (else drops it all). */
	bool		hp_hc_keeps_rest;
	bool		hp_os_id_zero_disables;	/* writing id 0 clears enable */
	bool		hp_vp_index_write_gp;	/* else a write is ignored */
	bool		hp_or_eax_stub;	/* OR EAX, 0x80000000 before the exit */
	int		hp_page_fill;	/* the rest of the page: a byte, or
					   -1 for untouched */

	bool		hp_rsvd_checked;	/* reserved control bits: 0x3 */
	bool		hp_spin_implemented;	/* NotifyLongSpinWait exists */
	bool		hp_spin_input_checked;	/* its reps, header, block */
	bool		hp_spin_needs_retries;	/* 0x6 unless base+4 EBX asks */
	bool		hp_partition_id;	/* GetPartitionId exists */
	enum sim_hv_direct hp_direct;

	enum sim_hv_clock hp_clock;
	uint64_t	hp_tsc_hz;	/* the host's TSC rate; 0: the model's */
};

/* The personalities: index them with enum sim_hv_persona_id (simvar.h). */
extern const struct sim_hv_persona sim_hyperv_personas[];

#endif /* _SIM_SIM_HYPERVVAR_H_ */
