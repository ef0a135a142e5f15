/*
 * The pvbus detection pass (drivers/pvbus/pvbus.c), the vendor decoders
 * (drivers/ident/) and what pvbus_tree.c prints, run against a scripted
 * hvio (hvio_table.c) whose CPUID answers come from tables built here.
 * The expected values are taken from the reference notes
 * (docs/reference/cpuid-detection.md; docs/reference/kvm.md "CPUID
 * leaves", "Feature bits"; docs/reference/hyperv.md "CPUID leaves",
 * "Privilege and feature bits"; docs/reference/xen.md "CPUID leaves";
 * docs/reference/vmware.md "CPUID leaves"), not from the code:
 * signatures are turned into registers here, byte by byte, and checked
 * against the hex columns of cpuid-detection.md "Signatures".  fake_cons.c records what the kernel prints.
 */

#include "check.h"
#include "kern.h"
#include "hvio_table.h"
#include "pvbusvar.h"

#define BASE0		0x40000000u	/* the first base */
#define BASE(k)		(BASE0 + (uint32_t)(k) * 0x100u)
#define NBASES		256
/* "Hv#1", base+1 EAX (hyperv.md "CPUID leaves"). */
#define HV1		0x31237648u
/* 'VMXh' (vmware.md "Backdoor I/O port"). */
#define BD_MAGIC	0x564d5868u
#define BD_PORT		0x5658u
#define BD_GETVERSION	0x0au

/* ------------------------------------------------------------------ */
/* Profiles: a CPUID table under construction. */

#define PROF_MAX	96

struct prof {
	struct hvio_table_leaf pr_leaves[PROF_MAX];
	struct hvio_table pr_table;
	uint32_t	pr_blockmax[NBASES];	/* 0: no block there */
};

