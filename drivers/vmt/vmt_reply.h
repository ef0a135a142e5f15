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
enum vmt_tclo_cmd vmt_tclo_parse(const char *buf, size_t len, int *arg);

/* "ping", "Set_Option", ...: for logs and counts. */
const char *vmt_tclo_name(enum vmt_tclo_cmd cmd);

/*
 * The reply the protocol prescribes for cmd: done says whether vmt did
 * what was asked ("OK ", "OK ATR toolbox" for reset), else the error
 * OpenBSD or open-vm-tools gives ("ERROR Unable to find guest IP
 * address", "ERROR Unable to sync time", ...).  Commands vmt does not
 * handle get "ERROR Unknown command" whatever done says.
 */
const char *vmt_tclo_reply(enum vmt_tclo_cmd cmd, bool done);

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
