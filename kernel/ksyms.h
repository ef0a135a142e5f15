/*
 * The kernel's own symbol table, built into it at link time
 * (tools/ksyms.sh, the Makefile's second link): what a crash report
 * needs to name a function or data object without addr2line.
 */
#ifndef _KERNEL_KSYMS_H_
#define _KERNEL_KSYMS_H_

#include <stddef.h>
#include <stdint.h>

/*
 * The name of the symbol at or below addr in the same part of the image
 * (code, read-only data, data and .bss), with addr's offset from it; NULL
 * for an address outside the image or before its first symbol there.
 */
const char *ksym_lookup(uintptr_t addr, uintptr_t *off);

/*
 * " <name+0xoff>" for addr, or "" if ksym_lookup() knows nothing: for
 * printing right after the address.  Returns buf.
 */
char	*ksym_format(uintptr_t addr, char *buf, size_t len);

/*
 * The same for a return address: named after the call before it, which
 * may be a function's last instruction (the return address is then the
 * next function's first byte).
 */
char	*ksym_format_ret(uintptr_t ret, char *buf, size_t len);

/* How many names the table holds (0 for the first link's empty one). */
unsigned ksym_count(void);

#endif
