/*
 * A scripted hvio for the host unit tests: CPUID answers come from a
 * table the test writes, a leaf the table lacks is answered by a rule
 * the test chooses (zeros as AMD and Xen do, the highest basic leaf's
 * data as Intel and QEMU TCG do, or fixed registers), and every CPUID
 * call is logged so a test can count what the code under test asked.
 * The backdoor answers as scripted; MSRs and hypercalls are refused as
 * on a machine with nothing behind them (hvio.c).  Out-of-range rules:
 * docs/reference/cpuid-detection.md "Leaves that do not exist".
 *
 * The hvio function pointers take no context, so there is one table at
 * a time: hvio_table_start() makes it current and clears the log.
 */
#ifndef _TESTS_UNIT_HVIO_TABLE_H_
#define _TESTS_UNIT_HVIO_TABLE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvio.h"

/* One CPUID leaf (subleaf ignored) and what it answers. */
struct hvio_table_leaf {
	uint32_t	htl_leaf;
	struct cpuid_regs htl_regs;
};

/* What a leaf missing from the table answers. */
enum hvio_table_miss {
	HVIO_TABLE_MISS_ZERO,	/* AMD hardware, Xen: all zero */
	HVIO_TABLE_MISS_BASIC,	/* Intel, TCG: leaf (leaf 0 EAX)'s data */
	HVIO_TABLE_MISS_FIXED,	/* ht_miss_regs */
};

/* What the backdoor port does with a call. */
enum hvio_table_backdoor {
	HVIO_TABLE_BD_NONE,	/* nothing behind the port: EAX all ones */
	HVIO_TABLE_BD_ANSWER,	/* EAX..ECX = ht_bd_eax..ht_bd_ecx */
	HVIO_TABLE_BD_FAULT,	/* the IN faulted: EFAULT */
};

struct hvio_table {
	const char	*ht_name;	/* io_name: "table" if NULL */
	const char	*ht_detail;	/* io_detail: "" if NULL */
	const struct hvio_table_leaf *ht_leaves;
	size_t		ht_nleaves;
	enum hvio_table_miss ht_miss;
	struct cpuid_regs ht_miss_regs;	/* HVIO_TABLE_MISS_FIXED */
	enum hvio_table_backdoor ht_backdoor;
	uint32_t	ht_bd_eax, ht_bd_ebx, ht_bd_ecx;
};

#define HVIO_TABLE_LOG_MAX	2048

/* The CPUID leaves asked since hvio_table_start(), in order. */
extern uint32_t	hvio_table_log[HVIO_TABLE_LOG_MAX];
extern int	hvio_table_nlog;	/* may exceed HVIO_TABLE_LOG_MAX */

/* Backdoor calls since hvio_table_start(), and the last one's input. */
extern int	hvio_table_nbackdoor;
extern struct vm_regs hvio_table_bd_in;

/* Make t current (t must outlive its use), clear the log. */
const struct hvio *hvio_table_start(const struct hvio_table *t);

/* How many times the leaf, or any leaf in [lo, hi], was asked. */
int	hvio_table_count(uint32_t leaf);
int	hvio_table_count_range(uint32_t lo, uint32_t hi);

/* The table's own answer for a leaf: true if the table has it. */
bool	hvio_table_lookup(const struct hvio_table *t, uint32_t leaf,
	    struct cpuid_regs *out);

#endif
