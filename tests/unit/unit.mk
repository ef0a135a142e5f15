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
# Short lines per step, V=1 for the commands (HOSTCC, HOSTAS, HOSTLD).
include tools/quiet.mk

UNIT_DIR	:= $(BUILD)/host
# The kernel's source folders (the Makefile's INCLUDES, as -iquote).
UNIT_SRCDIRS	:= kernel spec drivers/hvio drivers/ident drivers/fw drivers/pvbus \
		   drivers/hyperv drivers/xen drivers/pvclock drivers/vmt sim
UNIT_INCLUDES	:= $(UNIT_SRCDIRS:%=-iquote %)
UNIT_CFLAGS	:= -std=c11 -g -O1 -Wall -Wextra -Werror \
		   -Wstrict-prototypes -Wmissing-prototypes \
		   -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer $(UNIT_INCLUDES) -MMD -MP
UNIT_RENAMES	:= -Dprintf=kern_printf -Dvprintf=kern_vprintf \
		   -Dsnprintf=kern_snprintf -Dvsnprintf=kern_vsnprintf

UNIT_TESTS	:= printf multiboot2 pvh cmdline ktap memmap cpuid_dump pvbus \
		   pmem
UNIT_TESTS	+= sim_xen
UNIT_TESTS	+= sim_hyperv
UNIT_TESTS	+= sim_personas
UNIT_TESTS	+= sim_kvm
UNIT_TESTS	+= sim_vmware
UNIT_TESTS	+= vmt_reply vm_rpc vmt
UNIT_TESTS	+= screen
UNIT_TESTS	+= fw
UNIT_TESTS	+= pvbus_expect
UNIT_BINS	:= $(UNIT_TESTS:%=$(UNIT_DIR)/test_%)
# Objects are named by their source's path: $(call UNIT_O,kernel/ktap.o)
# is build/host/kernel/ktap.o.
UNIT_O		= $(addprefix $(UNIT_DIR)/,$(1))

# The simulators' common part, their table of models (with weak
# stand-ins for the models a test does not link: sim_stubs.c), and the
# host's stand-ins for the kernel services models and drivers use.
UNIT_SIM	:= $(call UNIT_O,sim/sim.o sim/sim_models.o \
    drivers/hvio/hvio.o tests/unit/sim_stubs.o tests/unit/sim_host.o)

# The VMware host model: its four files, its built-in CPUID dump and the
# dump parser; it reads the memory map and the modules from bootinfo,
# which the test fills in (sim_host.c defines it).
UNIT_SIM_VMWARE	:= $(call UNIT_O,sim/sim_vmware.o sim/sim_vmware_record.o \
    sim/sim_vmware_rpc.o sim/sim_vmware_host.o sim/sim_vmware_dump.o \
    drivers/hvio/cpuid_dump.o)

# The detection pass with its decoders.
UNIT_IDENT	:= $(call UNIT_O,drivers/pvbus/pvbus.o \
    drivers/ident/ident_hyperv.o drivers/ident/ident_kvm.o \
    drivers/ident/ident_xen.o drivers/ident/ident_vmware.o \
    drivers/hvio/hvio.o)

# build/host/pvbus-replay DUMP (tools/pvbus-replay.c): the detection pass
# and the device tree on a recorded dump, with the kernel's own files.
PVBUS_REPLAY	:= $(UNIT_DIR)/pvbus-replay
PVBUS_REPLAY_OBJS := $(call UNIT_O,tools/pvbus-replay.o \
		   drivers/pvbus/pvbus_tree.o drivers/pvbus/pvbus_test.o \
		   drivers/pvbus/pvbus_attach.o \
		   drivers/pvbus/pvbus_host.o drivers/pvbus/pvconf.o \
		   drivers/hyperv/hyperv.o drivers/hyperv/hyperv_hypercall.o \
		   drivers/hyperv/hyperv_tsc.o drivers/hyperv/hyperv_page.o \
		   drivers/xen/xen.o drivers/pvclock/pvclock.o \
		   drivers/pvclock/pvclock_read.o drivers/pvclock/pvclock_pv.o \
		   drivers/hvio/hvio_replay.o drivers/hvio/hvio_module.o \
		   drivers/hvio/cpuid_dump.o \
		   drivers/vmt/vmt.o drivers/vmt/vmt_backdoor.o \
		   drivers/vmt/vmt_info.o drivers/vmt/vmt_tclo.o \
		   drivers/vmt/vmt_time.o drivers/vmt/vmt_facts.o \
		   drivers/vmt/vm_rpc.o \
		   drivers/vmt/vm_rpci.o drivers/vmt/vmt_reply.o \
		   drivers/fw/smbios.o drivers/fw/fw_log.o \
		   kernel/ktap.o kernel/printf.o kernel/format.o kernel/memmap.o \
		   kernel/summary.o kernel/cmdline.o) $(UNIT_IDENT)

