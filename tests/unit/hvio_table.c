/*
 * The scripted hvio of hvio_table.h: CPUID from the test's table, the
 * out-of-range rule the test chose, a log of every leaf asked.
 */

#include <string.h>

#include "kern.h"
#include "hvio_table.h"

uint32_t	hvio_table_log[HVIO_TABLE_LOG_MAX];
int		hvio_table_nlog;
int		hvio_table_nbackdoor;
struct vm_regs	hvio_table_bd_in;

static const struct hvio_table *table_cur;

bool
hvio_table_lookup(const struct hvio_table *t, uint32_t leaf,
    struct cpuid_regs *out)
{
	size_t i;

	for (i = 0; i < t->ht_nleaves; i++)
		if (t->ht_leaves[i].htl_leaf == leaf) {
			*out = t->ht_leaves[i].htl_regs;
			return true;
		}
	return false;
}

/*
 * Intel's rule: a leaf the CPU lacks answers the highest basic leaf's
 * data (leaf 0 EAX names it); if the table lacks that too, zeros.
 */
static void
table_miss(const struct hvio_table *t, struct cpuid_regs *out)
{
	struct cpuid_regs r0;

	memset(out, 0, sizeof(*out));
	switch (t->ht_miss) {
	case HVIO_TABLE_MISS_ZERO:
		break;
	case HVIO_TABLE_MISS_BASIC:
		if (hvio_table_lookup(t, 0, &r0))
			(void)hvio_table_lookup(t, r0.eax, out);
		break;
	case HVIO_TABLE_MISS_FIXED:
		*out = t->ht_miss_regs;
		break;
	}
}

static void
table_cpuid(uint32_t leaf, uint32_t subleaf __unused, struct cpuid_regs *out)
{
	if (hvio_table_nlog < HVIO_TABLE_LOG_MAX)
		hvio_table_log[hvio_table_nlog] = leaf;
	hvio_table_nlog++;
	if (!hvio_table_lookup(table_cur, leaf, out))
		table_miss(table_cur, out);
}

static int
table_backdoor(struct vm_regs *r)
{
	hvio_table_nbackdoor++;
	hvio_table_bd_in = *r;
	switch (table_cur->ht_backdoor) {
	case HVIO_TABLE_BD_NONE:
		return hvio_no_backdoor(r);
	case HVIO_TABLE_BD_ANSWER:
		r->vr_rax = table_cur->ht_bd_eax;
		r->vr_rbx = table_cur->ht_bd_ebx;
		r->vr_rcx = table_cur->ht_bd_ecx;
		return 0;
	case HVIO_TABLE_BD_FAULT:
		break;
	}
	return EFAULT;
}

static struct hvio table_io = {
	.io_cpuid = table_cpuid,
	.io_rdmsr = hvio_no_msr_read,
	.io_wrmsr = hvio_no_msr_write,
	.io_backdoor = table_backdoor,
	.io_backdoor_hb = hvio_no_backdoor_hb,
	.io_hypercall = hvio_no_hypercall,
	.io_report = NULL,
};

const struct hvio *
hvio_table_start(const struct hvio_table *t)
{
	table_cur = t;
	table_io.io_name = t->ht_name != NULL ? t->ht_name : "table";
	table_io.io_detail = t->ht_detail != NULL ? t->ht_detail : "";
	hvio_table_nlog = 0;
	hvio_table_nbackdoor = 0;
	memset(&hvio_table_bd_in, 0, sizeof(hvio_table_bd_in));
	return &table_io;
}

int
hvio_table_count_range(uint32_t lo, uint32_t hi)
{
	int i, n = 0;

	for (i = 0; i < hvio_table_nlog && i < HVIO_TABLE_LOG_MAX; i++)
		if (hvio_table_log[i] >= lo && hvio_table_log[i] <= hi)
			n++;
	return n;
}

int
hvio_table_count(uint32_t leaf)
{
	return hvio_table_count_range(leaf, leaf);
}