/* A 12-byte signature's register, little-endian, word i (0 EBX ..). */
static uint32_t
sig_word(const char *sig, int i)
{
	const unsigned char *b = (const unsigned char *)sig + 4 * i;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

static void
prof_leaf(struct prof *p, uint32_t leaf, uint32_t eax, uint32_t ebx,
    uint32_t ecx, uint32_t edx)
{
	struct hvio_table *t = &p->pr_table;
	struct hvio_table_leaf *l;

	if (t->ht_nleaves == PROF_MAX) {
		CHECK(!"profile table full");
		return;
	}
	l = &p->pr_leaves[t->ht_nleaves++];
	l->htl_leaf = leaf;
	l->htl_regs.eax = eax;
	l->htl_regs.ebx = ebx;
	l->htl_regs.ecx = ecx;
	l->htl_regs.edx = edx;
}

/* Leaf 1 with or without the hypervisor bit (ECX 31), nothing else. */
static void
prof_init(struct prof *p, bool hvbit, enum hvio_table_miss miss)
{
	memset(p, 0, sizeof(*p));
	p->pr_table.ht_leaves = p->pr_leaves;
	p->pr_table.ht_miss = miss;
	p->pr_table.ht_name = "table";
	p->pr_table.ht_detail = "";
	prof_leaf(p, 1, 0x000806ec, 0x00000800, hvbit ? 0xfffa3223 :
	    0x7ffa3223, 0x0f8bfbff);
}

/*
 * A block: EAX, the signature in EBX ECX EDX.  usedmax is the highest
 * leaf the code may read in it (EAX, or base+1 where EAX 0 means so).
 */
static void
prof_block(struct prof *p, uint32_t base, uint32_t eax, const char *sig,
    uint32_t usedmax)
{
	prof_leaf(p, base, eax, sig_word(sig, 0), sig_word(sig, 1),
	    sig_word(sig, 2));
	p->pr_blockmax[(base - BASE0) >> 8] = usedmax;
}

static const struct hvio *
prof_start(struct prof *p)
{
	return hvio_table_start(&p->pr_table);
}

/*
 * Every CPUID leaf asked inside a hypervisor block must be the base or
 * lie within the block's highest leaf: reading past it on Intel returns
 * another leaf's data (docs/reference/cpuid-detection.md "Leaves that
 * do not exist").
 */
static void
check_reads_inside_blocks(const struct prof *p)
{
	uint32_t leaf, base, max;
	int i, nbad = 0;

	for (i = 0; i < hvio_table_nlog && i < HVIO_TABLE_LOG_MAX; i++) {
		leaf = hvio_table_log[i];
		if (leaf < BASE0 || leaf > 0x4000ffff)
			continue;
		base = leaf & ~0xffu;
		max = p->pr_blockmax[(base - BASE0) >> 8];
		if (leaf != base && (max == 0 || leaf > max)) {
			if (nbad++ == 0)
				printf("# read 0x%08x, block max 0x%08x\n",
				    leaf, max);
		}
	}
	CHECK(hvio_table_nlog <= HVIO_TABLE_LOG_MAX);
	CHECK_EQ_INT(nbad, 0);
}

/*
 * A QEMU/KVM-style Hyper-V guest at 0x40000000 (hyperv.md "CPUID
 * leaves"): version 10.0 build 14393, guest privileges, block up to
 * maxleaf.  Leaves up to 0x4000000C are in the table whatever maxleaf
 * says, so a read past maxleaf would show.
 */
static void
prof_hyperv(struct prof *p, uint32_t base, uint32_t maxleaf)
{
	prof_block(p, base, maxleaf, "Microsoft Hv", maxleaf);
	prof_leaf(p, base + 1, HV1, 0, 0, 0);
	prof_leaf(p, base + 2, 0x3839, 0x000a0000, 0, 0);
	/* VP_RUNTIME..VP_INDEX, REFERENCE_TSC, GUEST_IDLE, FREQUENCY, REEN. */
	prof_leaf(p, base + 3, 0x00002e7f, 0, 0, 0x00000500);
	prof_leaf(p, base + 4, 0x40000020, 0x00000fff, 0x2e, 0);
	prof_leaf(p, base + 5, 0xffffffff, 0x40, 0xbf, 0);
	prof_leaf(p, base + 0xc, 0, 0, 0, 0);
}

/* ------------------------------------------------------------------ */
/* pvbus_base_valid */

static bool
base_valid(uint32_t base, uint32_t eax, const char *sig, uint32_t *maxleaf)
{
	struct cpuid_regs r;

	r.eax = eax;
	r.ebx = sig_word(sig, 0);
	r.ecx = sig_word(sig, 1);
	r.edx = sig_word(sig, 2);
	*maxleaf = 0xdeadbeef;
	return pvbus_base_valid(base, &r, maxleaf);
}

static void
test_base_valid_accepts_maxleaf_inside_block(void)
{
	static const uint32_t bases[] = { BASE(0), BASE(1), BASE(0x80),
	    BASE(0xff) };
	static const uint32_t offs[] = { 0, 1, 5, 0x10, 0xfe, 0xff };
	uint32_t maxleaf;
	size_t i, j;

	for (i = 0; i < nitems(bases); i++)
		for (j = 0; j < nitems(offs); j++) {
			CHECK(base_valid(bases[i], bases[i] + offs[j],
			    "KVMKVMKVM\0\0\0", &maxleaf));
			CHECK_EQ_HEX(maxleaf, bases[i] + offs[j]);
			CHECK(base_valid(bases[i], bases[i] + offs[j],
			    "Microsoft Hv", &maxleaf));
		}
}

static void
test_base_valid_rejects_maxleaf_outside_block(void)
{
	uint32_t maxleaf;

	/* Below the base: the block before's leaf, or basic-leaf data. */
	CHECK(!base_valid(BASE(1), BASE(1) - 1, "KVMKVMKVM\0\0\0", &maxleaf));
	CHECK(!base_valid(BASE(1), BASE(0) + 5, "Microsoft Hv", &maxleaf));
	CHECK(!base_valid(BASE(0), 0x3fffffff, "VMwareVMware", &maxleaf));
	CHECK(!base_valid(BASE(0), 0x0000000d, "VMwareVMware", &maxleaf));
	/* Above the block: the next base's leaves are not this one's. */
	CHECK(!base_valid(BASE(0), BASE(1), "VMwareVMware", &maxleaf));
	CHECK(!base_valid(BASE(1), BASE(2) + 1, "KVMKVMKVM\0\0\0", &maxleaf));
	CHECK(!base_valid(BASE(0), 0x4fffffff, "XenVMMXenVMM", &maxleaf));
	CHECK(!base_valid(BASE(0xff), 0x40010000, "XenVMMXenVMM", &maxleaf));
	CHECK(!base_valid(BASE(0), 0xffffffff, "XenVMMXenVMM", &maxleaf));
	/* 0 is below every base, for a signature that does not excuse it. */
	CHECK(!base_valid(BASE(0), 0, "Barevisor!\0\0", &maxleaf));
	CHECK(!base_valid(BASE(3), 0, "Barevisor!\0\0", &maxleaf));
}

/*
 * Old KVM and older OpenBSD vmm answer EAX 0: read as base+1
 * (cpuid-detection.md "Validating a base").
 */
static void
test_base_valid_eax_zero_is_base_plus_1_for_kvm_and_openbsd(void)
{
	uint32_t maxleaf;

	CHECK(base_valid(BASE(0), 0, "KVMKVMKVM\0\0\0", &maxleaf));
	CHECK_EQ_HEX(maxleaf, 0x40000001);
	CHECK(base_valid(BASE(1), 0, "KVMKVMKVM\0\0\0", &maxleaf));
	CHECK_EQ_HEX(maxleaf, 0x40000101);
	CHECK(base_valid(BASE(0), 0, "OpenBSDVMM58", &maxleaf));
	CHECK_EQ_HEX(maxleaf, 0x40000001);
	CHECK(base_valid(BASE(0xff), 0, "OpenBSDVMM58", &maxleaf));
	CHECK_EQ_HEX(maxleaf, 0x4000ff01);
	/* Not a prefix match: "KVMKVMKVM" with a 12th byte is not KVM. */
	CHECK(!base_valid(BASE(0), 0, "KVMKVMKVM\0\0X", &maxleaf));
}

static void
test_base_valid_eax_zero_rejected_for_other_vendors(void)
{
	static const char *const sigs[] = {
		"Linux KVM Hv", "Microsoft Hv", "VMwareVMware", "XenVMMXenVMM",
		"bhyve bhyve ", "TCGTCGTCGTCG", "VBoxVBoxVBox", "ACRNACRNACRN",
		"___ NVMM ___", "Jailhouse\0\0\0", "Apple VZ\0\0\0\0",
		"QNXQVMBSQG\0\0", "LKVMLKVMLKVM",
	};
	uint32_t maxleaf;
	size_t i;

	for (i = 0; i < nitems(sigs); i++) {
		if (!CHECK(!base_valid(BASE(0), 0, sigs[i], &maxleaf)))
			printf("# accepted \"%.12s\" with EAX 0\n", sigs[i]);
		CHECK(!base_valid(BASE(2), 0, sigs[i], &maxleaf));
	}
}

static void
test_base_valid_accepts_unknown_printable_signature(void)
{
	static const char *const sigs[] = {
		"Barevisor!\0\0", "MiniVisor\0\0\0", "NoirVisor ZT",
		"Neko Project", "PpyH\0\0\0\0\0\0\0\0", "~ !}        ",
	};
	uint32_t maxleaf;
	size_t i;

	for (i = 0; i < nitems(sigs); i++) {
		CHECK(base_valid(BASE(0), BASE(0) + 1, sigs[i], &maxleaf));
		CHECK(base_valid(BASE(7), BASE(7), sigs[i], &maxleaf));
		CHECK_EQ_HEX(maxleaf, BASE(7));
	}
}

static void
test_base_valid_rejects_unprintable_signatures(void)
{
	static const char *const sigs[] = {
		"\0\0\0\0\0\0\0\0\0\0\0\0",	/* all NUL */
		"abc\0\0\0\0\0\0\0\0\0",	/* three characters */
		"a\0\0\0\0\0\0\0\0\0\0\0",
		"KVM\0KVMKVM\0\0",		/* NUL, then text */
		"Barevisor!\0x",		/* NUL, then one character */
		"\0KVMKVMKVM\0\0",
		"Microsoft\tHv",		/* control character */
		"Microsoft\nHv",
		"VMware\x7fVMwar",		/* DEL */
		"VMware\x80VMwar",		/* high bytes */
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
		"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c",
	};
	uint32_t maxleaf;
	size_t i;

	for (i = 0; i < nitems(sigs); i++)
		if (!CHECK(!base_valid(BASE(0), BASE(0) + 1, sigs[i],
		    &maxleaf)))
			printf("# accepted signature %zu\n", i);
}

static uint32_t	rng_state = 0x2545f491;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/*
 * Intel hardware and KVM on Intel repeat the highest basic leaf for a
 * base with no block (cpuid-detection.md "Leaves that do not exist"):
 * EAX is small, EBX..EDX anything.
 */
static void
test_base_valid_rejects_intel_repeated_leaf(void)
{
	struct cpuid_regs r;
	uint32_t maxleaf;
	int i, k, nbad = 0;

	for (i = 0; i < 4096; i++) {
		k = i % NBASES;
		r.eax = i % 2 ? 0x0000021f : rng() & 0x3fffffff;
		r.ebx = rng();
		r.ecx = rng();
		r.edx = rng();
		nbad += pvbus_base_valid(BASE(k), &r, &maxleaf);
	}
	CHECK_EQ_INT(nbad, 0);
	/* Even with a signature that would be accepted at a proper EAX. */
	CHECK(!base_valid(BASE(1), 0x0000021f, "KVMKVMKVM\0\0\0", &maxleaf));
	CHECK(!base_valid(BASE(1), 0x0000021f, "Barevisor!\0\0", &maxleaf));
}

/* ------------------------------------------------------------------ */
/* pvbus_match_signature */

struct sig_row {
	const char	*sr_sig;	/* 12 bytes */
	const char	*sr_id;
};

/* docs/reference/cpuid-detection.md "Signatures", every row. */
static const struct sig_row fact_sigs[] = {
	{ "KVMKVMKVM\0\0\0",	"kvm" },
	{ "Linux KVM Hv",	"kvmhv" },
	{ "Microsoft Hv",	"hyperv" },
	{ "VMwareVMware",	"vmware" },
	{ "XenVMMXenVMM",	"xen" },
	{ "bhyve bhyve ",	"bhyve" },
	{ "BHyVE BHyVE ",	"bhyve" },
	{ "TCGTCGTCGTCG",	"tcg" },
	{ "VBoxVBoxVBox",	"vbox" },
	{ "ACRNACRNACRN",	"acrn" },
	{ "OpenBSDVMM58",	"openbsd" },
	{ "___ NVMM ___",	"nvmm" },
	{ "Jailhouse\0\0\0",	"jailhouse" },
	{ "Apple VZ\0\0\0\0",	"apple" },
	{ "QNXQVMBSQG\0\0",	"qnx" },
	{ " QNXQVMBSQG ",	"qnx" },
	{ "SRESRESRESRE",	"sre" },
	{ "HAXMHAXMHAXM",	"haxm" },
	{ " prl hyperv ",	"parallels" },
	{ "prl hyperv  ",	"parallels" },
	{ " lrpepyh  vr",	"parallels" },
	{ "EVMMEVMMEVMM",	"kgt" },
	{ "UnisysSpar64",	"spar" },
	{ "LKVMLKVMLKVM",	"lkvm" },
};

/* The same table's EBX ECX EDX columns, as printed there. */
static const struct {
	const char	*fh_sig;
	const char	*fh_id;
	uint32_t	fh_ebx, fh_ecx, fh_edx;
} fact_hex[] = {
	{ "KVMKVMKVM\0\0\0", "kvm", 0x4b4d564b, 0x564b4d56, 0x0000004d },
	{ "Linux KVM Hv", "kvmhv", 0x756e694c, 0x564b2078, 0x7648204d },
	{ "Microsoft Hv", "hyperv", 0x7263694d, 0x666f736f, 0x76482074 },
	{ "VMwareVMware", "vmware", 0x61774d56, 0x4d566572, 0x65726177 },
	{ "XenVMMXenVMM", "xen", 0x566e6558, 0x65584d4d, 0x4d4d566e },
	{ "bhyve bhyve ", "bhyve", 0x76796862, 0x68622065, 0x20657679 },
	{ "BHyVE BHyVE ", "bhyve", 0x56794842, 0x48422045, 0x20455679 },
	{ "TCGTCGTCGTCG", "tcg", 0x54474354, 0x43544743, 0x47435447 },
	{ "VBoxVBoxVBox", "vbox", 0x786f4256, 0x786f4256, 0x786f4256 },
	{ "ACRNACRNACRN", "acrn", 0x4e524341, 0x4e524341, 0x4e524341 },
	{ "OpenBSDVMM58", "openbsd", 0x6e65704f, 0x56445342, 0x38354d4d },
	{ "___ NVMM ___", "nvmm", 0x205f5f5f, 0x4d4d564e, 0x5f5f5f20 },
	{ "Jailhouse\0\0\0", "jailhouse", 0x6c69614a, 0x73756f68, 0x00000065 },
	{ "Apple VZ\0\0\0\0", "apple", 0x6c707041, 0x5a562065, 0x00000000 },
	{ "QNXQVMBSQG\0\0", "qnx", 0x51584e51, 0x53424d56, 0x00004751 },
	{ "SRESRESRESRE", "sre", 0x53455253, 0x52534552, 0x45525345 },
	{ "HAXMHAXMHAXM", "haxm", 0x4d584148, 0x4d584148, 0x4d584148 },
	{ " prl hyperv ", "parallels", 0x6c727020, 0x70796820, 0x20767265 },
	{ " lrpepyh  vr", "parallels", 0x70726c20, 0x68797065, 0x72762020 },
	{ "EVMMEVMMEVMM", "kgt", 0x4d4d5645, 0x4d4d5645, 0x4d4d5645 },
	{ "UnisysSpar64", "spar", 0x73696e55, 0x70537379, 0x34367261 },
	{ "LKVMLKVMLKVM", "lkvm", 0x4d564b4c, 0x4d564b4c, 0x4d564b4c },
};

/*
 * In an exactly 12-byte heap buffer, so that ASan sees a 13th byte read.
 * Returns the vendor id, "(unknown)" for no match.
 */
static const char *
match_id(const char *sig)
{
	const struct pvbus_type *pt;
	char *buf;

	if ((buf = malloc(12)) == NULL)
		abort();
	memcpy(buf, sig, 12);
	pt = &pvbus_types[pvbus_match_signature(buf)];
	free(buf);
	if (pt == &pvbus_types[PVBUS_UNKNOWN])
		return "(unknown)";
	CHECK(pt->pt_name != NULL && pt->pt_name[0] != '\0');
	return pt->pt_id;
}

static void
test_match_signature_maps_every_listed_row(void)
{
	size_t i;

	for (i = 0; i < nitems(fact_sigs); i++)
		if (!CHECK_STR(match_id(fact_sigs[i].sr_sig),
		    fact_sigs[i].sr_id))
			printf("# row %zu \"%.12s\"\n", i, fact_sigs[i].sr_sig);
}

/*
 * The vendor table and its enum cannot drift: every vendor has a row
 * with an id and a name, and some signature names it.
 */
static void
test_every_vendor_has_a_row(void)
{
	size_t i, j;
	bool named;

	CHECK_STR(pvbus_types[PVBUS_UNKNOWN].pt_id, "unknown");
	CHECK(pvbus_types[PVBUS_UNKNOWN].pt_name == NULL);
	for (i = 1; i < PVBUS_NVENDORS; i++) {
		if (!CHECK(pvbus_types[i].pt_id != NULL &&
		    pvbus_types[i].pt_name != NULL))
			printf("# vendor %zu has no row\n", i);
		for (named = false, j = 0; j < nitems(fact_sigs); j++)
			named |= pvbus_match_signature(fact_sigs[j].sr_sig) ==
			    (enum pvbus_vendor)i;
		if (!CHECK(named))
			printf("# vendor %zu: no signature names it\n", i);
	}
}

static void
test_match_signature_needs_all_12_bytes(void)
{
	CHECK_STR(match_id("KVMKVMKVM\0\0X"), "(unknown)");
	CHECK_STR(match_id("KVMKVMKVMKVM"), "(unknown)");
	CHECK_STR(match_id("Microsoft HV"), "(unknown)");
	CHECK_STR(match_id("microsoft Hv"), "(unknown)");
	CHECK_STR(match_id("bhyve bhyve\0"), "(unknown)");	/* no space */
	CHECK_STR(match_id("Jailhouse   "), "(unknown)");
	CHECK_STR(match_id("\0\0\0\0\0\0\0\0\0\0\0\0"), "(unknown)");
	/* Leaf 0's order (EBX EDX ECX) of "VMwareVMware" is not VMware. */
	CHECK_STR(match_id("VMwaVMwarere"), "(unknown)");
}

/* One interface at 0x40000000 made of these registers; its vendor id. */
static const char *
identify_regs(uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	struct prof p;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_leaf(&p, BASE0, BASE0 + 1, ebx, ecx, edx);
	pvbus_identify(prof_start(&p));
	if (pvbus_softc.sc_niface != 1)
		return "(none)";
	if (pvbus_softc.sc_iface[0].pi_vendor == PVBUS_UNKNOWN)
		return "(unknown)";
	return pvbus_types[pvbus_softc.sc_iface[0].pi_vendor].pt_id;
}

/*
 * The hex columns of docs/reference/cpuid-detection.md "Signatures"
 * equal the strings turned into words here, and the detection pass,
 * reading EBX ECX EDX, names their vendors.
 */
static void
test_identify_reads_signature_in_ebx_ecx_edx_order(void)
{
	size_t i;

	for (i = 0; i < nitems(fact_hex); i++) {
		CHECK_EQ_HEX(sig_word(fact_hex[i].fh_sig, 0),
		    fact_hex[i].fh_ebx);
		CHECK_EQ_HEX(sig_word(fact_hex[i].fh_sig, 1),
		    fact_hex[i].fh_ecx);
		CHECK_EQ_HEX(sig_word(fact_hex[i].fh_sig, 2),
		    fact_hex[i].fh_edx);
		if (!CHECK_STR(identify_regs(fact_hex[i].fh_ebx,
		    fact_hex[i].fh_ecx, fact_hex[i].fh_edx), fact_hex[i].fh_id))
			printf("# hex row %zu\n", i);
	}
	CHECK_EQ_HEX(sig_word("Hv#1", 0), HV1);	/* base+1, not a vendor */
	/* The same words in leaf 0's order: printable, but nobody known. */
	CHECK_STR(identify_regs(0x7263694d, 0x76482074, 0x666f736f),
	    "(unknown)");
	CHECK_STR(identify_regs(0x4b4d564b, 0x0000004d, 0x564b4d56),
	    "(none)");		/* "KVMKM\0\0\0VMKV": NUL, then text */
}

/* ------------------------------------------------------------------ */
/* pvbus_sig_escape */

static void
test_sig_escape_nul_quote_backslash_and_high_bytes(void)
{
	char buf[12 * 4 + 1];

	CHECK_EQ_INT(pvbus_sig_escape("KVMKVMKVM\0\0\0", buf, sizeof(buf)),
	    15);
	CHECK_STR(buf, "KVMKVMKVM\\0\\0\\0");
	CHECK_EQ_INT(pvbus_sig_escape("Say \"hi\"\\ ok", buf, sizeof(buf)),
	    15);
	CHECK_STR(buf, "Say \\\"hi\\\"\\\\ ok");
	pvbus_sig_escape("a\x7f\x80\xff\x01\x1f\t b~ \0", buf, sizeof(buf));
	CHECK_STR(buf, "a\\x7f\\x80\\xff\\x01\\x1f\\x09 b~ \\0");
	/* The worst case fills the 49 bytes pvbus_tree.c gives it. */
	CHECK_EQ_INT(pvbus_sig_escape("\xff\xff\xff\xff\xff\xff\xff\xff"
	    "\xff\xff\xff\xff", buf, sizeof(buf)), 48);
	CHECK_EQ_INT(strlen(buf), 48);
	CHECK_EQ_INT(pvbus_sig_escape("Microsoft Hv", buf, sizeof(buf)), 12);
	CHECK_STR(buf, "Microsoft Hv");
}

/* Like snprintf: the whole length back, a NUL-terminated prefix. */
static void
test_sig_escape_truncates_like_snprintf(void)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(pvbus_sig_escape("KVMKVMKVM\0\0\0", buf, 6), 15);
	CHECK_STR(buf, "KVMKV");
	CHECK_EQ_INT(buf[6], 'x');		/* nothing past size */
	CHECK_EQ_INT(pvbus_sig_escape("\0\0\0\0\0\0\0\0\0\0\0\0", buf, 4),
	    24);
	CHECK_STR(buf, "\\0\\");
	CHECK_EQ_INT(pvbus_sig_escape("Microsoft Hv", buf, 1), 12);
	CHECK_STR(buf, "");
}

