"""
Tests of tests/docs/samples.py: markers, blocks, the mask rules and the
matcher, on made-up docs and logs (no QEMU).  check_samples.py runs them
before it checks the docs.

    python3 tests/docs/test_samples.py
"""

import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import samples  # noqa: E402
from samples import find_blocks, mask, match_block, parse_marker  # noqa


CRASH = """\
# CRASH #GP (general protection), error 0x0, in deliberate_fault
# rip 0x0000000000107872 <raise_fault+0x42> cs 0x08 rflags 0x00000093
# rsp 0x0000000000130ea0 ss 0x10
# cr0 0x80010011 cr2 0x0000000000200000 cr3 0x00125000 cr4 0x00000020
# r10 0x0000000000000027 r11 0x0000000000000000 r12 0x000000000014f78e
# stack at 0x0000000000130ea0: 0x14f78e 0x1 0x130fb0 0x108703 0x7300000000000000
# backtrace: 0x107872 <raise_fault+0x42>
#   from 0x108703 <selftest_fault+0xf3>
not ok 9 deliberate_fault # crashed: #GP at 0x107872
8 passed, 1 failed, 0 skipped"""

# The same report from another build: every address and register moved.
CRASH_ELSEWHERE = """\
# CRASH #GP (general protection), error 0x0, in deliberate_fault
# rip 0x0000000000109a10 <raise_fault+0x3e> cs 0x08 rflags 0x00000097
# rsp 0x0000000000131ea0 ss 0x10
# cr0 0x80010011 cr2 0x0000000000200000 cr3 0x00126000 cr4 0x00000020
# r10 0x0000000000000031 r11 0x0000000000000000 r12 0x000000000014f99e
# stack at 0x0000000000131ea0: 0x14f99e 0x1 0x131fb0 0x10a703 0x7300000000000000
# backtrace: 0x109a10 <raise_fault+0x3e>
#   from 0x10a703 <selftest_fault+0xf7>
not ok 9 deliberate_fault # crashed: #GP at 0x109a10
8 passed, 1 failed, 0 skipped"""


def lines(text, kind="log"):
    return [(t, kind) for t in text.split("\n")]


def numbered(text, first=1):
    return list(enumerate(text.split("\n"), first))


class MarkerTest(unittest.TestCase):
    def test_inline_configuration_becomes_a_case(self):
        s = parse_marker(' boot=bios machine=pc qemu="-uuid 1-2" '
                         'cmdline="hv=sim:vmware vmt.script=\\"a;b\\"" ')
        self.assertEqual(s.kind, "log")
        self.assertTrue(s.name.startswith("docs-"))
        self.assertIn("\nboot: bios\nmachine: pc\nqemu: -uuid 1-2\n",
                      s.case_text)
        self.assertIn('\ncmdline: hv=sim:vmware vmt.script="a;b"\n',
                      s.case_text)
        self.assertIn("\nverdict: pass|fail|crash|", s.case_text)

    def test_same_configuration_same_run(self):
        a = parse_marker("boot=pvh cmdline=fault=gp")
        b = parse_marker(" boot=pvh  cmdline='fault=gp'")
        c = parse_marker("boot=pvh cmdline=fault=ud")
        self.assertEqual(a.name, b.name)
        self.assertNotEqual(a.name, c.name)

    def test_case_and_matrix(self):
        self.assertEqual((parse_marker("case=fault-gp").kind,
                          parse_marker("case=fault-gp").name),
                         ("log", "fault-gp"))
        self.assertEqual(parse_marker("matrix=fault-gp").kind, "matrix")

    def test_bad_markers(self):
        for text in ("", "boot", "boot=pvh colour=red", "cmdline=x",
                     "boot=pvh boot=bios", "case=a case=b",
                     "case=../etc", "case=x boot=pvh", 'boot="pvh'):
            with self.assertRaises(samples.MarkerError, msg=text):
                parse_marker(text)


