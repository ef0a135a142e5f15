/*
 * pvbus-replay [--name STRING] DUMP: run the detection pass and the
 * device tree on a recorded CPUID dump, on the host, with the same C
 * files the kernel uses.  It prints exactly what the kernel prints for
 * the tests pvbus_identify and pvbus_attach when booted with the dump
 * as module 0 and hv=replay (tests/boot cases compare the two).
 *
 * The kernel names the dump after the module's string; this tool after
 * the file, or after STRING, the module string to play the kernel
 * with: --name '' is a PVH -initrd, which has none, so the dump's own
 * "# file:" header names it.
 *
 * Exit status: 0 if both tests passed or skipped, 1 if one failed, 2 if
 * the dump could not be read or parsed.  The reason, naming the real
 * cause (a directory, no such file, a read error, an empty file, one
 * over the 1 MiB limit, then the parser's line and problem), goes to
 * stderr and, as the kernel prints a backend error, to stdout.
 *
 * Built by tests/unit/unit.mk into build/host/pvbus-replay, with the
 * kernel's printf renamed (kern_printf), so this file's own output uses
 * the C library's stdio.
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
 * kernel/errno.h numbers some codes differently, so the C library's
 * error text comes from its "%m" (glibc, the host this tool is built
 * on).  kern_snprintf() is the kernel's, for "%pE".
 */
int	kern_printf(const char *fmt, ...);
int	kern_snprintf(char *buf, size_t size, const char *fmt, ...);

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
 * has CPUID only (no HVIO_CAP_MSR), so no child that needs them attaches;
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

bool
page_mapped(uint64_t pa __unused)
{
	panic("page_mapped: a child attached under replay");
}

static const struct ktest replay_tests[] = {
	{ "pvbus_identify",	pvbus_test_identify },
	{ "pvbus_attach",	pvbus_test_attach },
};

/*
 * The dump could not be had: say why, on stderr and, as the kernel's
 * hv_backend prints it, on stdout.  The file's name is outside text.
 */
static int
dump_error(const char *path, const char *why)
{
	char line[512];

	kern_snprintf(line, sizeof(line), "replay %pE: %s", path, why);
	kern_printf("pvbus: backend error: %s\n", line);
	fflush(stdout);
	fprintf(stderr, "pvbus-replay: %s\n", line);
	return 2;
}

/*
 * The whole file, or NULL with the cause said: not a directory, a file
 * that opens and reads, not empty, not over DUMP_MAX.  Anything that
 * reads (a pipe, /dev/stdin) is taken; only its bytes are judged.
 */
static char *
read_dump(const char *path, size_t *lenp)
{
	struct stat st;
	char why[160], *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0) {
		snprintf(why, sizeof(why), "cannot open it: %m");
		dump_error(path, why);
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		dump_error(path, "is a directory, not a CPUID dump");
		return NULL;
	}
	if ((buf = malloc(DUMP_MAX + 1)) == NULL) {
		close(fd);
		dump_error(path, "out of memory");
		return NULL;
	}
	while (len <= DUMP_MAX && (n = read(fd, buf + len,
	    DUMP_MAX + 1 - len)) != 0) {
		if (n < 0) {
			snprintf(why, sizeof(why), "read failed after %zu "
			    "bytes: %m", len);
			close(fd);
			free(buf);
			dump_error(path, why);
			return NULL;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len == 0 || len > DUMP_MAX) {
		free(buf);
		dump_error(path, len == 0 ? "the file is empty (0 bytes)" :
		    "the file is over the 1 MiB (1048576-byte) limit of a "
		    "dump");
		return NULL;
	}
	*lenp = len;
	return buf;
}

int
main(int argc, char **argv)
{
	const char *path, *name;
	char err[160];
	char *text;
	size_t len;

	if (argc == 4 && strcmp(argv[1], "--name") == 0)
		name = argv[2], path = argv[3];
	else if (argc == 2 && argv[1][0] != '-')
		name = path = argv[1];
	else {
		fprintf(stderr, "usage: pvbus-replay [--name STRING] DUMP\n");
		return 2;
	}
	if ((text = read_dump(path, &len)) == NULL)
		return 2;
	pvbus_softc.sc_io = hvio_replay_open(text, len, name, err, sizeof(err));
	if (pvbus_softc.sc_io == NULL) {
		kern_printf("pvbus: backend error: %s\n", err);
		fflush(stdout);
		fprintf(stderr, "pvbus-replay: %s\n", err);
		free(text);
		return 2;
	}
	ktap_begin(replay_tests, nitems(replay_tests));
	ktap_run_all();
	kexit(ktap_end());
}