/* ------------------------------------------------------------------ */
/* pvbus_identify: the scan */

static void
test_identify_bit_clear_reads_only_first_base(void)
{
	struct prof p;
	const struct hvio *io;
	int k, nother = 0;

	prof_init(&p, false, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE(1), BASE(1) + 1, "KVMKVMKVM\0\0\0", BASE(1) + 1);
	pvbus_identify(io = prof_start(&p));
	CHECK(!pvbus_softc.sc_hvbit);
	CHECK_EQ_INT(hvio_table_count(1), 1);
	CHECK_EQ_INT(hvio_table_count(BASE0), 1);
	for (k = 1; k < NBASES; k++)
		nother += hvio_table_count(BASE(k));
	CHECK_EQ_INT(nother, 0);
	CHECK_EQ_INT(hvio_table_count_range(BASE(1), 0x4fffffff), 0);
	CHECK_EQ_INT(pvbus_softc.sc_nscanned, 1);
	CHECK_EQ_INT(pvbus_softc.sc_niface, 0);	/* 0x40000100 never read */
	CHECK_EQ_INT(pvbus_softc.sc_nrejected, 0);
	CHECK_EQ_INT(pvbus_softc.sc_primary, -1);
	CHECK_EQ_INT(hvio_table_nbackdoor, 1);
	CHECK(pvbus_softc.sc_io == io);
}

/*
 * QEMU -cpu ...,-hypervisor hides the bit but still answers
 * (cpuid-detection.md "Hypervisor-present bit").
 */
static void
test_identify_bit_clear_still_records_answering_signature(void)
{
	struct prof p;

	prof_init(&p, false, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, BASE0 + 1, "KVMKVMKVM\0\0\0", BASE0 + 1);
	prof_leaf(&p, BASE0 + 1, 0x01007afb, 0, 0, 0);
	prof_block(&p, BASE(1), BASE(1) + 1, "XenVMMXenVMM", BASE(1) + 1);
	pvbus_identify(prof_start(&p));
	CHECK(!pvbus_softc.sc_hvbit);
	CHECK_EQ_INT(pvbus_softc.sc_nscanned, 1);
	CHECK_EQ_INT(pvbus_softc.sc_niface, 1);
	CHECK_EQ_HEX(pvbus_softc.sc_iface[0].pi_id.id_base, BASE0);
	CHECK(pvbus_softc.sc_iface[0].pi_vendor == PVBUS_KVM);
	CHECK_EQ_HEX(pvbus_softc.sc_iface[0].pi_id.id_kvm.kv_features,
	    0x01007afb);
	CHECK_EQ_INT(pvbus_softc.sc_primary, 0);
	CHECK(pvbus_softc.sc_iface[0].pi_primary);
	CHECK_EQ_INT(hvio_table_count_range(BASE(1), 0x4fffffff), 0);
	check_reads_inside_blocks(&p);
}

