/*
 * RPCI, the guest's questions to the host, on the message channel of
 * vm_rpc.c: open a channel for "RPCI", send the message, receive the
 * reply, acknowledge it, close.  The reply starts "1 " (done) or "0 "
 * (refused), then text; anything else is a broken exchange.  As in
 * open-vm-tools lib/rpcOut/rpcout.c (RpcOut_send), and OpenBSD vmt.c's
 * vm_rpc_send_rpci_tx(); docs/reference/vmware.md "RPCI and TCLO".
 */

#include "kern.h"
#include "vm_rpc.h"
#include "vmt_reply.h"
#include "vmtreg.h"

/* One message and its reply at a time: the kernel has one CPU. */
static char	vm_rpci_out[VM_RPC_BUFLEN];
static char	vm_rpci_in[VM_RPC_BUFLEN];

/*
 * A fresh channel per message, closed again whatever happened (a failed
 * close is forgotten, as OpenBSD and open-vm-tools do: the next open
 * gets a new channel).
 */
int
vm_rpci_msg(struct vm_rpc *rpc, char *reply, size_t replylen,
    const char *msg, size_t msglen)
{
	char why[sizeof(rpc->rpc_err)];
	const char *text;
	size_t textlen;
	uint32_t n = 0;
	int error, verdict;

	if (reply != NULL && replylen > 0)
		reply[0] = '\0';
	if ((error = vm_rpc_open(rpc, VM_RPC_PROTO_RPCI)) != 0)
		return error;
	if ((error = vm_rpc_send(rpc, msg, (uint32_t)msglen)) == 0)
		error = vm_rpc_recv(rpc, vm_rpci_in, sizeof(vm_rpci_in), &n);
	if (error != 0) {
		/* The first failure is the one to report, not the close's. */
		memcpy(why, rpc->rpc_err, sizeof(why));
		(void)vm_rpc_close(rpc);
		memcpy(rpc->rpc_err, why, sizeof(why));
		return error;
	}
	(void)vm_rpc_close(rpc);
	verdict = vmt_rpci_parse(vm_rpci_in, n, &text, &textlen);
	if (verdict == EIO) {
		snprintf(rpc->rpc_err, sizeof(rpc->rpc_err), "reply %s: "
		    "neither \"1 \" nor \"0 \"", n == 0 ? "empty" :
		    "malformed");
		return EIO;
	}
	if (reply != NULL && replylen > 0)
		(void)vmt_strlcpy_n(reply, replylen, text, textlen);
	return verdict;
}

int
vm_rpci(struct vm_rpc *rpc, char *reply, size_t replylen, const char *fmt,
    ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(vm_rpci_out, sizeof(vm_rpci_out), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(vm_rpci_out)) {
		snprintf(rpc->rpc_err, sizeof(rpc->rpc_err), "message "
		    "longer than %zu bytes", sizeof(vm_rpci_out) - 1);
		return ERANGE;
	}
	return vm_rpci_msg(rpc, reply, replylen, vm_rpci_out, (size_t)n);
}
