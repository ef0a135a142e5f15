# libFuzzer targets: "make fuzz [FUZZ_RUNS=1000000] [FUZZ_SECONDS=S]".
# Included by the top-level Makefile, and usable alone from the top of
# the tree: make -f tests/fuzz/fuzz.mk fuzz
#
# Each tests/fuzz/fuzz_<name>.c defines LLVMFuzzerTestOneInput() and is
# linked with the kernel sources it tests, all built by clang with
# -fsanitize=fuzzer,address,undefined into $(BUILD)/fuzz/fuzz_<name>.
# tests/fuzz/run.sh runs it from the seeds in tests/fuzz/corpus/<name>/
# for FUZZ_RUNS inputs (a million by default), or for FUZZ_SECONDS
# seconds if that is given, and prints "fuzz_<name>: N runs in S s
# (R/s), no crash", or the report and exit status 1.  FUZZ_MAX_SECONDS
# (900) bounds a run by count, so a slow machine still ends; run.sh
# says so when it stopped there.
#
# The targets: cpuid_dump (the CPUID dump parser), vmt_reply (what vmt
# reads from a VMware host), cmdline (the command-line parser and its
# checks), bootinfo (multiboot2 and PVH boot information, the memory
# map's checks, the page allocator), acpi and smbios (the firmware's
# tables as drivers/fw reads them, with the verdict and its lines).
#
# Kernel sources get the printf renames of tests/unit/unit.mk (see there
# why) and -fsanitize=fuzzer-no-link: coverage for libFuzzer, but only
# the target file brings main().
#
# Needs clang and its fuzzer runtime: on Debian 12 the packages clang
# (clang-14) and libclang-rt-14-dev.  The latter is only a Recommends of
# clang, so "apt-get install --no-install-recommends clang" lacks it and
# the link fails with "cannot find ... libclang_rt.fuzzer-x86_64.a".

FUZZ_MK		:= $(lastword $(MAKEFILE_LIST))
BUILD		?= build
FUZZ_CC		?= clang
FUZZ_RUNS	?= 1000000
FUZZ_SECONDS	?=
FUZZ_MAX_SECONDS ?= 900
# Short lines per step, V=1 for the commands (FUZZCC, FUZZLD).
include tools/quiet.mk

FUZZ_DIR	:= $(BUILD)/fuzz
# The kernel's source folders (tests/unit/unit.mk's UNIT_SRCDIRS).
FUZZ_SRCDIRS	:= kernel spec drivers/hvio drivers/ident drivers/fw drivers/pvbus \
		   drivers/hyperv drivers/xen drivers/pvclock drivers/vmt sim
FUZZ_WARN	:= -std=c11 -g -O1 -Wall -Wextra -Werror \
		   -Wstrict-prototypes -Wmissing-prototypes \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer \
		   $(FUZZ_SRCDIRS:%=-iquote %)
FUZZ_CFLAGS	:= $(FUZZ_WARN) -fsanitize=fuzzer,address,undefined
FUZZ_KCFLAGS	:= $(FUZZ_WARN) -fsanitize=fuzzer-no-link,address,undefined \
		   -Dprintf=kern_printf -Dvprintf=kern_vprintf \
		   -Dsnprintf=kern_snprintf -Dvsnprintf=kern_vsnprintf

FUZZ_TARGETS	:= cpuid_dump
FUZZ_TARGETS	+= vmt_reply
FUZZ_TARGETS	+= cmdline
FUZZ_TARGETS	+= bootinfo
FUZZ_TARGETS	+= acpi
FUZZ_TARGETS	+= smbios
FUZZ_BINS	:= $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

FUZZ_SAVED_GOAL	:= $(.DEFAULT_GOAL)

.PHONY: fuzz fuzz-deps
fuzz: $(FUZZ_BINS)
	@pass=0; fail=0; for t in $(FUZZ_TARGETS); do \
	    if sh tests/fuzz/run.sh $(FUZZ_DIR)/fuzz_$$t \
	    tests/fuzz/corpus/$$t tests/fuzz/$$t.dict "$(FUZZ_RUNS)" \
	    "$(FUZZ_SECONDS)" "$(FUZZ_MAX_SECONDS)"; \
	    then pass=$$((pass + 1)); else fail=$$((fail + 1)); fi; done; \
	    echo "$$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# Say which packages are missing before a compiler error would (and, as
