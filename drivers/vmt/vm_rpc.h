/*
 * The VMware RPC message channel, guest side (vm_rpc.c): open a channel
 * for one protocol, send a message, receive one, acknowledge it, close.
 * Each step is one backdoor call (or one REP OUTSB/INSB) through struct
 * hvio, by the I/O ports or by VMCALL/VMMCALL as rpc_via says
 * (hvio_backdoor()), so the unit tests can put a scripted host behind
 * it.  One RPCI
 * exchange on top of it: vm_rpci.c.
 */
#ifndef _DRIVERS_VMT_VM_RPC_H_
#define _DRIVERS_VMT_VM_RPC_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvio.h"
#include "kern.h"

/*
 * Our limit on a message either way, NUL included (OpenBSD's
 * VMT_RPC_BUFLEN): a reply of VM_RPC_BUFLEN bytes or more is refused
 * before a byte of it is read.
 */
#define VM_RPC_BUFLEN		4096

/* How often a step the host answered with CPT is done again. */
#define VM_RPC_CPT_RETRIES	3

struct vm_rpc {
	const struct hvio *rpc_io;	/* set by the caller before open */
	enum hvio_backdoor_via rpc_via;	/* and the way in (0: the port) */
	uint16_t	rpc_channel;	/* EDX 31:16 from OPEN */
	uint32_t	rpc_cookie1;	/* ESI from OPEN */
	uint32_t	rpc_cookie2;	/* EDI from OPEN */
	bool		rpc_open;
	bool		rpc_recv_hb;	/* the last RECVSIZE offered HB */
	uint16_t	rpc_status;	/* the last status the host gave */
	bool		rpc_cpt;	/* the last failure was a checkpoint */
	int		rpc_ncpt;	/* checkpoints retried, this channel */
	char		rpc_err[96];	/* why the last step failed, or "" */
};

/*
 * Open a channel for proto (VM_RPC_PROTO_RPCI or _TCLO), asking for
 * cookies.  Returns 0; ENXIO if nothing behind the backdoor implements
 * command 30 (EAX came back all ones: QEMU's vmport); EIO if the host
 * answered without SUCCESS.  rpc_io must be set.
 */
int	vm_rpc_open(struct vm_rpc *rpc, uint32_t proto);

/* Close it.  The channel is forgotten whatever the host says. */
int	vm_rpc_close(struct vm_rpc *rpc);

/*
 * Send len bytes (0: the empty message TCLO polls with): SENDSIZE, then
 * the payload by REP OUTSB if SENDSIZE's status offers HB, else four
 * bytes per SENDPAYLOAD, the last one padded with zeros.  A checkpoint
 * sends the whole message again.  Returns 0, ERANGE (len too long for
 * us) or EIO.
 */
int	vm_rpc_send(struct vm_rpc *rpc, const void *buf, uint32_t len);
int	vm_rpc_send_str(struct vm_rpc *rpc, const char *s);

/*
 * RECVSIZE: *len = the size of the waiting message and *dataid its type
 * (VM_RPC_TYPE_SENDSIZE), both 0 if nothing waits.  Returns 0, EIO, or
 * ERANGE if *len would not fit VM_RPC_BUFLEN with its NUL (then nothing
 * has been read: close the channel).
 */
int	vm_rpc_get_length(struct vm_rpc *rpc, uint32_t *len,
	    uint16_t *dataid);

/*
 * The payload after a RECVSIZE that gave len (< VM_RPC_BUFLEN): REP
 * INSB if that RECVSIZE offered HB, else four bytes per RECVPAYLOAD.
 * buf gets len bytes and a NUL.  EIO: refused (with rpc_cpt set, a
 * checkpoint: start the whole receive again, as vm_rpc_recv() does).
 */
int	vm_rpc_get_data(struct vm_rpc *rpc, char *buf, uint32_t len);

/* RECVSTATUS: tell the host the message arrived (ok) or not. */
int	vm_rpc_get_status(struct vm_rpc *rpc, bool ok);

/*
 * A whole receive: RECVSIZE, the payload, RECVSTATUS, redone from the
 * start after a checkpoint (at most VM_RPC_CPT_RETRIES times).
 * buflen must be VM_RPC_BUFLEN or less.  *len = 0: nothing waited.
 */
int	vm_rpc_recv(struct vm_rpc *rpc, char *buf, size_t buflen,
	    uint32_t *len);

/*
 * vm_rpci.c: one RPCI exchange on its own channel: open, send the
 * message, receive the reply, acknowledge, close.  A reply "1 text"
 * returns 0 with "text" in reply; "0 text" returns EINVAL with "text"
 * in reply (the host refused); no channel is ENXIO, a broken exchange
 * EIO or ERANGE (rpc->rpc_err says which step, and why).  reply may
 * be NULL; a text longer than replylen - 1 is cut there.  rpc->rpc_io
 * must be set.
 */
int	vm_rpci(struct vm_rpc *rpc, char *reply, size_t replylen,
	    const char *fmt, ...) __printflike(4, 5);
int	vm_rpci_msg(struct vm_rpc *rpc, char *reply, size_t replylen,
	    const char *msg, size_t msglen);

/* "CLOSED|CPT" for a status half-word, into buf. */
const char *vm_rpc_status_str(uint16_t status, char *buf, size_t len);

#endif
