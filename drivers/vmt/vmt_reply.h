/*
 * The text of the GuestRPC protocols, with no backdoor in sight
 * (vmt_reply.c): reading RPCI replies, recognising TCLO commands,
 * building TCLO replies and RPCI messages.  Everything the host sends
 * is untrusted bytes with a length; nothing here reads past it.
 */
#ifndef _DRIVERS_VMT_VMT_REPLY_H_
#define _DRIVERS_VMT_VMT_REPLY_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An RPCI reply: "1 text" (0), "0 text" (EINVAL, the host refused), or
 * anything else, shorter than two bytes included (EIO).  On 0 and
 * EINVAL, *text and *textlen are what follows the prefix; else "" and 0.
 */
int	vmt_rpci_parse(const char *buf, size_t len, const char **text,
	    size_t *textlen);

/* The TCLO commands vmt knows (vmtreg.h VM_TCLO_*). */
enum vmt_tclo_cmd {
	VMT_TCLO_UNKNOWN,	/* "ERROR Unknown command" */
	VMT_TCLO_RESET,
	VMT_TCLO_PING,
	VMT_TCLO_CAPREG,
	VMT_TCLO_HALT,
	VMT_TCLO_REBOOT,
	VMT_TCLO_POWERON,
	VMT_TCLO_RESUME,
	VMT_TCLO_SUSPEND,
	VMT_TCLO_BROADCASTIP,	/* "Set_Option broadcastIP 1" */
	VMT_TCLO_SET_OPTION,	/* any other Set_Option: unknown */
	VMT_TCLO_TIMESYNC,	/* "Time_Synchronize 0" or "... 1" */
	VMT_TCLO_TIMESYNC_BADARG,	/* Time_Synchronize without 0 or 1 */
	VMT_TCLO_NCMDS
};

/*
 * Which command the len bytes at buf are: the whole message compared
 * exactly, as OpenBSD does (no trailing space, newline or NUL), except
 * that Set_Option takes any option and Time_Synchronize one argument,
 * 0 or 1 (*arg; -1 otherwise).
 */
enum vmt_tclo_cmd vmt_cmd_parse(const char *buf, size_t len, int *arg);

/* "ping", "Set_Option", ...: for logs and counts. */
const char *vmt_cmd_name(enum vmt_tclo_cmd cmd);

/*
 * The reply the protocol prescribes for cmd: done says whether vmt did
 * what was asked ("OK ", "OK ATR toolbox" for reset), else the error
 * OpenBSD or open-vm-tools gives ("ERROR Unable to find guest IP
 * address", "ERROR Unable to sync time", ...).  Commands vmt does not
 * handle get "ERROR Unknown command" whatever done says.
 */
const char *vmt_cmd_reply(enum vmt_tclo_cmd cmd, bool done);

/*
 * RPCI messages: "SetGuestInfo  <key> <value>" (two spaces), "info-set
 * <key> <value>", "info-get <key>", "tools.os.statechange.status <ok>
 * <state>".  0, EINVAL if a guestinfo key or a value is not one
 * vmt_key_valid()/vmt_value_valid() accepts, or ERANGE if it does not
 * fit (buf holds "" then).
 */
int	vmt_msg_guestinfo(char *buf, size_t buflen, int key,
	    const char *value);
int	vmt_msg_info_set(char *buf, size_t buflen, const char *key,
	    const char *value);
int	vmt_msg_info_get(char *buf, size_t buflen, const char *key);
int	vmt_msg_statechange(char *buf, size_t buflen, bool ok, int state);

/*
 * A guestinfo key: 1..VMT_KEY_MAX printable ASCII characters, no space
 * (the host splits "info-set" at the first one).  A value: printable
 * ASCII and spaces, no control characters (it goes into a text store).
 */
#define VMT_KEY_MAX	255
bool	vmt_key_valid(const char *key);
bool	vmt_value_valid(const char *value);

/*
 * GETMEMSIZE's EAX against avail, the bytes of RAM the memory map
 * lists.  VMware answers megabytes (open-vm-tools toolbox/
 * toolboxcmd-stat.c, Stat_MemorySize(): "%u MB"); QEMU answers bytes
 * through a 32-bit return value (hw/i386/vmport.c,
 * vmport_cmd_ram_size() returns the machine's 64-bit ram_size as a
 * uint32_t), so from 4 GiB up it says the size modulo 4 GiB.  The
 * answer agrees if, read one of those ways, it is at least avail and at
 * most VMT_MEM_SLACK beyond it (an eighth of avail, kept between 64 MiB
 * and 512 MiB: what firmware keeps out of the map, 0.5 MiB under
 * SeaBIOS and 6.4 MiB under OVMF as measured).  Read as the low 32
 * bits of bytes, the size taken is the smallest byte count >= avail
 * with those low bits, and they must be a whole number of MiB, as
 * QEMU's -m is: without that, any small number (an answer in MB, say)
 * would pass as "a few bytes over a multiple of 4 GiB".  The cap keeps
 * the window under 4 GiB, so the check still refuses a wrong answer,
 * unless it differs from the true size by a multiple of 4 GiB, which
 * 32 bits cannot show.  *bytes is the size taken (0 for VMT_MEM_WRONG).
 */
enum vmt_mem_unit {
	VMT_MEM_WRONG,		/* agrees no way */
	VMT_MEM_MB,		/* VMware */
	VMT_MEM_BYTES,		/* QEMU, under 4 GiB */
	VMT_MEM_BYTES_LOW32,	/* QEMU, 4 GiB or more: the low 32 bits */
};
#define VMT_MEM_SLACK_MIN	(64ULL << 20)
#define VMT_MEM_SLACK_MAX	(512ULL << 20)
enum vmt_mem_unit vmt_memsize_judge(uint32_t eax, uint64_t avail,
	    uint64_t *bytes);

/*
 * Copy srclen bytes (stopping at dstlen - 1) and a NUL.  Returns
 * srclen, so a result >= dstlen means it was cut.
 */
size_t	vmt_strlcpy_n(char *dst, size_t dstlen, const char *src,
	    size_t srclen);

/*
 * Host bytes made safe for the serial log, which tests parse line by
 * line: '"', '\\' and anything outside printable ASCII become \" \\ and
 * \xNN, and at most dstlen - 1 bytes are written, ending in "..." when
 * cut.  Returns the length written.
 */
size_t	vmt_printable(char *dst, size_t dstlen, const char *src,
	    size_t srclen);

#endif
