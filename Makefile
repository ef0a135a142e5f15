# The pvbus testbed.  `make` builds build/kernel.elf; see README.md for
# the rest (iso, run, test, check, bench, clean).

BUILD	?= build
CC	= gcc
LD	= ld
NASM	= nasm
PYTHON	?= python3
QEMU	?= qemu-system-x86_64

CMDLINE	?=
PROFILE	?=
JOBS	?= $(shell nproc 2>/dev/null || echo 2)

# One short line per step ("  CC      kernel/main.c"); V=1 prints the
# full commands (tools/quiet.mk).
include tools/quiet.mk

# The freestanding set, each flag for a reason of this kernel's:
# -ffreestanding and no PIC/PIE, since there is no C library and no
# loader to relocate us; no red zone, since traps push onto the
# interrupted stack; no SSE/x87, since trap entry saves no FPU state;
# the small code model, since we are linked at 1 MiB and run 1:1; a
# frame-size limit for the one small boot stack; no unwind tables, which
# nothing reads; frame pointers, so a crash can print a backtrace; no
# CET notes, since no loader checks them (GCC manual, "x86 Options" and
# "Code Gen Options", says what each flag does).
# The stack protector guards every function with a local array or a
# local whose address is taken; its canary is the global
# __stack_chk_guard (kernel/ssp.c), since there is no TLS for %fs:0x28.
CFLAGS	= -std=c11 -O2 -g -ffreestanding -fno-pic -fno-pie
CFLAGS += -fstack-protector-strong -mstack-protector-guard=global
CFLAGS += -fno-asynchronous-unwind-tables
CFLAGS += -mno-red-zone -mno-sse -mno-mmx -mno-80387 -mcmodel=small
CFLAGS += -fno-omit-frame-pointer -fcf-protection=none
CFLAGS += -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes
CFLAGS += -Wframe-larger-than=1024
CFLAGS += -MMD -MP $(INCLUDES)
# Headers are included by name from every folder of the kernel
# (tests/layout/check.py keeps the names unique and the arrows legal).
INCLUDES = -Ikernel -Ispec -Idrivers/hvio -Idrivers/ident -Idrivers/fw \
	   -Idrivers/pvbus -Idrivers/hyperv -Idrivers/xen -Idrivers/pvclock -Idrivers/vmt -Isim
NASMFLAGS = -f elf64 -g -F dwarf -w+all
LDFLAGS	= -nostdlib -static -z max-page-size=0x1000 -T linker.ld

# Objects, listed by hand per folder, so that a file joins the kernel on
# purpose: boot code first.
BOOT_OBJS	= boot/boot.o
KERNEL_OBJS	= kernel/main.o kernel/trapasm.o kernel/trap.o \
		  kernel/console.o kernel/cons_screen.o kernel/vga.o kernel/printf.o kernel/format.o \
		  kernel/string.o kernel/ktap.o kernel/exit.o kernel/panic.o \
		  kernel/bootinfo.o kernel/multiboot2.o kernel/pvh.o \
		  kernel/cmdline.o kernel/memmap.o kernel/mainbus.o kernel/pmap.o \
		  kernel/pmem.o kernel/ksyms.o kernel/ssp.o \
		  kernel/selftest.o kernel/selftest_cmdline.o \
		  kernel/cmdline_keys.o kernel/screen.o kernel/fbcons.o \
		  kernel/font.o kernel/summary.o
HVIO_OBJS	= drivers/hvio/hvio.o drivers/hvio/hvio_select.o \
		  drivers/hvio/hvio_backends.o \
		  drivers/hvio/hvio_native.o drivers/hvio/hvio_native_asm.o \
		  drivers/hvio/hvio_replay.o drivers/hvio/hvio_module.o \
		  drivers/hvio/cpuid_dump.o
IDENT_OBJS	= drivers/ident/ident_hyperv.o drivers/ident/ident_kvm.o \
		  drivers/ident/ident_xen.o drivers/ident/ident_vmware.o
FW_OBJS		= drivers/fw/fw.o drivers/fw/fw_mem.o drivers/fw/fw_log.o \
		  drivers/fw/fw_efi.o drivers/fw/fw_verdict.o \
		  drivers/fw/acpi.o drivers/fw/smbios.o
