"""
Tests of cases.py: the case-file format and its errors, the keys the
hostile-input suite added (escaped and generated command lines, inputs,
verdict alternatives, tool cases, absent bytes), requires: and boots:,
and that every shipped case file parses.
"""

import os
import textwrap
import unittest

from . import cases, paths, verdict
from .testlib import CASE, CRASH_LOG, FAIL_LOG, PASS_LOG, log


class CaseTest(unittest.TestCase):

    def test_parse(self):
        c = cases.parse_case(textwrap.dedent(CASE), "x")
        self.assertEqual((c.boot, c.machine, c.memory, c.timeout),
                         ("pvh", "pc", "128M", 15.0))
        self.assertEqual(c.cmdline, 'a=1 flag key="two words"')
        self.assertEqual(c.qemu, ["-smp", "2", "-cpu", "max", "-accel",
                                  "tcg"])
        self.assertEqual([k for k, *_ in c.lines],
                         ["expect", "absent", "expect"])

    def test_defaults(self):
        c = cases.parse_case("boot: uefi\n", "u")
        self.assertEqual((c.verdict, c.timeout, c.serial, c.requires),
                         ("pass", 60.0, True, ["ovmf"]))

    def test_errors_name_the_line(self):
        for text, msg in [
                ("boot: pvh\ncolour: red\n", "line 2"),
                ("boot: floppy\n", "one of bios"),
                ("machine: pc\n", "no 'boot:'"),
                ("boot: pvh\nboot: bios\n", "given twice"),
                ("boot: pvh\nexpect: (\n", "line 2: expect"),
                ("boot: pvh\ncrashed: x\n", "verdict: crash"),
                ("boot: bios\nserial: none\nexpect: x\n", "serial: none"),
                ("boot: pvh\nmodule: a\nmodule: b\n", "one module"),
                ("boot: pvh\nrequires: gpu\n", "kvm")]:
            with self.assertRaises(cases.CaseError) as cm:
                cases.parse_case(text, "bad")
            self.assertIn(msg, str(cm.exception))

    def test_shipped_cases_parse(self):
        loaded = cases.load_cases(cases.CASES_DIR)
        self.assertGreaterEqual(len(loaded), 12)
        for c in loaded:
            self.assertEqual(c.error, "", c.name)

    def test_hostile_cases_parse(self):
        loaded = cases.load_cases(os.path.join(paths.REPO, "tests",
                                               "hostile"))
        self.assertGreaterEqual(len(loaded), 60)
        for c in loaded:
            self.assertEqual(c.error, "", c.name)
        self.assertTrue({"mkiso", "replay"} <= {c.tool for c in loaded})