static void
test_identify_bit_set_reads_all_256_bases_once(void)
{
	struct prof p;
	int k, nwrong = 0;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, BASE0 + 1, "KVMKVMKVM\0\0\0", BASE0 + 1);
	prof_block(&p, BASE(0xff), BASE(0xff), "Barevisor!\0\0", BASE(0xff));
	pvbus_identify(prof_start(&p));
	CHECK(pvbus_softc.sc_hvbit);
	CHECK_EQ_INT(pvbus_softc.sc_nscanned, NBASES);
	for (k = 0; k < NBASES; k++)
		if (hvio_table_count(BASE(k)) != 1 && nwrong++ == 0)
			printf("# base 0x%08x read %d times\n", BASE(k),
			    hvio_table_count(BASE(k)));
	CHECK_EQ_INT(nwrong, 0);
	CHECK_EQ_INT(hvio_table_count(1), 1);
	CHECK_EQ_INT(hvio_table_count_range(0x40010000, 0xffffffff), 0);
	CHECK_EQ_INT(pvbus_softc.sc_niface, 2);
	CHECK_EQ_HEX(pvbus_softc.sc_iface[1].pi_id.id_base, 0x4000ff00);
	CHECK(pvbus_softc.sc_iface[1].pi_vendor == PVBUS_UNKNOWN);
	CHECK_EQ_INT(pvbus_softc.sc_nrejected, 0);
	check_reads_inside_blocks(&p);
}

/*
 * Intel: every base past KVM's block repeats the highest basic leaf
 * (cpuid-detection.md "Leaves that do not exist"); those are rejected
 * and counted.  Zeros (AMD, Xen) are not.
 */
static void
test_identify_counts_garbage_bases_not_zero_ones(void)
{
	struct prof p;

	prof_init(&p, true, HVIO_TABLE_MISS_BASIC);
	prof_leaf(&p, 0, 0x1f, sig_word("GenuineIntel", 0),
	    sig_word("GenuineIntel", 2), sig_word("GenuineIntel", 1));
	prof_leaf(&p, 0x1f, 0x0000021f, 0x8f3a11c2, 0x5be0e9d4, 0x0000002a);
	prof_block(&p, BASE0, BASE0 + 1, "KVMKVMKVM\0\0\0", BASE0 + 1);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(pvbus_softc.sc_niface, 1);
	CHECK_EQ_INT(pvbus_softc.sc_nrejected, NBASES - 1);
	CHECK_EQ_HEX(pvbus_softc.sc_first_rejected, BASE(1));
	CHECK_EQ_HEX(pvbus_softc.sc_rejected_eax, 0x0000021f);
	CHECK_EQ_INT(pvbus_softc.sc_primary, 0);

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, BASE0 + 1, "KVMKVMKVM\0\0\0", BASE0 + 1);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(pvbus_softc.sc_niface, 1);
	CHECK_EQ_INT(pvbus_softc.sc_nrejected, 0);
	CHECK_EQ_HEX(pvbus_softc.sc_first_rejected, 0);

	/* One register non-zero is enough to count. */
	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_leaf(&p, BASE(3), 0, 0, 0, 1);
	prof_leaf(&p, BASE(9), 0x21f, 0, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(pvbus_softc.sc_niface, 0);
	CHECK_EQ_INT(pvbus_softc.sc_nrejected, 2);
	CHECK_EQ_HEX(pvbus_softc.sc_first_rejected, BASE(3));
	CHECK_EQ_HEX(pvbus_softc.sc_rejected_eax, 0);
	CHECK_EQ_INT(pvbus_softc.sc_primary, -1);
}

/*
 * QEMU+KVM with hv-* flags (cpuid-detection.md "Several interfaces at
 * once"); the higher base wins, as Linux (cpuid-detection.md "Who
 * wins").
 */
static void
test_identify_prefers_highest_base(void)
{
	struct prof p;
	const struct pvbus_softc *sc = &pvbus_softc;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_hyperv(&p, BASE0, 0x40000005);
	prof_block(&p, BASE(1), BASE(1) + 1, "KVMKVMKVM\0\0\0", BASE(1) + 1);
	prof_leaf(&p, BASE(1) + 1, 0x01007afb, 0, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(sc->sc_niface, 2);
	CHECK_EQ_HEX(sc->sc_iface[0].pi_id.id_base, BASE0);
	CHECK_EQ_HEX(sc->sc_iface[1].pi_id.id_base, BASE(1));
	CHECK(sc->sc_iface[0].pi_vendor == PVBUS_HYPERV);
	CHECK(sc->sc_iface[1].pi_vendor == PVBUS_KVM);
	CHECK_EQ_INT(sc->sc_primary, 1);
	CHECK(!sc->sc_iface[0].pi_primary);
	CHECK(sc->sc_iface[1].pi_primary);
	CHECK(sc->sc_iface[0].pi_id.id_hv1);
	CHECK(!sc->sc_iface[1].pi_id.id_hv1);
	CHECK(pvbus_find(PVBUS_KVM) == &sc->sc_iface[1]);
	CHECK(pvbus_find(PVBUS_HYPERV) == &sc->sc_iface[0]);
	CHECK(pvbus_find(PVBUS_XEN) == NULL);
	check_reads_inside_blocks(&p);
}

/*
 * VMware offering Hv#1 is VMware with a Hyper-V interface
 * (cpuid-detection.md "Several interfaces at once").
 */
static void
test_identify_vmware_with_hv1_is_vmware_not_hyperv(void)
{
	struct prof p;
	const struct pvbus_iface *hv = &pvbus_softc.sc_iface[0];

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x40000010, "VMwareVMware", 0x40000010);
	prof_leaf(&p, BASE0 + 1, HV1, 0, 0, 0);
	prof_leaf(&p, BASE0 + 3, 0x2e7f, 0, 0, 0);
	prof_leaf(&p, 0x40000010, 2893362, 66000, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(pvbus_softc.sc_niface, 1);
	CHECK(hv->pi_vendor == PVBUS_VMWARE);
	CHECK(hv->pi_id.id_hv1);
	CHECK(pvbus_find(PVBUS_HYPERV) == NULL);
	CHECK(pvbus_find(PVBUS_VMWARE) == hv);
	CHECK(!hv->pi_id.id_hyperv.hy_has_version);	/* base+2 all zero */
	CHECK(hv->pi_id.id_hyperv.hy_has_features);
	CHECK(hv->pi_id.id_timing.tm_valid);
	CHECK(pvbus_types[hv->pi_vendor].pt_check == NULL);
	check_reads_inside_blocks(&p);

	CHECK(pvbus_print_tree());
	CHECK_CONTAINS(fake_cons_buf,
	    "pvbus0 at mainbus0: VMware (Hyper-V interface) [table]\n");
	CHECK(strstr(fake_cons_buf, "Hyper-V 10.0") == NULL);
	CHECK_CONTAINS(fake_cons_buf,
	    "pvbus0: 0x40000000: Hyper-V interface (Hv#1), no version "
	    "(base+2 all zero), guest partition, isolation none\n");
	fake_cons_reset();
	pvbus_print_facts();
	CHECK_CONTAINS(fake_cons_buf, " vendor=vmware ");
	CHECK_CONTAINS(fake_cons_buf, " iface=Hv#1 role=guest ");
}

/* ------------------------------------------------------------------ */
/* pvbus_identify: the decoders */

static void
test_identify_decodes_hyperv_version_and_role(void)
{
	struct prof p;
	const struct ident_hyperv *hy =
	    &pvbus_softc.sc_iface[0].pi_id.id_hyperv;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x4000000b, "Microsoft Hv", 0x4000000b);
	prof_leaf(&p, BASE0 + 1, HV1, 0, 0, 0);
	prof_leaf(&p, BASE0 + 2, 26100, 0x000a0002, 7, 0x12345678);
	prof_leaf(&p, BASE0 + 3, 0x00003fff, 0x002bb9ff, 0x2, 0x000fbbbe);
	prof_leaf(&p, BASE0 + 4, 0x00040e24, 0xffffffff, 0x2e, 0);
	pvbus_identify(prof_start(&p));
	CHECK(hy->hy_has_version);
	CHECK_EQ_INT(hy->hy_build, 26100);
	CHECK_EQ_INT(hy->hy_major, 10);
	CHECK_EQ_INT(hy->hy_minor, 2);
	CHECK_EQ_INT(hy->hy_sp, 7);
	CHECK_EQ_INT(hy->hy_branch, 0x12);
	CHECK_EQ_HEX(hy->hy_number, 0x345678);
	CHECK(hy->hy_has_features);
	CHECK_EQ_HEX(hy->hy_privileges, 0x002bb9ff00003fffULL);
	CHECK_EQ_HEX(hy->hy_power, 0x2);
	CHECK_EQ_HEX(hy->hy_features, 0x000fbbbe);
	CHECK(hy->hy_has_recommend);
	CHECK_EQ_HEX(hy->hy_recommend, 0x00040e24);
	/* EBX 0 CreatePartitions, 12 CpuManagement, no 22 Isolation. */
	CHECK_EQ_INT(ident_hyperv_role(hy), HV_ROLE_ROOT);
	CHECK(!hy->hy_has_isolation);		/* 0xB < 0xC */

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_hyperv(&p, BASE0, 0x40000005);
	pvbus_identify(prof_start(&p));
	CHECK(hy->hy_has_features);
	CHECK_EQ_INT(ident_hyperv_role(hy), HV_ROLE_GUEST);	/* EBX 0 */
	CHECK_EQ_INT(hy->hy_major, 10);
	CHECK_EQ_INT(hy->hy_minor, 0);
	CHECK_EQ_INT(hy->hy_build, 14393);

	/*
	 * Linux's hv_identify_partition_type() (docs/reference/hyperv.md
	 * "Partition roles"): without EBX bit 0 nothing else makes a root;
	 * CreatePartitions alone is an L1VH partition; with CpuManagement
	 * (EBX bit 12) the root, unless Isolation (EBX bit 22) is offered.
	 */
	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x40000005, "Microsoft Hv", 0x40000005);
	prof_leaf(&p, BASE0 + 1, HV1, 0, 0, 0);
	prof_leaf(&p, BASE0 + 3, 0xffffffff, 0xfffffffe, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(ident_hyperv_role(hy), HV_ROLE_GUEST);
	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x40000005, "Microsoft Hv", 0x40000005);
	prof_leaf(&p, BASE0 + 1, HV1, 0, 0, 0);
	prof_leaf(&p, BASE0 + 3, 0, 1, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(ident_hyperv_role(hy), HV_ROLE_L1VH);
	CHECK(!hy->hy_has_version);		/* base+2 all zero */
	fake_cons_reset();
	pvbus_print_facts();
	CHECK_CONTAINS(fake_cons_buf, " role=l1vh privileges=0x0000000100000000 ");
	p.pr_leaves[p.pr_table.ht_nleaves - 1].htl_regs.ebx = 1 | 1 << 12;
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(ident_hyperv_role(hy), HV_ROLE_ROOT);
	p.pr_leaves[p.pr_table.ht_nleaves - 1].htl_regs.ebx |= 1 << 22;
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(ident_hyperv_role(hy), HV_ROLE_GUEST);
}

