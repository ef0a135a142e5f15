# The quiet build, as Linux's Kbuild has it (its Makefile, "Beautify
# output"): each step prints one short line, its kind and its file,
#
#	  CC      kernel/main.c
#	  LD      build/kernel.elf
#
# and make's own echo of the command is off.  V=1 prints the full
# commands instead (and no short lines); make -s prints neither.
# Included by the Makefile, tests/unit/unit.mk and tests/fuzz/fuzz.mk,
# each of which can be used alone, so each includes it; the guard
# makes the second include a no-op.
#
# In a recipe:
#
#	$(call say,CC,$<)
#	$(Q)$(CC) $(CFLAGS) -c $< -o $@
#
# With V=1 or -s the first line is empty after expansion, and make runs
# no shell for an empty line, nor prints one under make -n.

ifndef QUIET_MK
QUIET_MK	:= 1

V		?= 0
ifeq ($(V),1)
Q		:=
QUIET_SAY	:=
else
Q		:= @
QUIET_SAY	:= yes
endif
# make -s (MAKEFLAGS's first word holds the one-letter options).
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
QUIET_SAY	:=
endif

say = $(if $(QUIET_SAY),@printf '  %-7s %s\n' '$(1)' '$(2)')
endif
