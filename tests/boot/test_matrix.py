#!/usr/bin/env python3
"""
Self-test of the boot-matrix harness (matrix.py): synthetic serial logs
and QEMU exit codes go through parse_ktap(), classify() and judge(), and
a fake QEMU goes through the whole runner.  No real QEMU, no kernel.

    python3 tests/boot/test_matrix.py [-v]
"""

import contextlib
import io
import os
import shutil
import sys
import tempfile
import textwrap
import unittest

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
import types  # noqa: E402
from harness import (cases, cli, compare_host, ktap, paths,  # noqa: E402
                     qemu, readers, runner, tools, verdict)
# The harness was one file, matrix.py; its names, as these tests use
# them, are now those of the package's modules (until the tests move).
matrix = types.SimpleNamespace()
for _m in (paths, ktap, readers, verdict, cases, compare_host, qemu,
           tools, runner, cli):
    vars(matrix).update({k: v for k, v in vars(_m).items()
                         if not k.startswith("__")})
matrix.re = __import__("re")


def log(text):
    """A serial log as the kernel writes it: CRLF line ends."""
    return matrix.split_log(
        textwrap.dedent(text).lstrip("\n").replace("\n", "\r\n").encode())


PASS_LOG = """
    SeaBIOS (version 1.16.2)
    Booting from DVD/CD...

    KTAP version 1
    1..6
    mainbus0 at root
    # running boot_info_parsed
    ok 1 boot_info_parsed
    # running memory_map_sane
    ok 2 memory_map_sane
    # running cmdline_parsed
    # cmdline: key="two words"
    ok 3 cmdline_parsed
    # running exceptions_catchable
    ok 4 exceptions_catchable
    # running pvbus
      KTAP version 1
      # Subtest: pvbus
      1..2
      ok 1 hvbit
      ok 2 bases # SKIP no hypervisor bit
    ok 5 pvbus
    # running deliberate_fault
    ok 6 deliberate_fault # SKIP no fault= on the command line
    5 passed, 0 failed, 1 skipped
    """

FAIL_LOG = PASS_LOG.replace(
    "ok 3 cmdline_parsed", "# cmdline: expected 3 words, got 2\n"
    "    not ok 3 cmdline_parsed").replace(
    "5 passed, 0 failed", "4 passed, 1 failed")

CRASH_LOG = """
    KTAP version 1
    1..3
    # running boot_info_parsed
    ok 1 boot_info_parsed
    # running deliberate_fault
    # CRASH #GP (general protection) error 0x0 in deliberate_fault
    # rip 0x0000000000102345 rflags 0x10046
    # rax 0x0 rbx 0x0 rcx 0x0 rdx 0x0
    not ok 2 deliberate_fault # crashed: #GP at 0x102345
    ok 3 pvbus # SKIP not run: crashed in deliberate_fault
    1 passed, 1 failed, 1 skipped
    """

NESTED_CRASH_LOG = """
    KTAP version 1
    1..2
    ok 1 boot_info_parsed
    # running pvbus
      KTAP version 1
      # Subtest: pvbus
      1..3
      ok 1 hvbit
      # running hypercall
      # CRASH #UD (invalid opcode) error 0x0 in pvbus
      # rip 0x104000
      not ok 2 hypercall # crashed: #UD at 0x104000
    not ok 2 pvbus # crashed: #UD at 0x104000
    1 passed, 1 failed, 0 skipped
    """


