/*
 * The expect.* keys: a CI job says on the command line what machine it
 * booted on ("a Hyper-V guest, hyperv0 attached, UEFI"), and the test
 * environment_expected holds the machine to it, one subtest per key, so
 * the job needs no parsing of the log (docs/cmdline.md "Environment
 * assertions").  Each key is compared with the bus's own record, in the
 * words the facts lines use (docs/output.md "Machine-readable facts"):
 * the interfaces pvbus_identify() found and their Hv#1 leaves, the
 * children pvbus_attach() attached, the child that offers the
 * key-value store, and the boot path from bootinfo.
 *
 * The checks, which cmdline_parsed runs through kernel/cmdline_keys.c,
 * refuse a value outside those words, so a misspelt assertion fails the
 * run at once instead of never matching.
 */

#include "kern.h"
#include "cmdline.h"
#include "hypervreg.h"
#include "ktap.h"
#include "pvbusvar.h"

#define EXPECT_PREFIX	"expect."

static const char *const pvbus_expect_keys[PVBUS_EXPECT_NKEYS] = {
	[PVBUS_EXPECT_HV] =		"expect.hv",
	[PVBUS_EXPECT_PRIMARY] =	"expect.primary",
	[PVBUS_EXPECT_ROLE] =		"expect.role",
	[PVBUS_EXPECT_ISOLATION] =	"expect.isolation",
	[PVBUS_EXPECT_CHILDREN] =	"expect.children",
	[PVBUS_EXPECT_VMT] =		"expect.vmt",
	[PVBUS_EXPECT_BOOT] =		"expect.boot",
};

/* The words of the keys that take one of a few. */
static const char *const role_words[] = { "guest", "root", "l1vh", "absent",
    NULL };
static const char *const isolation_words[] = { "none", "vbs", "snp", "tdx",
    "absent", NULL };
static const char *const vmt_words[] = { "rpc", "backdoor", "none", NULL };
static const char *const boot_words[] = { "uefi", "bios", "pvh", NULL };

const char *
pvbus_expect_key_name(enum pvbus_expect_key key)
{
	return pvbus_expect_keys[key];
}

static bool
word_is(const char *w, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(w, word, n) == 0;
}

static bool
in_words(const char *w, size_t n, const char *const *words)
{
	for (; *words != NULL; words++)
		if (word_is(w, n, *words))
			return true;
	return false;
}

/* A vendor id of the facts lines' vendor= ("kvm", "unknown" ...). */
static bool
vendor_id(const char *w, size_t n)
{
	int i;

	for (i = 0; i < PVBUS_NVENDORS; i++)
		if (word_is(w, n, pvbus_types[i].pt_id))
			return true;
	return false;
}

/* A child device: a driver of pvconf[] and unit 0, the only one. */
static bool
child_name(const char *w, size_t n)
{
	size_t len;
	int i;

	for (i = 0; i < pvconf_n; i++) {
		len = strlen(pvconf[i]->pd_name);
		if (n == len + 1 && memcmp(w, pvconf[i]->pd_name, len) == 0 &&
		    w[len] == '0')
			return true;
	}
	return false;
}

/*
 * An isolation type without a name, as the facts line writes it:
 * "type4" to "type15" (base+0xC EBX 3:0; 0 to 3 are none, vbs, snp and
 * tdx, ident_hyperv_isolation()).
 */
static bool
isolation_type(const char *w, size_t n)
{
	unsigned v = 0;
	size_t i;

	if (n < 5 || n > 6 || memcmp(w, "type", 4) != 0)
		return false;
	for (i = 4; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return false;
		v = v * 10 + (unsigned)(w[i] - '0');
	}
	return w[4] != '0' && ident_hyperv_isolation(v) == NULL &&
	    v <= HV_ISOLATION_TYPE_MASK;
}