# Keep the includer's default goal (normally "all"): the first rule of
# a fragment would otherwise take its place.
UNIT_SAVED_GOAL	:= $(.DEFAULT_GOAL)

.PHONY: check host-tools
check: $(UNIT_BINS) $(PVBUS_REPLAY)
	@sh tests/unit/run.sh $(UNIT_BINS)

host-tools: $(PVBUS_REPLAY)

$(PVBUS_REPLAY): $(PVBUS_REPLAY_OBJS)
	$(call say,HOSTLD,$@)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $^

# Every test links its own file and the fakes; then, by hand, the kernel
# sources it tests.
$(UNIT_BINS): $(UNIT_DIR)/test_%: $(UNIT_DIR)/tests/unit/test_%.o \
    $(UNIT_DIR)/tests/unit/fake_cons.o
	$(call say,HOSTLD,$@)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $^
$(UNIT_DIR)/test_printf: $(call UNIT_O,kernel/printf.o kernel/format.o)
$(UNIT_DIR)/test_multiboot2: $(call UNIT_O,kernel/multiboot2.o kernel/printf.o kernel/format.o)
$(UNIT_DIR)/test_pvh: $(call UNIT_O,kernel/pvh.o kernel/multiboot2.o \
    kernel/bootinfo.o kernel/printf.o kernel/format.o)
$(UNIT_DIR)/test_cmdline: $(call UNIT_O,kernel/cmdline.o sim/sim_options.o \
    sim/sim_models.o sim/sim.o drivers/hvio/hvio.o tests/unit/sim_stubs.o \
    kernel/printf.o kernel/format.o)
$(UNIT_DIR)/test_ktap: $(call UNIT_O,kernel/ktap.o kernel/printf.o kernel/format.o)
$(UNIT_DIR)/test_memmap: $(call UNIT_O,kernel/memmap.o kernel/printf.o kernel/format.o)
$(UNIT_DIR)/test_pmem: $(call UNIT_O,kernel/pmem.o kernel/printf.o kernel/format.o)
$(UNIT_DIR)/test_cpuid_dump: $(call UNIT_O,drivers/hvio/cpuid_dump.o \
    drivers/hvio/hvio_replay.o drivers/hvio/hvio_module.o \
    drivers/hvio/hvio.o kernel/printf.o kernel/format.o)
$(UNIT_DIR)/test_pvbus: $(call UNIT_O,tests/unit/hvio_table.o \
    drivers/pvbus/pvbus_tree.o kernel/printf.o kernel/format.o) $(UNIT_IDENT)
# The expect.* keys: their checks, what they find in a bus record the
# test builds, the comparison, environment_expected's KTAP lines.
$(UNIT_DIR)/test_pvbus_expect: $(call UNIT_O,drivers/pvbus/pvbus_expect.o \
    kernel/cmdline.o kernel/ktap.o kernel/printf.o kernel/format.o) \
    $(UNIT_IDENT)

# A model, then its guest driver end to end on it: the detection pass
# finds the model's interfaces, the driver attaches as the bus would.
$(UNIT_DIR)/test_sim_xen: $(UNIT_SIM) $(call UNIT_O,sim/sim_xen.o \
    sim/sim_hyperv.o sim/sim_hyperv_personas.o drivers/xen/xen.o kernel/ktap.o kernel/printf.o kernel/format.o) \
    $(UNIT_IDENT)
$(UNIT_DIR)/test_sim_hyperv: $(UNIT_SIM) $(UNIT_SIM_VMWARE) \
    $(call UNIT_O,sim/sim_hyperv.o sim/sim_hyperv_personas.o \
    sim/sim_xen.o sim/sim_kvm.o drivers/hyperv/hyperv.o \
    drivers/hyperv/hyperv_hypercall.o drivers/hyperv/hyperv_tsc.o \
    drivers/hyperv/hyperv_page.o kernel/ktap.o kernel/printf.o kernel/format.o) \
    $(UNIT_IDENT)
# Every personality of the Hyper-V and Xen models, each with its driver.
$(UNIT_DIR)/test_sim_personas: $(UNIT_SIM) $(UNIT_SIM_VMWARE) \
    $(call UNIT_O,sim/sim_hyperv.o sim/sim_hyperv_personas.o \
    sim/sim_xen.o sim/sim_kvm.o drivers/hyperv/hyperv.o \
    drivers/hyperv/hyperv_hypercall.o drivers/hyperv/hyperv_tsc.o \
    drivers/hyperv/hyperv_page.o drivers/xen/xen.o kernel/ktap.o \
    kernel/printf.o kernel/format.o) $(UNIT_IDENT)