class BlockTest(unittest.TestCase):
    DOC = """\
# Title

<!-- sample: boot=pvh -->
```
KTAP version 1
ok 1 boot_info_parsed
```

```sh
make run
```

1. A list item:

   <!-- sample: case=fault-gp -->
   <!-- sample: matrix=fault-gp -->
   ```
   # CRASH #GP
   ```

<!-- not-checked: hypothetical: a real VMware host -->
```
vmt0: bios uuid 564d...
```

```
ok 3 cmdline_parsed
```
"""

    def test_blocks_and_markers(self):
        blocks, problems = find_blocks("d.md", self.DOC)
        self.assertEqual(problems, [])
        self.assertEqual([b.start for b in blocks], [4, 9, 17, 22, 26])
        self.assertEqual(blocks[0].lines, [(5, "KTAP version 1"),
                                           (6, "ok 1 boot_info_parsed")])
        self.assertEqual(blocks[1].info, "sh")
        self.assertFalse(blocks[1].looks_like_output())
        self.assertEqual([s.kind for s in blocks[2].sources],
                         ["log", "matrix"])
        self.assertEqual(blocks[2].lines, [(18, "# CRASH #GP")])
        self.assertEqual(blocks[3].not_checked,
                         "hypothetical: a real VMware host")
        self.assertEqual(blocks[4].sources, [])
        self.assertTrue(blocks[4].looks_like_output())

    def test_stray_marker(self):
        _, problems = find_blocks("d.md", "<!-- sample: boot=pvh -->\n"
                                  "text\n```\nok 1 x\n```\n")
        self.assertEqual(len(problems), 1)
        self.assertIn("d.md:1:", problems[0])
        _, problems = find_blocks("d.md", "x\n<!-- sample: boot=pvh -->\n")
        self.assertEqual(len(problems), 1)

    def test_marker_errors_stay_with_the_block(self):
        blocks, _ = find_blocks("d.md", "<!-- sample: boot=pvh x=1 -->\n"
                                "```\nok 1 x\n```\n")
        self.assertEqual(len(blocks[0].errors), 1)
        blocks, _ = find_blocks("d.md", "<!-- not-checked: -->\n"
                                "```\nok 1 x\n```\n")
        self.assertEqual(len(blocks[0].errors), 1)
        blocks, _ = find_blocks("d.md", "<!-- not-checked: why -->\n"
                                "<!-- sample: boot=pvh -->\n"
                                "```\nok 1 x\n```\n")
        self.assertEqual(len(blocks[0].errors), 1)

    def test_what_reads_as_output(self):
        for t in ("ok 1 x", "    not ok 12 tclo # why", "KTAP version 1",
                  "1..9", "# running x", "pvbus: hv base=0x40000000",
                  "pvbus0 at mainbus0: QEMU", "vmt0 at pvbus0: x",
                  "hyperv0: VP index 0", "vmware-sim: 1 rpci",
                  "8 passed, 0 failed, 1 skipped",
                  "PASS  fault-gp  0.38s  crash: ..."):
            self.assertTrue(samples.OUTPUT_RE.match(t), t)
        for t in ("make run", "boot: bios", "expect: ^not ok \\d+ x",
                  "python3 tests/boot/matrix.py -j2", "# a comment"):
            self.assertFalse(samples.OUTPUT_RE.match(t), t)


class MaskTest(unittest.TestCase):
    def test_another_build_masks_the_same(self):
        for a, b in zip(CRASH.split("\n"), CRASH_ELSEWHERE.split("\n")):
            self.assertEqual(mask(a), mask(b), a)

    def test_names_and_words_stay(self):
        for a, b in (
                ("#   from 0x108703 <selftest_fault+0xf3>",
                 "#   from 0x108703 <selftest_run+0xf3>"),
                ("# CRASH #GP (general protection), error 0x0",
                 "# CRASH #GP (general protection), error 0x1"),
                ("not ok 9 deliberate_fault # crashed: #GP at 0x107872",
                 "not ok 10 deliberate_fault # crashed: #GP at 0x107872"),
                ("# rsp 0x0000000000130ea0 ss 0x10",
                 "# rsp 0x0000000000130ea0 ss 0x18"),
                ("PASS  fault-gp  0.38s  crash: #GP = load "
                 "(kernel/x86.h:160) in raise_fault (kernel/selftest.c:505)",
                 "PASS  fault-gp  0.38s  crash: #GP = load "
                 "(kernel/x86.h:160) in raise_fault (kernel/ktap.c:505)"),
                ("pvbus: hv base=0x40000000 features=0x01007afb",
                 "pvbus: hv base=0x40000000 features=0x01007afa"),
                ("# stack at 0x130ea0: 0x1 0x2", "# stack at 0x130ea0: 0x1"),
        ):
            self.assertNotEqual(mask(a, "matrix"), mask(b, "matrix"), a)

    def test_addresses_only_in_the_kernels_range(self):
        self.assertEqual(mask("# 130559 KiB; kernel 0x100000-0x174000"),
                         "# 130559 KiB; kernel 0x?-0x?")
        self.assertEqual(mask("pvbus: hv base=0x40000000 sig=x"),
                         "pvbus: hv base=0x40000000 sig=x")
        self.assertEqual(mask("# mem 0x0000000000100000-0x0000000007fdffff"),
                         "# mem 0x?-0x0000000007fdffff")
        self.assertEqual(mask("# framebuffer: EGA text 80x25 at 0xb8000"),
                         "# framebuffer: EGA text 80x25 at 0xb8000")

    def test_clocks_sizes_uuids(self):
        self.assertEqual(mask("pvbus: pvclock0 clock=ok ns=21644942 x=1"),
                         "pvbus: pvclock0 clock=ok ns=? x=1")
        self.assertEqual(mask("pvbus: vmt0 reopens=0 time_delta_us=-136"),
                         "pvbus: vmt0 reopens=0 time_delta_us=?")
        self.assertEqual(mask("# pmem: 32364 pages free in 1 ranges"),
                         "# pmem: ? pages free in 1 ranges")
        self.assertEqual(
            mask("vmt0: bios uuid 12345678-9abc-def0-1122-334455667788"),
            "vmt0: bios uuid UUID")
        self.assertEqual(
            mask('pvbus testbed: booted via multiboot2 by "GRUB 2.06-13+d"'),
            'pvbus testbed: booted via multiboot2 by "GRUB ?"')
        self.assertNotEqual(mask('by "GRUB 2.06"'), mask('by "GRUB2 2.06"'))

    def test_matrix_columns_and_times(self):
        self.assertEqual(mask("PASS  fault-gp   0.38s  crash", "matrix"),
                         mask("PASS  fault-gp                 12.5s  crash",
                              "matrix"))
        self.assertNotEqual(mask("PASS  fault-gp  0.38s  crash", "matrix"),
                            mask("FAIL  fault-gp  0.38s  crash", "matrix"))


