; sim_vmware_dump.asm: the CPUID dump the simulated VMware host answers
; its hypervisor leaves from (sim_vmware.c), built into the kernel so
; that hv=sim:vmware needs no boot module.  The text is the shared dump
; tests/cpuid-dumps/vmware-xeon-e5-2670v3-1.txt, byte for byte: a VMware
; guest on a Xeon E5-2670 v3 server host, "VMwareVMware" at 0x40000000
; with max leaf 0x40000010 and nothing at base+1, so no Hyper-V
; interface (the other VMware dump offers "Hv#1", which the model does
; not implement; it is the sim-vmware-profile case's).
;
; sim_vmware_dump_len is the length in bytes; the text is not
; NUL-terminated (cpuid_dump_parse() takes a length).  Paths are from
; the top of the tree, where make runs NASM.

bits 64
section .rodata

global sim_vmware_dump
global sim_vmware_dump_len

sim_vmware_dump:
	incbin	"tests/cpuid-dumps/vmware-xeon-e5-2670v3-1.txt"
sim_vmware_dump_end:

	align	8
sim_vmware_dump_len:
	dq	sim_vmware_dump_end - sim_vmware_dump

section .note.GNU-stack noalloc noexec nowrite progbits