PVBUS_OBJS	= drivers/pvbus/pvbus.o drivers/pvbus/pvbus_backend.o \
		  drivers/pvbus/pvbus_tree.o drivers/pvbus/pvbus_attach.o \
		  drivers/pvbus/pvconf.o drivers/pvbus/pvbus_host.o \
		  drivers/pvbus/pvbus_test.o drivers/pvbus/pvbus_test_boot.o \
		  drivers/pvbus/pvbus_fw.o \
		  drivers/pvbus/pvbus_expect.o
CHILD_OBJS	= drivers/hyperv/hyperv.o drivers/hyperv/hyperv_hypercall.o \
		  drivers/hyperv/hyperv_tsc.o drivers/hyperv/hyperv_page.o \
		  drivers/xen/xen.o \
		  drivers/pvclock/pvclock.o drivers/pvclock/pvclock_read.o \
		  drivers/pvclock/pvclock_pv.o \
		  drivers/vmt/vmt.o drivers/vmt/vmt_backdoor.o \
		  drivers/vmt/vmt_info.o drivers/vmt/vmt_tclo.o \
		  drivers/vmt/vmt_time.o drivers/vmt/vmt_facts.o \
		  drivers/vmt/vm_rpc.o drivers/vmt/vm_rpci.o drivers/vmt/vmt_reply.o
SIM_OBJS	= sim/sim_backend.o sim/sim_options.o sim/sim_models.o \
		  sim/sim_hyperv.o sim/sim_hyperv_personas.o \
		  sim/sim_xen.o sim/sim_kvm.o \
		  sim/sim_vmware.o sim/sim_vmware_rpc.o sim/sim_vmware_host.o \
		  sim/sim_vmware_record.o sim/sim_vmware_dump.o sim/sim.o \
		  sim/sim_machine.o
OBJS	= $(addprefix $(BUILD)/,$(BOOT_OBJS) $(KERNEL_OBJS) $(HVIO_OBJS) \
	  $(IDENT_OBJS) $(FW_OBJS) $(PVBUS_OBJS) $(CHILD_OBJS) $(SIM_OBJS))

KERNEL	= $(BUILD)/kernel.elf
# make iso: build/pvbus.iso, with no command line; with CMDLINE= or
# MODULES=, build/pvbus-custom.iso (so `make run`, which boots
# build/pvbus.iso when it has no CMDLINE, never boots a baked one);
# ISO=FILE names another.  $(value ...): the command line exactly as
# given, a $ in it included.
MODULES	?=
ifeq ($(strip $(value CMDLINE) $(MODULES)),)
ISO	= $(BUILD)/pvbus.iso
else
ISO	= $(BUILD)/pvbus-custom.iso
endif

.PHONY: all iso run debug test check bench clean deps-build deps-iso \
	deps-run deps-test deps-fuzz deps-debug FORCE

all: $(KERNEL)

# Each group of tools is checked (and installed as root on Debian) once
# per make run; tools/deps.sh holds the one list of packages.  Under
# make -j these rules run side by side: deps.sh lets one apt-get run at
# a time, and the next finds what the first installed.  `make test`
# installs the fuzz group up front too: its deps stage checks the list
# against what is installed.
deps-build deps-iso deps-run deps-test deps-fuzz deps-debug:
	@sh tools/deps.sh $(patsubst deps-%,%,$@)

$(BUILD)/%.o: %.c | deps-build
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.asm | deps-build
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) $< -o $@

$(BUILD)/%.o: $(BUILD)/%.asm | deps-build
	$(call say,AS,$<)
	$(Q)$(NASM) $(NASMFLAGS) $< -o $@

# The console font (kernel/font.h): GRUB's Unifont from grub-common,
# converted at build time by tools/mkfont.py.
FONT_PF2 = /usr/share/grub/unicode.pf2
$(BUILD)/kernel/font.c: tools/mkfont.py | deps-build
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)$(PYTHON) tools/mkfont.py $(FONT_PF2) > $@.tmp && mv $@.tmp $@

$(BUILD)/kernel/font.o: $(BUILD)/kernel/font.c | deps-build
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# Two links, for the symbol table in the kernel (kernel/ksyms.c): the
# first with an empty table, whose symbols tools/ksyms.sh turns into the
# table of the second.  The table is placed last (linker.ld), so no
# address may move between the two; the table made again from the
# second link must be the same, or the build fails.
$(BUILD)/ksyms0.asm: tools/ksyms.sh | deps-build
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)tools/ksyms.sh > $@