class ClockReadingTest(unittest.TestCase):
    """The readings of Hyper-V's reference time, kvmclock and wall
    clocks change from run to run; what they are read from and every
    word stay."""

    def same(self, a, b):
        self.assertEqual(mask(a), mask(b), a)

    def differ(self, a, b):
        self.assertNotEqual(mask(a), mask(b), a)

    def test_reference_time(self):
        page = ("hyperv0: reference TSC page: sequence 1, scale "
                "0x028f5c28f5c28f5c, offset -3853791; time 166450 then "
                "166780 (100 ns)")
        self.same(page, page.replace("-3853791", "-2113975")
                  .replace("166450", "127971").replace("166780", "128585"))
        self.differ(page, page.replace("sequence 1", "sequence 3"))
        self.differ(page, page.replace("0x028f5c28f5c28f5c",
                                       "0x028f5c28f5c28f5d"))
        self.differ(page, page.replace("(100 ns)", "(1 ns)"))
        count = "hyperv0: TIME_REF_COUNT 170252, page 170556, " \
            "TIME_REF_COUNT 170702"
        self.assertEqual(mask(count), "hyperv0: TIME_REF_COUNT ?, page ?, "
                         "TIME_REF_COUNT ?")
        self.differ(count, count.replace("page", "msr"))

    def test_kvmclock(self):
        v = ("pvclock0: version 2: tsc_timestamp 0x900a82e, system_time "
             "11403268 ns, mul 0xf3cf3cf3, shift -1 (TSC 2100000 kHz), "
             "flags 0x01 TSC_STABLE")
        self.same(v, v.replace("0x900a82e", "0x18029b3f0a94")
                  .replace("11403268", "12676981")
                  .replace("0xf3cf3cf3, shift -1 (TSC 2100000",
                           "0x80000000, shift 1 (TSC 1000000"))
        self.differ(v, v.replace("version 2", "version 4"))
        self.differ(v, v.replace("flags 0x01 TSC_STABLE", "flags 0x00"))
        two = ("pvclock0: 11662146 ns, then 13488148 ns 1826002 TSC ticks "
               "later (version 2, then 4)")
        self.same(two, two.replace("11662146", "9936814")
                  .replace("13488148", "11609694")
                  .replace("1826002", "1672880"))
        self.differ(two, two.replace("then 4)", "then 2)"))
        self.differ(two, two.replace("TSC ticks", "ticks"))

    def test_wall_time(self):
        now = ("pvclock0: wall clock now: 1735689600.010468198 "
               "(2025-01-01 00:00:00 UTC)")
        self.same(now, "pvclock0: wall clock now: 1795688520.337186246 "
                  "(2026-11-26 10:22:00 UTC)")
        self.differ(now, now.replace("now", "then"))
        self.same("vmt0: host time 1735689600.013773 s (GETTIME)",
                  "vmt0: host time 1735689601.000002 s (GETTIME)")
        self.differ("vmt0: host time 1735689600.013773 s (GETTIME)",
                    "vmt0: host time 1735689600.013773 s (GETTIMEFULL)")
        sync = ("vmt0: time synchronized to the host: 1735689600.023906 "
                "s, guest was +0 us off")
        self.same(sync, sync.replace(".023906", ".020155")
                  .replace("+0 us", "-1 us"))

    def test_a_time_set_not_read_stays(self):
        zero = ("pvclock0: wall clock at kvmclock 0: 1735689600.000000000 "
                "(2025-01-01 00:00:00 UTC)")
        self.assertEqual(mask(zero), zero)
        self.differ(zero, zero.replace("1735689600", "1735689601"))
        self.differ(zero, zero.replace("00:00:00", "00:00:01"))
        self.differ(zero, zero.replace(".000000000", ".768340353"))


