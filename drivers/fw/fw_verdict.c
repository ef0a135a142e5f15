/*
 * Who the firmware says made the machine, from the firmware alone, and
 * how that compares with what CPUID says.
 *
 * The signals, strongest first:
 *
 * 1. The FADT's Hypervisor Vendor Identity (ACPI 6.0): a hypervisor
 *    saying who it is, in 8 bytes of its choosing ("MsHyperV",
 *    "FIRECKVM", "CLOUDHYP").
 * 2. SMBIOS strings: the system's product, manufacturer and version,
 *    the board's and BIOS's vendor, the chassis's maker, in that order
 *    (the order and the prefixes of systemd's detect_vm_dmi_vendor(),
 *    src/basic/virt.c, with Hyper-V's "Microsoft Corporation" /
 *    "Virtual Machine" pair from Microsoft mu_msvm
 *    MsvmPkg/SmbiosPlatformDxe/SmbiosPlatform.c).
 * 3. ACPI OEM ids, of the RSDP and of every table, and the creator id
 *    ("BOCHS " and "BXPC" are QEMU's, "VBOX  " VirtualBox's ...).
 * 4. Device ids in the DSDT (acpi.c acpi_dsdt_ids[]).
 * 5. Nameless signs of a virtual machine: the SMBIOS type 0 "virtual
 *    machine" bit, and a WAET (only emulated platforms have one).
 *
 * The first signal that names a vendor decides fv_vendor; each source's
 * own answer is kept too (fv_smbios, fv_acpi, fv_fadt), so that a
 * firmware that contradicts itself (SMBIOS strings a host set with
 * QEMU's -smbios over QEMU's own ACPI tables) shows as such.
 * docs/reference/firmware.md "What each platform's firmware says" has
 * every string and its source; docs/firmware.md the verdict's rules.
 */

#include "kern.h"
#include "fwvar.h"

/* Ids and names: the CPUID facts' ids where CPUID has a signature. */
static const struct {
	const char	*fn_id;
	const char	*fn_name;
	bool		 fn_cloud;	/* a cloud, not a hypervisor */
} fw_names[] = {
	{ "qemu",	"QEMU",			false },
	{ "kvm",	"KVM",			false },
	{ "hyperv",	"Hyper-V",		false },
	{ "vmware",	"VMware",		false },
	{ "xen",	"Xen",			false },
	{ "vbox",	"VirtualBox",		false },
	{ "bochs",	"Bochs",		false },
	{ "bhyve",	"bhyve",		false },
	{ "parallels",	"Parallels",		false },
	{ "apple",	"Apple Virtualization",	false },
	{ "firecracker", "Firecracker",		false },
	{ "cloudhv",	"Cloud Hypervisor",	false },
	{ "amazon",	"Amazon EC2",		true },
	{ "google",	"Google Compute Engine", true },
	{ "unknown",	"a virtual machine",	false },
};

/*
 * SMBIOS string prefixes (systemd src/basic/virt.c dmi_vendor_table[],
 * compared with startswith() as there).  systemd also takes "Oracle
 * Corporation" for VirtualBox; Oracle's own x86 servers carry that name
 * too, and VirtualBox's system structure says "innotek GmbH" and
 * "VirtualBox" anyway, so it is left out here.
 */
static const struct {
	const char	*sp_prefix;
	const char	*sp_vendor;
} fw_smbios_prefixes[] = {
	{ "KVM",		"kvm" },
	{ "OpenStack",		"kvm" },
	{ "KubeVirt",		"kvm" },
	{ "Amazon EC2",		"amazon" },
	{ "QEMU",		"qemu" },
	{ "VMware",		"vmware" },
	{ "VMW",		"vmware" },
	{ "innotek GmbH",	"vbox" },
	{ "VirtualBox",		"vbox" },
	{ "Xen",		"xen" },
	{ "Bochs",		"bochs" },
	{ "Parallels",		"parallels" },
	{ "BHYVE",		"bhyve" },
	{ "Hyper-V",		"hyperv" },
	{ "Apple Virtualization", "apple" },
	{ "Google Compute Engine", "google" },
};