class CaseKeysTest(unittest.TestCase):
    """The keys the hostile-input suite added to the case format."""

    def test_escaped_and_generated_command_lines(self):
        c = cases.parse_case('boot: pvh\ncmdline-escaped: a=1\\nok 4 x'
                             '\\e[2J\\xff\\"\n', "c")
        self.assertEqual(c.cmdline.encode("utf-8", "surrogateescape"),
                         b'a=1\nok 4 x\x1b[2J\xff"')
        c = cases.parse_case('boot: pvh\ncmdline-gen: "k=" 3*"ab" '
                             'pad(10,"x") " z"\n', "c")
        self.assertEqual(c.cmdline, "k=abababxx z")
        for text, msg in [
                ("boot: pvh\ncmdline-escaped: a\\q\n", "unknown escape \\q"),
                ("boot: pvh\ncmdline-escaped: a\\0\n", "NUL"),
                ("boot: pvh\ncmdline: a\ncmdline-gen: \"b\"\n",
                 "line 3: only one of"),
                ("boot: pvh\ncmdline-gen: 3*ab\n", "column 1: expected"),
                ('boot: pvh\ninput: x "a" junk\n', "column 5")]:
            with self.assertRaises(cases.CaseError) as cm:
                cases.parse_case(text, "bad")
            self.assertIn(msg, str(cm.exception))

    def test_gen_bytes(self):
        self.assertEqual(cases.gen_bytes('2*"a\\n" pad(7,"xy")'),
                         b"a\na\nxyx")
        r = cases.gen_bytes("random(64,7)")
        self.assertEqual((len(r), r), (64, cases.gen_bytes("random(64,7)")))
        self.assertNotEqual(r, cases.gen_bytes("random(64,8)"))
        self.assertEqual(cases.gen_bytes("file(tests/boot/cases/"
                                         "sim-vmware-module.tclo)")[:2],
                         b"# ")

    def test_verdict_alternatives_and_conditional_lines(self):
        c = cases.parse_case("boot: pvh\nverdict: crash|fail\n"
                             "failed: cmdline_parsed\n"
                             "expect: ^KTAP\n"
                             "expect: [fail] ^not ok \\d+ cmdline_parsed\n",
                             "c")
        self.assertEqual(c.verdicts, ("crash", "fail"))
        crash = verdict.classify(log(CRASH_LOG), 37)
        self.assertEqual(verdict.judge(c, crash, log(CRASH_LOG)), [])
        fail = verdict.classify(log(FAIL_LOG), 35)
        self.assertEqual(verdict.judge(c, fail, log(FAIL_LOG)), [])
        passed = verdict.classify(log(PASS_LOG), 33)
        self.assertEqual(verdict.judge(c, passed, log(PASS_LOG))[0],
                         "expected crash or fail, got pass: 5 ok, "
                         "1 skipped")
        other = log(FAIL_LOG.replace("cmdline_parsed", "memory_map_sane"))
        msgs = verdict.judge(c, verdict.classify(other, 35), other)
        self.assertTrue(any(m.startswith("no line matches expect: ^not ok "
                                         "\\d+ cmdline_parsed") for m in msgs),
                        msgs)
        with self.assertRaises(cases.CaseError) as cm:
            cases.parse_case("boot: pvh\nexpect: [halt] x\n", "c")
        self.assertIn("[halt] is not a verdict of this case",
                      str(cm.exception))

    def test_tool_cases(self):
        c = cases.parse_case("tool: replay\ninput: d \"x\"\nargs: @d -v\n"
                             "exit: 2\nexpect: ^pvbus-replay: \n", "t")
        self.assertEqual((c.tool, c.args, c.exit, c.timeout),
                         ("replay", ["@d", "-v"], 2, 20.0))
        c = cases.parse_case("tool: mkiso\ncmdline: a=\"b\nexit: nonzero"
                             "\n", "t")
        self.assertEqual((c.cmdline, c.exit), ('a="b', "nonzero"))
        for text, msg in [
                ("tool: qemu\n", "one of mkiso, replay"),
                ("tool: replay\n", "needs 'args:'"),
                ("tool: replay\nargs: x\ncmdline: a\n", "not a command"),
                ("tool: mkiso\nargs: x\n", "not 'args:'"),
                ("tool: mkiso\nverdict: fail\n", "'verdict:' is for boot"),
                ("tool: mkiso\nboot: pvh\n", "exclude each other"),
                ("boot: pvh\nexit: 1\n", "'exit:' is for 'tool:'"),
                ("tool: replay\nargs: @nothere\n", "@nothere: no 'input:"),
                ("tool: replay\nargs:\nexit: -1\n", "exit status 0-255")]:
            with self.assertRaises(cases.CaseError) as cm:
                cases.parse_case(text, "bad")
            self.assertIn(msg, str(cm.exception))

    def test_absent_byte(self):
        c = cases.parse_case("boot: pvh\nabsent-byte: \\e \\a \\x9b\n", "c")
        self.assertEqual(c.absent_bytes, b"\x1b\x07\x9b")
        data = b"\x1b[2JGRUB\r\npvbus testbed: x\r\n# a \x07b\r\n"
        msgs = verdict.check_bytes(data, c.absent_bytes)
        self.assertEqual(len(msgs), 1)      # GRUB's ESC does not count
        self.assertEqual(msgs, ["log holds byte 0x07 raw (log line 3): "
                                "b'pvbus testbed: x\\r\\n# a \\x07b\\r\\n'"])
        self.assertEqual(verdict.check_bytes(b"\x1b", b"\x1b", "output"),
                         ["output holds byte 0x1b raw (output line 1): "
                          "b'\\x1b'"])


class RequiresTest(unittest.TestCase):

    def test_qemu_version_requirement_parses_and_rejects_junk(self):
        c = cases.parse_case("boot: pvh\nrequires: kvm qemu>=8.0\n", "x")
        self.assertEqual(c.requires, ["kvm", "qemu>=8.0"])
        with self.assertRaises(cases.CaseError):
            cases.parse_case("boot: pvh\nrequires: qemu>=8\n", "x")
        with self.assertRaises(cases.CaseError):
            cases.parse_case("boot: pvh\nrequires: xen\n", "x")


class BootsKeyTest(unittest.TestCase):

    def test_boots_key(self):
        c = cases.parse_case("boot: pvh\nboots: 2\n", "x")
        self.assertEqual(c.boots, 2)
        with self.assertRaises(cases.CaseError):
            cases.parse_case("boot: pvh\nboots: 0\n", "x")
