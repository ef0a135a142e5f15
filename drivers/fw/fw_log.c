/*
 * What the parsers found wrong, kept as sentences for the report: a
 * problem is a rule a table broke, a note something left unread or
 * worth saying (fwvar.h).  Every one is counted; the first FW_LOG_MAX
 * are kept, since the first is the one to fix first.
 */

#include "kern.h"
#include "fwvar.h"

static void
fw_log_add(struct fw_log *log, bool problem, const char *fmt, va_list ap)
{
	if (problem)
		log->fl_nproblems++;
	else
		log->fl_nnotes++;
	if (log->fl_nkept >= FW_LOG_MAX)
		return;
	log->fl_problem[log->fl_nkept] = problem;
	vsnprintf(log->fl_msg[log->fl_nkept], FW_MSG_MAX, fmt, ap);
	log->fl_nkept++;
}

void
fw_problem(struct fw_log *log, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fw_log_add(log, true, fmt, ap);
	va_end(ap);
}

void
fw_note(struct fw_log *log, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fw_log_add(log, false, fmt, ap);
	va_end(ap);
}

uint8_t
fw_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len-- > 0)
		sum += *b++;
	return sum;
}

const char *
fw_where_name(enum fw_mem_where where)
{
	switch (where) {
	case FW_MEM_OK:
		return "in memory the map reserves";
	case FW_MEM_RAM:
		return "in RAM the memory map calls available";
	case FW_MEM_HIGH:
		return "above the 4 GiB the kernel maps";
	case FW_MEM_HOLE:
		return "outside the memory map's RAM, reserved and ACPI "
		    "regions";
	case FW_MEM_NOMAP:
		return "outside the BIOS area, with no memory map to check";
	case FW_MEM_PAGE0:
		return "in page 0, which is not mapped";
	case FW_MEM_TOOBIG:
		return "longer than the 1 MiB read at most";
	}
	return "nowhere known";
}
