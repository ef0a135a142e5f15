/*
 * pvbus, the bus core: the vendors a signature can name and their
 * table, what the detection pass found, the attach arguments a child
 * gets, the configuration table of children, and what the bus offers
 * the rest of the kernel.
 */
#ifndef _DRIVERS_PVBUS_PVBUSVAR_H_
#define _DRIVERS_PVBUS_PVBUSVAR_H_

#include <stdbool.h>
#include <stdint.h>

#include "fwvar.h"
#include "hvio.h"
#include "identvar.h"
#include "pvbusreg.h"

/*
 * The vendors a known signature names, the index of pvbus_types[]
 * (pvbus.c), where each has its row: the compiler keeps the two in
 * step, and the unit test that no row is empty.  PVBUS_UNKNOWN is a
 * printable signature in no row.
 */
enum pvbus_vendor {
	PVBUS_UNKNOWN,
	PVBUS_KVM,
	PVBUS_KVMHV,		/* "Linux KVM Hv": KVM's Hyper-V template */
	PVBUS_HYPERV,
	PVBUS_VMWARE,
	PVBUS_XEN,
	PVBUS_BHYVE,
	PVBUS_TCG,
	PVBUS_VBOX,
	PVBUS_ACRN,
	PVBUS_OPENBSD,
	PVBUS_NVMM,
	PVBUS_JAILHOUSE,
	PVBUS_APPLE,
	PVBUS_QNX,
	PVBUS_SRE,
	PVBUS_HAXM,
	PVBUS_PARALLELS,
	PVBUS_KGT,
	PVBUS_SPAR,
	PVBUS_LKVM,
	PVBUS_NVENDORS
};

/* A vendor's row. */
#define PVBUS_TYPE_OPS	2
struct pvbus_type {
	const char	*pt_id;		/* "kvm": the facts line's vendor= */
	const char	*pt_name;	/* "KVM": for people; NULL if unknown */
	bool		pt_eax0_base1;	/* EAX 0 at the base means base+1 */
	/* The layouts its block follows, in order; NULL ends the list. */
	const struct ident_ops *pt_ops[PVBUS_TYPE_OPS];
	/* What the signature promises besides (NULL, or what it broke). */
	const char	*(*pt_check)(const struct ident *);
};

extern const struct pvbus_type pvbus_types[PVBUS_NVENDORS];

/* One interface found at one base. */
struct pvbus_iface {
	struct ident	pi_id;		/* its base, block and leaves */
	enum pvbus_vendor pi_vendor;	/* whose signature is at the base */
	char		pi_sig[CPUID_HV_SIG_LEN];
	bool		pi_eax_zero;	/* EAX was 0 (old KVM, OpenBSD vmm) */
	uint32_t	pi_interface;	/* base+1 EAX: "Hv#1" names one */
	bool		pi_primary;
};

#define PVBUS_IFACE_MAX	8	/* interfaces kept; real machines have 1-2 */

/* The VMware backdoor, probed whatever CPUID says. */
struct pvbus_backdoor {
	bool		bd_present;	/* GETVERSION answered the magic */
	uint32_t	bd_version;	/* EAX */
	uint32_t	bd_product;	/* ECX: 1 Express ... 4 Workstation */
};

/*
 * A child that matched, named as its device; pvbus_attach() keeps the
 * name here (pva_name points to it) and how its attach went.
 */
#define PVBUS_CHILDREN_MAX	8
struct pvbus_attached {
	char		pa_name[16];	/* "vmt0" */
	bool		pa_ok;		/* its attach returned 0 */
};

/*
 * The bus: the backend it uses, then what pvbus_identify() found, then
 * what pvbus_attach() attached.
 */
