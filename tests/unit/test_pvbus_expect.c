/*
 * The expect.* keys (drivers/pvbus/pvbus_expect.c): the checks that
 * cmdline_parsed runs on their values, what each key finds in a bus
 * record built here by hand, the comparison, and the test
 * environment_expected as the KTAP writer prints it.  The words are
 * those of the facts lines (docs/output.md "Machine-readable facts");
 * the Hyper-V leaves' meaning comes from docs/reference/hyperv.md "CPUID
 * leaves" and "Privilege and feature bits", not from the code.  The
 * bus's children table is this file's: four drivers with pvconf.c's
 * names, none of which is ever called.
 */

#include "check.h"
#include "kern.h"
#include "cmdline.h"
#include "ktap.h"
#include "pvbusvar.h"

static const struct pv_driver t_hyperv = { "hyperv", NULL, NULL };
static const struct pv_driver t_xen = { "xen", NULL, NULL };
static const struct pv_driver t_pvclock = { "pvclock", NULL, NULL };
static const struct pv_driver t_vmt = { "vmt", NULL, NULL };
const struct pv_driver *const pvconf[] = {
	&t_hyperv, &t_xen, &t_pvclock, &t_vmt,
};
const int pvconf_n = nitems(pvconf);

#define BASE0		0x40000000u
/* CreatePartitions: privilege mask bit 32, base+3 EBX bit 0. */
#define PRIV_CREATE_PARTITIONS	(1ULL << 32)
#define PRIV_CPU_MANAGEMENT	(1ULL << 44)

static cmdline_check_fn *const checks[PVBUS_EXPECT_NKEYS] = {
	[PVBUS_EXPECT_HV] = pvbus_expect_check_hv,
	[PVBUS_EXPECT_PRIMARY] = pvbus_expect_check_primary,
	[PVBUS_EXPECT_ROLE] = pvbus_expect_check_role,
	[PVBUS_EXPECT_ISOLATION] = pvbus_expect_check_isolation,
	[PVBUS_EXPECT_CHILDREN] = pvbus_expect_check_children,
	[PVBUS_EXPECT_VMT] = pvbus_expect_check_vmt,
	[PVBUS_EXPECT_BOOT] = pvbus_expect_check_boot,
};

/* The check of key on value: its return, and the sentence in *msg. */
static int
check_value(enum pvbus_expect_key key, const char *value, char *msg,
    size_t len)
{
	msg[0] = '\0';
	return checks[key](value, NULL, NULL, msg, len);
}

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static void
test_key_names(void)
{
	CHECK_STR(pvbus_expect_key_name(PVBUS_EXPECT_HV), "expect.hv");
	CHECK_STR(pvbus_expect_key_name(PVBUS_EXPECT_PRIMARY),
	    "expect.primary");
	CHECK_STR(pvbus_expect_key_name(PVBUS_EXPECT_ROLE), "expect.role");
	CHECK_STR(pvbus_expect_key_name(PVBUS_EXPECT_ISOLATION),
	    "expect.isolation");
	CHECK_STR(pvbus_expect_key_name(PVBUS_EXPECT_CHILDREN),
	    "expect.children");
	CHECK_STR(pvbus_expect_key_name(PVBUS_EXPECT_VMT), "expect.vmt");
	CHECK_STR(pvbus_expect_key_name(PVBUS_EXPECT_BOOT), "expect.boot");
}