class PerRunTest(unittest.TestCase):
    def test_run_rules_leave_the_builds_parts(self):
        run = samples.PER_RUN
        self.assertEqual(mask("pvbus: x ns=5 y=1", rules=run),
                         mask("pvbus: x ns=7 y=1", rules=run))
        self.assertNotEqual(mask("# backtrace: 0x107872 <f+0x42>", rules=run),
                            mask("# backtrace: 0x107870 <f+0x40>", rules=run))
        names = {n for n, _ in samples.MASKS + samples.MATRIX_MASKS}
        self.assertLessEqual(set(run), names)


class RuleTableTest(unittest.TestCase):
    """docs/testing.md's table of mask rules names every rule, and no
    other."""

    def test_table_names_every_rule(self):
        path = os.path.join(os.path.dirname(os.path.dirname(
            os.path.dirname(os.path.abspath(__file__)))), "docs",
            "testing.md")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        after = text.split("**The mask rules.**", 1)[1].split("\n\n")
        table = next(p for p in after if p.startswith("| rule |"))
        named = set()
        for row in table.split("\n")[2:]:
            named |= {n.strip() for n in row.split("|")[1].split(",")}
        rules = {n for n, _ in samples.MASKS + samples.MATRIX_MASKS}
        self.assertEqual(named, rules)


class MatchTest(unittest.TestCase):
    def test_sample_found_across_builds(self):
        found, misses = match_block(numbered(CRASH), lines(CRASH_ELSEWHERE))
        self.assertEqual(misses, [])
        self.assertEqual(sorted(found.values()), list(range(10)))

    def test_elision_and_gaps(self):
        sample = numbered("# CRASH #GP (general protection), error 0x0, "
                          "in deliberate_fault\n...\n8 passed, 1 failed, "
                          "0 skipped")
        found, misses = match_block(sample, lines(CRASH))
        self.assertEqual((len(found), misses), (2, []))

    def test_order_counts(self):
        sample = numbered("8 passed, 1 failed, 0 skipped\n"
                          "# CRASH #GP (general protection), error 0x0, "
                          "in deliberate_fault")
        found, misses = match_block(sample, lines(CRASH))
        self.assertEqual(len(misses), 1)
        self.assertEqual(misses[0].lineno, 2)
        self.assertIsNone(misses[0].nearest_at)

    def test_an_edited_line_fails_and_names_the_nearest(self):
        edited = CRASH.replace("<selftest_fault+0xf3>",
                               "<selftest_fault_renamed+0xf3>")
        found, misses = match_block(numbered(edited, 40), lines(CRASH))
        self.assertEqual([m.lineno for m in misses], [47])
        self.assertEqual(misses[0].nearest_at, 7)
        self.assertGreater(misses[0].ratio, 0.8)
        self.assertEqual(len(found), 9)

    def test_indentation_counts(self):
        real = lines("  ok 1 vmt0\nok 7 pvbus_attach")
        _, misses = match_block(numbered("ok 1 vmt0"), real)
        self.assertEqual(len(misses), 1)
        _, misses = match_block(numbered("  ok 1 vmt0"), real)
        self.assertEqual(misses, [])

    def test_several_sources_in_order(self):
        real = lines("pvbus: hv vendor=kvm\nok 1 x") + \
            lines("PASS  fault-gp  0.38s  crash: #GP", "matrix")
        found, misses = match_block(numbered(
            "pvbus: hv vendor=kvm\nPASS  fault-gp  1.01s  crash: #GP"), real)
        self.assertEqual((found, misses), ({1: 0, 2: 2}, []))


if __name__ == "__main__":
    unittest.main()
