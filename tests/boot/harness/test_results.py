"""
Tests of results.py: KTAP reports become test cases named by their
paths, with skip and failure reasons; crashes, timeouts, resets and
missing reports are failures naming the test; the XML keeps the rules
of the JUnit schema (and the validator finds each way to break them);
the JSON holds the same; the other stages' output becomes test cases.
"""

import json
import os
import shutil
import tempfile
import unittest
import xml.etree.ElementTree as ET

from . import cases, results, verdict
from .testlib import CRASH_LOG, NESTED_CRASH_LOG, PASS_LOG, log


def case(text="boot: pvh\n", name="c"):
    return cases.parse_case(text, name)


def suite(text, rc, case_text="boot: pvh\n", status="PASS", timed_out=False):
    lines = log(text) if text else []
    data = "\r\n".join(lines).encode()
    o = verdict.classify(lines, rc, timed_out)
    return results.boot_suite(case(case_text), "boot", status, 0.5,
                              o.detail, [], {
                                  "outcome": o, "rc": rc, "data": data,
                                  "piece_data": [data] if data else [],
                                  "log": "build/test-logs/c.log"})


def by_name(s):
    return {c.name: c for c in s.cases}


class KtapCasesTest(unittest.TestCase):

    def test_paths_skips_and_the_judgement(self):
        s = suite(PASS_LOG, 33)
        got = by_name(s)
        self.assertEqual([c.name for c in s.cases], [
            "boot_info_parsed", "memory_map_sane", "cmdline_parsed",
            "exceptions_catchable", "pvbus", "pvbus.hvbit", "pvbus.bases",
            "deliberate_fault", "expected_verdict"])
        self.assertEqual((got["pvbus.bases"].status,
                          got["pvbus.bases"].message),
                         ("skipped", "no hypervisor bit"))
        self.assertEqual(got["deliberate_fault"].message,
                         "no fault= on the command line")
        self.assertEqual(got["pvbus.hvbit"].classname, "boot.c")
        self.assertEqual(got["expected_verdict"].status, "passed")
        self.assertEqual(s.properties["verdict"], "pass")

    def test_failure_has_its_reason_and_output(self):
        text = PASS_LOG.replace("ok 3 cmdline_parsed",
                                "# cmdline: expected 3 words, got 2\n"
                                "    not ok 3 cmdline_parsed # 2 words")
        c = by_name(suite(text, 35))["cmdline_parsed"]
        self.assertEqual((c.status, c.type, c.message),
                         ("failed", "ktap", "2 words"))
        self.assertIn("# cmdline: expected 3 words, got 2", c.text)
        self.assertIn("# running cmdline_parsed", c.text)
        self.assertNotIn("memory_map_sane", c.text)

    def test_crash_names_the_test(self):
        got = by_name(suite(CRASH_LOG, 37))
        c = got["deliberate_fault"]
        self.assertEqual((c.status, c.type), ("failed", "crash"))
        self.assertEqual(c.message, "crashed: #GP at 0x102345")
        self.assertIn("# CRASH #GP", c.text)
        self.assertEqual((got["pvbus"].status, got["pvbus"].message),
                         ("skipped", "not run: crashed in deliberate_fault"))

    def test_crash_in_a_subtest(self):
        got = by_name(suite(NESTED_CRASH_LOG, 37))
        self.assertEqual(got["pvbus.hypercall"].type, "crash")
        self.assertEqual(got["pvbus"].status, "failed")

    def test_timeout_names_the_running_test(self):
        hang = "\n".join(PASS_LOG.split("\n")[:13]) + "\n"
        s = suite(hang, -15, timed_out=True,
                  case_text="boot: pvh\ntimeout: 4\n")
        c = by_name(s)["cmdline_parsed"]
        self.assertEqual((c.status, c.type), ("failed", "timeout"))
        self.assertEqual(c.message, "timeout in cmdline_parsed (killed "
                         "after 4s)")
        self.assertEqual(by_name(s)["expected_verdict"].status, "passed")

    def test_timeout_in_a_subtest_fails_its_parents(self):
        hang = PASS_LOG.split("      ok 2 bases")[0]
        hang = hang.replace("      ok 1 hvbit", "      # running hvbit")
        got = by_name(suite(hang, -15, timed_out=True))
        self.assertEqual(got["pvbus.hvbit"].type, "timeout")
        self.assertIn("in its subtest pvbus.hvbit", got["pvbus"].message)

    def test_reset_and_no_report(self):
        reset = "\n".join(PASS_LOG.split("\n")[:13]) + "\n"
        c = by_name(suite(reset, 0))["cmdline_parsed"]
        self.assertEqual((c.status, c.type), ("failed", "reset"))
        s = suite("", 0)
        self.assertEqual([(c.name, c.status, c.type) for c in s.cases], [
            ("boot", "failed", "noreport"),
            ("expected_verdict", "passed", "")])

    def test_boots_are_prefixed(self):
        lines = log(PASS_LOG)
        data = "\r\n".join(lines).encode()
        o = verdict.classify(lines, 43)
        s = results.boot_suite(case("boot: pvh\nboots: 2\n"), "boot",
                               "PASS", 1.0, "halt", [], {
                                   "outcome": o, "piece_data": [data, data]})
        names = [c.name for c in s.cases]
        self.assertIn("boot1.pvbus.bases", names)
        self.assertIn("boot2.deliberate_fault", names)

    def test_harness_failure_and_skip(self):
        s = results.boot_suite(case(), "boot", "FAIL", 1.0,
                               "expected pass, got crash", ["log: x"], None)
        self.assertEqual([(c.name, c.status, c.message, c.text)
                          for c in s.cases],
                         [("expected_verdict", "failed",
                           "expected pass, got crash", "log: x")])
        s = results.boot_suite(case(), "boot", "SKIP", None,
                               "/dev/kvm not usable", [], None)
        self.assertEqual(s.cases[0].status, "skipped")