static const struct {
	enum pvbus_expect_key	key;
	const char		*value;
} accepted[] = {
	{ PVBUS_EXPECT_HV, "tcg" },
	{ PVBUS_EXPECT_HV, "kvm,hyperv" },
	{ PVBUS_EXPECT_HV, "hyperv,kvm" },
	{ PVBUS_EXPECT_HV, "none" },
	{ PVBUS_EXPECT_HV, "unknown" },		/* a printable unknown sig */
	{ PVBUS_EXPECT_HV, "kvmhv,kvm" },
	{ PVBUS_EXPECT_HV, "lkvm" },
	{ PVBUS_EXPECT_HV, "kvm,kvm" },		/* two KVM blocks: legal */
	{ PVBUS_EXPECT_HV, "tcg,tcg,tcg,tcg,tcg,tcg,tcg,tcg" },	/* 8 */
	{ PVBUS_EXPECT_PRIMARY, "kvm" },
	{ PVBUS_EXPECT_PRIMARY, "none" },
	{ PVBUS_EXPECT_ROLE, "guest" },
	{ PVBUS_EXPECT_ROLE, "root" },
	{ PVBUS_EXPECT_ROLE, "absent" },
	{ PVBUS_EXPECT_ISOLATION, "none" },
	{ PVBUS_EXPECT_ISOLATION, "vbs" },
	{ PVBUS_EXPECT_ISOLATION, "snp" },
	{ PVBUS_EXPECT_ISOLATION, "tdx" },
	{ PVBUS_EXPECT_ISOLATION, "absent" },
	{ PVBUS_EXPECT_ISOLATION, "type4" },
	{ PVBUS_EXPECT_ISOLATION, "type15" },
	{ PVBUS_EXPECT_CHILDREN, "hyperv0" },
	{ PVBUS_EXPECT_CHILDREN, "vmt0,hyperv0" },
	{ PVBUS_EXPECT_CHILDREN, "hyperv0,xen0,pvclock0,vmt0" },
	{ PVBUS_EXPECT_CHILDREN, "none" },
	{ PVBUS_EXPECT_VMT, "rpc" },
	{ PVBUS_EXPECT_VMT, "backdoor" },
	{ PVBUS_EXPECT_VMT, "none" },
	{ PVBUS_EXPECT_BOOT, "uefi" },
	{ PVBUS_EXPECT_BOOT, "bios" },
	{ PVBUS_EXPECT_BOOT, "pvh" },
};

static void
test_checks_accept(void)
{
	char msg[CMDLINE_MSG_MAX];
	size_t i;

	for (i = 0; i < nitems(accepted); i++) {
		if (!CHECK_EQ_INT(check_value(accepted[i].key,
		    accepted[i].value, msg, sizeof(msg)), 0))
			printf("# %s=%s: %s\n",
			    pvbus_expect_key_name(accepted[i].key),
			    accepted[i].value, msg);
		CHECK_STR(msg, "");
	}
}

/* Each refused value, and a piece of the sentence that must name why. */
static const struct {
	enum pvbus_expect_key	key;
	const char		*value;
	const char		*says;
} refused[] = {
	{ PVBUS_EXPECT_HV, "KVM", "expect.hv=KVM: \"KVM\" is not a vendor id" },
	{ PVBUS_EXPECT_HV, "kvm ", "\"kvm \" is not a vendor id" },
	{ PVBUS_EXPECT_HV, "", "item 1 is empty" },
	{ PVBUS_EXPECT_HV, ",tcg", "item 1 is empty" },
	{ PVBUS_EXPECT_HV, "tcg,", "item 2 is empty" },
	{ PVBUS_EXPECT_HV, "tcg,,kvm", "item 2 is empty" },
	{ PVBUS_EXPECT_HV, "none,tcg", "\"none\" stands alone" },
	{ PVBUS_EXPECT_HV, "tcg,none", "\"none\" stands alone" },
	{ PVBUS_EXPECT_HV, "tcg,tcg,tcg,tcg,tcg,tcg,tcg,tcg,tcg",
	    "9 items, more than the 8" },
	{ PVBUS_EXPECT_HV, "microsoft", "\"microsoft\" is not a vendor id" },
	{ PVBUS_EXPECT_PRIMARY, "kvm,tcg", "only one interface is primary" },
	{ PVBUS_EXPECT_PRIMARY, "Hyper-V", "\"Hyper-V\" is not a vendor id" },
	{ PVBUS_EXPECT_ROLE, "Guest", "expect.role=Guest: not one of guest, "
	    "root, l1vh, absent" },
	{ PVBUS_EXPECT_ROLE, "", "expect.role=: not one of" },
	{ PVBUS_EXPECT_ROLE, "guest,root", "not one of" },
	{ PVBUS_EXPECT_ISOLATION, "type2", "not one of none, vbs, snp, tdx, "
	    "absent, typeN" },			/* 2 has a name: snp */
	{ PVBUS_EXPECT_ISOLATION, "type16", "not one of" },
	{ PVBUS_EXPECT_ISOLATION, "type04", "not one of" },
	{ PVBUS_EXPECT_ISOLATION, "type", "not one of" },
	{ PVBUS_EXPECT_ISOLATION, "sev", "not one of" },
	{ PVBUS_EXPECT_CHILDREN, "vmt0,vmt0", "\"vmt0\" is given twice" },
	{ PVBUS_EXPECT_CHILDREN, "hyperv1", "\"hyperv1\" is not a child of "
	    "pvbus0" },
	{ PVBUS_EXPECT_CHILDREN, "vmt", "\"vmt\" is not a child" },
	{ PVBUS_EXPECT_CHILDREN, "pvbus0", "\"pvbus0\" is not a child" },
	{ PVBUS_EXPECT_CHILDREN, "vmt0,none", "\"none\" stands alone" },
	{ PVBUS_EXPECT_VMT, "ok", "expect.vmt=ok: not one of rpc, backdoor, "
	    "none" },
	{ PVBUS_EXPECT_BOOT, "efi", "expect.boot=efi: not one of uefi, bios, "
	    "pvh" },
	{ PVBUS_EXPECT_BOOT, "UEFI", "not one of" },
	/* Hostile values come back escaped, as every string from outside. */
	{ PVBUS_EXPECT_HV, "tcg # SKIP", "expect.hv=tcg \\x23 SKIP: "
	    "\"tcg \\x23 SKIP\" is not" },
	{ PVBUS_EXPECT_BOOT, "pvh\n\x1b[2J", "expect.boot=pvh\\x0a\\x1b[2J:" },
	{ PVBUS_EXPECT_CHILDREN, "vmt0,\"x\"", "\"\\\"x\\\"\" is not a child" },
};

