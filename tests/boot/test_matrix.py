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
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402


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
        lines = log(PASS_LOG)
        i = lines.index("KTAP version 1")
        lines[i] = "\x1b[0mBdsDxe: starting Boot0001KTAP version 1"
        o = matrix.classify(lines, 33)
        self.assertEqual((o.verdict, o.problems), ("pass", []))


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
                              "-j", "4"] + list(extra))
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
        runner = matrix.Runner.__new__(matrix.Runner)
        why = runner.missing(matrix.parse_case("boot: bios\n", "x"))
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
                              "-j", "2"] + list(extra))
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


@unittest.skipUnless(shutil.which("prove"), "prove not installed")
class ProveTest(unittest.TestCase):
    """prove must agree with classify() on what passed."""

    def check(self, text, ours):
        with tempfile.NamedTemporaryFile("w", suffix=".log") as f:
            f.write("\r\n".join(log(text)))
            f.flush()
            r = matrix.Runner.__new__(matrix.Runner)
            r.prove = shutil.which("prove")
            return r.prove_disagrees(f.name, ours)

    def test_agrees(self):
        self.assertIsNone(self.check(PASS_LOG, True))
        self.assertIsNone(self.check(FAIL_LOG, False))
        self.assertIsNone(self.check(CRASH_LOG, False))
        truncated = PASS_LOG.split("# running cmdline_parsed")[0]
        self.assertIsNone(self.check(truncated, False))

    def test_disagreement_is_reported(self):
        self.assertIn("prove fails", self.check(FAIL_LOG, True))


def main():
    """unittest's own command line, plus --summary: end with the line
    "N passed, N failed" that tests/run.sh adds up."""
    summary = "--summary" in sys.argv
    argv = [a for a in sys.argv if a != "--summary"]
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