class JunitTest(unittest.TestCase):

    def suites(self):
        crash = suite(CRASH_LOG.replace("1..3", "1..3\n    x\x1b[0m\x00y"),
                      37)
        return [suite(PASS_LOG, 33), crash,
                results.stage_suite("unit", "PASS test_a (3 checks)\n"
                                    "1 passed, 0 failed\n", 0)]

    def test_valid_and_counted(self):
        text = results.junit_xml(self.suites())
        self.assertEqual(results.validate_junit(text), [])
        root = ET.fromstring(text)
        self.assertEqual(root.attrib["failures"], "1")
        crash = root.findall("testsuite")[1]
        self.assertEqual((crash.attrib["failures"], crash.attrib["skipped"]),
                         ("1", "1"))
        f = crash.find("testcase[@name='deliberate_fault']/failure")
        self.assertEqual(f.attrib["type"], "crash")
        self.assertEqual(crash.find("testcase[@name='pvbus']/skipped")
                         .attrib["message"],
                         "not run: crashed in deliberate_fault")
        # The serial log is attached, ESC and NUL written out.
        out = crash.find("system-out").text
        self.assertIn("x\\x1b[0m\\x00y", out)
        self.assertIn("not ok 2 deliberate_fault", out)

    def test_validator_finds_each_break(self):
        good = results.junit_xml(self.suites())
        for old, new, problem in (
                ('<testsuites name="pvbus"', '<testsuites skipped="0" '
                 'name="pvbus"', "attribute skipped not in the schema"),
                ('<testsuite name="c" tests', '<testsuite tests',
                 "attribute name missing"),
                ('tests="9" failures="0"', 'tests="8" failures="0"',
                 "tests='8', but 9 test cases"),
                ('<testcase name="memory_map_sane" classname="boot.c" />',
                 '<testcase name="memory_map_sane" classname="boot.c">x'
                 '</testcase>', "text where only elements may be"),
                ('<testcase name="memory_map_sane" classname="boot.c" />',
                 '<testcase name="memory_map_sane" file="x" />',
                 "attribute file not in the schema"),
                ('<testcase name="memory_map_sane" classname="boot.c" />',
                 '<testcase name="memory_map_sane"><failure><b/></failure>'
                 '</testcase>', "<failure> may not hold <b>"),
                ('time="0.500"', 'time="half"', "does not match "
                 "SUREFIRE_TIME"),
                ("<properties>", "<properties><x/>", "<properties> may not "
                 "hold <x>"),
                ("</testsuites>", "", "not well-formed")):
            self.assertIn(old, good)
            bad = good.replace(old, new, 1)
            got = results.validate_junit(bad)
            self.assertTrue(any(problem in p for p in got),
                            "%s: %s" % (problem, got))

    def test_json_holds_the_same(self):
        suites = self.suites()
        doc = json.loads(json.dumps(results.to_json(suites)))
        again = results.from_json(doc)
        self.assertEqual(again, suites)
        self.assertEqual(results.junit_xml(again), results.junit_xml(suites))
        self.assertEqual(doc["totals"]["failures"], 1)
        with self.assertRaises(ValueError):
            results.from_json({"format": "other"})

    def test_write_and_read(self):
        d = tempfile.mkdtemp(prefix="results-test-")
        try:
            xml_path, json_path = results.write(d, self.suites())
            self.assertEqual(sorted(os.listdir(d)),
                             ["junit.xml", "results.json"])
            self.assertEqual(results.read(json_path), self.suites())
        finally:
            shutil.rmtree(d)