class ClassifyTest(unittest.TestCase):

    def test_pass(self):
        o = matrix.classify(log(PASS_LOG), 33)
        self.assertEqual(o.verdict, "pass")
        self.assertEqual(o.problems, [])
        self.assertEqual(o.detail, "pass: 5 ok, 1 skipped")

    def test_fail_names_failed_tests(self):
        o = matrix.classify(log(FAIL_LOG), 35)
        self.assertEqual(o.verdict, "fail")
        self.assertEqual(o.problems, [])
        self.assertEqual(o.failed, ["cmdline_parsed"])
        self.assertIn("1 failed (cmdline_parsed)", o.detail)

    def test_crash_names_test_vector_and_rip(self):
        o = matrix.classify(log(CRASH_LOG), 37)
        self.assertEqual(o.verdict, "crash")
        self.assertEqual(o.problems, [])
        self.assertIn("deliberate_fault", o.crashed)
        self.assertEqual((o.vector, o.rip), ("#GP", "0x102345"))
        self.assertEqual(o.detail,
                         "crash: #GP in deliberate_fault at 0x102345")

    def test_crash_in_subtest_names_both(self):
        o = matrix.classify(log(NESTED_CRASH_LOG), 37)
        self.assertEqual(o.verdict, "crash")
        # The crash cut the subtests short: 2 of 3 is no plan violation.
        self.assertEqual(o.problems, [])
        self.assertEqual(o.crashed, ["pvbus", "hypercall",
                                     "pvbus/hypercall"])
        self.assertIn("#UD in pvbus > hypercall", o.detail)

    def test_crash_status_without_crashed_line(self):
        o = matrix.classify(log(PASS_LOG), 37)
        self.assertEqual(o.verdict, "crash")
        self.assertTrue(any("no '# crashed:'" in p for p in o.problems))

    def test_crash_before_the_plan(self):
        text = """
            # CRASH #PF (page fault), error 0x0, in no test
            # page fault: not-present page on read at cr2 0x5a8
            # rip 0x0000000000101c60 cs 0x08 rflags 0x00000046
            # crashed before the KTAP plan: #PF at 0x101c60
            """
        o = matrix.classify(log(text), 37)
        self.assertEqual((o.verdict, o.problems), ("crash", []))
        self.assertEqual((o.vector, o.rip), ("#PF", "0x101c60"))
        self.assertEqual(o.detail, "crash: #PF before the KTAP report at "
                         "0x101c60")
        c = matrix.parse_case("boot: pvh\nverdict: crash\n"
                              "crashed: deliberate_fault\n", "c")
        self.assertEqual(matrix.judge(c, o, log(text)),
                         ["expected a crash in deliberate_fault, got one "
                          "in no test"])

    def test_truncated_stream_misses_plan(self):
        lines = log(PASS_LOG)
        cut = lines.index("ok 3 cmdline_parsed") + 1
        o = matrix.classify(lines[:cut], 33)
        self.assertEqual(o.verdict, "pass")
        self.assertIn("plan not met: 3 of 6 results", o.problems)
        self.assertTrue(any("no totals" in p for p in o.problems))

    def test_pass_status_with_not_ok_is_inconsistent(self):
        o = matrix.classify(log(FAIL_LOG), 33)
        self.assertTrue(any("exit status pass but" in p and
                            "cmdline_parsed" in p for p in o.problems))

    def test_fail_status_without_not_ok_is_inconsistent(self):
        o = matrix.classify(log(PASS_LOG), 35)
        self.assertTrue(any("no test is 'not ok'" in p
                            for p in o.problems))

    def test_totals_must_agree(self):
        o = matrix.classify(log(PASS_LOG.replace("5 passed", "6 passed")),
                            33)
        self.assertTrue(any("totals say 6 passed" in p for p in o.problems))

    def test_plan_after_results_and_bad_numbering(self):
        text = """
            KTAP version 1
            ok 1 a
            1..3
            ok 3 b
            ok 4 c
            2 passed, 0 failed, 0 skipped
            """
        o = matrix.classify(log(text), 33)
        self.assertIn("line 2: result before the plan", o.problems)
        self.assertIn("line 3: plan after the first result", o.problems)
        self.assertIn("line 4: result numbered 3, expected 2", o.problems)

    def test_parent_ok_with_failed_subtest(self):
        text = PASS_LOG.replace("  ok 1 hvbit", "  not ok 1 hvbit")
        o = matrix.classify(log(text), 33)
        self.assertTrue(any("pvbus is ok but a subtest failed" in p
                            for p in o.problems))

    def test_subtest_plan_not_met(self):
        text = PASS_LOG.replace("  1..2", "  1..3")
        o = matrix.classify(log(text), 33)
        self.assertIn("plan not met in subtests of pvbus: 2 of 3 results",
                      o.problems)

    def test_timeout_names_running_test(self):
        lines = log(PASS_LOG)
        cut = lines.index("# running cmdline_parsed") + 1
        o = matrix.classify(lines[:cut], 0, timed_out=True)
        self.assertEqual(o.verdict, "timeout")
        self.assertEqual(o.running, "cmdline_parsed")
        self.assertEqual(o.detail, "timeout in cmdline_parsed")
        self.assertEqual(o.problems, [])   # incomplete is no problem here

    def test_timeout_in_subtest(self):
        lines = log(PASS_LOG.replace("  ok 2 bases",
                                     "  # running bases\n      ok 2 bases"))
        cut = lines.index("  # running bases") + 1
        o = matrix.classify(lines[:cut], 0, timed_out=True)
        self.assertEqual(o.detail, "timeout in pvbus > bases")

    def test_timeout_between_tests_and_before_report(self):
        lines = log(PASS_LOG)
        cut = lines.index("ok 2 memory_map_sane") + 1
        o = matrix.classify(lines[:cut], 0, timed_out=True)
        self.assertEqual(o.detail, "timeout after ok 2 memory_map_sane")
        o = matrix.classify(["SeaBIOS"], 0, timed_out=True)
        self.assertEqual(o.detail, "timeout before the KTAP report")

    def test_noreport_exit_0_is_reset(self):
        o = matrix.classify(log("SeaBIOS (version 1.16.2)\n"), 0)
        self.assertEqual(o.verdict, "noreport")
        self.assertIn("reset or triple fault", o.detail)

    def test_noreport_exit_1_shows_stderr(self):
        err = ("qemu-system-x86_64: warning: host doesn't support x\n"
               "qemu-system-x86_64: -kernel build/kernel.elf: Error "
               "loading uncompressed kernel without PVH ELF Note\n")
        o = matrix.classify([], 1, stderr=err)
        self.assertEqual(o.verdict, "noreport")
        self.assertIn("QEMU could not start: qemu-system-x86_64: -kernel",
                      o.detail)

    def test_reset_after_report_began(self):
        lines = log(PASS_LOG)
        cut = lines.index("# running exceptions_catchable") + 1
        o = matrix.classify(lines[:cut], 0)
        self.assertEqual(o.verdict, "reset")
        self.assertIn("in exceptions_catchable", o.detail)

    def test_panic_halt_booterr_and_odd_codes(self):
        lines = log(PASS_LOG)
        cut = lines.index("# running cmdline_parsed") + 1
        o = matrix.classify(lines[:cut] + ["panic: cmdline: no words"], 41)
        self.assertEqual(o.verdict, "panic")
        self.assertEqual(o.detail,
                         "panic in cmdline_parsed: cmdline: no words")
        o = matrix.classify(["# panic: bootinfo: no magic"], 41)
        self.assertEqual(o.detail, "panic: bootinfo: no magic")
        self.assertEqual(matrix.classify([], 43).verdict, "halt")
        self.assertEqual(matrix.classify([], 39).verdict, "booterr")
        o = matrix.classify([], 45)
        self.assertEqual((o.verdict, o.detail),
                         ("error", "error: QEMU exit 45 = unknown status "
                          "0x16"))
        self.assertIn("signal 9", matrix.classify([], -9).detail)

    def test_pass_status_without_report(self):
        o = matrix.classify(log("SeaBIOS\n"), 33)
        self.assertTrue(any("no 'KTAP version 1'" in p for p in o.problems))

    def test_serial_none_judges_status_only(self):
        o = matrix.classify([], 33, serial=False)
        self.assertEqual((o.verdict, o.problems), ("pass", []))
        self.assertEqual(matrix.classify([], 0, serial=False).verdict,
                         "noreport")

    def test_noise_before_version_on_its_line(self):
        # The harness still finds the report, but kunit.py would cut as
        # many characters from every later line: that is a problem.
        lines = log(PASS_LOG)
        i = lines.index("KTAP version 1")
        lines[i] = "\x1b[0mBdsDxe: starting Boot0001KTAP version 1"
        o = matrix.classify(lines, 33)
        self.assertEqual(o.verdict, "pass")
        self.assertEqual(o.problems, [
            "line 4: 29 characters before 'KTAP version 1': kunit.py cuts "
            "as many from every later line"])


CASE = """
    # a comment
    boot: pvh
    machine: pc
    cmdline: a=1 flag key="two words"
    qemu: -smp 2 -cpu max
    qemu: -accel tcg
    verdict: crash
    crashed: deliberate_fault

    expect: ^KTAP version 1
    absent: ^not ok \\d+ boot_info_parsed
    expect: ^not ok \\d+ deliberate_fault # crashed: #GP
    """


class CaseTest(unittest.TestCase):

    def test_parse(self):
        c = matrix.parse_case(textwrap.dedent(CASE), "x")
        self.assertEqual((c.boot, c.machine, c.memory, c.timeout),
                         ("pvh", "pc", "128M", 15.0))
        self.assertEqual(c.cmdline, 'a=1 flag key="two words"')
        self.assertEqual(c.qemu, ["-smp", "2", "-cpu", "max", "-accel",
                                  "tcg"])
        self.assertEqual([k for k, *_ in c.lines],
                         ["expect", "absent", "expect"])

    def test_defaults(self):
        c = matrix.parse_case("boot: uefi\n", "u")
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
            with self.assertRaises(matrix.CaseError) as cm:
                matrix.parse_case(text, "bad")
            self.assertIn(msg, str(cm.exception))

    def test_shipped_cases_parse(self):
        cases = matrix.load_cases(matrix.CASES_DIR)
        self.assertGreaterEqual(len(cases), 12)
        for c in cases:
            self.assertEqual(c.error, "", c.name)

    def test_hostile_cases_parse(self):
        cases = matrix.load_cases(os.path.join(matrix.REPO, "tests",
                                               "hostile"))
        self.assertGreaterEqual(len(cases), 60)
        for c in cases:
            self.assertEqual(c.error, "", c.name)
        self.assertTrue({"mkiso", "replay"} <= {c.tool for c in cases})