/* base+0xC only when the block reaches it (hyperv.md "CPUID leaves"). */
static void
test_identify_hyperv_isolation_only_when_block_reaches_it(void)
{
	struct prof p;
	const struct ident_hyperv *hy =
	    &pvbus_softc.sc_iface[0].pi_id.id_hyperv;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x4000000b, "Microsoft Hv", 0x4000000b);
	prof_leaf(&p, BASE0 + 1, HV1, 0, 0, 0);
	prof_leaf(&p, BASE0 + 0xc, 1, 0x2 | 0x20 | 0x7c0, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK(!hy->hy_has_isolation);
	CHECK_EQ_INT(hvio_table_count(BASE0 + 0xc), 0);
	check_reads_inside_blocks(&p);

	p.pr_leaves[1].htl_regs.eax = 0x4000000c;	/* the base row */
	p.pr_blockmax[0] = 0x4000000c;
	pvbus_identify(prof_start(&p));
	CHECK(hy->hy_has_isolation);
	CHECK_EQ_INT(hvio_table_count(BASE0 + 0xc), 1);
	CHECK_EQ_INT(hy->hy_isolation, 2);	/* SNP, EBX 3:0 only */
	CHECK(hy->hy_paravisor);
	check_reads_inside_blocks(&p);
	fake_cons_reset();
	pvbus_print_facts();
	CHECK_CONTAINS(fake_cons_buf, " isolation=snp primary=yes\n");

	p.pr_leaves[p.pr_table.ht_nleaves - 1].htl_regs.ebx = 0xf;
	pvbus_identify(prof_start(&p));
	fake_cons_reset();
	pvbus_print_facts();
	CHECK_CONTAINS(fake_cons_buf, " isolation=type15 primary=yes\n");
}

/*
 * Short blocks, with the leaves past their end present in the table:
 * nothing past a block's max leaf is read, and nothing of it decoded.
 */
static void
test_identify_reads_no_leaf_above_a_blocks_max(void)
{
	struct prof p;
	const struct pvbus_softc *sc = &pvbus_softc;
	int k;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	/* Hyper-V with only base+1: no version, features, isolation. */
	prof_hyperv(&p, BASE(0), 0x40000001);
	/* KVM up to base+1, a timing leaf beyond it. */
	prof_block(&p, BASE(1), BASE(1) + 1, "KVMKVMKVM\0\0\0", BASE(1) + 1);
	prof_leaf(&p, BASE(1) + 1, 0x3, 0, 0, 1);
	prof_leaf(&p, BASE(1) + 0x10, 1000000, 100000, 0, 0);
	/* Xen up to base+1: no hypercall leaf. */
	prof_block(&p, BASE(2), BASE(2) + 1, "XenVMMXenVMM", BASE(2) + 1);
	prof_leaf(&p, BASE(2) + 1, 0x0004000b, 0, 0, 0);
	prof_leaf(&p, BASE(2) + 2, 1, 0x40000000, 0, 0);
	/* Xen at its base only: not even the version. */
	prof_block(&p, BASE(3), BASE(3), "XenVMMXenVMM", BASE(3));
	prof_leaf(&p, BASE(3) + 1, 0x0004000b, 0, 0, 0);
	/* VMware up to 0xF: no timing leaf. */
	prof_block(&p, BASE(4), BASE(4) + 0xf, "VMwareVMware", BASE(4) + 0xf);
	prof_leaf(&p, BASE(4) + 1, HV1, 0, 0, 0);
	prof_leaf(&p, BASE(4) + 0x10, 1000000, 100000, 3, 0);
	/* Old KVM, EAX 0: base+1 only. */
	prof_block(&p, BASE(5), 0, "KVMKVMKVM\0\0\0", BASE(5) + 1);
	prof_leaf(&p, BASE(5) + 1, 0x1, 0, 0, 0);
	prof_leaf(&p, BASE(5) + 0x10, 1000000, 100000, 0, 0);
	/* An unknown vendor at its base only: base+1 is not read. */
	prof_block(&p, BASE(6), BASE(6), "Barevisor!\0\0", BASE(6));
	prof_leaf(&p, BASE(6) + 1, HV1, 0, 0, 0);
	pvbus_identify(prof_start(&p));
	check_reads_inside_blocks(&p);
	CHECK_EQ_INT(sc->sc_niface, 7);
	for (k = 0; k < 7; k++)
		CHECK_EQ_HEX(sc->sc_iface[k].pi_id.id_base, BASE(k));
	CHECK(sc->sc_iface[0].pi_id.id_hv1);
	CHECK(!sc->sc_iface[0].pi_id.id_hyperv.hy_has_version);
	CHECK(!sc->sc_iface[0].pi_id.id_hyperv.hy_has_features);
	CHECK(!sc->sc_iface[0].pi_id.id_hyperv.hy_has_recommend);
	CHECK(!sc->sc_iface[0].pi_id.id_hyperv.hy_has_isolation);
	CHECK_EQ_HEX(sc->sc_iface[1].pi_id.id_kvm.kv_features, 0x3);
	CHECK_EQ_HEX(sc->sc_iface[1].pi_id.id_kvm.kv_hints, 1);
	CHECK(!sc->sc_iface[1].pi_id.id_timing.tm_valid);
	CHECK_EQ_INT(sc->sc_iface[2].pi_id.id_xen.xe_major, 4);
	CHECK_EQ_INT(sc->sc_iface[2].pi_id.id_xen.xe_minor, 11);
	CHECK(!sc->sc_iface[2].pi_id.id_xen.xe_has_hypercall);
	CHECK_EQ_INT(sc->sc_iface[3].pi_id.id_xen.xe_major, 0);
	CHECK(!sc->sc_iface[3].pi_id.id_xen.xe_has_hypercall);
	CHECK(sc->sc_iface[4].pi_id.id_hv1);
	CHECK(!sc->sc_iface[4].pi_id.id_timing.tm_valid);
	CHECK(sc->sc_iface[5].pi_eax_zero);
	CHECK_EQ_HEX(sc->sc_iface[5].pi_id.id_maxleaf, BASE(5) + 1);
	CHECK_EQ_HEX(sc->sc_iface[5].pi_id.id_kvm.kv_features, 1);
	CHECK(!sc->sc_iface[5].pi_id.id_timing.tm_valid);
	CHECK(!sc->sc_iface[6].pi_id.id_hv1);
	CHECK_EQ_INT(hvio_table_count(BASE(6) + 1), 0);
}

/*
 * Xen with Viridian: Hyper-V at 0x40000000, Xen at 0x40000100 (xen.md
 * "CPUID leaves").
 */
