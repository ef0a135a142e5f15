/*
 * pvbus-replay DUMP: run the detection pass and the device tree on a
 * recorded CPUID dump, on the host, with the same C files the kernel
 * uses.  It prints exactly what the kernel prints for the tests
 * pvbus_identify and pvbus_attach when booted with the dump as module 0
 * and hv=replay (tests/boot cases compare the two).
 *
 * Exit status: 0 if both tests passed or skipped, 1 if one failed, 2 if
 * the dump could not be read or parsed (the reason goes to stderr and,
 * as the kernel prints it, to stdout).
 *
 * Built by tests/unit/unit.mk into build/host/pvbus-replay, with the
 * kernel's printf renamed (kern_printf), so this file's own output uses
 * the C library's stdio.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootinfo.h"
#include "hvio.h"
#include "kern.h"
#include "ktap.h"
#include "pmem.h"
#include "pvbusvar.h"

#define DUMP_MAX	(1024 * 1024)	/* as the kernel's module limit */

/*
 * The kernel objects are built with printf renamed (tests/unit/unit.mk);
 * this file is not, so <stdio.h> keeps its own.  No <errno.h> either:
 * kernel/errno.h numbers some codes differently.
 */
int	kern_printf(const char *fmt, ...);

struct bootinfo bootinfo;		/* empty: no memory map on the host */

/* What the kernel sends to COM1, this sends to standard output. */
void
cons_putc(int c)
{
	putchar(c);
}

void
kreboot(void)
{
	panic("kreboot: a child asked for a reboot under replay");
}

void
kexit(int status)
{
	fflush(stdout);
	exit(status == KEXIT_PASS ? 0 : 1);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "pvbus-replay: panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(3);
}

/*
 * The kernel-only services the child drivers link against.  A replay
 * has CPUID only (io_cpuid_only), so no child that needs them attaches;
 * reaching one is a bug.
 */
void
hvio_call_page(struct vm_regs *r __unused, uintptr_t entry __unused)
{
	panic("hvio_call_page: a child attached under replay");
}

void *
page_alloc(void)
{
	panic("page_alloc: a child attached under replay");
}

void
page_free(void *page __unused)
{
	panic("page_free: a child attached under replay");
}

int
page_exec(void *page __unused, const char *what __unused)
{
	panic("page_exec: a child attached under replay");
}

static const struct ktest replay_tests[] = {
	{ "pvbus_identify",	pvbus_test_identify },
	{ "pvbus_attach",	pvbus_test_attach },
};

static char *
read_dump(const char *path, size_t *lenp)
{
	FILE *f;
	char *buf;
	size_t len;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "pvbus-replay: ");
		perror(path);
		return NULL;
	}
	buf = malloc(DUMP_MAX + 1);
	len = buf != NULL ? fread(buf, 1, DUMP_MAX + 1, f) : 0;
	fclose(f);
	if (buf == NULL || len > DUMP_MAX) {
		fprintf(stderr, "pvbus-replay: %s: %s\n", path, buf == NULL ?
		    "out of memory" : "larger than 1 MiB");
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}

int
main(int argc, char **argv)
{
	char err[160];
	char *text;
	size_t len;

	if (argc != 2) {
		fprintf(stderr, "usage: pvbus-replay DUMP\n");
		return 2;
	}
	if ((text = read_dump(argv[1], &len)) == NULL)
		return 2;
	pvbus_io = hvio_replay_open(text, len, argv[1], err, sizeof(err));
	if (pvbus_io == NULL) {
		kern_printf("pvbus: backend error: %s\n", err);
		fprintf(stderr, "pvbus-replay: %s\n", err);
		free(text);
		return 2;
	}
	ktap_begin(replay_tests, nitems(replay_tests));
	ktap_run_all();
	kexit(ktap_end());
}