/* Item i of a comma list: its start and length in *np, or NULL. */
static const char *
list_item(const char *s, int i, size_t *np)
{
	const char *end;

	while (i-- > 0) {
		if ((s = strchr(s, ',')) == NULL)
			return NULL;
		s++;
	}
	end = strchr(s, ',');
	*np = end != NULL ? (size_t)(end - s) : strlen(s);
	return s;
}

static int
list_count(const char *s)
{
	int n = 1;

	for (; *s != '\0'; s++)
		n += *s == ',';
	return n;
}

/*
 * A list of items joined by single commas, each one ok() accepts, or
 * "none" alone; at most max items, none twice if unique.  0, or EINVAL
 * with the sentence in err.
 */
static int
expect_list(enum pvbus_expect_key key, const char *value,
    bool (*ok)(const char *, size_t), const char *what, int max,
    bool unique, char *err, size_t errlen)
{
	const char *k = pvbus_expect_keys[key], *w, *v;
	size_t n, m;
	int i, j, count = list_count(value);

	if (strcmp(value, "none") == 0)
		return 0;
	if (count > max) {
		snprintf(err, errlen, "%s=%pE: %d items, more than the %d "
		    "there can be", k, value, count, max);
		return EINVAL;
	}
	for (i = 0; (w = list_item(value, i, &n)) != NULL; i++) {
		if (n == 0) {
			snprintf(err, errlen, "%s=%pE: item %d is empty: join "
			    "the items with single commas", k, value, i + 1);
			return EINVAL;
		}
		if (word_is(w, n, "none")) {
			snprintf(err, errlen, "%s=%pE: \"none\" stands alone",
			    k, value);
			return EINVAL;
		}
		if (!ok(w, n)) {
			snprintf(err, errlen, "%s=%pE: \"%*pE\" is not %s", k,
			    value, (int)n, w, what);
			return EINVAL;
		}
		for (j = 0; unique && j < i; j++) {
			v = list_item(value, j, &m);
			if (m == n && memcmp(v, w, n) == 0) {
				snprintf(err, errlen, "%s=%pE: \"%*pE\" is "
				    "given twice", k, value, (int)n, w);
				return EINVAL;
			}
		}
	}
	return 0;
}

/* One word of words, or (for isolation) typeN. */
static int
expect_word(enum pvbus_expect_key key, const char *value,
    const char *const *words, char *err, size_t errlen)
{
	const char *k = pvbus_expect_keys[key];
	size_t n = strlen(value), len = 0;
	int i;

	if (in_words(value, n, words) || (key == PVBUS_EXPECT_ISOLATION &&
	    isolation_type(value, n)))
		return 0;
	len = snprintf(err, errlen, "%s=%pE: not one of ", k, value);
	for (i = 0; words[i] != NULL && len < errlen; i++)
		len += snprintf(err + len, errlen - len, "%s%s", i > 0 ?
		    ", " : "", words[i]);
	if (key == PVBUS_EXPECT_ISOLATION && len < errlen)
		snprintf(err + len, errlen - len, ", typeN");
	return EINVAL;
}

int
pvbus_expect_check_hv(const char *value, const struct cmdline *cl __unused,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	return expect_list(PVBUS_EXPECT_HV, value, vendor_id, "a vendor id "
	    "of the facts lines (kvm, hyperv, vmware, xen, tcg, ...)",
	    PVBUS_IFACE_MAX, false, err, errlen);
}

int
pvbus_expect_check_primary(const char *value,
    const struct cmdline *cl __unused, const struct bootinfo *bi __unused,
    char *err, size_t errlen)
{
	if (strchr(value, ',') != NULL) {
		snprintf(err, errlen, "expect.primary=%pE: one vendor id: "
		    "only one interface is primary", value);
		return EINVAL;
	}
	return expect_list(PVBUS_EXPECT_PRIMARY, value, vendor_id, "a vendor "
	    "id of the facts lines (kvm, hyperv, vmware, xen, tcg, ...)", 1,
	    false, err, errlen);
}