$(BUILD)/kernel.pass1.elf: $(OBJS) $(BUILD)/ksyms0.o linker.ld | deps-build
	$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms0.o

$(BUILD)/ksyms.asm: $(BUILD)/kernel.pass1.elf tools/ksyms.sh
	$(call say,GEN,$@)
	$(Q)tools/ksyms.sh $< > $@

$(KERNEL): $(OBJS) $(BUILD)/ksyms.o linker.ld | deps-build
	$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -o $@.tmp $(OBJS) $(BUILD)/ksyms.o
	$(Q)tools/ksyms.sh $@.tmp | cmp -s - $(BUILD)/ksyms.asm || { \
	    echo "ksyms: addresses moved between the two links" >&2; \
	    rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@

# make iso [CMDLINE=...] [MODULES="FILE[=STRING] ..."] [ISO=FILE]: the
# command line and the modules go to tools/mkiso.sh as they are, each a
# single-quoted word of the shell, and mkiso.sh escapes them for GRUB
# (or refuses them, saying why).  MODULES is split at spaces: a module
# string with a space in it needs tools/mkiso.sh itself.  The ISO is
# built again when the kernel, mkiso.sh, a module's file, or the
# arguments change: $(ISO).args holds the last ones (and GFXPAYLOAD,
# which mkiso.sh reads) and is rewritten only when they differ.  A
# refused command line leaves no ISO behind, not the last one.
shquote	= '$(subst ','\'',$(1))'
ISO_ARGS = $(call shquote,$(value CMDLINE)) \
	   $(foreach m,$(MODULES),$(call shquote,$(m)))
ISO_MODULE_FILES = $(foreach m,$(MODULES),$(firstword $(subst =, ,$(m))))
define newline


endef

iso: $(ISO)

$(ISO): $(KERNEL) tools/mkiso.sh $(ISO).args $(ISO_MODULE_FILES) | deps-iso
	$(call say,ISO,$@)
	$(Q)rm -f $@ && tools/mkiso.sh $@ $(KERNEL) $(ISO_ARGS)

$(ISO).args: FORCE
	$(if $(findstring $(newline),$(value CMDLINE)),$(error CMDLINE has \
	    a newline in it: GRUB cannot pass it on (tools/mkiso.sh)))
	@mkdir -p $(dir $@)
	@printf '%s\n' $(ISO_ARGS) "GFXPAYLOAD=$${GFXPAYLOAD-}" > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

FORCE:

# make run [CMDLINE="fault=gp"]: boot the ISO under SeaBIOS with the
# serial port on this terminal; QEMU exits when the kernel does, and so
# does make, with 0 for a passing report (tools/run.sh maps the codes).
# CMDLINE reaches the script through the environment, quotes and all.
# PROFILE=tests/cpuid-dumps/X.txt adds the dump as boot module 0 and
# hv=replay, so the detection pass runs on that recorded machine.
export CMDLINE PROFILE
run: $(KERNEL) | deps-iso deps-run
	@tools/run.sh $(KERNEL)

# make debug [CMDLINE=...] [GDB_ARGS=...] [GDB_PORT=1234]: boot the
# kernel paused under QEMU's gdb stub (-s -S) and start gdb on
# build/kernel.elf connected to it (tools/debug.sh); the serial output
# goes to build/debug.log.  GDB_ARGS="-batch -ex 'break kmain' -ex
# continue -ex bt" runs it without a person.  Both values reach the
# script exactly as given ($(value ...)), so -ex 'p $pc' works.
debug: $(KERNEL) | deps-run deps-debug
	@CMDLINE=$(call shquote,$(value CMDLINE)) \
	    GDB_ARGS=$(call shquote,$(value GDB_ARGS)) tools/debug.sh $(KERNEL)

# The whole test suite: host unit tests, the harness's own tests, then
# the QEMU boot matrix.  Ends with "N passed, N failed".
test: $(KERNEL) | deps-iso deps-run deps-test deps-fuzz deps-debug
	@tests/run.sh -j $(JOBS)

bench: $(KERNEL) | deps-iso deps-run deps-test
	@$(PYTHON) tools/bench.py

clean:
	$(call say,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
-include $(OBJS:.o=.d)