# pvclock0 reads pvclock.hypercall= from the kernel's command line.
$(UNIT_DIR)/test_sim_kvm: $(UNIT_SIM) $(call UNIT_O,sim/sim_kvm.o \
    drivers/pvclock/pvclock.o drivers/pvclock/pvclock_read.o \
    drivers/pvclock/pvclock_pv.o kernel/ktap.o kernel/printf.o kernel/format.o \
    kernel/cmdline.o) $(UNIT_IDENT)
$(UNIT_DIR)/test_sim_vmware: $(UNIT_SIM) $(UNIT_SIM_VMWARE) \
    $(call UNIT_O,kernel/printf.o kernel/format.o)

# The firmware tables' readers, the verdict, and the kernel's rule of
# what may be read, over made-up memory and memory maps.
$(UNIT_DIR)/test_fw: $(call UNIT_O,drivers/fw/acpi.o drivers/fw/smbios.o \
    drivers/fw/fw_efi.o drivers/fw/fw_log.o drivers/fw/fw_verdict.o \
    drivers/fw/fw.o drivers/fw/fw_mem.o kernel/printf.o kernel/format.o)

$(UNIT_DIR)/test_vmt_reply: $(call UNIT_O,drivers/vmt/vmt_reply.o \
    kernel/printf.o kernel/format.o)
# vmt0 end to end on the VMware model: the driver, the detection pass
# that finds the backdoor, the tree's lines, the KTAP writer,
# pvbus_shutdown().
$(UNIT_DIR)/test_vmt: $(call UNIT_O,drivers/vmt/vmt.o \
    drivers/vmt/vmt_backdoor.o drivers/vmt/vmt_info.o drivers/vmt/vmt_tclo.o \
    drivers/vmt/vmt_time.o drivers/vmt/vmt_facts.o drivers/vmt/vm_rpc.o \
    drivers/vmt/vm_rpci.o drivers/vmt/vmt_reply.o \
    drivers/fw/smbios.o drivers/fw/fw_log.o \
    drivers/pvbus/pvbus_tree.o drivers/pvbus/pvbus_host.o kernel/ktap.o \
    kernel/printf.o kernel/format.o) $(UNIT_SIM) $(UNIT_SIM_VMWARE) $(UNIT_IDENT)
$(UNIT_DIR)/test_vm_rpc: $(call UNIT_O,drivers/vmt/vm_rpc.o \
    drivers/vmt/vm_rpci.o drivers/vmt/vmt_reply.o drivers/hvio/hvio.o \
    kernel/printf.o kernel/format.o)
# The screen and the summary, with the console font made for the host
# as the Makefile makes it for the kernel (tools/mkfont.py).
$(UNIT_DIR)/test_screen: $(call UNIT_O,kernel/screen.o kernel/fbcons.o \
    kernel/font.o kernel/summary.o kernel/ktap.o kernel/multiboot2.o \
    kernel/printf.o kernel/format.o)
$(UNIT_DIR)/kernel/font.c: tools/mkfont.py | deps-build deps-test
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)python3 tools/mkfont.py > $@.tmp && mv $@.tmp $@
$(UNIT_DIR)/kernel/font.o: $(UNIT_DIR)/kernel/font.c
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_RENAMES) -c -o $@ $<

# Kernel sources, with the printf renames; the tests and tools without.
$(UNIT_DIR)/%.o: %.c | deps-build deps-test
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_RENAMES) -c -o $@ $<

$(UNIT_DIR)/%.o: %.asm | deps-build deps-test
	@mkdir -p $(@D)
	$(call say,HOSTAS,$<)
	$(Q)$(NASM) -f elf64 -MD $(@:.o=.d) -o $@ $<

$(UNIT_DIR)/tools/%.o: tools/%.c | deps-build deps-test
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -c -o $@ $<

$(UNIT_DIR)/tests/unit/%.o: tests/unit/%.c | deps-build deps-test
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -c -o $@ $<

-include $(wildcard $(UNIT_SRCDIRS:%=$(UNIT_DIR)/%/*.d) \
    $(UNIT_DIR)/tools/*.d $(UNIT_DIR)/tests/unit/*.d)

ifeq ($(firstword $(MAKEFILE_LIST)),$(UNIT_MK))
.DEFAULT_GOAL	:= check
else
.DEFAULT_GOAL	:= $(UNIT_SAVED_GOAL)
endif
