/*
 * The KTAP test firmware_identify: the firmware's tables as a second
 * witness next to CPUID's (drivers/fw/ reads them).  Its subtests:
 *
 *	acpi		the RSDP, the root table and every table it lists;
 *			fails if a table broke a rule (checksum, length, a
 *			loop, memory the map does not give the firmware),
 *			skips if there is no RSDP (-no-acpi)
 *	smbios		the entry point and the structures; the same
 *	cross_check	the firmware's verdict against CPUID's primary
 *			vendor: agree, differ (and what that usually means),
 *			hidden (the firmware names a hypervisor CPUID does
 *			not), ...  It reports and passes: a disagreement is
 *			a fact about the platform, not a broken rule.  It
 *			skips when CPUID is a replay's or a simulator's,
 *			which no firmware can be compared with.
 *
 * The relation also goes to the attach line of pvbus0 (sc_fw_note) and
 * the SMBIOS UUID to vmt0, through the bus's softc, so that neither the
 * tree nor the children depend on the firmware's code.
 * docs/firmware.md "The cross-check".
 */

#include "kern.h"
#include "bootinfo.h"
#include "fwvar.h"
#include "ktap.h"
#include "pvbusvar.h"

static const struct fw_log fw_log_none;

/* A log's sentences as diagnostics; returns its problems. */
static int
pvbus_fw_diag(const struct fw_log *log)
{
	int i;

	for (i = 0; i < log->fl_nkept; i++)
		ktap_diag("%s%s", log->fl_problem[i] ? "" : "note: ",
		    log->fl_msg[i]);
	if (log->fl_nkept < log->fl_nproblems + log->fl_nnotes)
		ktap_diag("%d more not shown", log->fl_nproblems +
		    log->fl_nnotes - log->fl_nkept);
	return log->fl_nproblems;
}

/*
 * A source's result: its log (and the EFI system table's, which both
 * sources come through on UEFI) as diagnostics, then a skip if the
 * source is absent, a failure if a rule was broken, else a pass.
 */
static void
pvbus_fw_result(const char *name, bool found, const struct fw_log *log,
    const struct fw_log *efi, const char *absent)
{
	int nproblems;

	nproblems = pvbus_fw_diag(efi) + pvbus_fw_diag(log);
	if (nproblems > 0) {
		ktap_fail("%d rule%s broken, the tables concerned skipped",
		    nproblems, nproblems == 1 ? "" : "s");
		ktap_sub_result(KTAP_FAIL, name, NULL);
	} else if (!found)
		ktap_sub_result(KTAP_SKIP, name, absent);
	else
		ktap_sub_result(KTAP_PASS, name, NULL);
}

/* CPUID's primary vendor: its id for the facts, its name for people. */
static const char *
pvbus_fw_cpuid(const char **name)
{
	const struct pvbus_softc *sc = &pvbus_softc;
	const struct pvbus_iface *pi;

	if (sc->sc_primary < 0) {
		*name = "no hypervisor";
		return NULL;
	}
	pi = &sc->sc_iface[sc->sc_primary];
	*name = pvbus_types[pi->pi_vendor].pt_name;
	if (*name == NULL)
		*name = "an unknown hypervisor";
	return pvbus_types[pi->pi_vendor].pt_id;
}

/* "firmware agrees: QEMU", for pvbus0's attach line. */
static void
pvbus_fw_note(const struct fw_verdict *fv, const struct fw_cross *fc)
{
	struct pvbus_softc *sc = &pvbus_softc;
	const char *name = fv->fv_name != NULL ? fv->fv_name : fv->fv_vendor;

	switch (fc->fc_rel) {
	case FW_REL_AGREE:
		snprintf(sc->sc_fw_note, sizeof(sc->sc_fw_note),
		    "firmware agrees: %s", name);
		break;
	case FW_REL_DIFFER:
		snprintf(sc->sc_fw_note, sizeof(sc->sc_fw_note),
		    "firmware disagrees: %s (%s)", name, fc->fc_why);
		break;
	case FW_REL_HIDDEN:
		snprintf(sc->sc_fw_note, sizeof(sc->sc_fw_note),
		    "firmware: %s, hidden from CPUID", name);
		break;
	case FW_REL_UNNAMED:
		snprintf(sc->sc_fw_note, sizeof(sc->sc_fw_note),
		    "firmware: a virtual machine, unnamed");
		break;
	case FW_REL_CPUID_ONLY:
	case FW_REL_BARE:
		snprintf(sc->sc_fw_note, sizeof(sc->sc_fw_note),
		    "firmware names no hypervisor");
		break;
	case FW_REL_NO_TABLES:
		snprintf(sc->sc_fw_note, sizeof(sc->sc_fw_note),
		    "no firmware tables");
		break;
	case FW_REL_UNCHECKED:
		break;
	}
}