static void
test_identify_decodes_xen_version_and_hypercall_msr(void)
{
	struct prof p;
	const struct ident_xen *xe = &pvbus_softc.sc_iface[1].pi_id.id_xen;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_hyperv(&p, BASE0, 0x40000006);
	prof_block(&p, BASE(1), BASE(1) + 5, "XenVMMXenVMM", BASE(1) + 5);
	prof_leaf(&p, BASE(1) + 1, 0x0004000b, 0, 0, 0);
	prof_leaf(&p, BASE(1) + 2, 1, 0x40000200, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(pvbus_softc.sc_niface, 2);
	CHECK_EQ_INT(pvbus_softc.sc_primary, 1);	/* Xen beats Viridian */
	CHECK_EQ_INT(xe->xe_major, 4);
	CHECK_EQ_INT(xe->xe_minor, 11);
	CHECK(xe->xe_has_hypercall);
	CHECK_EQ_INT(xe->xe_hypercall_pages, 1);
	CHECK_EQ_HEX(xe->xe_hypercall_msr, 0x40000200);
	/* 0x0004000b is no Hv#1. */
	CHECK(!pvbus_softc.sc_iface[1].pi_id.id_hv1);
	CHECK(ident_xen_check(&pvbus_softc.sc_iface[1].pi_id) == NULL);
	check_reads_inside_blocks(&p);
	pvbus_print_facts();
	CHECK_CONTAINS(fake_cons_buf,
	    "pvbus: hv base=0x40000100 sig=\"XenVMMXenVMM\" vendor=xen "
	    "maxleaf=0x40000105 version=4.11 hypercall_msr=0x40000200 "
	    "hypercall_pages=1 primary=yes\n");
	fake_cons_reset();
	CHECK(pvbus_print_tree());
	CHECK_CONTAINS(fake_cons_buf,
	    "pvbus0 at mainbus0: Hyper-V 10.0, Xen 4.11 [table]\n");
	CHECK_CONTAINS(fake_cons_buf, "pvbus0: 0x40000100: Xen 4.11, "
	    "1 hypercall page through MSR 0x40000200\n");
}

/*
 * KVM's features and hints (kvm.md "CPUID leaves", "Feature bits"), and
 * QEMU's timing leaf (cpuid-detection.md "Several interfaces at once").
 */
static void
test_identify_decodes_kvm_features_and_timing_leaf(void)
{
	struct prof p;
	const struct pvbus_iface *hv = &pvbus_softc.sc_iface[0];

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x40000010, "KVMKVMKVM\0\0\0", 0x40000010);
	prof_leaf(&p, BASE0 + 1, 0x01007afb, 0, 0, 1);
	prof_leaf(&p, BASE0 + 0x10, 2904000, 1000000, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_HEX(hv->pi_id.id_kvm.kv_features, 0x01007afb);
	CHECK_EQ_HEX(hv->pi_id.id_kvm.kv_hints, 1);
	CHECK(hv->pi_id.id_timing.tm_valid);
	CHECK_EQ_INT(hv->pi_id.id_timing.tm_tsc_khz, 2904000);
	CHECK_EQ_INT(hv->pi_id.id_timing.tm_bus_khz, 1000000);
	check_reads_inside_blocks(&p);
	pvbus_print_facts();
	CHECK_STR(fake_cons_buf,
	    "pvbus: hv base=0x40000000 sig=\"KVMKVMKVM\\0\\0\\0\" vendor=kvm "
	    "maxleaf=0x40000010 features=0x01007afb hints=0x00000001 "
	    "tsc_khz=2904000 bus_khz=1000000 primary=yes\n");
	fake_cons_reset();
	CHECK(pvbus_print_tree());
	CHECK_STR(fake_cons_buf,
	    "pvbus0 at mainbus0: KVM [table]\n"
	    "pvbus0: 0x40000000: \"KVMKVMKVM\\0\\0\\0\", max leaf 0x40000010, "
	    "primary\n"
	    "pvbus0: features: CLOCKSOURCE NOP_IO_DELAY CLOCKSOURCE2 ASYNC_PF "
	    "STEAL_TIME PV_EOI PV_UNHALT PV_TLB_FLUSH PV_SEND_IPI "
	    "POLL_CONTROL PV_SCHED_YIELD ASYNC_PF_INT CLOCKSOURCE_STABLE_BIT\n"
	    "pvbus0: hints: REALTIME\n"
	    "pvbus0: 0x40000010: timing leaf: TSC 2904000 kHz, "
	    "APIC bus 1000000 kHz\n");

	/* Max 0xF: no timing leaf.  OpenBSD vmm: KVM's layout. */
	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x4000000f, "KVMKVMKVM\0\0\0", 0x4000000f);
	prof_leaf(&p, BASE0 + 0x10, 2904000, 1000000, 0, 0);
	prof_block(&p, BASE(1), 0, "OpenBSDVMM58", BASE(1) + 1);
	prof_leaf(&p, BASE(1) + 1, 0x9, 0, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK(!hv->pi_id.id_timing.tm_valid);
	CHECK_EQ_INT(hvio_table_count(BASE0 + 0x10), 0);
	CHECK_EQ_HEX(pvbus_softc.sc_iface[1].pi_id.id_kvm.kv_features, 0x9);
	CHECK(pvbus_softc.sc_iface[1].pi_eax_zero);
	check_reads_inside_blocks(&p);
}

/*
 * VMware's timing leaf (vmware.md "CPUID leaves") at base+0x10 when max
 * >= base+0x10.
 */
static void
test_identify_decodes_vmware_timing_leaf(void)
{
	struct prof p;
	const struct pvbus_iface *hv = &pvbus_softc.sc_iface[0];

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x40000010, "VMwareVMware", 0x40000010);
	prof_leaf(&p, BASE0 + 0x10, 2893362, 66000, 0x3, 0);
	pvbus_identify(prof_start(&p));
	CHECK(hv->pi_id.id_timing.tm_valid);
	CHECK_EQ_INT(hv->pi_id.id_timing.tm_tsc_khz, 2893362);
	CHECK_EQ_INT(hv->pi_id.id_timing.tm_bus_khz, 66000);
	CHECK_EQ_HEX(hv->pi_id.id_timing.tm_flags, 3);
	CHECK(!hv->pi_id.id_hv1);
	check_reads_inside_blocks(&p);
	CHECK(pvbus_print_tree());
	CHECK_CONTAINS(fake_cons_buf, "pvbus0: 0x40000010: timing leaf: "
	    "TSC 2893362 kHz, APIC bus 66000 kHz, backdoor by VMCALL, "
	    "backdoor by VMMCALL\n");

	p.pr_leaves[1].htl_regs.eax = 0x4000000f;
	p.pr_blockmax[0] = 0x4000000f;
	pvbus_identify(prof_start(&p));
	CHECK(!hv->pi_id.id_timing.tm_valid);
	CHECK_EQ_INT(hvio_table_count(BASE0 + 0x10), 0);
	check_reads_inside_blocks(&p);
}

/*
 * Ten valid interfaces: eight kept in base order, two counted.  NOTE:
 * the primary is the highest *kept* base (0x40000e00) although the two
 * dropped ones lie above it, where Linux would pick the highest base
 * (docs/reference/cpuid-detection.md "Who wins").  This asserts what
 * pvbus.c does now; no real machine has more than two interfaces.
 */
static void
test_identify_counts_interfaces_beyond_max_as_dropped(void)
{
	struct prof p;
	char sig[10][13];
	int k;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	for (k = 0; k < 10; k++) {	/* "Visor-00" .. "Visor-09" */
		memset(sig[k], 0, sizeof(sig[k]));
		memcpy(sig[k], "Visor-0", 7);
		sig[k][7] = (char)('0' + k);
		prof_block(&p, BASE(2 * k), BASE(2 * k), sig[k], BASE(2 * k));
	}
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(pvbus_softc.sc_niface, PVBUS_IFACE_MAX);
	CHECK_EQ_INT(pvbus_softc.sc_ndropped, 10 - PVBUS_IFACE_MAX);
	for (k = 0; k < PVBUS_IFACE_MAX; k++) {
		CHECK_EQ_HEX(pvbus_softc.sc_iface[k].pi_id.id_base,
		    BASE(2 * k));
		CHECK(memcmp(pvbus_softc.sc_iface[k].pi_sig, sig[k], 12) == 0);
	}
	CHECK_EQ_INT(pvbus_softc.sc_primary, PVBUS_IFACE_MAX - 1);
	CHECK_EQ_INT(pvbus_softc.sc_nrejected, 0);
	CHECK_EQ_INT(pvbus_softc.sc_nscanned, NBASES);
}

/*
 * A "Microsoft Hv" signature promises Hv#1 and base+5 (hyperv.md "CPUID
 * leaves").
 */
static void
test_hyperv_check_names_broken_promises(void)
{
	struct prof p;
	const struct pvbus_iface *hv = &pvbus_softc.sc_iface[0];

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x40000005, "Microsoft Hv", 0x40000005);
	pvbus_identify(prof_start(&p));
	CHECK(!hv->pi_id.id_hv1);
	CHECK(pvbus_types[hv->pi_vendor].pt_check == ident_hyperv_check);
	CHECK_STR(ident_hyperv_check(&hv->pi_id),
	    "\"Microsoft Hv\" without the Hv#1 interface at base+1");

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_hyperv(&p, BASE(1), 0x40000104);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(pvbus_softc.sc_niface, 1);
	CHECK(hv->pi_id.id_hv1);
	CHECK_STR(ident_hyperv_check(&hv->pi_id),
	    "\"Microsoft Hv\" with a block shorter than base+5");

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_hyperv(&p, BASE0, 0x40000005);
	pvbus_identify(prof_start(&p));
	CHECK(ident_hyperv_check(&hv->pi_id) == NULL);

	/* Hv#1 and nothing more: said so, not made up. */
	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_hyperv(&p, BASE0, 0x40000001);
	pvbus_identify(prof_start(&p));
	CHECK_STR(ident_hyperv_check(&hv->pi_id),
	    "\"Microsoft Hv\" with a block shorter than base+5");
	CHECK(pvbus_print_tree());
	CHECK_STR(fake_cons_buf,
	    "pvbus0 at mainbus0: Hyper-V [table]\n"
	    "pvbus0: 0x40000000: \"Microsoft Hv\", max leaf 0x40000001, "
	    "primary\n"
	    "pvbus0: 0x40000000: Hyper-V interface (Hv#1), no version "
	    "(base+2 absent)\n");
}

/* Linux wants Xen's block to reach base+2 (xen.md "CPUID leaves"). */
static void
test_xen_check_names_missing_hypercall_leaf(void)
{
	struct prof p;
	const struct pvbus_iface *hv = &pvbus_softc.sc_iface[0];

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, BASE0 + 1, "XenVMMXenVMM", BASE0 + 1);
	prof_leaf(&p, BASE0 + 1, 0x00040011, 0, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK(pvbus_types[hv->pi_vendor].pt_check == ident_xen_check);
	CHECK_STR(ident_xen_check(&hv->pi_id),
	    "Xen block without the hypercall leaf base+2");
	CHECK_EQ_INT(hv->pi_id.id_xen.xe_minor, 17);

	p.pr_leaves[1].htl_regs.eax = BASE0 + 2;
	pvbus_identify(prof_start(&p));
	CHECK(ident_xen_check(&hv->pi_id) == NULL);
	CHECK(hv->pi_id.id_xen.xe_has_hypercall);
}