class JudgeTest(unittest.TestCase):

    def case(self, text):
        return matrix.parse_case(textwrap.dedent(text), "t")

    def test_crash_case_passes(self):
        c = self.case(CASE.replace("crash: #GP", "crashed: #GP"))
        lines = log(CRASH_LOG)
        self.assertEqual(matrix.judge(c, matrix.classify(lines, 37),
                                      lines), [])

    def test_verdict_mismatch_comes_first(self):
        c = self.case("boot: bios\nexpect: ^ok \\d+ cmdline_parsed\n")
        lines = log(PASS_LOG)
        lines = lines[:lines.index("# running cmdline_parsed") + 1]
        msgs = matrix.judge(c, matrix.classify(lines, 0, timed_out=True),
                            lines)
        self.assertEqual(msgs[0],
                         "expected pass, got timeout in cmdline_parsed")
        self.assertIn("no line matches expect: ^ok \\d+ cmdline_parsed",
                      msgs[1])

    def test_expect_order_is_strict(self):
        lines = ["a", "b", "a"]
        exp = [("expect", r, matrix.re.compile(r), 0) for r in
               ("^b", "^a", "^a")]
        msgs = matrix.match_lines(exp, lines)
        self.assertEqual(len(msgs), 1)
        self.assertIn("after log line 3 ('a')", msgs[0])
        self.assertEqual(matrix.match_lines(exp[:2], lines), [])

    def test_only_first_missing_expect_reported(self):
        exp = [("expect", r, matrix.re.compile(r), 0) for r in "xyz"]
        self.assertEqual(len(matrix.match_lines(exp, ["q"])), 1)

    def test_absent(self):
        c = self.case("boot: pvh\nverdict: fail\nabsent: ^not ok\n")
        lines = log(FAIL_LOG)
        msgs = matrix.judge(c, matrix.classify(lines, 35), lines)
        self.assertEqual(len(msgs), 1)
        self.assertIn("matches absent: ^not ok", msgs[0])

    def test_wrong_crashed_test_and_failed_set(self):
        c = self.case("boot: pvh\nverdict: crash\ncrashed: other\n")
        lines = log(CRASH_LOG)
        msgs = matrix.judge(c, matrix.classify(lines, 37), lines)
        self.assertEqual(msgs, ["expected a crash in other, got one in "
                                "deliberate_fault"])
        c = self.case("boot: pvh\nverdict: fail\nfailed: memory_map_sane\n")
        lines = log(FAIL_LOG)
        msgs = matrix.judge(c, matrix.classify(lines, 35), lines)
        self.assertEqual(msgs, ["expected failed tests memory_map_sane, "
                                "got cmdline_parsed"])

    def test_ktap_problems_fail_any_case(self):
        c = self.case("boot: pvh\n")
        lines = log(PASS_LOG)
        lines = lines[:lines.index("ok 3 cmdline_parsed") + 1]
        msgs = matrix.judge(c, matrix.classify(lines, 33), lines)
        self.assertIn("KTAP: plan not met: 3 of 6 results", msgs)


FAKE_QEMU = r'''#!/usr/bin/env python3
# Pretends to be qemu-system-x86_64: writes the log named by the command
# line "mode=NAME" to the -serial file, then exits as the kernel would.
import sys, time
args = sys.argv[1:]
serial = args[args.index("-serial") + 1]
if "-append" in args:
    cmdline = args[args.index("-append") + 1]
else:                           # the fake mkiso's "ISO" is the cmdline
    cmdline = open(args[args.index("-cdrom") + 1]).read()
mode = cmdline.split("=")[1]
text = open("%(dir)s/" + mode + ".log").read()
if serial.startswith("file:"):
    with open(serial[5:], "w") as f:
        f.write(text)
if mode == "hang":
    time.sleep(60)
sys.exit({"pass": 33, "crash": 37, "hang": 0}[mode])
'''


FAKE_MKISO = """#!/bin/sh
printf '%%s' "$3" > "$1"
echo "$3" >> %(dir)s/mkiso.calls
"""