/* The SMBIOS UUID, unless the table says it has none (all ones). */
static void
pvbus_fw_uuid(const struct smbios_info *si)
{
	struct fw_uuid *fu = &pvbus_softc.sc_fw_uuid;
	int i;

	if (!si->si_has_uuid)
		return;
	for (i = 0; i < 16 && si->si_uuid_raw[i] == 0xff; i++)
		continue;
	if (i == 16)
		return;		/* 7.2.1: all 0xFF, "not present" */
	fu->fu_present = true;
	memcpy(fu->fu_text, si->si_uuid, 16);
	memcpy(fu->fu_raw, si->si_uuid_raw, 16);
}

static void
pvbus_fw_facts(const struct fw_verdict *fv, const char *cpuid,
    const struct fw_cross *fc)
{
	printf("pvbus: firmware vendor=%s", fv->fv_vendor);
	if (fv->fv_by != NULL)
		printf(" by=%s", fv->fv_by);
	if (fv->fv_smbios != NULL)
		printf(" smbios=%s", fv->fv_smbios);
	if (fv->fv_acpi != NULL)
		printf(" acpi=%s", fv->fv_acpi);
	if (fv->fv_fadt != NULL)
		printf(" fadt=%s", fv->fv_fadt);
	if (fv->fv_platform != NULL)
		printf(" platform=\"%s\"", fv->fv_platform);
	if (fc->fc_rel != FW_REL_UNCHECKED)
		printf(" cpuid=%s hvbit=%d", cpuid != NULL ? cpuid : "none",
		    pvbus_softc.sc_hvbit);
	printf(" relation=%s", fw_relation_name(fc->fc_rel));
	if (fc->fc_why != NULL)
		printf(" why=%s", fc->fc_why);
	printf("\n");
}

static int
pvbus_fw_cross(struct fw_softc *fs)
{
	const struct hvio *io = pvbus_softc.sc_io;
	const char *cpuid = NULL, *cpuid_name = NULL;
	struct fw_cross fc;
	char sentence[200];

	memset(&fc, 0, sizeof(fc));
	if (io != NULL && strcmp(io->io_name, "native") == 0) {
		cpuid = pvbus_fw_cpuid(&cpuid_name);
		fw_cross_check(&fs->sc_verdict, cpuid, pvbus_softc.sc_hvbit,
		    &fc);
		pvbus_fw_note(&fs->sc_verdict, &fc);
		pvbus_fw_uuid(&fs->sc_smbios);
	}
	pvbus_fw_facts(&fs->sc_verdict, cpuid, &fc);
	if (fc.fc_rel == FW_REL_UNCHECKED)
		return ktap_skip("CPUID comes from %s, not from this machine: "
		    "nothing to compare the firmware with",
		    io != NULL ? io->io_name : "no backend");
	fw_cross_sentence(&fs->sc_verdict, cpuid, cpuid_name, &fc, sentence,
	    sizeof(sentence));
	ktap_diag("%s", sentence);
	if (fc.fc_rel == FW_REL_HIDDEN)
		ktap_diag("hypervisor bit %s, %s", pvbus_softc.sc_hvbit ?
		    "set" : "clear", pvbus_softc.sc_backdoor.bd_present ?
		    "the VMware backdoor answers" : "no VMware backdoor");
	if (fc.fc_rel == FW_REL_NO_TABLES)
		return ktap_skip("no ACPI or SMBIOS tables to compare CPUID "
		    "with");
	return KTAP_PASS;
}

int
pvbus_fw_test(void)
{
	struct fw_softc *fs = &fw_softc;
	int result;

	fw_identify(&fw_mem_boot, &bootinfo, fs);
	fw_print_attach(fs);
	ktap_sub_begin(3);
	fw_print_acpi(fs);
	pvbus_fw_result("acpi", fs->sc_acpi.ai_found, &fs->sc_acpi.ai_log,
	    &fs->sc_efi.fe_log, "no ACPI RSDP: none from the loader, the EFI "
	    "table or the BIOS area");
	fw_print_smbios(fs);
	pvbus_fw_result("smbios", fs->sc_smbios.si_found,
	    &fs->sc_smbios.si_log, &fw_log_none, "no SMBIOS entry point: "
	    "none in the EFI table or the BIOS area");
	result = pvbus_fw_cross(fs);
	ktap_sub_result(result, "cross_check", NULL);
	if ((result = ktap_sub_end()) == KTAP_SKIP)
		return ktap_skip("no ACPI or SMBIOS tables");
	return result;
}