/*
 * ACPI OEM ids (6 bytes, compared whole or as a prefix padded with
 * spaces or NULs) and creator ids (4 bytes): QEMU include/hw/acpi/
 * aml-build.h ACPI_BUILD_APPNAME6 and ACPI_BUILD_APPNAME8 (the creator
 * is its first 4 bytes); Microsoft mu_msvm MsvmPkg/AcpiTables/Dsdt.asl
 * "MSFTVM"; VirtualBox src/VBox/Devices/PC/DevACPI.cpp "VBOX  "; Xen
 * tools/libacpi "Xen"; Cloud Hypervisor vmm/src/acpi.rs "CLOUDH";
 * Firecracker src/vmm/src/acpi/mod.rs "FIRECK".
 */
static const struct {
	const char	*ao_id;
	size_t		 ao_len;	/* 6: an OEM id; 4: a creator id */
	const char	*ao_vendor;
} fw_acpi_oems[] = {
	{ "BOCHS",	6, "qemu" },
	{ "BXPC",	4, "qemu" },
	{ "MSFTVM",	6, "hyperv" },
	{ "VRTUAL",	6, "hyperv" },
	{ "VBOX",	6, "vbox" },
	{ "VBOX",	4, "vbox" },
	{ "Xen",	6, "xen" },
	{ "CLOUDH",	6, "cloudhv" },
	{ "FIRECK",	6, "firecracker" },
};

/*
 * FADT Hypervisor Vendor Identity values: Linux arch/arm64/hyperv/
 * mshyperv.c hyperv_detect_via_acpi() ("MsHyperV"); Firecracker
 * src/vmm/src/acpi/mod.rs HYPERVISOR_VENDOR_ID ("FIRECKVM"); Cloud
 * Hypervisor vmm/src/acpi.rs ("CLOUDHYP").
 */
static const struct {
	char		 fh_id[9];
	const char	*fh_vendor;
} fw_fadt_ids[] = {
	{ "MsHyperV",	"hyperv" },
	{ "FIRECKVM",	"firecracker" },
	{ "CLOUDHYP",	"cloudhv" },
};

/*
 * Pairs that agree though their ids differ: QEMU's firmware is the
 * same under TCG and KVM, and so are the tables of the KVM-based VMMs;
 * "kvmhv" is KVM's Hyper-V template.
 */
static const struct {
	const char	*fa_fw;
	const char	*fa_cpuid;
} fw_agree[] = {
	{ "qemu",	"tcg" },
	{ "qemu",	"kvm" },
	{ "qemu",	"kvmhv" },
	{ "kvm",	"kvmhv" },
	{ "firecracker", "kvm" },
	{ "cloudhv",	"kvm" },
	{ "bochs",	"tcg" },
};

/*
 * Pairs where the firmware's maker is known to offer the CPUID vendor's
 * interface: KVM's Hyper-V enlightenments with kvm=off (QEMU
 * docs/system/i386/hyperv.rst), VirtualBox's KVM and Hyper-V
 * paravirtualisation providers (VirtualBox src/VBox/VMM/VMMR3/GIMKvm.cpp,
 * GIMHv.cpp), Xen's viridian (Xen xen/arch/x86/hvm/viridian/).
 */
static const struct {
	const char	*fe_fw;
	const char	*fe_cpuid;
} fw_emulates[] = {
	{ "qemu",	"hyperv" },
	{ "kvm",	"hyperv" },
	{ "vbox",	"hyperv" },
	{ "vbox",	"kvm" },
	{ "xen",	"hyperv" },
};

const char *
fw_vendor_name(const char *id)
{
	size_t i;

	for (i = 0; i < nitems(fw_names); i++)
		if (strcmp(fw_names[i].fn_id, id) == 0)
			return fw_names[i].fn_name;
	return id;
}

static bool
fw_is_cloud(const char *id)
{
	size_t i;

	for (i = 0; i < nitems(fw_names); i++)
		if (strcmp(fw_names[i].fn_id, id) == 0)
			return fw_names[i].fn_cloud;
	return false;
}

/* Does the string start with prefix? */
static bool
fw_starts(const struct smbios_str *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s->ss_set && s->ss_len >= n && memcmp(s->ss_s, prefix, n) == 0;
}

static bool
fw_equals(const struct smbios_str *s, const char *text)
{
	return s->ss_set && s->ss_len == strlen(text) &&
	    memcmp(s->ss_s, text, s->ss_len) == 0;
}