/* ------------------------------------------------------------------ */
/*
 * The VMware backdoor probe (vmware.md "Backdoor I/O port"):
 * GETVERSION, EBX = magic if there.
 */

static void
test_backdoor_probe_reads_version_and_product(void)
{
	struct prof p;
	const struct pvbus_backdoor *bd = &pvbus_softc.sc_backdoor;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	p.pr_table.ht_backdoor = HVIO_TABLE_BD_ANSWER;
	p.pr_table.ht_bd_eax = 6;
	p.pr_table.ht_bd_ebx = BD_MAGIC;
	p.pr_table.ht_bd_ecx = 4;
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(hvio_table_nbackdoor, 1);
	CHECK_EQ_HEX(hvio_table_bd_in.vr_rax, BD_MAGIC);
	CHECK((uint32_t)hvio_table_bd_in.vr_rbx != BD_MAGIC);
	CHECK_EQ_HEX(hvio_table_bd_in.vr_rcx & 0xffff, BD_GETVERSION);
	CHECK_EQ_HEX(hvio_table_bd_in.vr_rdx & 0xffff, BD_PORT);
	CHECK(bd->bd_present);
	CHECK_EQ_INT(bd->bd_version, 6);
	CHECK_EQ_INT(bd->bd_product, 4);
}

static void
test_backdoor_probe_absent_unless_magic_answers(void)
{
	struct prof p;
	const struct pvbus_backdoor *bd = &pvbus_softc.sc_backdoor;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	p.pr_table.ht_backdoor = HVIO_TABLE_BD_NONE;	/* EAX all ones */
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(hvio_table_nbackdoor, 1);
	CHECK(!bd->bd_present);

	p.pr_table.ht_backdoor = HVIO_TABLE_BD_ANSWER;
	p.pr_table.ht_bd_eax = 0xffffffff;
	p.pr_table.ht_bd_ebx = BD_MAGIC;
	p.pr_table.ht_bd_ecx = 4;
	pvbus_identify(prof_start(&p));
	CHECK(!bd->bd_present);

	p.pr_table.ht_bd_eax = 6;
	p.pr_table.ht_bd_ebx = ~BD_MAGIC;		/* what was sent */
	pvbus_identify(prof_start(&p));
	CHECK(!bd->bd_present);
	CHECK_EQ_INT(bd->bd_version, 0);

	p.pr_table.ht_backdoor = HVIO_TABLE_BD_FAULT;
	pvbus_identify(prof_start(&p));
	CHECK(!bd->bd_present);
}

/* ------------------------------------------------------------------ */
/* pvbus_print_facts, pvbus_print_tree */

static void
test_facts_line_of_a_hyperv_guest(void)
{
	struct prof p;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_hyperv(&p, BASE0, 0x4000000c);
	pvbus_identify(prof_start(&p));
	pvbus_print_facts();
	CHECK_STR(fake_cons_buf,
	    "pvbus: hv base=0x40000000 sig=\"Microsoft Hv\" vendor=hyperv "
	    "maxleaf=0x4000000c iface=Hv#1 version=10.0.14393 sp=0 branch=0 "
	    "number=0 role=guest privileges=0x0000000000002e7f "
	    "isolation=none primary=yes\n");
}

static void
test_attach_lines_of_a_hyperv_guest(void)
{
	struct prof p;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_hyperv(&p, BASE0, 0x4000000c);
	p.pr_table.ht_name = "sim:hyperv";
	p.pr_table.ht_detail = "guest";
	pvbus_identify(prof_start(&p));
	CHECK(pvbus_print_tree());
	CHECK(pvbus_softc.sc_attached);
	CHECK_STR(fake_cons_buf,
	    "pvbus0 at mainbus0: Hyper-V 10.0 [sim:hyperv: guest]\n"
	    "pvbus0: 0x40000000: \"Microsoft Hv\", max leaf 0x4000000c, "
	    "primary\n"
	    "pvbus0: 0x40000000: Hyper-V interface (Hv#1), version 10.0 "
	    "build 14393 SP0 (branch 0, number 0), guest partition, "
	    "isolation none\n"
	    "pvbus0: privileges: VP_RUNTIME TIME_REF_COUNT SYNIC SYNTIMER "
	    "APIC_ACCESS HYPERCALL VP_INDEX REFERENCE_TSC GUEST_IDLE "
	    "FREQUENCY REENLIGHTENMENT\n"
	    "pvbus0: features: TIMER_FREQUENCY_MSRS GUEST_CRASH_MSRS\n"
	    "pvbus0: recommendations: RELAXED_TIMING bit30\n");
}

static void
test_facts_none_when_nothing_answers(void)
{
	struct prof p;

	prof_init(&p, false, HVIO_TABLE_MISS_ZERO);
	pvbus_identify(prof_start(&p));
	pvbus_print_facts();
	CHECK_STR(fake_cons_buf, "pvbus: none hvbit=0\n");

	fake_cons_reset();
	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	pvbus_identify(prof_start(&p));
	pvbus_print_facts();
	CHECK_STR(fake_cons_buf, "pvbus: none hvbit=1\n");
}

static void
test_bit_clear_interface_is_marked_in_facts_and_attach(void)
{
	struct prof p;

	prof_init(&p, false, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0, "KVMKVMKVM\0\0\0", BASE0 + 1);
	prof_leaf(&p, BASE0 + 1, 0x1, 0, 0, 0);
	pvbus_identify(prof_start(&p));
	pvbus_print_facts();
	CHECK_STR(fake_cons_buf,
	    "pvbus: hv base=0x40000000 sig=\"KVMKVMKVM\\0\\0\\0\" vendor=kvm "
	    "maxleaf=0x40000001 features=0x00000001 hints=0x00000000 "
	    "hvbit=0 primary=yes\n");
	fake_cons_reset();
	CHECK(pvbus_print_tree());
	CHECK_CONTAINS(fake_cons_buf,
	    "pvbus0 at mainbus0: KVM (hypervisor bit clear) [table]\n");
	CHECK_CONTAINS(fake_cons_buf,
	    "pvbus0: 0x40000000: \"KVMKVMKVM\\0\\0\\0\", max leaf 0x40000001 "
	    "(EAX 0, an old host: read as base+1), primary\n");
	CHECK_CONTAINS(fake_cons_buf, "pvbus0: hints: none\n");
}

/* No log of a replay or a simulator can pass for a real machine's. */
static void
test_attach_tags_a_non_native_backend(void)
{
	struct prof p;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, BASE0 + 1, "TCGTCGTCGTCG", BASE0 + 1);
	p.pr_table.ht_name = "replay";
	p.pr_table.ht_detail = "tcg-7.2.txt";
	pvbus_identify(prof_start(&p));
	CHECK(pvbus_print_tree());
	CHECK_CONTAINS(fake_cons_buf,
	    "pvbus0 at mainbus0: QEMU TCG [replay: tcg-7.2.txt]\n");

	fake_cons_reset();
	p.pr_table.ht_name = "sim:tcg";
	p.pr_table.ht_detail = "";
	pvbus_identify(prof_start(&p));
	CHECK(pvbus_print_tree());
	CHECK_CONTAINS(fake_cons_buf,
	    "pvbus0 at mainbus0: QEMU TCG [sim:tcg]\n");

	/* Only "native" goes untagged. */
	fake_cons_reset();
	p.pr_table.ht_name = "native";
	pvbus_identify(prof_start(&p));
	CHECK(pvbus_print_tree());
	CHECK_CONTAINS(fake_cons_buf, "pvbus0 at mainbus0: QEMU TCG\n");
}

static void
test_attach_says_no_hypervisor_found_and_makes_no_pvbus0(void)
{
	struct prof p;

	prof_init(&p, false, HVIO_TABLE_MISS_ZERO);
	pvbus_identify(prof_start(&p));
	CHECK(!pvbus_print_tree());
	CHECK(!pvbus_softc.sc_attached);
	CHECK_STR(fake_cons_buf, "pvbus: no hypervisor found (hypervisor bit "
	    "clear, no interface at 0x40000000-0x4000ff00, no VMware "
	    "backdoor)\n");
	CHECK(strstr(fake_cons_buf, "pvbus0") == NULL);

	/* Intel hardware: bit clear, 0x40000000 repeats the basic leaf. */
	fake_cons_reset();
	prof_init(&p, false, HVIO_TABLE_MISS_BASIC);
	prof_leaf(&p, 0, 0x16, sig_word("GenuineIntel", 0),
	    sig_word("GenuineIntel", 2), sig_word("GenuineIntel", 1));
	prof_leaf(&p, 0x16, 0x00000a8c, 0x000012c0, 0x00000064, 0);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(pvbus_softc.sc_nscanned, 1);
	CHECK_EQ_INT(pvbus_softc.sc_nrejected, 1);
	CHECK_EQ_HEX(pvbus_softc.sc_first_rejected, BASE0);
	CHECK_EQ_HEX(pvbus_softc.sc_rejected_eax, 0x00000a8c);
	CHECK(!pvbus_print_tree());
	CHECK(strstr(fake_cons_buf, "pvbus0") == NULL);
	CHECK_CONTAINS(fake_cons_buf, "pvbus: no hypervisor found "
	    "(hypervisor bit clear,");

	/* Bit set, all garbage: still nothing. */
	fake_cons_reset();
	prof_init(&p, true, HVIO_TABLE_MISS_FIXED);
	p.pr_table.ht_miss_regs.eax = 0x21f;
	p.pr_table.ht_miss_regs.ebx = 0x12345678;
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(pvbus_softc.sc_nrejected, NBASES);
	CHECK(!pvbus_print_tree());
	CHECK_STR(fake_cons_buf, "pvbus: no hypervisor found (hypervisor bit "
	    "set, no interface at 0x40000000-0x4000ff00, no VMware "
	    "backdoor)\n");
}

