/*
 * The VMware RPC message channel (backdoor command 30) and the GuestRPC
 * protocols spoken over it: RPCI (guest asks, host answers "1 " or "0
 * ") and TCLO (host asks, guest answers "OK " or "ERROR ").  The
 * backdoor itself (magic, ports, the other commands) is in
 * spec/vmwarereg.h.  Sources: open-vm-tools lib/include/backdoor_def.h,
 * guest_msg_def.h, lib/message/message.c, lib/rpcOut/rpcout.c,
 * lib/rpcIn/rpcin.c, lib/include/vmware/guestrpc/tclodefs.h,
 * services/plugins/timeSync/ timeSync.c; OpenBSD sys/dev/pv/vmt.c rev
 * 1.32; docs/reference/vmware.md "High-bandwidth transfer", "RPC
 * channel", "RPCI and TCLO", "RPCI messages", "Host time";
 * docs/reference/openbsd-pvbus.md "vmt TCLO commands", "vmt timers",
 * "vmt probe and attach".
 */
#ifndef _SPEC_VMTREG_H_
#define _SPEC_VMTREG_H_

/*
 * Command 30 (VM_CMD_RPC): EAX magic, ECX 15:0 = 30, ECX 31:16 = one of
 * these, DX = 0x5658, EDX 31:16 = the channel, ESI and EDI the cookies.
 * The answer's status is ECX 31:16.  OpenBSD's names in the comments.
 */
#define VM_RPC_OPEN		0x00	/* EBX = protocol | FLAG_COOKIE */
#define VM_RPC_SENDSIZE		0x01	/* SET_LENGTH: EBX = length */
#define VM_RPC_SENDPAYLOAD	0x02	/* SET_DATA: EBX = 4 bytes, LE */
#define VM_RPC_RECVSIZE		0x03	/* GET_LENGTH: EBX = length out */
#define VM_RPC_RECVPAYLOAD	0x04	/* GET_DATA: EBX = 4 bytes out */
#define VM_RPC_RECVSTATUS	0x05	/* GET_END: EBX = SUCCESS or 0 */
#define VM_RPC_CLOSE		0x06
#define VM_RPC_SUB_SHIFT	16	/* the sub-command's place in ECX */
#define VM_RPC_STATUS_SHIFT	16	/* the status's place in ECX (EBX */
					/* for the high-bandwidth port) */
#define VM_RPC_CHANNEL_SHIFT	16	/* the channel's place in EDX */

/* OPEN's EBX: the protocol ("RPCI"/"TCLO" read as a LE word), flags. */
#define VM_RPC_PROTO_RPCI	0x49435052	/* "RPCI": guest to host */
#define VM_RPC_PROTO_TCLO	0x4f4c4354	/* "TCLO": host to guest */
#define VM_RPC_FLAG_COOKIE	0x80000000	/* GUESTMSG_FLAG_COOKIE */

/*
 * The status half-word (MESSAGE_STATUS_*).  The guest may set only
 * SUCCESS in a status it sends (RECVPAYLOAD, RECVSTATUS).
 */
#define VM_RPC_STATUS_SUCCESS	0x0001	/* required in every answer */
#define VM_RPC_STATUS_DORECV	0x0002	/* RECVSIZE: a message waits */
#define VM_RPC_STATUS_CLOSED	0x0004	/* the channel is closed */
#define VM_RPC_STATUS_UNSENT	0x0008	/* the host dropped the message */
#define VM_RPC_STATUS_CPT	0x0010	/* checkpoint: do the message again */
#define VM_RPC_STATUS_POWEROFF	0x0020	/* the VM is powering off */
#define VM_RPC_STATUS_TIMEOUT	0x0040
#define VM_RPC_STATUS_HB	0x0080	/* high bandwidth offered */

/*
 * RECVSIZE and RECVPAYLOAD say in EDX 31:16 what kind of step the host
 * took (MESSAGE_TYPE_*): a message size, then its payload.
 */
#define VM_RPC_TYPE_SENDSIZE	1
#define VM_RPC_TYPE_SENDPAYLOAD	2

/*
 * The high-bandwidth port (VM_PORT_RPC, 0x5659): REP OUTSB sends, REP
 * INSB receives, ECX bytes.  EBX 15:0 = the command, EBX 31:16 = the
 * status going in (SUCCESS) and coming back.  Send: ESI the buffer, EBP
 * cookie 1, EDI cookie 2; receive: EDI the buffer, ESI cookie 1, EBP
 * cookie 2 (cookie 1 is open-vm-tools' cookieHigh, from ESI at OPEN).
 */