/* The first SMBIOS string that names a vendor, and which one it was. */
static const char *
fw_smbios_vendor(const struct smbios_info *si, const char **by)
{
	const struct {
		const struct smbios_str *ff_s;
		const char	*ff_name;
	} fields[] = {
		{ &si->si_product,		"smbios.product" },
		{ &si->si_sys_vendor,		"smbios.sys_vendor" },
		{ &si->si_board_vendor,		"smbios.board_vendor" },
		{ &si->si_bios_vendor,		"smbios.bios_vendor" },
		{ &si->si_sys_version,		"smbios.sys_version" },
		{ &si->si_chassis_vendor,	"smbios.chassis_vendor" },
	};
	size_t f, i;

	for (f = 0; f < nitems(fields); f++)
		for (i = 0; i < nitems(fw_smbios_prefixes); i++)
			if (fw_starts(fields[f].ff_s,
			    fw_smbios_prefixes[i].sp_prefix)) {
				*by = fields[f].ff_name;
				return fw_smbios_prefixes[i].sp_vendor;
			}
	/* Hyper-V's pair, on the system or the baseboard (mu_msvm). */
	if (fw_equals(&si->si_sys_vendor, "Microsoft Corporation") &&
	    fw_equals(&si->si_product, "Virtual Machine")) {
		*by = "smbios.sys_vendor";
		return "hyperv";
	}
	if (fw_equals(&si->si_board_vendor, "Microsoft Corporation") &&
	    fw_equals(&si->si_board_product, "Virtual Machine")) {
		*by = "smbios.board_vendor";
		return "hyperv";
	}
	return NULL;
}

/* An OEM or creator id of n bytes against a known one, space padded. */
static bool
fw_oem_is(const char *field, size_t n, const char *id)
{
	size_t i, len = strlen(id);

	if (memcmp(field, id, len) != 0)
		return false;
	for (i = len; i < n; i++)
		if (field[i] != ' ' && field[i] != '\0')
			return false;
	return true;
}

static const char *
fw_oem_vendor(const char *oemid, const char *creator)
{
	size_t i;

	for (i = 0; i < nitems(fw_acpi_oems); i++) {
		if (fw_acpi_oems[i].ao_len == 6 && oemid != NULL &&
		    fw_oem_is(oemid, 6, fw_acpi_oems[i].ao_id))
			return fw_acpi_oems[i].ao_vendor;
		if (fw_acpi_oems[i].ao_len == 4 && creator != NULL &&
		    fw_oem_is(creator, 4, fw_acpi_oems[i].ao_id))
			return fw_acpi_oems[i].ao_vendor;
	}
	return NULL;
}

/* The ACPI tables' ids: the RSDP's, each table's, then the DSDT's ids. */
static const char *
fw_acpi_vendor(const struct acpi_info *ai, const char **by)
{
	const struct acpi_table *t;
	const char *v;
	int i;

	if (!ai->ai_rsdp_ok)
		return NULL;
	if ((v = fw_oem_vendor(ai->ai_oemid, NULL)) != NULL) {
		*by = "acpi.oemid";
		return v;
	}
	for (i = 0; i < ai->ai_ntables; i++) {
		t = &ai->ai_tables[i];
		if (t->at_status != ACPI_TABLE_OK)
			continue;	/* a broken table is not believed */
		if ((v = fw_oem_vendor(t->at_oemid, t->at_creator)) != NULL) {
			*by = "acpi.oemid";
			return v;
		}
	}
	for (i = 0; i < ai->ai_nids; i++)
		if ((v = acpi_id_vendor(ai->ai_ids[i])) != NULL) {
			*by = "acpi.dsdt_id";
			return v;
		}
	return NULL;
}

static const char *
fw_fadt_vendor(const struct acpi_info *ai)
{
	size_t i;

	if (!ai->ai_has_hvid)
		return NULL;
	for (i = 0; i < nitems(fw_fadt_ids); i++)
		if (memcmp(ai->ai_hvid, fw_fadt_ids[i].fh_id, 8) == 0)
			return fw_fadt_ids[i].fh_vendor;
	return "unknown";
}

/*
 * The platform, where the firmware names a cloud: Azure's chassis
 * asset tag (cloud-init cloudinit/sources/DataSourceAzure.py
 * AZURE_CHASSIS_ASSET_TAG), EC2's Xen firmware (a version ending in
 * ".amazon", as in public dmidecode outputs of EC2's Xen instances),
 * and the clouds SMBIOS names outright.
 */