class RunnerTest(unittest.TestCase):
    """The runner end to end, with a fake QEMU: parallel runs, the
    timeout kill, the case lines and the closing count."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="matrix-test-")
        d = self.dir
        hang = "\n".join(log(PASS_LOG)[:12])
        for mode, text in (("pass", "\n".join(log(PASS_LOG))),
                           ("crash", "\n".join(log(CRASH_LOG))),
                           ("hang", hang)):
            with open(os.path.join(d, mode + ".log"), "w") as f:
                f.write(text)
        self.qemu = os.path.join(d, "qemu")
        with open(self.qemu, "w") as f:
            f.write(FAKE_QEMU % {"dir": d})
        os.chmod(self.qemu, 0o755)
        self.mkiso = os.path.join(d, "mkiso")
        with open(self.mkiso, "w") as f:
            f.write(FAKE_MKISO % {"dir": d})
        os.chmod(self.mkiso, 0o755)
        open(os.path.join(d, "kernel.elf"), "w").close()
        os.mkdir(os.path.join(d, "cases"))
        for name, text in (
                ("a-pass", "boot: pvh\ncmdline: mode=pass\n"
                 "expect: ^ok \\d+ cmdline_parsed\n"),
                ("b-crash", "boot: pvh\ncmdline: mode=crash\n"
                 "verdict: crash\ncrashed: deliberate_fault\n"),
                ("c-hang", "boot: pvh\ncmdline: mode=hang\ntimeout: 1\n"),
                ("d-wrong", "boot: pvh\ncmdline: mode=crash\n"),
                ("e-kvm", "boot: pvh\nrequires: kvm\ncmdline: mode=pass\n"
                 "qemu: -accel kvm\n"),
                ("iso-1", "boot: bios\ncmdline: mode=pass\n"),
                ("iso-2", "boot: bios\nmachine: pc\ncmdline: mode=pass\n"),
                ("iso-3", "boot: bios\ncmdline: mode=crash\n"
                 "verdict: crash\n")):
            with open(os.path.join(d, "cases", name + ".case"), "w") as f:
                f.write(text)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_matrix(self, *extra):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = matrix.main(["--cases", os.path.join(self.dir, "cases"),
                              "--build", self.dir, "--qemu", self.qemu,
                              "--mkiso", self.mkiso, "--no-prove",
                              "--no-kunit", "-j", "4"] + list(extra))
        return rc, out.getvalue().splitlines()

    def test_run(self):
        rc, out = self.run_matrix("-k", "[a-e]-*")
        by = {l.split()[1]: l for l in out if l[:4] in ("PASS", "FAIL",
                                                        "SKIP")}
        self.assertEqual(rc, 1)
        self.assertRegex(by["a-pass"], r"^PASS  a-pass .* pass: 5 ok, "
                         r"1 skipped$")
        self.assertRegex(by["b-crash"], r"^PASS .* crash: #GP in "
                         r"deliberate_fault at 0x102345")
        self.assertRegex(by["c-hang"], r"^FAIL  c-hang .*expected pass, "
                         r"got timeout in cmdline_parsed$")
        self.assertRegex(by["d-wrong"], r"^FAIL .* expected pass, got "
                         r"crash: #GP in deliberate_fault")
        self.assertIn("log: ", out[out.index(by["d-wrong"]) + 1])
        self.assertTrue(by["e-kvm"].startswith(("PASS", "SKIP")))
        skipped = by["e-kvm"].startswith("SKIP")
        self.assertEqual(out[-1], "%d passed, 2 failed%s" % (
            3 - skipped, ", 1 skipped" if skipped else ""))
        logs = os.path.join(self.dir, "test-logs")
        self.assertTrue(os.path.exists(os.path.join(logs, "c-hang.log")))
        self.assertTrue(os.path.exists(os.path.join(logs,
                                                    "c-hang.stderr")))

    def test_one_iso_per_command_line(self):
        why = matrix.Host("qemu-system-x86_64", self.dir).missing(
            matrix.parse_case("boot: bios\n", "x"))
        if why:
            self.skipTest(why)
        rc, out = self.run_matrix("-k", "iso")
        self.assertEqual((rc, out[-1]), (0, "3 passed, 0 failed"))
        with open(os.path.join(self.dir, "mkiso.calls")) as f:
            self.assertEqual(sorted(f.read().split()),
                             ["mode=crash", "mode=pass"])

    def test_select_and_list(self):
        rc, out = self.run_matrix("-k", "pass", "-k", "b-*")
        self.assertEqual((rc, out[-1]), (0, "2 passed, 0 failed"))
        rc, out = self.run_matrix("--list", "-k", "hang")
        self.assertEqual(rc, 0)
        self.assertEqual(len(out), 1)
        self.assertTrue(out[0].startswith("c-hang"))


# compare-host: the kernel's log of a replay boot (PVH, so the module has
# no name) and what build/host/pvbus-replay prints for the same dump.
REPLAY_LOG = r"""
    KTAP version 1
    1..4
    # running hv_backend
    # backend replay
    ok 1 hv_backend
    # running pvbus_identify
    pvbus: hv base=0x40000000 sig="KVMKVMKVM\0\0\0" vendor=kvm primary=yes
    pvbus: replay profile="" rows=3 vendor=GenuineIntel synthesised=1
      KTAP version 1
      # Subtest: pvbus_identify
      1..1
      # CPUID.1:ECX[31] = 1
      ok 1 hypervisor_bit
    ok 2 pvbus_identify
    # running pvbus_attach
    pvbus0 at mainbus0: KVM [replay]
    pvbus0: 0x40000000: "KVMKVMKVM\0\0\0", max leaf 0x40000001, primary
    pvbus: 0 attached, 0 failed
    ok 3 pvbus_attach
    # running deliberate_fault
    ok 4 deliberate_fault # SKIP no fault= on the command line
    3 passed, 0 failed, 1 skipped
    """

HOST_OUT = r"""

    KTAP version 1
    1..2
    # running pvbus_identify
    pvbus: hv base=0x40000000 sig="KVMKVMKVM\0\0\0" vendor=kvm primary=yes
    pvbus: replay profile="kvm.txt" rows=3 vendor=GenuineIntel synthesised=1
      KTAP version 1
      # Subtest: pvbus_identify
      1..1
      # CPUID.1:ECX[31] = 1
      ok 1 hypervisor_bit
    ok 1 pvbus_identify
    # running pvbus_attach
    pvbus0 at mainbus0: KVM [replay: kvm.txt]
    pvbus0: 0x40000000: "KVMKVMKVM\0\0\0", max leaf 0x40000001, primary
    pvbus: 0 attached, 0 failed
    ok 2 pvbus_attach
    2 passed, 0 failed, 0 skipped
    """


def host(text=HOST_OUT, name="kvm.txt", new=""):
    """The tool's output for a dump called name, renamed as the kernel
    would name the module (PVH: no name)."""
    return matrix.rename_profile(log(text.replace("kvm.txt", name)),
                                 name, new)


class CompareHostTest(unittest.TestCase):

    def test_case_key(self):
        c = matrix.parse_case("boot: pvh\ncmdline: a=1 hv=replay\n"
                              "module: d.txt\ncompare-host: yes\n", "r")
        self.assertTrue(c.compare_host)
        c = matrix.parse_case("boot: pvh\ncompare-host: no\n", "r")
        self.assertFalse(c.compare_host)
        self.assertFalse(matrix.parse_case("boot: pvh\n", "r").compare_host)
        for text, msg in [
                ("boot: pvh\ncmdline: hv=replay\ncompare-host: yes\n",
                 "needs a 'module:'"),
                ("boot: pvh\nmodule: d.txt\ncompare-host: yes\n",
                 "needs hv=replay"),
                ("boot: pvh\nmodule: d.txt\ncmdline: hv=replayx\n"
                 "compare-host: yes\n", "needs hv=replay"),
                ("boot: pvh\nmodule: d.txt\ncmdline: hv=replay\n"
                 "serial: none\ncompare-host: yes\n", "serial log"),
                ("boot: pvh\ncompare-host: maybe\n", "line 2: "
                 "compare-host: yes or no"),
                ("boot: pvh\ncompare-host: no\ncompare-host: no\n",
                 "given twice")]:
            with self.assertRaises(matrix.CaseError) as cm:
                matrix.parse_case(text, "bad")
            self.assertIn(msg, str(cm.exception))

    def test_block_masks_the_result_number(self):
        start, block = matrix.ktap_block(log(REPLAY_LOG), "pvbus_attach")
        self.assertEqual(block, [
            "pvbus0 at mainbus0: KVM [replay]",
            'pvbus0: 0x40000000: "KVMKVMKVM\\0\\0\\0", max leaf '
            '0x40000001, primary',
            "pvbus: 0 attached, 0 failed", "ok N pvbus_attach"])
        self.assertEqual(log(REPLAY_LOG)[start], block[0])
        # The subtest's own "ok 1 hypervisor_bit" does not end the block.
        _, block = matrix.ktap_block(log(REPLAY_LOG), "pvbus_identify")
        self.assertEqual(block[-1], "ok N pvbus_identify")
        self.assertIn("  ok 1 hypervisor_bit", block)
        self.assertIsNone(matrix.ktap_block(log(REPLAY_LOG), "absent"))
        cut = log(REPLAY_LOG)[:-6]     # stops inside pvbus_attach
        self.assertIsNone(matrix.ktap_block(cut, "pvbus_attach"))

    def test_same_blocks_agree(self):
        self.assertEqual(matrix.compare_blocks(log(REPLAY_LOG), host()),
                         [])

    def test_name_must_be_renamed(self):
        msgs = matrix.compare_blocks(log(REPLAY_LOG), host(new="kvm.txt"))
        self.assertEqual(len(msgs), 2)
        self.assertIn("pvbus_identify differs at its line 2: kernel "
                      "'pvbus: replay profile=\"\" ", msgs[0])
        self.assertIn("pvbus_attach differs at its line 1: kernel "
                      "'pvbus0 at mainbus0: KVM [replay]' (log line 16), "
                      "pvbus-replay 'pvbus0 at mainbus0: KVM [replay: "
                      "kvm.txt]'", msgs[1])

    def test_first_difference_is_named(self):
        other = host(HOST_OUT.replace("max leaf 0x40000001",
                                      "max leaf 0x40000002")
                     .replace("ok 2 pvbus_attach",
                              "not ok 2 pvbus_attach"))
        msgs = matrix.compare_blocks(log(REPLAY_LOG), other)
        self.assertEqual(len(msgs), 1)
        self.assertIn("pvbus_attach differs at its line 2: ", msgs[0])
        self.assertIn("(log line 17)", msgs[0])
        self.assertIn("0x40000002", msgs[0])

    def test_result_and_length_count(self):
        other = host(HOST_OUT.replace("ok 1 pvbus_identify",
                                      "not ok 1 pvbus_identify"))
        msgs = matrix.compare_blocks(log(REPLAY_LOG), other)
        self.assertEqual(msgs, [
            "compare-host: pvbus_identify differs at its line 8: kernel "
            "'ok N pvbus_identify' (log line 14), pvbus-replay "
            "'not ok N pvbus_identify'"])
        longer = host(HOST_OUT.replace(
            "pvbus: 0 attached", "pvbus0: extra\n    pvbus: 0 attached"))
        msgs = matrix.compare_blocks(log(REPLAY_LOG), longer)
        self.assertIn("line 3: kernel 'pvbus: 0 attached, 0 failed' (log "
                      "line 18), pvbus-replay 'pvbus0: extra'", msgs[0])
        shorter = [l for l in log(REPLAY_LOG) if "attached" not in l]
        msgs = matrix.compare_blocks(shorter, host())
        self.assertIn("line 3: kernel 'ok N pvbus_attach'", msgs[0])

    def test_missing_block(self):
        lines = [l for l in log(REPLAY_LOG) if "pvbus_identify" not in l]
        msgs = matrix.compare_blocks(lines, host())
        self.assertEqual(msgs, [
            "compare-host: the kernel's log has no pvbus_identify block "
            "(no '# running pvbus_identify' followed by its result)"])
        msgs = matrix.compare_blocks(log(REPLAY_LOG), [])
        self.assertEqual(len(msgs), 2)
        self.assertIn("pvbus-replay's output has no pvbus_identify", msgs[0])

    def test_module_name(self):
        def name(text):
            return matrix.module_name(matrix.parse_case(
                text + "cmdline: hv=replay\ncompare-host: yes\n", "m"))
        self.assertEqual(name("boot: bios\nmodule: tests/d/x.txt\n"),
                         "x.txt")
        self.assertEqual(name("boot: uefi\nmodule: tests/d/x.txt=a/b c\n"),
                         "b c")
        self.assertEqual(name("boot: pvh\nmodule: tests/d/x.txt\n"), "")


FAKE_REPLAY = r"""#!/bin/sh
# Pretends to be build/host/pvbus-replay: prints %(dir)s/host.out with
# the dump's base name in it; "diff" in the name changes the attach line.
name=$(basename "$1")
case $name in
*diff*) sed -e "s/kvm\.txt/$name/" -e "s/: KVM /: Xen 4.11 /" \
	%(dir)s/host.out ;;
