# Host unit tests: "make check".  Included by the top-level Makefile, and
# usable alone from the top of the tree: make -f tests/unit/unit.mk check
#
# Each tests/unit/test_<name>.c is linked with tests/unit/fake_cons.c
# (a recording console and kexit) and the kernel sources it tests, built
# with the host compiler under AddressSanitizer and UBSan, into
# $(BUILD)/host/test_<name>.  tests/unit/run.sh runs them all, prints one
# line per binary and "N passed, N failed" counting binaries, and fails
# if any binary failed.
#
# Kernel sources are compiled for the host without a single #ifdef.  Two
# things make that work:
#
# - The kernel's printf, vprintf, snprintf and vsnprintf would clash with
#   the C library's at link time, and the compiler treats those names as
#   builtins (it turns printf("x\n") into puts("x"), which would bypass
#   cons_putc).  So kernel sources see -Dprintf=kern_printf and so on:
#   the kernel's functions become kern_printf() etc., which the tests call
#   to compare with the host's (check.h declares them).  Test files are
#   compiled without the renames and print with the real printf.  (For
#   the same reason kern.h says format(__printf__, ...): the macro would
#   otherwise rename the attribute's "printf" too.)
# - memcpy, strlen and friends come from the host C library, where the
#   sanitizers check them; kernel/string.c is not linked.
#
# Headers are found with -iquote, not -I: kernel/errno.h would otherwise
# stand in for the C library's <errno.h> in every host header.
#
# An includer that sets BUILD or HOSTCC does so before the include: the
# paths below are fixed when this file is read.

UNIT_MK		:= $(lastword $(MAKEFILE_LIST))
BUILD		?= build
HOSTCC		?= cc
NASM		?= nasm

UNIT_DIR	:= $(BUILD)/host
UNIT_CFLAGS	:= -std=c11 -g -O1 -Wall -Wextra -Werror \
		   -Wstrict-prototypes -Wmissing-prototypes \
		   -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer -iquote kernel -iquote drivers/pvbus \
		   -iquote drivers/vmt \
		   -MMD -MP
UNIT_RENAMES	:= -Dprintf=kern_printf -Dvprintf=kern_vprintf \
		   -Dsnprintf=kern_snprintf -Dvsnprintf=kern_vsnprintf

UNIT_TESTS	:= printf multiboot2 pvh cmdline ktap memmap cpuid_dump pvbus \
		   pmem
UNIT_TESTS	+= sim_xen
UNIT_TESTS	+= sim_hyperv
UNIT_TESTS	+= sim_kvm
UNIT_TESTS	+= sim_vmware
UNIT_TESTS	+= vmt_reply vm_rpc vmt
UNIT_TESTS	+= screen
UNIT_BINS	:= $(UNIT_TESTS:%=$(UNIT_DIR)/test_%)
UNIT_K		:= $(UNIT_DIR)/kernel
UNIT_PV		:= $(UNIT_DIR)/drivers/pvbus
UNIT_VMT	:= $(UNIT_DIR)/drivers/vmt

# sim.o checks its options with the command line's own helpers.
UNIT_SIM	:= $(UNIT_PV)/sim.o $(UNIT_K)/cmdline.o

# sim_vmware.o needs these too: the rest of the model (the RPC channel,
# what the host says over it), its built-in CPUID dump, the dump
# parser, and the kernel's bootinfo (memory map, modules).
UNIT_SIM_VMWARE	:= $(addprefix $(UNIT_PV)/,sim_vmware_rpc.o sim_vmware_host.o \
    sim_vmware_dump.o cpuid_dump.o) \
    $(addprefix $(UNIT_K)/,bootinfo.o multiboot2.o pvh.o)

# build/host/pvbus-replay DUMP (tools/pvbus-replay.c): the detection pass
# and the device tree on a recorded dump, with the kernel's own files.
PVBUS_REPLAY	:= $(UNIT_DIR)/pvbus-replay
PVBUS_REPLAY_OBJS := $(UNIT_DIR)/tools/pvbus-replay.o \
		   $(addprefix $(UNIT_PV)/,pvbus.o pvbus_tree.o pvbus_test.o \
		   pvbus_host.o \
		   pvconf.o hv_hyperv.o hv_kvm.o hv_xen.o hv_vmware.o hvio.o \
		   hyperv.o hyperv_hypercall.o xen.o pvclock.o pvclock_read.o pvclock_pv.o \
		   hvio_replay.o cpuid_dump.o) \
		   $(addprefix $(UNIT_VMT)/,vmt.o vmt_info.o vmt_tclo.o vmt_time.o \
		   vm_rpc.o vm_rpci.o vmt_reply.o) \
		   $(addprefix $(UNIT_K)/,ktap.o printf.o memmap.o)