static const char *
fw_platform(const struct smbios_info *si, const char *vendor)
{
	static const char azure[] = "7783-7084-3265-9085-8269-3286-77";
	const struct smbios_str *v = &si->si_bios_version;

	if (fw_equals(&si->si_chassis_asset, azure))
		return "Azure";
	if (strcmp(vendor, "xen") == 0 && v->ss_set && v->ss_len >= 7 &&
	    memcmp(v->ss_s + v->ss_len - 7, ".amazon", 7) == 0)
		return "Amazon EC2";
	if (fw_is_cloud(vendor))
		return fw_vendor_name(vendor);
	return NULL;
}

void
fw_verdict(const struct acpi_info *ai, const struct smbios_info *si,
    struct fw_verdict *fv)
{
	const char *sby = NULL, *aby = NULL;

	memset(fv, 0, sizeof(*fv));
	fv->fv_fadt = fw_fadt_vendor(ai);
	fv->fv_smbios = fw_smbios_vendor(si, &sby);
	fv->fv_acpi = fw_acpi_vendor(ai, &aby);
	fv->fv_vm_bit = si->si_has_vm_bit && si->si_vm_bit;
	fv->fv_waet = ai->ai_has_waet;
	if (fv->fv_fadt != NULL && strcmp(fv->fv_fadt, "unknown") != 0) {
		fv->fv_vendor = fv->fv_fadt;
		fv->fv_by = "acpi.fadt_hypervisor";
	} else if (fv->fv_smbios != NULL) {
		fv->fv_vendor = fv->fv_smbios;
		fv->fv_by = sby;
	} else if (fv->fv_acpi != NULL) {
		fv->fv_vendor = fv->fv_acpi;
		fv->fv_by = aby;
	} else if (fv->fv_fadt != NULL || fv->fv_vm_bit || fv->fv_waet) {
		fv->fv_vendor = "unknown";
		fv->fv_by = fv->fv_fadt != NULL ? "acpi.fadt_hypervisor" :
		    fv->fv_vm_bit ? "smbios.vm_bit" : "acpi.waet";
	} else if (ai->ai_found || si->si_found) {
		fv->fv_vendor = "none";
	} else {
		fv->fv_vendor = "absent";
	}
	/*
	 * EC2's bare-metal instances keep "Amazon EC2" in SMBIOS but clear
	 * the VM bit (systemd detect_vm_dmi()): the cloud, no hypervisor.
	 */
	if (strcmp(fv->fv_vendor, "amazon") == 0 && si->si_has_vm_bit &&
	    !si->si_vm_bit && fv->fv_fadt == NULL) {
		fv->fv_platform = "Amazon EC2";
		fv->fv_vendor = "none";
		fv->fv_by = "smbios.vm_bit";
		return;
	}
	fv->fv_name = fw_vendor_name(fv->fv_vendor);
	fv->fv_platform = fw_platform(si, fv->fv_vendor);
}

static bool
fw_pair(const char *a, const char *b, const char *x, const char *y)
{
	return strcmp(a, x) == 0 && strcmp(b, y) == 0;
}

static bool
fw_agrees(const char *fw, const char *cpuid)
{
	size_t i;

	if (strcmp(fw, cpuid) == 0)
		return true;
	for (i = 0; i < nitems(fw_agree); i++)
		if (fw_pair(fw, cpuid, fw_agree[i].fa_fw, fw_agree[i].fa_cpuid))
			return true;
	return false;
}

static bool
fw_is_vm(const char *vendor)
{
	return strcmp(vendor, "none") != 0 && strcmp(vendor, "absent") != 0;
}

/* Why a firmware vendor and a CPUID vendor differ, most likely. */
static const char *
fw_why(const struct fw_verdict *fv, const char *cpuid)
{
	size_t i;

	if (fw_is_cloud(fv->fv_vendor))
		return "cloud";
	for (i = 0; i < nitems(fw_emulates); i++)
		if (fw_pair(fv->fv_vendor, cpuid, fw_emulates[i].fe_fw,
		    fw_emulates[i].fe_cpuid))
			return "emulated";
	if (fv->fv_acpi != NULL && fv->fv_smbios != NULL &&
	    strcmp(fv->fv_vendor, fv->fv_smbios) == 0 &&
	    fw_agrees(fv->fv_acpi, cpuid))
		return "smbios_set";
	return "nested";
}

/*
 * The hypervisor bit is CPUID's own statement (Intel SDM vol. 2A, CPUID
 * leaf 1 ECX bit 31, "not used": reserved for hypervisors to set);
 * clear, it hides the hypervisor from every guest that follows the
 * convention, even if a leaf at 0x40000000 still answers (QEMU's
 * "-cpu ...,-hypervisor" under TCG leaves "TCGTCGTCGTCG" there).
 */