# root on Debian, install them: tools/deps.sh).
fuzz-deps:
	@tools/deps.sh fuzz
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "make fuzz:" \
	    "$(FUZZ_CC) not found; on Debian: apt-get install clang" \
	    "libclang-rt-14-dev" >&2; exit 1; }
	@echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);' \
	    'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)' \
	    '{ return (int)(d[0] & n); }' | $(FUZZ_CC) -fsanitize=fuzzer \
	    -x c - -o /dev/null 2>/dev/null || { echo "make fuzz:" \
	    "$(FUZZ_CC) -fsanitize=fuzzer cannot link (no libFuzzer" \
	    "runtime); on Debian: apt-get install libclang-rt-14-dev" >&2; \
	    exit 1; }

$(FUZZ_DIR)/fuzz_cpuid_dump: $(FUZZ_DIR)/tests/fuzz/fuzz_cpuid_dump.o \
    $(FUZZ_DIR)/drivers/hvio/cpuid_dump.o $(FUZZ_DIR)/kernel/printf.o $(FUZZ_DIR)/kernel/format.o
	$(call say,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

$(FUZZ_DIR)/fuzz_vmt_reply: $(FUZZ_DIR)/tests/fuzz/fuzz_vmt_reply.o \
    $(FUZZ_DIR)/drivers/vmt/vmt_reply.o $(FUZZ_DIR)/drivers/vmt/vm_rpc.o \
    $(FUZZ_DIR)/drivers/vmt/vm_rpci.o $(FUZZ_DIR)/drivers/hvio/hvio.o \
    $(FUZZ_DIR)/kernel/printf.o $(FUZZ_DIR)/kernel/format.o
	$(call say,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

$(FUZZ_DIR)/fuzz_cmdline: $(FUZZ_DIR)/tests/fuzz/fuzz_cmdline.o \
    $(FUZZ_DIR)/kernel/cmdline.o $(FUZZ_DIR)/sim/sim_options.o \
    $(FUZZ_DIR)/sim/sim_models.o $(FUZZ_DIR)/sim/sim.o \
    $(FUZZ_DIR)/drivers/hvio/hvio.o $(FUZZ_DIR)/kernel/printf.o $(FUZZ_DIR)/kernel/format.o
	$(call say,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

$(FUZZ_DIR)/fuzz_bootinfo: $(FUZZ_DIR)/tests/fuzz/fuzz_bootinfo.o \
    $(FUZZ_DIR)/kernel/multiboot2.o $(FUZZ_DIR)/kernel/pvh.o \
    $(FUZZ_DIR)/kernel/memmap.o $(FUZZ_DIR)/kernel/pmem.o \
    $(FUZZ_DIR)/kernel/printf.o $(FUZZ_DIR)/kernel/format.o
	$(call say,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

# The firmware readers, the verdict and the lines that say them.
FUZZ_FW		:= $(addprefix $(FUZZ_DIR)/,drivers/fw/acpi.o \
		   drivers/fw/smbios.o drivers/fw/fw_efi.o drivers/fw/fw_log.o \
		   drivers/fw/fw_verdict.o drivers/fw/fw.o kernel/printf.o \
		   kernel/format.o)

$(FUZZ_DIR)/fuzz_acpi: $(FUZZ_DIR)/tests/fuzz/fuzz_acpi.o $(FUZZ_FW)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

$(FUZZ_DIR)/fuzz_smbios: $(FUZZ_DIR)/tests/fuzz/fuzz_smbios.o $(FUZZ_FW)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

$(FUZZ_DIR)/tests/fuzz/%.o: tests/fuzz/%.c | fuzz-deps
	@mkdir -p $(@D)
	$(call say,FUZZCC,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

# Kernel sources, with the printf renames (the fuzz targets' own rule
# above has the shorter stem, so it wins for them).
$(FUZZ_DIR)/%.o: %.c | fuzz-deps
	@mkdir -p $(@D)
	$(call say,FUZZCC,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_KCFLAGS) -MMD -MP -c -o $@ $<

-include $(wildcard $(FUZZ_DIR)/tests/fuzz/*.d \
    $(FUZZ_SRCDIRS:%=$(FUZZ_DIR)/%/*.d))

ifeq ($(firstword $(MAKEFILE_LIST)),$(FUZZ_MK))
.DEFAULT_GOAL	:= fuzz
else
.DEFAULT_GOAL	:= $(FUZZ_SAVED_GOAL)
endif