static void
test_checks_refuse(void)
{
	char msg[CMDLINE_MSG_MAX];
	size_t i;

	for (i = 0; i < nitems(refused); i++) {
		if (!CHECK_EQ_INT(check_value(refused[i].key, refused[i].value,
		    msg, sizeof(msg)), EINVAL))
			printf("# accepted %s=%s\n",
			    pvbus_expect_key_name(refused[i].key),
			    refused[i].value);
		CHECK_CONTAINS(msg, refused[i].says);
		CHECK(printable(msg));
	}
}

/* A value longer than the sentence: cut, still one printable line. */
static void
test_checks_long_value(void)
{
	char value[600], msg[CMDLINE_MSG_MAX];

	memset(value, 'x', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	CHECK_EQ_INT(check_value(PVBUS_EXPECT_HV, value, msg, sizeof(msg)),
	    EINVAL);
	CHECK_EQ_INT(strlen(msg), sizeof(msg) - 1);
	CHECK(printable(msg));
	CHECK_EQ_INT(check_value(PVBUS_EXPECT_BOOT, value, msg, 40), EINVAL);
	CHECK_EQ_INT(strlen(msg), 39);
}

/* ------------------------------------------------------------------ */
/* What each key finds in a bus record built here. */

static struct pvbus_softc sc;
static struct pvbus_env env;

static void
record_init(void)
{
	memset(&sc, 0, sizeof(sc));
	sc.sc_primary = -1;
	sc.sc_identified = true;
	env.pe_sc = &sc;
	env.pe_boot = "pvh";
	env.pe_kvop_dev = NULL;
}

static struct pvbus_iface *
record_iface(enum pvbus_vendor v)
{
	struct pvbus_iface *pi = &sc.sc_iface[sc.sc_niface];

	pi->pi_vendor = v;
	pi->pi_id.id_base = BASE0 + 0x100u * (uint32_t)sc.sc_niface;
	sc.sc_primary = sc.sc_niface++;		/* the highest base */
	return pi;
}

static void
record_child(const char *name, bool ok)
{
	struct pvbus_attached *pa = &sc.sc_children[sc.sc_nchildren++];

	snprintf(pa->pa_name, sizeof(pa->pa_name), "%s", name);
	pa->pa_ok = ok;
}

/* The found value of key, or "!" and the reason when it is not known. */
static const char *
found(enum pvbus_expect_key key)
{
	static char buf[PVBUS_EXPECT_MAX + 1];

	if (pvbus_expect_found(key, &env, buf + 1, sizeof(buf) - 1))
		return buf + 1;
	buf[0] = '!';
	return buf;
}

/* QEMU TCG with vmport: "TCGTCGTCGTCG", the backdoor, vmt0 attached. */
static void
test_found_tcg(void)
{
	record_init();
	record_iface(PVBUS_TCG);
	sc.sc_backdoor.bd_present = true;
	sc.sc_attached = true;
	record_child("vmt0", true);
	CHECK_STR(found(PVBUS_EXPECT_HV), "tcg");
	CHECK_STR(found(PVBUS_EXPECT_PRIMARY), "tcg");
	CHECK_STR(found(PVBUS_EXPECT_ROLE), "absent");
	CHECK_STR(found(PVBUS_EXPECT_ISOLATION), "absent");
	CHECK_STR(found(PVBUS_EXPECT_CHILDREN), "vmt0");
	CHECK_STR(found(PVBUS_EXPECT_VMT), "backdoor");
	CHECK_STR(found(PVBUS_EXPECT_BOOT), "pvh");
}

/*
 * KVM with Hyper-V emulation: Hyper-V at the first base (a guest, SNP
 * isolation), KVM above it and primary; hyperv0 attached, pvclock0
 * failed; no backdoor.
 */
static void
test_found_kvm_hyperv(void)
{
	struct pvbus_iface *pi;

	record_init();
	pi = record_iface(PVBUS_HYPERV);
	pi->pi_id.id_hv1 = true;
	pi->pi_id.id_hyperv.hy_has_features = true;
	pi->pi_id.id_hyperv.hy_privileges = 0x2e7f;	/* a guest's */
	pi->pi_id.id_hyperv.hy_has_isolation = true;
	pi->pi_id.id_hyperv.hy_isolation = 2;		/* SNP */
	record_iface(PVBUS_KVM);
	sc.sc_attached = true;
	record_child("hyperv0", true);
	record_child("pvclock0", false);
	env.pe_boot = "uefi";
	CHECK_STR(found(PVBUS_EXPECT_HV), "hyperv,kvm");
	CHECK_STR(found(PVBUS_EXPECT_PRIMARY), "kvm");
	CHECK_STR(found(PVBUS_EXPECT_ROLE), "guest");
	CHECK_STR(found(PVBUS_EXPECT_ISOLATION), "snp");
	CHECK_STR(found(PVBUS_EXPECT_CHILDREN), "hyperv0");
	CHECK_STR(found(PVBUS_EXPECT_VMT), "none");
	CHECK_STR(found(PVBUS_EXPECT_BOOT), "uefi");
}

/*
 * The role and the isolation are the first Hv#1 interface's, whoever
 * offers it: a root partition (CreatePartitions), an isolation type
 * without a name, features absent, the isolation leaf absent.
 */
static void
test_found_hv1_leaves(void)
{
	struct pvbus_iface *pi;

	record_init();
	record_iface(PVBUS_KVM);			/* no Hv#1 */
	pi = record_iface(PVBUS_VMWARE);
	pi->pi_id.id_hv1 = true;
	pi->pi_id.id_hyperv.hy_has_features = true;
	pi->pi_id.id_hyperv.hy_privileges = PRIV_CREATE_PARTITIONS |
	    PRIV_CPU_MANAGEMENT | 0xfff;	/* root, as Linux decides it */
	pi->pi_id.id_hyperv.hy_has_isolation = true;
	pi->pi_id.id_hyperv.hy_isolation = 7;
	pi = record_iface(PVBUS_HYPERV);		/* a second one */
	pi->pi_id.id_hv1 = true;
	pi->pi_id.id_hyperv.hy_has_features = true;
	CHECK_STR(found(PVBUS_EXPECT_HV), "kvm,vmware,hyperv");
	CHECK_STR(found(PVBUS_EXPECT_ROLE), "root");
	CHECK_STR(found(PVBUS_EXPECT_ISOLATION), "type7");

	sc.sc_iface[1].pi_id.id_hyperv.hy_has_features = false;
	sc.sc_iface[1].pi_id.id_hyperv.hy_has_isolation = false;
	CHECK_STR(found(PVBUS_EXPECT_ROLE), "absent");
	CHECK_STR(found(PVBUS_EXPECT_ISOLATION), "absent");

	sc.sc_iface[1].pi_id.id_hyperv.hy_has_isolation = true;
	sc.sc_iface[1].pi_id.id_hyperv.hy_isolation = 0;
	CHECK_STR(found(PVBUS_EXPECT_ISOLATION), "none");
}

/* vmt0 registered the key-value store: its RPC channel is open. */
static void
test_found_vmt(void)
{
	record_init();
	record_iface(PVBUS_VMWARE);
	sc.sc_backdoor.bd_present = true;
	env.pe_kvop_dev = "vmt0";
	CHECK_STR(found(PVBUS_EXPECT_VMT), "rpc");
	env.pe_kvop_dev = NULL;
	CHECK_STR(found(PVBUS_EXPECT_VMT), "backdoor");
	sc.sc_backdoor.bd_present = false;
	CHECK_STR(found(PVBUS_EXPECT_VMT), "none");
}

/* Bare metal: no interface, no pvbus0, nothing attached. */
static void
test_found_nothing(void)
{
	record_init();
	env.pe_boot = "bios";
	CHECK_STR(found(PVBUS_EXPECT_HV), "none");
	CHECK_STR(found(PVBUS_EXPECT_PRIMARY), "none");
	CHECK_STR(found(PVBUS_EXPECT_ROLE), "absent");
	CHECK_STR(found(PVBUS_EXPECT_ISOLATION), "absent");
	CHECK_STR(found(PVBUS_EXPECT_CHILDREN), "none");
	CHECK_STR(found(PVBUS_EXPECT_VMT), "none");
	CHECK_STR(found(PVBUS_EXPECT_BOOT), "bios");
}

/* No detection pass (hv_backend failed): nothing is known but the boot. */
static void
test_found_not_identified(void)
{
	int k;

	record_init();
	sc.sc_identified = false;
	for (k = 0; k < PVBUS_EXPECT_NKEYS; k++)
		if (k != PVBUS_EXPECT_BOOT)
			CHECK_STR(found(k), "!the detection pass did not run "
			    "(see hv_backend)");
	CHECK_STR(found(PVBUS_EXPECT_BOOT), "pvh");
}

/* ------------------------------------------------------------------ */

static void
test_match(void)
{
	/* Interfaces in base order, the rest word for word. */
	CHECK(pvbus_expect_match(PVBUS_EXPECT_HV, "tcg", "tcg"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_HV, "kvm", "tcg"));
	CHECK(pvbus_expect_match(PVBUS_EXPECT_HV, "hyperv,kvm", "hyperv,kvm"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_HV, "kvm,hyperv",
	    "hyperv,kvm"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_HV, "hyperv", "hyperv,kvm"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_HV, "kvm", "kvmhv"));
	CHECK(pvbus_expect_match(PVBUS_EXPECT_HV, "none", "none"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_HV, "none", "tcg"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_PRIMARY, "kvm", "hyperv"));
	CHECK(pvbus_expect_match(PVBUS_EXPECT_ROLE, "guest", "guest"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_ROLE, "guest", "absent"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_ISOLATION, "none", "absent"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_BOOT, "uefi", "bios"));
	/* The children as a set. */
	CHECK(pvbus_expect_match(PVBUS_EXPECT_CHILDREN, "hyperv0,vmt0",
	    "hyperv0,vmt0"));
	CHECK(pvbus_expect_match(PVBUS_EXPECT_CHILDREN, "vmt0,hyperv0",
	    "hyperv0,vmt0"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_CHILDREN, "hyperv0",
	    "hyperv0,vmt0"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_CHILDREN, "hyperv0,vmt0",
	    "hyperv0"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_CHILDREN, "hyperv0,xen0",
	    "hyperv0,vmt0"));
	CHECK(pvbus_expect_match(PVBUS_EXPECT_CHILDREN, "none", "none"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_CHILDREN, "none", "vmt0"));
	CHECK(!pvbus_expect_match(PVBUS_EXPECT_CHILDREN, "vmt0", "none"));
}

/* ------------------------------------------------------------------ */
/* environment_expected as the KTAP writer prints it. */

static struct cmdline cl;

static int
run_expect(void)
{
	return pvbus_expect_run(&cl, &env);
}

static const struct ktest expect_test[] = {
	{ "environment_expected", run_expect },
};

/* The test on line, against the record: what it printed. */
static const char *
run_line(const char *line)
{
	CHECK_EQ_INT(cmdline_parse(line, &cl), 0);
	fake_cons_reset();
	ktap_begin(expect_test, nitems(expect_test));
	ktap_run_all();
	return fake_cons_buf;
}

static void
test_run_skips_without_keys(void)
{
	record_init();
	record_iface(PVBUS_TCG);
	CHECK_CONTAINS(run_line("hv=native fault=ud"), "\nok 1 "
	    "environment_expected # SKIP no expect.* key on the command "
	    "line\n");
	CHECK_EQ_INT(ktap_end(), KEXIT_PASS);
}

static void
test_run_pass(void)
{
	const char *out;

	record_init();
	record_iface(PVBUS_TCG);
	sc.sc_backdoor.bd_present = true;
	record_child("vmt0", true);
	out = run_line("expect.boot=pvh expect.hv=tcg expect.children=vmt0");
	/* One subtest per key given, in the table's order. */
	CHECK_CONTAINS(out, "  1..3\n"
	    "  # expect.hv=tcg: found tcg\n"
	    "  ok 1 hv\n"
	    "  # expect.children=vmt0: found vmt0\n"
	    "  ok 2 children\n"
	    "  # expect.boot=pvh: found pvh\n"
	    "  ok 3 boot\n"
	    "ok 1 environment_expected\n");
	CHECK_EQ_INT(ktap_end(), KEXIT_PASS);
}

/* expect.hv=kvm under TCG: a failure naming both. */
static void
test_run_fail_names_both(void)
{
	const char *out;

	record_init();
	record_iface(PVBUS_TCG);
	record_child("pvclock0", false);
	out = run_line("expect.hv=kvm expect.children=pvclock0 "
	    "expect.boot=pvh");
	CHECK_CONTAINS(out, "  not ok 1 hv # expected kvm, found tcg\n");
	CHECK_CONTAINS(out, "  # pvclock0 matched but its attach failed "
	    "(pvbus_attach)\n  not ok 2 children # expected pvclock0, found "
	    "none\n");
	CHECK_CONTAINS(out, "  ok 3 boot\nnot ok 1 environment_expected\n");
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
}

static void
test_run_not_identified(void)
{
	const char *out;

	record_init();
	sc.sc_identified = false;
	out = run_line("expect.hv=tcg expect.boot=pvh");
	CHECK_CONTAINS(out, "  not ok 1 hv # expected tcg, found nothing: "
	    "the detection pass did not run (see hv_backend)\n"
	    "  # expect.boot=pvh: found pvh\n  ok 2 boot\n");
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
}

/*
 * A value no check would pass, given to the test directly: the reason
 * quotes it escaped, so "# SKIP" in it cannot turn the failure into a
 * skip, nor a newline start a result line.
 */
static void
test_run_hostile_value_stays_a_failure(void)
{
	const char *out;

	record_init();
	record_iface(PVBUS_TCG);
	out = run_line("\"expect.hv=tcg # SKIP\"");
	CHECK_CONTAINS(out, "  not ok 1 hv # expected tcg \\x23 SKIP, found "
	    "tcg\n");
	CHECK(strstr(out, "# SKIP") == NULL);
	CHECK_EQ_INT(ktap_end(), KEXIT_FAIL);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_key_names),
	CHECK_TEST(test_checks_accept),
	CHECK_TEST(test_checks_refuse),
	CHECK_TEST(test_checks_long_value),
	CHECK_TEST(test_found_tcg),
	CHECK_TEST(test_found_kvm_hyperv),
	CHECK_TEST(test_found_hv1_leaves),
	CHECK_TEST(test_found_vmt),
	CHECK_TEST(test_found_nothing),
	CHECK_TEST(test_found_not_identified),
	CHECK_TEST(test_match),
	CHECK_TEST(test_run_skips_without_keys),
	CHECK_TEST(test_run_pass),
	CHECK_TEST(test_run_fail_names_both),
	CHECK_TEST(test_run_not_identified),
	CHECK_TEST(test_run_hostile_value_stays_a_failure),
};

int
main(void)
{
	return check_main("test_pvbus_expect", tests, nitems(tests));
}