# Keep the includer's default goal (normally "all"): the first rule of
# a fragment would otherwise take its place.
UNIT_SAVED_GOAL	:= $(.DEFAULT_GOAL)

.PHONY: check host-tools
check: $(UNIT_BINS) $(PVBUS_REPLAY)
	@sh tests/unit/run.sh $(UNIT_BINS)

host-tools: $(PVBUS_REPLAY)

$(PVBUS_REPLAY): $(PVBUS_REPLAY_OBJS)
	$(HOSTCC) $(UNIT_CFLAGS) -o $@ $^

# Every test links its own file and the fakes; then, by hand, the kernel
# sources it tests.
$(UNIT_BINS): $(UNIT_DIR)/test_%: $(UNIT_DIR)/tests/unit/test_%.o \
    $(UNIT_DIR)/tests/unit/fake_cons.o
	$(HOSTCC) $(UNIT_CFLAGS) -o $@ $^
$(UNIT_DIR)/test_printf: $(UNIT_K)/printf.o
$(UNIT_DIR)/test_multiboot2: $(UNIT_K)/multiboot2.o $(UNIT_K)/printf.o
$(UNIT_DIR)/test_pvh: $(UNIT_K)/pvh.o $(UNIT_K)/multiboot2.o \
    $(UNIT_K)/bootinfo.o $(UNIT_K)/printf.o
$(UNIT_DIR)/test_cmdline: $(UNIT_SIM) $(UNIT_PV)/hvio.o $(UNIT_K)/printf.o
$(UNIT_DIR)/test_ktap: $(UNIT_K)/ktap.o $(UNIT_K)/printf.o
$(UNIT_DIR)/test_memmap: $(UNIT_K)/memmap.o $(UNIT_K)/printf.o
$(UNIT_DIR)/test_pmem: $(UNIT_K)/pmem.o $(UNIT_K)/printf.o
$(UNIT_DIR)/test_cpuid_dump: $(UNIT_PV)/cpuid_dump.o $(UNIT_PV)/hvio_replay.o \
    $(UNIT_PV)/hvio.o $(UNIT_K)/printf.o
$(UNIT_DIR)/test_pvbus: $(UNIT_DIR)/tests/unit/hvio_table.o \
    $(addprefix $(UNIT_PV)/,pvbus.o pvbus_tree.o hv_hyperv.o hv_kvm.o \
    hv_xen.o hv_vmware.o hvio.o) $(UNIT_K)/printf.o
$(UNIT_DIR)/test_sim_xen: $(UNIT_SIM) $(addprefix $(UNIT_PV)/,sim_xen.o \
    sim_hyperv.o sim_kvm.o sim_vmware.o xen.o pvbus.o pvbus_tree.o hv_hyperv.o hv_kvm.o \
    hv_xen.o hv_vmware.o hvio.o) $(UNIT_K)/ktap.o $(UNIT_K)/printf.o \
    $(UNIT_DIR)/tests/unit/sim_host.o $(UNIT_SIM_VMWARE)

$(UNIT_DIR)/test_sim_hyperv: $(UNIT_SIM) $(addprefix $(UNIT_PV)/,sim_hyperv.o \
    sim_xen.o sim_kvm.o sim_vmware.o hyperv.o hyperv_hypercall.o pvbus.o pvbus_tree.o hv_hyperv.o hv_kvm.o \
    hv_xen.o hv_vmware.o hvio.o) $(UNIT_K)/ktap.o $(UNIT_K)/printf.o \
    $(UNIT_DIR)/tests/unit/sim_host.o $(UNIT_SIM_VMWARE)

