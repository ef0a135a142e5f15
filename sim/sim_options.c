/*
 * The simulators' faults on the command line: their names
 * (sim.fault=a,b), and the checks cmdline_parsed runs on sim.fault= and
 * sim.failbyte= (kernel/cmdline_keys.c lists them).  sim_backend.c
 * reads the words, and checks profile= and vmt.script=, which name boot
 * modules.
 */

#include "kern.h"
#include "cmdline.h"
#include "simvar.h"

static const struct {
	const char	*fn_name;
	uint32_t	fn_bit;
} sim_fault_names[] = {
	{ "hypercall-msr-ignored",	SIM_FAULT_HYPERCALL_MSR_IGNORED },
	{ "page-not-filled",		SIM_FAULT_PAGE_NOT_FILLED },
	{ "status-error",		SIM_FAULT_STATUS_ERROR },
	{ "clock-odd-version",		SIM_FAULT_CLOCK_ODD_VERSION },
	{ "garbage-cpuid",		SIM_FAULT_GARBAGE_CPUID },
	{ "rpc-open-refused",		SIM_FAULT_RPC_OPEN_REFUSED },
	{ "rpc-send-fails",		SIM_FAULT_RPC_SEND_FAILS },
	{ "rpc-reply-too-long",		SIM_FAULT_RPC_REPLY_TOO_LONG },
	{ "rpc-wrong-cookie",		SIM_FAULT_RPC_WRONG_COOKIE },
	{ "rpc-no-success",		SIM_FAULT_RPC_NO_SUCCESS },
	{ "rpc-endless-reply",		SIM_FAULT_RPC_ENDLESS_REPLY },
};

int
sim_parse_faults(const char *s, uint32_t *faults, char *err, size_t errlen)
{
	const char *end;
	size_t i, len;

	*faults = 0;
	for (; *s != '\0'; s = *end == ',' ? end + 1 : end) {
		for (end = s; *end != '\0' && *end != ','; end++)
			;
		len = (size_t)(end - s);
		for (i = 0; i < nitems(sim_fault_names); i++)
			if (strlen(sim_fault_names[i].fn_name) == len &&
			    strncmp(s, sim_fault_names[i].fn_name, len) == 0)
				break;
		if (i == nitems(sim_fault_names)) {
			snprintf(err, errlen, "sim.fault: \"%*pE\" is not a "
			    "fault the simulators know (README: Simulated "
			    "hypervisors)", (int)len, s);
			return EINVAL;
		}
		if ((*faults & sim_fault_names[i].fn_bit) != 0) {
			snprintf(err, errlen, "sim.fault: \"%s\" is named "
			    "twice", sim_fault_names[i].fn_name);
			return EINVAL;
		}
		*faults |= sim_fault_names[i].fn_bit;
		if (*end == ',' && end[1] == '\0') {
			snprintf(err, errlen, "sim.fault: the list ends with "
			    "','");
			return EINVAL;
		}
	}
	return 0;
}

/*
 * Does hv= ask for a simulator?  If not, err says that what needs one.
 * *mp is its model, or NULL when hv= names none (its own check says).
 */
static bool
sim_need_sim(const char *what, const struct cmdline *cl,
    const struct sim_model **mp, char *err, size_t errlen)
{
	const char *hv = cmdline_get(cl, "hv");

	*mp = NULL;
	if (hv == NULL) {
		snprintf(err, errlen, "%s needs hv=sim:<model>; hv= is not "
		    "given (native)", what);
		return false;
	}
	if (strncmp(hv, "sim:", 4) != 0) {
		snprintf(err, errlen, "%s needs hv=sim:<model>, not hv=%pE",
		    what, hv);
		return false;
	}
	*mp = sim_model_find(hv + 4);
	return true;
}

int
sim_check_fault(const char *value, const struct cmdline *cl,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	const char *names[nitems(sim_fault_names)];
	const struct sim_model *m;
	uint32_t bits;
	size_t i, j, k, n;

	if (value[0] == '\0') {
		snprintf(err, errlen, "sim.fault= names no fault");
		return EINVAL;
	}
	if (sim_parse_faults(value, &bits, err, errlen) != 0)
		return EINVAL;
	if (!sim_need_sim("sim.fault=", cl, &m, err, errlen))
		return EINVAL;
	if (m == NULL)
		return 0;	/* hv=sim:<no such model> is hv='s problem */
	for (i = 0; i < nitems(sim_fault_names); i++) {
		if ((bits & sim_fault_names[i].fn_bit & ~m->m_faults) == 0)
			continue;
		for (j = k = 0; j < nitems(sim_fault_names); j++)
			if (m->m_faults & sim_fault_names[j].fn_bit)
				names[k++] = sim_fault_names[j].fn_name;
		n = (size_t)snprintf(err, errlen, "sim.fault=%s does nothing "
		    "under sim:%s, whose faults are ",
		    sim_fault_names[i].fn_name, m->m_name);
		sim_list(err, errlen, &n, "", names, k);
		return EINVAL;
	}
	/* sim_backend.c: with profile=, CPUID comes from the dump instead. */
	if ((bits & SIM_FAULT_GARBAGE_CPUID) != 0 &&
	    cmdline_get(cl, "profile") != NULL) {
		snprintf(err, errlen, "sim.fault=garbage-cpuid does nothing "
		    "with profile=: CPUID then comes from the recorded dump");
		return EINVAL;
	}
	return 0;
}

int
sim_check_failbyte(const char *value, const struct cmdline *cl,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	const char *faults = cmdline_get(cl, "sim.fault"), *hv;
	uint32_t v, bits;

	if (cmdline_uint("sim.failbyte", value, SIM_FAILBYTE_MAX, &v, err,
	    errlen) != 0)
		return ERANGE;
	hv = cmdline_get(cl, "hv");
	if (!sim_has_vmware_host(hv) || faults == NULL ||
	    sim_parse_faults(faults, &bits, err, errlen) != 0 ||
	    (bits & SIM_FAULT_RPC_SEND_FAILS) == 0) {
		snprintf(err, errlen, "sim.failbyte=%pE does nothing without "
		    "the VMware host (hv=sim:vmware or sim:vmware+hyperv) and "
		    "sim.fault=rpc-send-fails", value);
		return EINVAL;
	}
	return 0;
}