struct pvbus_softc {
	const struct hvio *sc_io;
	bool		sc_hvbit;	/* CPUID.1:ECX[31] */
	int		sc_nscanned;	/* bases read */
	int		sc_nrejected;	/* bases that answered, rejected */
	uint32_t	sc_first_rejected;	/* base of the first of them */
	uint32_t	sc_rejected_eax;	/* and its EAX, for the record */
	int		sc_niface;
	int		sc_ndropped;	/* valid interfaces beyond the max */
	struct pvbus_iface sc_iface[PVBUS_IFACE_MAX];	/* in base order */
	int		sc_primary;	/* index into sc_iface, or -1 */
	struct pvbus_backdoor sc_backdoor;
	bool		sc_identified;	/* pvbus_identify() has run */
	bool		sc_attached;	/* pvbus0 exists */
	/*
	 * Set by firmware_identify (pvbus_fw.c) when CPUID is this
	 * machine's: what the firmware says, for the attach line ("firmware
	 * agrees: QEMU"; "" if nothing), and the SMBIOS UUID for vmt.
	 */
	char		sc_fw_note[96];
	struct fw_uuid	sc_fw_uuid;
	int		sc_nchildren;	/* children that matched */
	struct pvbus_attached sc_children[PVBUS_CHILDREN_MAX];
};

extern struct pvbus_softc pvbus_softc;

/*
 * What a child's match and attach get: everything it may use, so no
 * child reads pvbus_softc.  pva_iface[] holds the first interface of
 * each vendor, as OpenBSD's pva_hv[] does; Hv#1 is an interface any
 * vendor may offer, so its first one has a place of its own.
 */
struct pv_attach_args {
	const char	*pva_name;	/* "vmt0": for the child's messages */
	const struct hvio *pva_io;	/* its only way to the hypervisor */
	const struct ident *pva_iface[PVBUS_NVENDORS];	/* or NULL */
	const struct ident *pva_hv1;	/* the first Hv#1 interface, or NULL */
	const struct pvbus_backdoor *pva_backdoor;
	uint64_t	pva_mem_avail;	/* RAM in the memory map; 0: no map */
	/* SMBIOS type 1's UUID, if CPUID is this machine's; or NULL. */
	const struct fw_uuid *pva_fw_uuid;
};

/*
 * A child driver.  pvconf.c lists them, in the order they attach (as
 * OpenBSD's kernel config does), declaring each driver's struct itself.
 */
struct pv_driver {
	const char	*pd_name;	/* "vmt": devices are vmt0, vmt1 ... */
	int		(*pd_match)(const struct pv_attach_args *);
	/* Finishes the "vmt0 at pvbus0" line; returns 0 or an errno. */
	int		(*pd_attach)(const struct pv_attach_args *);
};

extern const struct pv_driver *const pvconf[];
extern const int pvconf_n;

/* pvbus.c: the backend, the detection pass. */
struct cmdline;
struct bootinfo;
int	pvbus_backend(const struct cmdline *cl, const struct bootinfo *bi,
	    char *err, size_t errlen);
void	pvbus_identify(const struct hvio *io);
enum pvbus_vendor pvbus_match_signature(const char sig[CPUID_HV_SIG_LEN]);
bool	pvbus_base_valid(uint32_t base, const struct cpuid_regs *r,
	    uint32_t *maxleaf);
int	pvbus_sig_escape(const char sig[CPUID_HV_SIG_LEN], char *buf,
	    size_t size);
const struct pvbus_iface *pvbus_find(enum pvbus_vendor vendor);
void	pvbus_decoders(const struct pvbus_iface *pi,
	    const struct ident_ops *ops[PVBUS_TYPE_OPS + 2]);
void	pvbus_child_args(struct pv_attach_args *pva, uint64_t mem_avail);

/* pvbus_tree.c: what was found, for machines and for people. */
void	pvbus_print_facts(void);	/* "pvbus: hv base=..." lines */
bool	pvbus_print_tree(void);		/* "pvbus0 at mainbus0: ..." */

/*
 * pvbus_attach.c: pvbus0 and its children.  Prints the tree, offers
 * every child in pvconf[] the attach arguments, attaches each one that
 * matches as a KTAP subtest named after its device.  Returns the KTAP
 * result: a skip with the reason when there is no pvbus0.
 */
int	pvbus_attach(void);