*) sed "s/kvm\.txt/$name/" %(dir)s/host.out ;;
esac
"""

FAKE_QEMU_REPLAY = r"""#!/bin/sh
# Pretends to be QEMU booting a replay: writes the log, exits 33 (pass).
while [ $# -gt 0 ]; do
	[ "$1" = -serial ] && serial=${2#file:}
	shift
done
cat %(dir)s/kernel.log > "$serial"
exit 33
"""


class CompareHostRunnerTest(unittest.TestCase):
    """compare-host through the runner, with a fake QEMU and a fake
    build/host/pvbus-replay."""

    def setUp(self):
        self.dir = d = tempfile.mkdtemp(prefix="matrix-test-")
        os.makedirs(os.path.join(d, "host"))
        os.mkdir(os.path.join(d, "cases"))
        open(os.path.join(d, "kernel.elf"), "w").close()
        with open(os.path.join(d, "kernel.log"), "w") as f:
            f.write("\r\n".join(log(REPLAY_LOG)) + "\r\n")
        with open(os.path.join(d, "host.out"), "w") as f:
            f.write("\n".join(log(HOST_OUT)) + "\n")
        for path, text in ((os.path.join(d, "qemu"), FAKE_QEMU_REPLAY),
                           (os.path.join(d, "host", "pvbus-replay"),
                            FAKE_REPLAY)):
            with open(path, "w") as f:
                f.write(text % {"dir": d})
            os.chmod(path, 0o755)
        for name in ("kvm-same", "kvm-diff"):
            with open(os.path.join(d, "cases", name + ".case"), "w") as f:
                f.write("boot: pvh\ncmdline: hv=replay\nmodule: %s/%s.txt\n"
                        "compare-host: yes\n" % (d, name))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_matrix(self, *extra):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = matrix.main(["--cases", os.path.join(self.dir, "cases"),
                              "--build", self.dir, "--qemu",
                              os.path.join(self.dir, "qemu"), "--no-prove",
                              "--no-kunit", "-j", "2"] + list(extra))
        return rc, out.getvalue().splitlines()

    def test_run(self):
        rc, out = self.run_matrix()
        self.assertEqual(rc, 1)
        self.assertEqual(out[-1], "1 passed, 1 failed")
        by = {l.split()[1]: i for i, l in enumerate(out)
              if l[:4] in ("PASS", "FAIL")}
        self.assertTrue(out[by["kvm-same"]].startswith("PASS"))
        self.assertTrue(out[by["kvm-diff"]].startswith("FAIL"))
        self.assertIn("compare-host: pvbus_attach differs at its line 1: "
                      "kernel 'pvbus0 at mainbus0: KVM [replay]' (log line "
                      "16), pvbus-replay 'pvbus0 at mainbus0: Xen 4.11 "
                      "[replay]'", out[by["kvm-diff"] + 1])

    def test_missing_tool_fails_the_case(self):
        os.unlink(os.path.join(self.dir, "host", "pvbus-replay"))
        rc, out = self.run_matrix("-k", "kvm-same")
        self.assertEqual(rc, 1)
        self.assertTrue(out[0].startswith("FAIL  kvm-same "))
        self.assertRegex(out[1], r"^ +compare-host: .*/host/pvbus-replay "
                         r"missing \(make host-tools\)$")


# ---------------------------------------------------- the other readers

# test_matrix.py --no-prove / --no-kunit: leave that reader out of the
# tests below that run the real programs (they fail, not skip, when a
# reader is missing and was not left out).
NO_READER = set()


def forge(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


# User text that reached the log raw, one way per stream: each must fail
# the harness, whatever prove or kunit.py make of it.  With each, what
# the two readers do (checked against the real programs below): True =
# the reader passes it.
DIAG = '# cmdline: key="two words"'
FORGED = {
    # A result line of its own, numbered as the next one.
    "forged-ok": (forge(PASS_LOG, DIAG, '# cmdline: "a\n    ok 3 fake'),
                  False, True,
                  "line 14: result numbered 3, expected 4"),
    # TAP takes "ok" without a number as a test too.
    "forged-ok-no-number": (forge(PASS_LOG, DIAG,
                                  '# cmdline: "a\n    ok fake'),
                            False, True, "line 13: prove reads a test "
                            "result the harness does not: 'ok fake'"),
    # kunit.py reads " # SKIP" anywhere in a result line as a skip.
    "skip-in-reason": (forge(FAIL_LOG, "not ok 3 cmdline_parsed",
                             'not ok 3 cmdline_parsed # key "x # SKIP y"'),
                       False, True, "line 14: kunit.py reads a skip in "),
    "skip-directive-on-not-ok": (forge(FAIL_LOG, "not ok 3 cmdline_parsed",
                                       "not ok 3 cmdline_parsed # SKIP y"),
                                 False, True, "line 14: prove reads a SKIP "
                                 "directive in "),
    # prove passes a failed test with a TODO directive.
    "todo": (forge(FAIL_LOG, "not ok 3 cmdline_parsed",
                   "not ok 3 cmdline_parsed # TODO y"),
             True, False, "line 14: prove reads a TODO directive in "),
    "bail-out": (forge(PASS_LOG, DIAG, '# cmdline: "a\n    Bail out! x'),
                 False, True, "line 13: 'Bail out!' stops prove: "),
    "bail-out-indented": (forge(PASS_LOG, DIAG,
                                '# cmdline: "a\n        Bail out! x'),
                          False, True, "line 13: 'Bail out!' stops prove"),
    # kunit.py stops at a line holding this, wherever it is in the line.
    "reboot-halted": (forge(PASS_LOG, DIAG,
                            '# cmdline: "a\n    reboot: System halted'),
                      True, False, "line 13: kunit.py stops reading here"),
    "reboot-halted-in-text": (forge(PASS_LOG, DIAG,
                                    '# cmdline: "reboot: System halted"'),
                              True, False, "line 12: kunit.py stops "
                              "reading here"),
    "second-plan": (forge(PASS_LOG, DIAG, '# cmdline: "a\n    1..2'),
                    False, True, "line 13: a second plan"),
    # TAP before the report: prove reads the whole log.
    "tap-before-report": (forge(PASS_LOG, "Booting from DVD/CD...",
                                "Booting\n    1..1\n    ok 1 forged"),
                          False, True, "line 3, before the report: prove "
                          "reads it as TAP: '1..1'"),
    # kunit.py starts a nested test at any "# Subtest:" line.
    "subtest-header": (forge(PASS_LOG, DIAG, "# Subtest: evil"),
                       True, False, "line 12: kunit.py reads a subtest "
                       "header where no nested document starts"),
    # Python's text reading splits at a lone carriage return: kunit.py
    # sees a forged result line that prove and the harness do not.
    "carriage-return": (forge(PASS_LOG, DIAG, '# cmdline: "a\rok 3 x"'),
                        True, True, "line 12: a carriage return inside "
                        "the line"),
    "second-totals": (forge(PASS_LOG, DIAG,
                            "# x\n    5 passed, 0 failed, 1 skipped"),
                      True, True, "line 26: a second totals line (the "
                      "first is line 13)"),
}


class HazardTest(unittest.TestCase):
    """The harness's classifier fails every forged stream, with the
    line that makes it differ, and passes none of them."""

    def test_forged_streams_fail_the_harness(self):
        for name, (text, _, _, why) in FORGED.items():
            with self.subTest(name):
                lines = log(text)
                status = 35 if "not ok" in text else 33
                o = matrix.classify(lines, status)
                self.assertTrue(any(p.startswith(why) for p in o.problems),
                                o.problems)
                self.assertEqual(matrix.stream_passes(lines)[0], False)
                c = matrix.parse_case("boot: pvh\nverdict: pass|fail\n",
                                      "c")
                self.assertTrue(matrix.judge(c, o, lines))

    def test_real_streams_have_no_hazards(self):
        for text, status in ((PASS_LOG, 33), (FAIL_LOG, 35),
                             (CRASH_LOG, 37), (NESTED_CRASH_LOG, 37)):
            lines = log(text)
            self.assertEqual(matrix.reader_hazards(
                lines, matrix.parse_ktap(lines)), [])
        self.assertEqual(matrix.stream_passes(log(PASS_LOG)),
                         (True, (5, 0, 1, 25)))
        self.assertFalse(matrix.stream_passes(log(FAIL_LOG))[0])

    def test_kunit_start_before_the_report(self):
        lines = log(forge(PASS_LOG, "Booting from DVD/CD...",
                          "cpu0: model TAP version 13"))
        self.assertIn("line 2, before the report: kunit.py starts reading "
                      "here: 'cpu0: model TAP version 13'",
                      matrix.classify(lines, 33).problems)

    def test_status_only_verdicts_still_see_hazards(self):
        lines = log(FORGED["bail-out"][0])
        cut = lines[:lines.index("Bail out! x") + 1]
        o = matrix.classify(cut, 0, timed_out=True)
        self.assertIn("line 13: 'Bail out!' stops prove: 'Bail out! x'",
                      o.problems)


def reading(reader, passed, counts, notes=()):
    return matrix.Reading(reader, passed, counts, list(notes))


class CompareReadersTest(unittest.TestCase):
    """compare_readers() with made-up readings: what counts as the same
    verdict and the same counts."""

    def test_agreement(self):
        lines = log(PASS_LOG)
        self.assertEqual(matrix.compare_readers(lines, [
            reading("prove", True, (5, 0, 1)),
            reading("kunit.py", True, (5, 0, 1))]), [])
        self.assertEqual(matrix.compare_readers(log(FAIL_LOG), [
            reading("kunit.py", False, (4, 1, 1), ["x: missing"])]), [])

    def test_verdict_and_counts(self):
        lines = log(PASS_LOG)
        self.assertEqual(matrix.compare_readers(lines, [
            reading("kunit.py", False, (4, 1, 1), ["main: oops"])], "x: "),
            ["x: kunit.py fails the report, the harness passes it: "
             "main: oops",
             "x: kunit.py counts 4 passed, 1 failed, 1 skipped; the "
             "totals line (log line 25) says 5 passed, 0 failed, 1 "
             "skipped"])
        self.assertEqual(matrix.compare_readers(lines, [
            reading("prove", True, (5, 0, 1), ["1 TODO directive"])]),
            ["prove passes the report but says: 1 TODO directive"])
        self.assertEqual(matrix.compare_readers(lines, [
            reading("prove", True, None)]), [
            "prove counts nothing; the totals line (log line 25) says 5 "
            "passed, 0 failed, 1 skipped"])
        broken = matrix.Reading("kunit.py", False, error="exit 1: KeyError")
        self.assertEqual(matrix.compare_readers(log(FAIL_LOG), [broken]),
                         ["kunit.py could not read the report: exit 1: "
                          "KeyError"])

    def test_no_totals_no_counts(self):
        lines = log(PASS_LOG)
        cut = lines[:lines.index("ok 3 cmdline_parsed") + 1]
        self.assertEqual(matrix.compare_readers(cut, [
            reading("prove", False, (3, 0, 0))]), [])
        self.assertEqual(matrix.compare_readers(cut, [
            reading("kunit.py", True, (3, 0, 0))]),
            ["kunit.py passes the report, the harness fails it"])

    def test_split_boots(self):
        data = b"SeaBIOS\r\nKTAP version 1\r\n1..1\r\nok 1 a\r\n" \
            b"1 passed, 0 failed, 0 skipped\r\n# rebooting\r\nSeaBIOS" \
            b"\r\nKTAP version 1\r\n1..1\r\n  KTAP version 1\r\nok 1 a\r\n"
        a, b = matrix.split_boots(data)
        self.assertTrue(a.startswith(b"SeaBIOS") and a.endswith(b"SeaBIOS"
                                                                b"\r\n"))
        self.assertTrue(b.startswith(b"KTAP version 1\r\n1..1"))
        self.assertEqual(matrix.split_boots(b"x\n"), [b"x\n"])


KUNIT_OUT = """\
[10:00:00] ============================================================
[10:00:00] [PASSED] boot_info_parsed
[10:00:00] [ERROR] Test: main: Expected test number 2 but found 3
[10:00:00] =============== pvbus_identify (2 subtests) ================
[10:00:00] [PASSED] hypervisor_bit
[10:00:00] ======== vmt0  ========
[10:00:00] [FAILED] inner
[10:00:00] ============== [FAILED] vmt0 ==============
[10:00:00] ================= [FAILED] pvbus_identify ==================
[10:00:00] # raising #GP on purpose
[10:00:00] [CRASHED] deliberate_fault
[10:00:00] [SKIPPED] no_msr_faults
[10:00:00] ============================================================
[10:00:00] Testing complete. Ran 5 tests: passed: 2, failed: 1
"""


class KunitOutputTest(unittest.TestCase):

    def test_top_level_statuses(self):
        top, errors = matrix.kunit_top_level(KUNIT_OUT)
        self.assertEqual(top, [("PASSED", "boot_info_parsed"),
                               ("FAILED", "pvbus_identify"),
                               ("CRASHED", "deliberate_fault"),
                               ("SKIPPED", "no_msr_faults")])
        self.assertEqual(errors, ["main: Expected test number 2 but "
                                  "found 3"])


class ReadersTest(unittest.TestCase):
    """The real prove and kunit.py on real and forged streams.  A reader
    that is missing fails these tests (test_matrix.py --no-prove or
    --no-kunit leaves it out)."""

    @classmethod
    def setUpClass(cls):
        cls.readers = matrix.Readers(os.path.join(matrix.REPO, "build"),
                                     "prove" not in NO_READER,
                                     "kunit" not in NO_READER)

    def read(self, text):
        if self.readers.missing:
            self.fail("; ".join(self.readers.missing))
        with tempfile.NamedTemporaryFile("wb", suffix=".log") as f:
            f.write("\r\n".join(log(text)).encode() + b"\r\n")
            f.flush()
            return self.readers.read(f.name)

    def test_real_streams_agree_with_the_totals(self):
        for text in (PASS_LOG, FAIL_LOG, CRASH_LOG, NESTED_CRASH_LOG):
            rds = self.read(text)
            self.assertEqual(matrix.compare_readers(log(text), rds), [])
            totals = matrix.parse_ktap(log(text)).totals[:3]
            for rd in rds:
                self.assertEqual(rd.counts, totals, rd)

    def test_truncated_stream_fails_everywhere(self):
        text = PASS_LOG.split("# running cmdline_parsed")[0]
        rds = self.read(text)
        self.assertTrue(rds and not any(rd.passed for rd in rds))
        self.assertEqual(matrix.compare_readers(log(text), rds), [])

    def test_forged_streams(self):
        """Each forged stream: the harness fails it; the readers do what
        the table says (one of them is fooled each time); and the
        harness reports that a reader disagrees with it."""
        for name, (text, prove, kunit, _) in FORGED.items():
            with self.subTest(name):
                rds = {rd.reader: rd for rd in self.read(text)}
                if "prove" in rds:
                    self.assertEqual(rds["prove"].passed, prove)
                if "kunit.py" in rds:
                    self.assertEqual(rds["kunit.py"].passed, kunit)
                msgs = matrix.compare_readers(log(text), rds.values())
                if any(rd.passed for rd in rds.values()):
                    self.assertTrue(any("the harness fails it" in m
                                        for m in msgs), msgs)

    def test_missing_reader_is_named(self):
        r = matrix.Readers("/nonexistent", prove=False, kunit=True,
                           kunit_py="/nonexistent/kunit.py")
        self.assertEqual(r.missing, ["kunit.py: /nonexistent/kunit.py not "
                                     "found; --no-kunit runs without it"])
        self.assertEqual(matrix.Readers("/x", False, False).missing, [])


class CaseKeysTest(unittest.TestCase):
    """The keys the hostile-input suite added to the case format."""

    def test_escaped_and_generated_command_lines(self):
        c = matrix.parse_case('boot: pvh\ncmdline-escaped: a=1\\nok 4 x'
                              '\\e[2J\\xff\\"\n', "c")
        self.assertEqual(c.cmdline.encode("utf-8", "surrogateescape"),
                         b'a=1\nok 4 x\x1b[2J\xff"')
        c = matrix.parse_case('boot: pvh\ncmdline-gen: "k=" 3*"ab" '
                              'pad(10,"x") " z"\n', "c")
        self.assertEqual(c.cmdline, "k=abababxx z")
        for text, msg in [
                ("boot: pvh\ncmdline-escaped: a\\q\n", "unknown escape \\q"),
                ("boot: pvh\ncmdline-escaped: a\\0\n", "NUL"),
                ("boot: pvh\ncmdline: a\ncmdline-gen: \"b\"\n",
                 "line 3: only one of"),
                ("boot: pvh\ncmdline-gen: 3*ab\n", "column 1: expected"),
                ('boot: pvh\ninput: x "a" junk\n', "column 5")]:
            with self.assertRaises(matrix.CaseError) as cm:
                matrix.parse_case(text, "bad")
            self.assertIn(msg, str(cm.exception))

    def test_gen_bytes(self):
        self.assertEqual(matrix.gen_bytes('2*"a\\n" pad(7,"xy")'),
                         b"a\na\nxyx")
        r = matrix.gen_bytes("random(64,7)")
        self.assertEqual((len(r), r), (64, matrix.gen_bytes("random(64,7)")))
        self.assertNotEqual(r, matrix.gen_bytes("random(64,8)"))
        self.assertEqual(matrix.gen_bytes("file(tests/boot/cases/"
                                          "sim-vmware-module.tclo)")[:2],
                         b"# ")

    def test_verdict_alternatives_and_conditional_lines(self):
        c = matrix.parse_case("boot: pvh\nverdict: crash|fail\n"
                              "failed: cmdline_parsed\n"
                              "expect: ^KTAP\n"
                              "expect: [fail] ^not ok \\d+ cmdline_parsed\n",
                              "c")
        self.assertEqual(c.verdicts, ("crash", "fail"))
        crash = matrix.classify(log(CRASH_LOG), 37)
        self.assertEqual(matrix.judge(c, crash, log(CRASH_LOG)), [])
        fail = matrix.classify(log(FAIL_LOG), 35)
        self.assertEqual(matrix.judge(c, fail, log(FAIL_LOG)), [])
        passed = matrix.classify(log(PASS_LOG), 33)
        self.assertEqual(matrix.judge(c, passed, log(PASS_LOG))[0],
                         "expected crash or fail, got pass: 5 ok, "
                         "1 skipped")
        other = log(FAIL_LOG.replace("cmdline_parsed", "memory_map_sane"))
        msgs = matrix.judge(c, matrix.classify(other, 35), other)
        self.assertTrue(any(m.startswith("no line matches expect: ^not ok "
                                         "\\d+ cmdline_parsed") for m in msgs),
                        msgs)
        with self.assertRaises(matrix.CaseError) as cm:
            matrix.parse_case("boot: pvh\nexpect: [halt] x\n", "c")
        self.assertIn("[halt] is not a verdict of this case",
                      str(cm.exception))

    def test_tool_cases(self):
        c = matrix.parse_case("tool: replay\ninput: d \"x\"\nargs: @d -v\n"
                              "exit: 2\nexpect: ^pvbus-replay: \n", "t")
        self.assertEqual((c.tool, c.args, c.exit, c.timeout),
                         ("replay", ["@d", "-v"], 2, 20.0))
        c = matrix.parse_case("tool: mkiso\ncmdline: a=\"b\nexit: nonzero"
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
            with self.assertRaises(matrix.CaseError) as cm:
                matrix.parse_case(text, "bad")
            self.assertIn(msg, str(cm.exception))

    def test_absent_byte(self):
        c = matrix.parse_case("boot: pvh\nabsent-byte: \\e \\a \\x9b\n", "c")
        self.assertEqual(c.absent_bytes, b"\x1b\x07\x9b")
        data = b"\x1b[2JGRUB\r\npvbus testbed: x\r\n# a \x07b\r\n"
        msgs = matrix.check_bytes(data, c.absent_bytes)
        self.assertEqual(len(msgs), 1)      # GRUB's ESC does not count
        self.assertEqual(msgs, ["log holds byte 0x07 raw (log line 3): "
                                "b'pvbus testbed: x\\r\\n# a \\x07b\\r\\n'"])
        self.assertEqual(matrix.check_bytes(b"\x1b", b"\x1b", "output"),
                         ["output holds byte 0x1b raw (output line 1): "
                          "b'\\x1b'"])


class FactsTest(unittest.TestCase):

    def test_good_lines(self):
        good = ['pvbus: hv base=0x40000000 sig="KVMKVMKVM\\0\\0\\0" '
                'vendor=kvm primary=yes',
                'pvbus: replay profile="x\\" vendor=xen rows=999 ok 1" '
                'rows=63 vendor=GenuineIntel',
                "pvbus: backend error: replay a b: line 4: field 3",
                "pvbus: 1 attached, 0 failed", "pvbus: none hvbit=0",
                "pvbus: no hypervisor found (hypervisor bit set, ...)",
                "not a facts line = x x"]
        self.assertEqual(matrix.check_facts(good), [])

    def test_spoofed_header(self):
        msgs = matrix.check_facts([
            'pvbus: replay profile="x" vendor=xen rows=999 ok 1" rows=63'])
        self.assertIn("a space outside quotes", msgs[0])
        msgs = matrix.check_facts([
            'pvbus: replay profile="x" vendor=xen rows=999 rows=63 '
            'vendor=GenuineIntel'])
        self.assertIn("line 1 gives rows, vendor more than once", msgs[0])


FAKE_TOOL = r"""#!/bin/sh
# Pretends to be build/host/pvbus-replay: "pass" prints a passing KTAP
# report, "todo" a report prove passes and the harness does not,
# "hang" sleeps, anything else is refused with exit 2.
case $1 in
pass|todo) printf 'KTAP version 1\n1..2\nok 1 a\n' ;;
esac
case $1 in
pass) printf 'ok 2 b\n2 passed, 0 failed, 0 skipped\n'; exit 0 ;;
todo) printf 'not ok 2 b # TODO x\n1 passed, 1 failed, 0 skipped\n'
      exit 1 ;;