#define VM_HB_CMD_MESSAGE	0x0000	/* BDOORHB_CMD_MESSAGE */
#define VM_HB_ENH_DATA		0x00010000	/* EBX: MESSAGE, SUCCESS */

/* Host limits (guest_msg_def.h). */
#define VM_RPC_MAX_CHANNEL	128	/* GUESTMSG_MAX_CHANNEL */
#define VM_RPC_MAX_IN_SIZE	65536	/* GUESTMSG_MAX_IN_SIZE */

/* RPCI replies (rpcout.c): the host's verdict, a space, then text. */
#define VM_RPCI_REPLY_OK	"1 "
#define VM_RPCI_REPLY_ERR	"0 "
#define VM_RPCI_REPLY_PREFIX_LEN 2

/* TCLO replies the guest sends (OpenBSD vmt.c, tclodefs.h). */
#define VM_TCLO_OK		"OK "
#define VM_TCLO_ERROR		"ERROR "
#define VM_TCLO_REPLY_RESET	"OK ATR toolbox"
#define VM_TCLO_REPLY_UNKNOWN	"ERROR Unknown command"
#define VM_TCLO_REPLY_NO_IP	"ERROR Unable to find guest IP address"
/* open-vm-tools timeSync.c's replies to a Time_Synchronize it cannot do. */
#define VM_TCLO_REPLY_SYNC_ARGS	"ERROR Unable to tokenize TimeSync RPC data"
#define VM_TCLO_REPLY_SYNC_FAIL	"ERROR Unable to sync time"

/*
 * TCLO commands from the host.  OpenBSD compares the whole message
 * exactly with these; Set_Option and Time_Synchronize take arguments.
 */
#define VM_TCLO_RESET		"reset"
#define VM_TCLO_PING		"ping"
#define VM_TCLO_CAPREG		"Capabilities_Register"
#define VM_TCLO_HALT		"OS_Halt"
#define VM_TCLO_REBOOT		"OS_Reboot"
#define VM_TCLO_POWERON		"OS_PowerOn"
#define VM_TCLO_RESUME		"OS_Resume"
#define VM_TCLO_SUSPEND		"OS_Suspend"
#define VM_TCLO_BROADCASTIP	"Set_Option broadcastIP 1"
#define VM_TCLO_SET_OPTION	"Set_Option "	/* then "name value" */
#define VM_TCLO_TIMESYNC	"Time_Synchronize"	/* then " 0" or " 1" */

/* RPCI messages the guest sends (vmt.c; two spaces after SetGuestInfo). */
#define VM_RPCI_SET_VERSION	"tools.set.version %u"
#define VM_VERSION_UNMANAGED	0x7fffffff	/* 2147483647: no tools ISO */
#define VM_RPCI_CAP_HGFS	"tools.capability.hgfs_server toolbox 1"
#define VM_RPCI_CAP_UNIFIED	"vmx.capability.unified_loop toolbox"
#define VM_RPCI_CAP_STATECHANGE	"tools.capability.statechange "
#define VM_RPCI_STATECHANGE	"tools.os.statechange.status %d %d"
#define VM_RPCI_GUESTINFO	"SetGuestInfo  %d %s"
#define VM_RPCI_INFO_SET	"info-set %s %s"
#define VM_RPCI_INFO_GET	"info-get %s"

/* tools.os.statechange.status states (VM_STATE_CHANGE_*). */
#define VM_STATE_CHANGE_HALT	1
#define VM_STATE_CHANGE_REBOOT	2
#define VM_STATE_CHANGE_POWERON	3
#define VM_STATE_CHANGE_RESUME	4
#define VM_STATE_CHANGE_SUSPEND	5

/* SetGuestInfo keys (VM_GUEST_INFO_*). */
#define VM_GUEST_INFO_DNS_NAME		1
#define VM_GUEST_INFO_IP_ADDRESS	2
#define VM_GUEST_INFO_DISK_FREE_SPACE	3
#define VM_GUEST_INFO_BUILD_NUMBER	4
#define VM_GUEST_INFO_OS_NAME_FULL	5
#define VM_GUEST_INFO_OS_NAME		6
#define VM_GUEST_INFO_UPTIME		7	/* hundredths of a second */
#define VM_GUEST_INFO_MEMORY		8
#define VM_GUEST_INFO_IP_ADDRESS_V2	9
#define VM_GUEST_INFO_IP_ADDRESS_V3	10	/* NIC info, XDR */

#endif
