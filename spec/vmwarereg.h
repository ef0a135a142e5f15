/*
 * VMware's CPUID timing leaf and the backdoor as the guest sees it: an
 * IN from VM_PORT_CMD with VM_MAGIC in EAX traps to the hypervisor,
 * which rewrites EAX..EDI.  Sources: open-vm-tools
 * lib/include/backdoor_def.h and x86cpuid.h, Linux
 * arch/x86/kernel/cpu/vmware.c, QEMU hw/i386/vmport.c;
 * docs/reference/vmware.md "CPUID leaves", "Backdoor I/O port",
 * "Backdoor commands"; docs/reference/qemu.md "vmport".
 */
#ifndef _SPEC_VMWAREREG_H_
#define _SPEC_VMWAREREG_H_

#define VMWARE_CPUID_TIMING	0x10	/* base+0x10: EAX TSC kHz, */
					/* EBX APIC bus kHz, ECX flags */
#define VMWARE_TIMING_VMMCALL	0x1	/* ECX bit 0: backdoor by VMMCALL */
#define VMWARE_TIMING_VMCALL	0x2	/* ECX bit 1: backdoor by VMCALL */

#define VM_MAGIC		0x564d5868	/* 'VMXh', always in EAX */
#define VM_PORT_CMD		0x5658		/* 'VX': one command per IN */
#define VM_PORT_RPC		0x5659		/* 'VY': REP INSB/OUTSB */

/*
 * The VMCALL/VMMCALL form: EDX 15:0 holds flags where the I/O form has
 * the port (open-vm-tools backdoor_def.h BDOOR_FLAGS_*, backdoor.c;
 * docs/reference/vmware.md "VMCALL and VMMCALL backdoor").  Low
 * bandwidth and reading (host to guest) are 0.
 */
#define VM_BDOOR_FLAG_HB	0x1	/* high bandwidth, as port 0x5659 */
#define VM_BDOOR_FLAG_WRITE	0x2	/* guest to host, as REP OUTSB */

/* Commands (ECX 15:0). */
#define VM_CMD_GET_SPEED	0x01	/* GETMHZ: EAX = MHz */
#define VM_CMD_GET_VERSION	0x0a	/* EBX = VM_MAGIC if present */
#define VM_CMD_GET_BIOS_UUID	0x13	/* EAX..EDX: the 16 bytes */
#define VM_CMD_GET_MEMSIZE	0x14	/* EAX: MB (VMware), bytes (QEMU) */
#define VM_CMD_GET_TIME		0x17	/* EAX s, EBX us, ECX max lag */
#define VM_CMD_RPC		0x1e	/* subcommand in ECX 31:16 */
#define VM_CMD_GET_HZ		0x2d	/* EAX:EBX TSC Hz, ECX bus Hz */
#define VM_CMD_GET_TIME_FULL	0x2e	/* ESI:EDX s, EBX us, ECX lag */

/* GETVERSION ECX: the product (open-vm-tools vmcheck.c). */
#define VM_PRODUCT_EXPRESS	1
#define VM_PRODUCT_ESX		2
#define VM_PRODUCT_SERVER	3
#define VM_PRODUCT_WORKSTATION	4
#define VM_PRODUCT_ACE		5

#define VM_UNSUPPORTED		0xffffffff	/* EAX of a refused command */

#endif