class StageSuiteTest(unittest.TestCase):

    def test_status_lines(self):
        out = ("PASS  refuse: a tab\n"
               "FAIL  replay-x   dump y\n"
               "      expected a\n"
               "      got b\n"
               "SKIP  needs kvm\n"
               "PASS  refuse: a tab\n"
               "2 passed, 1 failed\n")
        s = results.stage_suite("mkiso", out, 1)
        self.assertEqual([(c.name, c.status) for c in s.cases], [
            ("refuse: a tab", "passed"), ("replay-x", "failed"),
            ("needs kvm", "skipped"), ("refuse: a tab #2", "passed")])
        self.assertEqual(s.cases[1].message, "dump y")
        self.assertEqual(s.cases[1].text, "expected a\ngot b")
        self.assertEqual(s.system_out, out)

    def test_unit_binaries_and_their_tests(self):
        d = tempfile.mkdtemp(prefix="results-test-")
        try:
            with open(os.path.join(d, "test_x.log"), "w") as f:
                f.write("ok - test_one\nnot ok - test_two\n# test_x: ...\n")
            s = results.stage_suite("unit", "PASS test_y (5 checks)\n"
                                    "FAIL test_x (exit status 1)\n"
                                    "    not ok - test_two\n", 1,
                                    unit_logs=d)
        finally:
            shutil.rmtree(d)
        self.assertEqual([(c.classname, c.name, c.status) for c in s.cases],
                         [("unit", "test_y", "passed"),
                          ("unit", "test_x", "failed"),
                          ("unit.test_x", "test_x.test_one", "passed"),
                          ("unit.test_x", "test_x.test_two", "failed")])
        self.assertEqual(s.cases[1].message, "exit status 1")

    def test_fuzz_lines(self):
        s = results.stage_suite("fuzz", "fuzz_a: 100 runs in 1 s, no crash"
                                "\nfuzz_b: FAILED (exit status 1); full "
                                "log in x\n", 2)
        self.assertEqual([(c.name, c.status) for c in s.cases],
                         [("fuzz_a", "passed"), ("fuzz_b", "failed")])

    def test_a_stage_that_fails_silently(self):
        s = results.stage_suite("deps", "Traceback ...\n", 1)
        self.assertEqual([(c.name, c.status) for c in s.cases],
                         [("deps", "failed")])
        s = results.stage_suite("deps", "nothing\n", 0)
        self.assertEqual([(c.name, c.status) for c in s.cases],
                         [("deps", "passed")])


if __name__ == "__main__":
    unittest.main()