int
pvbus_expect_check_role(const char *value, const struct cmdline *cl __unused,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	return expect_word(PVBUS_EXPECT_ROLE, value, role_words, err, errlen);
}

int
pvbus_expect_check_isolation(const char *value,
    const struct cmdline *cl __unused, const struct bootinfo *bi __unused,
    char *err, size_t errlen)
{
	return expect_word(PVBUS_EXPECT_ISOLATION, value, isolation_words, err,
	    errlen);
}

int
pvbus_expect_check_children(const char *value,
    const struct cmdline *cl __unused, const struct bootinfo *bi __unused,
    char *err, size_t errlen)
{
	return expect_list(PVBUS_EXPECT_CHILDREN, value, child_name, "a child "
	    "of pvbus0 (hyperv0, xen0, pvclock0, vmt0)", PVBUS_CHILDREN_MAX,
	    true, err, errlen);
}

int
pvbus_expect_check_vmt(const char *value, const struct cmdline *cl __unused,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	return expect_word(PVBUS_EXPECT_VMT, value, vmt_words, err, errlen);
}

int
pvbus_expect_check_boot(const char *value, const struct cmdline *cl __unused,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	return expect_word(PVBUS_EXPECT_BOOT, value, boot_words, err, errlen);
}

/* The first interface offering Hv#1, in base order (hyperv0's), or NULL. */
static const struct ident_hyperv *
expect_hv1(const struct pvbus_softc *sc)
{
	int i;

	for (i = 0; i < sc->sc_niface; i++)
		if (sc->sc_iface[i].pi_id.id_hv1)
			return &sc->sc_iface[i].pi_id.id_hyperv;
	return NULL;
}

/* "kvm,hyperv": the interfaces' vendor ids in base order, or "none". */
static void
found_hv(const struct pvbus_softc *sc, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	snprintf(buf, len, "none");
	for (i = 0; i < sc->sc_niface && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i > 0 ? "," : "",
		    pvbus_types[sc->sc_iface[i].pi_vendor].pt_id);
}

/* "hyperv0,vmt0": the children whose attach succeeded, or "none". */
static void
found_children(const struct pvbus_softc *sc, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	snprintf(buf, len, "none");
	for (i = 0; i < sc->sc_nchildren && n < len; i++)
		if (sc->sc_children[i].pa_ok)
			n += snprintf(buf + n, len - n, "%s%s",
			    n > 0 ? "," : "", sc->sc_children[i].pa_name);
}

bool
pvbus_expect_found(enum pvbus_expect_key key, const struct pvbus_env *env,
    char *buf, size_t len)
{
	const struct pvbus_softc *sc = env->pe_sc;
	const struct ident_hyperv *hy = expect_hv1(sc);
	const char *iso;

	if (key == PVBUS_EXPECT_BOOT) {
		snprintf(buf, len, "%s", env->pe_boot);
		return true;
	}
	if (!sc->sc_identified) {
		snprintf(buf, len, "the detection pass did not run "
		    "(see hv_backend)");
		return false;
	}
	switch (key) {
	case PVBUS_EXPECT_HV:
		found_hv(sc, buf, len);
		break;
	case PVBUS_EXPECT_PRIMARY:
		snprintf(buf, len, "%s", sc->sc_primary < 0 ? "none" :
		    pvbus_types[sc->sc_iface[sc->sc_primary].pi_vendor].pt_id);
		break;
	case PVBUS_EXPECT_ROLE:
		snprintf(buf, len, "%s", hy == NULL || !hy->hy_has_features ?
		    "absent" : ident_hyperv_role_name(ident_hyperv_role(hy)));
		break;
	case PVBUS_EXPECT_ISOLATION:
		if (hy == NULL || !hy->hy_has_isolation)
			snprintf(buf, len, "absent");
		else if ((iso = ident_hyperv_isolation(hy->hy_isolation)) !=
		    NULL)
			snprintf(buf, len, "%s", iso);
		else
			snprintf(buf, len, "type%u", hy->hy_isolation);
		break;
	case PVBUS_EXPECT_CHILDREN:
		found_children(sc, buf, len);
		break;
	case PVBUS_EXPECT_VMT:
		snprintf(buf, len, "%s", env->pe_kvop_dev != NULL &&
		    strncmp(env->pe_kvop_dev, "vmt", 3) == 0 ? "rpc" :
		    sc->sc_backdoor.bd_present ? "backdoor" : "none");
		break;
	default:
		snprintf(buf, len, "no such key");
		return false;
	}
	return true;
}