/* QEMU's vmport under TCG: a backdoor without a VMware signature. */
static void
test_attach_names_backdoor_without_vmware_signature(void)
{
	struct prof p;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, BASE0 + 1, "TCGTCGTCGTCG", BASE0 + 1);
	p.pr_table.ht_backdoor = HVIO_TABLE_BD_ANSWER;
	p.pr_table.ht_bd_eax = 6;
	p.pr_table.ht_bd_ebx = BD_MAGIC;
	p.pr_table.ht_bd_ecx = 2;
	pvbus_identify(prof_start(&p));
	pvbus_print_facts();
	CHECK_CONTAINS(fake_cons_buf, "pvbus: backdoor port=0x5658 version=6 "
	    "product=esx vmware_cpuid=no\n");
	fake_cons_reset();
	CHECK(pvbus_print_tree());
	CHECK_STR(fake_cons_buf,
	    "pvbus0 at mainbus0: QEMU TCG, VMware backdoor [table]\n"
	    "pvbus0: 0x40000000: \"TCGTCGTCGTCG\", max leaf 0x40000001, "
	    "primary\n"
	    "pvbus0: VMware backdoor on port 0x5658: version 6, product esx, "
	    "no VMware CPUID signature\n");

	/* The backdoor alone, bit clear: still a pvbus0. */
	fake_cons_reset();
	prof_init(&p, false, HVIO_TABLE_MISS_ZERO);
	p.pr_table.ht_backdoor = HVIO_TABLE_BD_ANSWER;
	p.pr_table.ht_bd_eax = 6;
	p.pr_table.ht_bd_ebx = BD_MAGIC;
	p.pr_table.ht_bd_ecx = 9;
	pvbus_identify(prof_start(&p));
	CHECK(pvbus_print_tree());
	CHECK_CONTAINS(fake_cons_buf, "pvbus0 at mainbus0: VMware backdoor "
	    "(hypervisor bit clear) [table]\n");
	CHECK_CONTAINS(fake_cons_buf, "product unknown, no VMware CPUID");
}

/* A VMware signature accounts for the backdoor: no second name. */
static void
test_attach_backdoor_with_vmware_sig_named_once(void)
{
	struct prof p;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x40000010, "VMwareVMware", 0x40000010);
	prof_leaf(&p, BASE0 + 0x10, 2893362, 66000, 0, 0);
	p.pr_table.ht_backdoor = HVIO_TABLE_BD_ANSWER;
	p.pr_table.ht_bd_eax = 6;
	p.pr_table.ht_bd_ebx = BD_MAGIC;
	p.pr_table.ht_bd_ecx = 2;
	pvbus_identify(prof_start(&p));
	pvbus_print_facts();
	CHECK_STR(fake_cons_buf,
	    "pvbus: hv base=0x40000000 sig=\"VMwareVMware\" vendor=vmware "
	    "maxleaf=0x40000010 tsc_khz=2893362 bus_khz=66000 primary=yes\n"
	    "pvbus: backdoor port=0x5658 version=6 product=esx "
	    "vmware_cpuid=yes\n");
	fake_cons_reset();
	CHECK(pvbus_print_tree());
	CHECK_STR(fake_cons_buf,
	    "pvbus0 at mainbus0: VMware [table]\n"
	    "pvbus0: 0x40000000: \"VMwareVMware\", max leaf 0x40000010, "
	    "primary\n"
	    "pvbus0: 0x40000010: timing leaf: TSC 2893362 kHz, "
	    "APIC bus 66000 kHz\n"
	    "pvbus0: VMware backdoor on port 0x5658: version 6, product esx\n");
}

/* Hv#1 offered by another vendor is an interface, with its version. */
static void
test_attach_names_hv1_of_another_vendor_as_interface(void)
{
	struct prof p;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, 0x40000005, "Linux KVM Hv", 0x40000005);
	prof_leaf(&p, BASE0 + 1, HV1, 0, 0, 0);
	prof_leaf(&p, BASE0 + 2, 0x3839, 0x000a0000, 0, 0);
	pvbus_identify(prof_start(&p));
	CHECK(pvbus_print_tree());
	CHECK_CONTAINS(fake_cons_buf, "pvbus0 at mainbus0: KVM Hyper-V "
	    "template (Hyper-V interface 10.0) [table]\n");
	fake_cons_reset();
	pvbus_print_facts();
	CHECK_CONTAINS(fake_cons_buf, " vendor=kvmhv maxleaf=0x40000005 "
	    "iface=Hv#1 version=10.0.14393 ");
}

/* An unknown vendor is named by its escaped signature. */
static void
test_attach_names_unknown_vendor_by_escaped_signature(void)
{
	struct prof p;

	prof_init(&p, true, HVIO_TABLE_MISS_ZERO);
	prof_block(&p, BASE0, BASE0, "Say \"hi\"\\ ok", BASE0);
	prof_block(&p, BASE(1), BASE(1) + 3, "Barevisor!\0\0", BASE(1) + 3);
	pvbus_identify(prof_start(&p));
	CHECK_EQ_INT(pvbus_softc.sc_niface, 2);
	pvbus_print_facts();
	CHECK_STR(fake_cons_buf,
	    "pvbus: hv base=0x40000000 sig=\"Say \\\"hi\\\"\\\\ ok\" "
	    "vendor=unknown maxleaf=0x40000000 primary=no\n"
	    "pvbus: hv base=0x40000100 sig=\"Barevisor!\\0\\0\" "
	    "vendor=unknown maxleaf=0x40000103 primary=yes\n");
	fake_cons_reset();
	CHECK(pvbus_print_tree());
	CHECK_CONTAINS(fake_cons_buf, "pvbus0 at mainbus0: unknown "
	    "\"Say \\\"hi\\\"\\\\ ok\", unknown \"Barevisor!\\0\\0\" "
	    "[table]\n");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_base_valid_accepts_maxleaf_inside_block),
	CHECK_TEST(test_base_valid_rejects_maxleaf_outside_block),
	CHECK_TEST(test_base_valid_eax_zero_is_base_plus_1_for_kvm_and_openbsd),
	CHECK_TEST(test_base_valid_eax_zero_rejected_for_other_vendors),
	CHECK_TEST(test_base_valid_accepts_unknown_printable_signature),
	CHECK_TEST(test_base_valid_rejects_unprintable_signatures),
	CHECK_TEST(test_base_valid_rejects_intel_repeated_leaf),
	CHECK_TEST(test_match_signature_maps_every_listed_row),
	CHECK_TEST(test_every_vendor_has_a_row),
	CHECK_TEST(test_match_signature_needs_all_12_bytes),
	CHECK_TEST(test_identify_reads_signature_in_ebx_ecx_edx_order),
	CHECK_TEST(test_sig_escape_nul_quote_backslash_and_high_bytes),
	CHECK_TEST(test_sig_escape_truncates_like_snprintf),
	CHECK_TEST(test_identify_bit_clear_reads_only_first_base),
	CHECK_TEST(test_identify_bit_clear_still_records_answering_signature),
	CHECK_TEST(test_identify_bit_set_reads_all_256_bases_once),
	CHECK_TEST(test_identify_counts_garbage_bases_not_zero_ones),
	CHECK_TEST(test_identify_prefers_highest_base),
	CHECK_TEST(test_identify_vmware_with_hv1_is_vmware_not_hyperv),
	CHECK_TEST(test_identify_decodes_hyperv_version_and_role),
	CHECK_TEST(test_identify_hyperv_isolation_only_when_block_reaches_it),
	CHECK_TEST(test_identify_reads_no_leaf_above_a_blocks_max),
	CHECK_TEST(test_identify_decodes_xen_version_and_hypercall_msr),
	CHECK_TEST(test_identify_decodes_kvm_features_and_timing_leaf),
	CHECK_TEST(test_identify_decodes_vmware_timing_leaf),
	CHECK_TEST(test_identify_counts_interfaces_beyond_max_as_dropped),
	CHECK_TEST(test_hyperv_check_names_broken_promises),
	CHECK_TEST(test_xen_check_names_missing_hypercall_leaf),
	CHECK_TEST(test_backdoor_probe_reads_version_and_product),
	CHECK_TEST(test_backdoor_probe_absent_unless_magic_answers),
	CHECK_TEST(test_facts_line_of_a_hyperv_guest),
	CHECK_TEST(test_attach_lines_of_a_hyperv_guest),
	CHECK_TEST(test_facts_none_when_nothing_answers),
	CHECK_TEST(test_bit_clear_interface_is_marked_in_facts_and_attach),
	CHECK_TEST(test_attach_tags_a_non_native_backend),
	CHECK_TEST(test_attach_says_no_hypervisor_found_and_makes_no_pvbus0),
	CHECK_TEST(test_attach_names_backdoor_without_vmware_signature),
	CHECK_TEST(test_attach_backdoor_with_vmware_sig_named_once),
	CHECK_TEST(test_attach_names_hv1_of_another_vendor_as_interface),
	CHECK_TEST(test_attach_names_unknown_vendor_by_escaped_signature),
};

int
main(void)
{
	return check_main("test_pvbus", tests, nitems(tests));
}
