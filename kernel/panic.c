/*
 * panic(): a state the code cannot reach.  Kept apart from exit.c, since
 * it reports through the KTAP writer (ktap_panic()), which reports its
 * own misuse the same way without calling here, so neither file needs
 * the other both ways.
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
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ktap_panic(msg);
}