/* Is item w (n bytes) in the comma list s? */
static bool
list_has(const char *s, const char *w, size_t n)
{
	const char *v;
	size_t m;
	int i;

	for (i = 0; (v = list_item(s, i, &m)) != NULL; i++)
		if (m == n && memcmp(v, w, n) == 0)
			return true;
	return false;
}

/*
 * The interfaces are compared in base order, as the facts lines list
 * them; the children as a set, since their order is pvconf.c's, not
 * the machine's.  The rest are one word each.
 */
bool
pvbus_expect_match(enum pvbus_expect_key key, const char *expected,
    const char *found)
{
	const char *w;
	size_t n;
	int i;

	if (key != PVBUS_EXPECT_CHILDREN || strcmp(expected, "none") == 0 ||
	    strcmp(found, "none") == 0)
		return strcmp(expected, found) == 0;
	if (list_count(expected) != list_count(found))
		return false;
	for (i = 0; (w = list_item(expected, i, &n)) != NULL; i++)
		if (!list_has(found, w, n))
			return false;
	return true;
}

/* A child that matched but failed to attach, said next to the list. */
static void
expect_diag_failed(const struct pvbus_softc *sc)
{
	int i;

	for (i = 0; i < sc->sc_nchildren; i++)
		if (!sc->sc_children[i].pa_ok)
			ktap_diag("%s matched but its attach failed "
			    "(pvbus_attach)", sc->sc_children[i].pa_name);
}

static void
expect_one(enum pvbus_expect_key key, const char *want,
    const struct pvbus_env *env)
{
	const char *name = pvbus_expect_keys[key] + sizeof(EXPECT_PREFIX) - 1;
	char found[PVBUS_EXPECT_MAX], why[CMDLINE_MSG_MAX];

	if (!pvbus_expect_found(key, env, found, sizeof(found))) {
		snprintf(why, sizeof(why), "expected %pE, found nothing: %s",
		    want, found);
		ktap_sub_result(KTAP_FAIL, name, why);
		return;
	}
	ktap_diag("%s=%pE: found %s", pvbus_expect_keys[key], want, found);
	if (key == PVBUS_EXPECT_CHILDREN)
		expect_diag_failed(env->pe_sc);
	if (pvbus_expect_match(key, want, found)) {
		ktap_sub_result(KTAP_PASS, name, NULL);
		return;
	}
	snprintf(why, sizeof(why), "expected %pE, found %s", want, found);
	ktap_sub_result(KTAP_FAIL, name, why);
}

int
pvbus_expect_run(const struct cmdline *cl, const struct pvbus_env *env)
{
	const char *want;
	int k, n = 0;

	for (k = 0; k < PVBUS_EXPECT_NKEYS; k++)
		n += cmdline_get(cl, pvbus_expect_keys[k]) != NULL;
	if (n == 0)
		return ktap_skip("no expect.* key on the command line");
	ktap_sub_begin(n);
	for (k = 0; k < PVBUS_EXPECT_NKEYS; k++)
		if ((want = cmdline_get(cl, pvbus_expect_keys[k])) != NULL)
			expect_one(k, want, env);
	return ktap_sub_end();
}
