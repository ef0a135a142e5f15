/*
 * Looking up the symbol table tools/ksyms.sh generated: ksyms_count
 * names, their addresses sorted in ksyms_addr, each name at
 * ksyms_str + ksyms_name[i].  A binary search finds the last address at
 * or below the one asked for.  An address is only named after a symbol
 * in the same part of the image (linker.ld's page-aligned parts), so the
 * padding at the end of the code is not "the last function + 0x800".
 */

#include "kern.h"
#include "ksyms.h"

extern const uint32_t ksyms_count;		/* tools/ksyms.sh */
extern const uint32_t ksyms_addr[], ksyms_name[];
extern const char ksyms_str[];
extern const char __kernel_start[], __text_end[], __rodata_end[];
extern const char __data_end[];			/* linker.ld */

unsigned
ksym_count(void)
{
	return ksyms_count;
}

/* Which part of the image addr lies in: 1, 2, 3, or 0 for none. */
static int
image_part(uintptr_t addr)
{
	if (addr < (uintptr_t)__kernel_start || addr >= (uintptr_t)__data_end)
		return 0;
	if (addr < (uintptr_t)__text_end)
		return 1;
	return addr < (uintptr_t)__rodata_end ? 2 : 3;
}

const char *
ksym_lookup(uintptr_t addr, uintptr_t *off)
{
	uint32_t lo = 0, hi = ksyms_count, mid;
	int part = image_part(addr);

	if (part == 0)
		return NULL;
	while (lo < hi) {		/* the first address above addr */
		mid = lo + (hi - lo) / 2;
		if (ksyms_addr[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || image_part(ksyms_addr[lo - 1]) != part)
		return NULL;
	*off = addr - ksyms_addr[lo - 1];
	return ksyms_str + ksyms_name[lo - 1];
}

static char *
ksym_print(uintptr_t addr, uintptr_t back, char *buf, size_t len)
{
	const char *name;
	uintptr_t off;

	if ((name = ksym_lookup(addr - back, &off)) == NULL)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, " <%s+0x%lx>", name,
		    (unsigned long)(off + back));
	return buf;
}

char *
ksym_format(uintptr_t addr, char *buf, size_t len)
{
	return ksym_print(addr, 0, buf, len);
}

char *
ksym_format_ret(uintptr_t ret, char *buf, size_t len)
{
	return ksym_print(ret, 1, buf, len);
}