/*
 * pvbus_host.c.  The host asked a child (dev, "vmt0") to power off or
 * reboot the guest: log it as OpenBSD does, close the KTAP report, then
 * exit with KEXIT_HALT or reset the machine.  OpenBSD
 * sys/dev/pv/pvbus.c.
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
/* The child that registered the handler ("vmt0"), or NULL. */
const char *pvbus_kvop_dev(void);

/*
 * pvbus_expect.c: the command line's expect.* keys, each what the CI
 * job says this machine is, in the words of the facts lines
 * (docs/cmdline.md "Environment assertions"):
 *
 *	expect.hv=kvm,hyperv	the interfaces found, by vendor id, in
 *				base order ("none": no interface)
 *	expect.primary=kvm	the primary interface's vendor id, or none
 *	expect.role=guest	the first Hv#1 interface's role: guest,
 *				root, or absent (no Hv#1 with base+3)
 *	expect.isolation=snp	its isolation type: none, vbs, snp, tdx,
 *				typeN, or absent (no base+0xC)
 *	expect.children=vmt0	the children attached, in any order, or none
 *	expect.vmt=rpc		vmt0 opened the RPC channel (rpc), only the
 *				backdoor answered (backdoor), or neither
 *	expect.boot=uefi	the boot path: uefi, bios or pvh
 *
 * The checks (for cmdline_parsed, through kernel/cmdline_keys.c) refuse
 * a value outside these words; the test environment_expected compares
 * each key given with what was found, as one subtest each.
 */
enum pvbus_expect_key {
	PVBUS_EXPECT_HV,
	PVBUS_EXPECT_PRIMARY,
	PVBUS_EXPECT_ROLE,
	PVBUS_EXPECT_ISOLATION,
	PVBUS_EXPECT_CHILDREN,
	PVBUS_EXPECT_VMT,
	PVBUS_EXPECT_BOOT,
	PVBUS_EXPECT_NKEYS
};
#define PVBUS_EXPECT_MAX	128	/* a found value, NUL included */

/* What the keys are compared with: the bus's record, and two facts. */
struct pvbus_env {
	const struct pvbus_softc *pe_sc;
	const char	*pe_boot;	/* bootinfo_boot_kind(): "uefi" ... */
	const char	*pe_kvop_dev;	/* pvbus_kvop_dev(): "vmt0" or NULL */
};

cmdline_check_fn pvbus_expect_check_hv;
cmdline_check_fn pvbus_expect_check_primary;
cmdline_check_fn pvbus_expect_check_role;
cmdline_check_fn pvbus_expect_check_isolation;
cmdline_check_fn pvbus_expect_check_children;
cmdline_check_fn pvbus_expect_check_vmt;
cmdline_check_fn pvbus_expect_check_boot;

/* "expect.hv" ... */
const char *pvbus_expect_key_name(enum pvbus_expect_key key);
/*
 * The key's value as found, in its words ("tcg", "none", "absent" ...);
 * false, with the reason in buf, when it is not known (no detection
 * pass ran).
 */
bool	pvbus_expect_found(enum pvbus_expect_key key,
	    const struct pvbus_env *env, char *buf, size_t len);
/* Does a value the key's check accepted describe what was found? */
bool	pvbus_expect_match(enum pvbus_expect_key key, const char *expected,
	    const char *found);
/*
 * The test environment_expected on the keys of cl: a subtest per key
 * given, a skip if none is.  Returns the KTAP result.
 */
int	pvbus_expect_run(const struct cmdline *cl, const struct pvbus_env *env);

/*
 * The KTAP tests of the boot story's bus steps: pvbus_test.c the
 * detection pass and pvbus0 with its children (the host replay tool
 * runs them too), pvbus_fw.c the firmware's tables against CPUID,
 * pvbus_test_boot.c the backend and, at the end, that no child touched
 * an MSR CPUID did not promise, and the expect.* keys.
 */
int	pvbus_test_backend(void);
int	pvbus_test_identify(void);
int	pvbus_fw_test(void);	/* pvbus_fw.c */
int	pvbus_test_attach(void);
int	pvbus_test_msr(void);
int	pvbus_test_expect(void);	/* environment_expected */

#endif
