/*
 * panic(): a state the code cannot reach.  Kept apart from exit.c, since
 * it reports through the KTAP writer (ktap_crash()) before it leaves
 * through kexit(): the writer itself reports its own misuse the same
 * way without calling here, so neither file needs the other both ways.
 */

#include "kern.h"
#include "ktap.h"

/*
 * A state the code cannot reach.  Reported like a crash, so the running
 * test is named and the report stays parseable.
 */
void
panic(const char *fmt, ...)
{
	static int panicking;
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("# panic: %s\n", msg);
	if (panicking++ == 0)
		ktap_crash(msg);
	kexit(KEXIT_PANIC);
}