hang) sleep 30 ;;
*) echo "pvbus-replay: $1: No such file or directory" >&2; exit 2 ;;
esac
"""


class ToolRunnerTest(unittest.TestCase):
    """tool: cases through the runner, with a fake pvbus-replay."""

    def setUp(self):
        self.dir = d = tempfile.mkdtemp(prefix="matrix-test-")
        os.makedirs(os.path.join(d, "host"))
        os.mkdir(os.path.join(d, "cases"))
        open(os.path.join(d, "kernel.elf"), "w").close()
        tool = os.path.join(d, "host", "pvbus-replay")
        with open(tool, "w") as f:
            f.write(FAKE_TOOL)
        os.chmod(tool, 0o755)
        for name, text in (
                ("t-pass", "tool: replay\nargs: pass\n"),
                ("t-refused", "tool: replay\nargs: @gone\nexit: 2\n"
                 "input: gone \"x\"\nexpect: ^pvbus-replay: .*/gone: No "
                 "such file\n"),
                ("t-wrong-exit", "tool: replay\nargs: nothere\n"),
                ("t-todo", "tool: replay\nargs: todo\nexit: 1\n"),
                ("t-hang", "tool: replay\nargs: hang\ntimeout: 1\n")):
            with open(os.path.join(d, "cases", name + ".case"), "w") as f:
                f.write(text)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_matrix(self, *extra):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = matrix.main(["--cases", os.path.join(self.dir, "cases"),
                              "--build", self.dir, "--qemu", "true",
                              "--no-prove", "--no-kunit", "-j", "3"] +
                             list(extra))
        return rc, out.getvalue().splitlines()

    def test_run(self):
        rc, out = self.run_matrix()
        by = {l.split()[1]: i for i, l in enumerate(out)
              if l[:4] in ("PASS", "FAIL")}
        self.assertEqual((rc, out[-1]), (1, "2 passed, 3 failed"))
        self.assertRegex(out[by["t-pass"]], r"^PASS .* exit 0: 2 passed")
        self.assertRegex(out[by["t-refused"]], r"^PASS .* exit 2: "
                         r"pvbus-replay: .*test-inputs/t-refused/gone: No")
        self.assertRegex(out[by["t-wrong-exit"]], r"^FAIL .* expected exit "
                         r"0, got exit 2: pvbus-replay: nothere")
        self.assertRegex(out[by["t-todo"]], r"^FAIL .* KTAP: line 4: prove "
                         r"reads a TODO directive")
        self.assertRegex(out[by["t-hang"]], r"^FAIL .* pvbus-replay hung: "
                         r"killed after 1s")

    def test_missing_reader_fails_unless_left_out(self):
        rc, out = self.run_matrix("-k", "t-pass", "--kunit",
                                  "/nonexistent/kunit.py")
        # --no-kunit came first on the command line; --kunit does not
        # undo it.  Without --no-kunit the missing reader fails the case:
        self.assertEqual(rc, 0)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = matrix.main(["--cases", os.path.join(self.dir, "cases"),
                              "--build", self.dir, "--qemu", "true",
                              "--no-prove", "--kunit",
                              "/nonexistent/kunit.py", "-k", "t-pass"])
        out = out.getvalue().splitlines()
        self.assertEqual(rc, 1)
        self.assertRegex(out[0], r"^FAIL  t-pass .* kunit.py: "
                         r"/nonexistent/kunit.py not found; --no-kunit "
                         r"runs without it$")

def main():
    """unittest's own command line, plus --summary: end with the line
    "N passed, N failed" that tests/run.sh adds up."""
    summary = "--summary" in sys.argv
    for flag in ("--no-prove", "--no-kunit"):
        if flag in sys.argv:
            NO_READER.add(flag[len("--no-"):])
    argv = [a for a in sys.argv if a not in ("--summary", "--no-prove",
                                             "--no-kunit")]
    prog = unittest.main(argv=argv, exit=False)
    r = prog.result
    bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
    if summary:
        print("%d passed, %d failed" % (
            r.testsRun - bad - len(r.skipped), bad))
    sys.exit(0 if r.wasSuccessful() else 1)



class RequiresTest(unittest.TestCase):

    def test_qemu_version_requirement_parses_and_rejects_junk(self):
        c = matrix.parse_case("boot: pvh\nrequires: kvm qemu>=8.0\n", "x")
        self.assertEqual(c.requires, ["kvm", "qemu>=8.0"])
        with self.assertRaises(matrix.CaseError):
            matrix.parse_case("boot: pvh\nrequires: qemu>=8\n", "x")
        with self.assertRaises(matrix.CaseError):
            matrix.parse_case("boot: pvh\nrequires: xen\n", "x")


class BootsTest(unittest.TestCase):

    LOG = ["SeaBIOS", "KTAP version 1", "1..1", "ok 1 a", "Rebooting",
           "SeaBIOS", "KTAP version 1", "1..1", "not ok 1 a"]

    def test_last_boot_is_classified_and_the_count_checked(self):
        lines, msgs = matrix.last_boot(self.LOG, 2)
        self.assertEqual(lines, ["KTAP version 1", "1..1", "not ok 1 a"])
        self.assertEqual(msgs, [])
        lines, msgs = matrix.last_boot(self.LOG, 3)
        self.assertEqual(msgs, ["expected 3 boots (KTAP documents), saw 2"])
        self.assertEqual(matrix.last_boot(self.LOG, 1), (self.LOG, []))

    def test_boots_key(self):
        c = matrix.parse_case("boot: pvh\nboots: 2\n", "x")
        self.assertEqual(c.boots, 2)
        with self.assertRaises(matrix.CaseError):
            matrix.parse_case("boot: pvh\nboots: 0\n", "x")

if __name__ == "__main__":
    main()