void
fw_cross_check(const struct fw_verdict *fv, const char *cpuid, bool hvbit,
    struct fw_cross *fc)
{
	memset(fc, 0, sizeof(*fc));
	if (strcmp(fv->fv_vendor, "absent") == 0)
		fc->fc_rel = FW_REL_NO_TABLES;
	else if (cpuid == NULL || (!hvbit && fw_is_vm(fv->fv_vendor)))
		fc->fc_rel = fw_is_vm(fv->fv_vendor) ? FW_REL_HIDDEN :
		    FW_REL_BARE;
	else if (strcmp(fv->fv_vendor, "none") == 0)
		fc->fc_rel = FW_REL_CPUID_ONLY;
	else if (strcmp(fv->fv_vendor, "unknown") == 0)
		fc->fc_rel = FW_REL_UNNAMED;
	else if (fw_agrees(fv->fv_vendor, cpuid))
		fc->fc_rel = FW_REL_AGREE;
	else {
		fc->fc_rel = FW_REL_DIFFER;
		fc->fc_why = fw_why(fv, cpuid);
	}
}

const char *
fw_relation_name(enum fw_relation rel)
{
	switch (rel) {
	case FW_REL_UNCHECKED:	return "unchecked";
	case FW_REL_AGREE:	return "agree";
	case FW_REL_DIFFER:	return "differ";
	case FW_REL_HIDDEN:	return "hidden";
	case FW_REL_UNNAMED:	return "unnamed";
	case FW_REL_CPUID_ONLY:	return "cpuid_only";
	case FW_REL_BARE:	return "bare";
	case FW_REL_NO_TABLES:	return "no_tables";
	}
	return "?";
}

static const char *
fw_why_words(const char *why)
{
	if (strcmp(why, "cloud") == 0)
		return "a cloud's own firmware on its hypervisor";
	if (strcmp(why, "emulated") == 0)
		return "the firmware's hypervisor offering another's "
		    "interface";
	if (strcmp(why, "smbios_set") == 0)
		return "ACPI agrees with CPUID: SMBIOS strings set by the host";
	return "a nested hypervisor, or firmware made to look like "
	    "another's";
}

void
fw_cross_sentence(const struct fw_verdict *fv, const char *cpuid,
    const char *cpuid_name, const struct fw_cross *fc, char *buf, size_t len)
{
	const char *fw = fv->fv_name != NULL ? fv->fv_name : fv->fv_vendor;

	switch (fc->fc_rel) {
	case FW_REL_UNCHECKED:
		snprintf(buf, len, "CPUID is not this machine's: nothing to "
		    "compare the firmware with");
		break;
	case FW_REL_AGREE:
		snprintf(buf, len, "CPUID says %s, firmware says %s: they "
		    "agree", cpuid_name, fw);
		break;
	case FW_REL_DIFFER:
		snprintf(buf, len, "CPUID says %s, firmware says %s: they "
		    "differ; usually %s", cpuid_name, fw,
		    fw_why_words(fc->fc_why));
		break;
	case FW_REL_HIDDEN:
		if (cpuid != NULL)
			snprintf(buf, len, "hypervisor hidden from CPUID: "
			    "firmware says %s (the hypervisor bit is clear; "
			    "0x40000000 still says %s)", fw, cpuid_name);
		else
			snprintf(buf, len, "hypervisor hidden from CPUID: "
			    "firmware says %s", fw);
		break;
	case FW_REL_UNNAMED:
		snprintf(buf, len, "CPUID says %s, firmware says a virtual "
		    "machine without naming it", cpuid_name);
		break;
	case FW_REL_CPUID_ONLY:
		snprintf(buf, len, "CPUID says %s, firmware names no "
		    "hypervisor: a hypervisor on the machine's own firmware "
		    "(Xen's dom0, Hyper-V's root) or firmware that hides it",
		    cpuid_name);
		break;
	case FW_REL_BARE:
		snprintf(buf, len, "neither CPUID nor firmware names a "
		    "hypervisor: bare metal on both");
		break;
	case FW_REL_NO_TABLES:
		snprintf(buf, len, "no ACPI or SMBIOS tables: only CPUID "
		    "speaks%s%s", cpuid_name != NULL ? ", and says " : "",
		    cpuid_name != NULL ? cpuid_name : "");
		break;
	}
}