$(UNIT_DIR)/test_sim_kvm: $(UNIT_SIM) $(addprefix $(UNIT_PV)/,sim_kvm.o \
    pvclock.o pvclock_read.o pvclock_pv.o pvbus.o hv_hyperv.o hv_kvm.o \
    hv_xen.o hv_vmware.o hvio.o) \
    $(UNIT_K)/ktap.o $(UNIT_K)/printf.o $(UNIT_DIR)/tests/unit/sim_host.o

$(UNIT_DIR)/test_sim_vmware: $(UNIT_SIM) $(addprefix $(UNIT_PV)/,sim_vmware.o \
    sim_hyperv.o sim_xen.o sim_kvm.o hvio.o) $(UNIT_K)/printf.o \
    $(UNIT_DIR)/tests/unit/sim_host.o $(UNIT_SIM_VMWARE)

$(UNIT_DIR)/test_vmt_reply: $(UNIT_VMT)/vmt_reply.o $(UNIT_K)/printf.o
# vmt0 end to end on the VMware model: the driver, the detection pass
# that finds the backdoor, the KTAP writer, pvbus_shutdown().
$(UNIT_DIR)/test_vmt: $(addprefix $(UNIT_VMT)/,vmt.o vmt_info.o \
    vmt_tclo.o vmt_time.o vm_rpc.o vm_rpci.o vmt_reply.o) $(UNIT_SIM) \
    $(addprefix $(UNIT_PV)/,sim_vmware.o sim_hyperv.o sim_xen.o \
    sim_kvm.o pvbus.o pvbus_tree.o pvbus_host.o hv_hyperv.o hv_kvm.o \
    hv_xen.o hv_vmware.o hvio.o) $(UNIT_K)/ktap.o $(UNIT_K)/printf.o \
    $(UNIT_DIR)/tests/unit/sim_host.o $(UNIT_SIM_VMWARE)
$(UNIT_DIR)/test_vm_rpc: $(UNIT_VMT)/vm_rpc.o $(UNIT_VMT)/vm_rpci.o \
    $(UNIT_VMT)/vmt_reply.o $(UNIT_K)/printf.o
# The screen and the summary, with the console font made for the host
# as the Makefile makes it for the kernel (tools/mkfont.py).
$(UNIT_DIR)/test_screen: $(addprefix $(UNIT_K)/,screen.o fbcons.o font.o \
    summary.o ktap.o multiboot2.o printf.o)
$(UNIT_K)/font.c: tools/mkfont.py | deps-build deps-test
	@mkdir -p $(@D)
	python3 tools/mkfont.py > $@.tmp && mv $@.tmp $@
$(UNIT_K)/font.o: $(UNIT_K)/font.c
	$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_RENAMES) -c -o $@ $<

$(UNIT_K)/%.o: kernel/%.c | deps-build deps-test
	@mkdir -p $(@D)
	$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_RENAMES) -c -o $@ $<

$(UNIT_PV)/%.o: drivers/pvbus/%.c | deps-build deps-test
	@mkdir -p $(@D)
	$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_RENAMES) -c -o $@ $<

$(UNIT_PV)/%.o: drivers/pvbus/%.asm | deps-build deps-test
	@mkdir -p $(@D)
	$(NASM) -f elf64 -MD $(@:.o=.d) -o $@ $<

$(UNIT_VMT)/%.o: drivers/vmt/%.c | deps-build deps-test
	@mkdir -p $(@D)
	$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_RENAMES) -c -o $@ $<

$(UNIT_DIR)/tools/%.o: tools/%.c | deps-build deps-test
	@mkdir -p $(@D)
	$(HOSTCC) $(UNIT_CFLAGS) -c -o $@ $<

$(UNIT_DIR)/tests/unit/%.o: tests/unit/%.c | deps-build deps-test
	@mkdir -p $(@D)
	$(HOSTCC) $(UNIT_CFLAGS) -c -o $@ $<

-include $(wildcard $(UNIT_K)/*.d $(UNIT_PV)/*.d $(UNIT_VMT)/*.d \
    $(UNIT_DIR)/tools/*.d $(UNIT_DIR)/tests/unit/*.d)

ifeq ($(firstword $(MAKEFILE_LIST)),$(UNIT_MK))
.DEFAULT_GOAL	:= check
else
.DEFAULT_GOAL	:= $(UNIT_SAVED_GOAL)
endif
