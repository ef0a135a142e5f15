"""
Results files for dashboards: what a run of the matrix (or of every
stage of `make test`) found, as JUnit XML and as JSON, with the same
suites, test cases and statuses in both.

    boot_suite()    one boot case -> a Suite: every KTAP test and subtest
                    a test case named by its path (pvbus_attach.vmt0.tclo),
                    skips with their reasons, failures with theirs, a
                    crash, timeout, reset or panic as a failure of the
                    test that was running, the serial log as system-out,
                    and the harness's own judgement as the test case
                    "expected_verdict"
    stage_suite()   a stage of `make test` that is not the matrix (unit,
                    replay, deps, ...) from its output: a test case per
                    "PASS/FAIL/SKIP name" line (per test of a unit-test
                    binary where its log is found), or one for the stage
    junit_xml(), to_json(), from_json(), write(), read()
    validate_junit()
                    the structural rules of the JUnit schema CI systems
                    read (below), as a list of problems

The JUnit schema is the one Jenkins' xUnit plugin ships as junit-10.xsd
(jenkinsci/xunit-plugin, src/main/resources/org/jenkinsci/plugins/xunit/
types/model/xsd/junit-10.xsd), which GitLab's and GitHub's JUnit readers
accept too: <testsuites> holds only <testsuite>s; a <testsuite> needs
name, tests, failures and errors, and holds <properties>, <testcase>,
<system-out>, <system-err> (and nested suites); a <testcase> needs a
name and holds <failure>, <error>, <skipped>, <system-out> and
<system-err>, each with at most the attributes type and message and no
child elements.  Times match its SUREFIRE_TIME pattern.  The schema has
no "skipped" attribute on <testsuites>, so we write none.

Reads the logs it is given; runs nothing.
"""

import dataclasses
import json
import os
import re
import xml.etree.ElementTree as ET

from .ktap import parse_ktap, split_log
from .paths import show

FORMAT = "pvbus-test-results/1"
SYSTEM_OUT_MAX = 1 << 20        # characters of a log kept per suite
FAILURE_TEXT_LINES = 200        # lines of a test's output on a failure


@dataclasses.dataclass
class Testcase:
    name: str
    classname: str
    status: str = "passed"      # passed, failed, skipped, error
    message: str = ""           # the reason: a skip's, a failure's
    type: str = ""              # failure type: ktap, crash, timeout, ...
    text: str = ""              # the test's output, for a failure
    time: float = None


@dataclasses.dataclass
class Suite:
    name: str
    stage: str
    cases: list = dataclasses.field(default_factory=list)
    time: float = None
    status: str = ""            # the harness's PASS, FAIL or SKIP
    properties: dict = dataclasses.field(default_factory=dict)
    system_out: str = ""
    system_err: str = ""
    log: str = ""

    def count(self, status):
        return sum(c.status == status for c in self.cases)


# XML 1.0 allows tab, newline, carriage return and from 0x20 on, less
# surrogates and U+FFFE/U+FFFF: anything else is written as \xNN or
# \uNNNN, as the kernel's %pE writes a byte it does not print.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff"
                         "\ufffe\uffff]")


def xml_text(s):
    return _NOT_XML_RE.sub(lambda m: "\\x%02x" % ord(m.group())
                           if ord(m.group()) < 0x100 else
                           "\\u%04x" % ord(m.group()), s)


def _log_text(data, where):
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) \
        else data
    text = text.replace("\r\n", "\n")
    if len(text) > SYSTEM_OUT_MAX:
        text = text[:SYSTEM_OUT_MAX] + "\n[... %d more characters: %s]\n" \
            % (len(text) - SYSTEM_OUT_MAX, where)
    return text


# --------------------------------------------------------------------
# Boot cases.

def ktap_cases(lines, classname, prefix=""):
    """Test cases for every result of the KTAP report in lines, by path:
    (cases, report).  A skip's reason is after "SKIP"; a failure's is
    its directive, and its text the lines the test printed."""
    rep = parse_ktap(lines)
    out = []
    if rep.top is not None:
        _doc_cases(rep.top, lines, classname, prefix, out)
    return out, rep


def _doc_cases(doc, lines, classname, prefix, out):
    start = doc.lineno          # 1-based: the document's KTAP line
    for r in doc.results:
        path = prefix + r.name if r.name else "%s%d" % (prefix, r.num)
        c = Testcase(path, classname)
        d = r.directive
        if r.skipped:
            c.status = "skipped"
            c.message = re.sub(r"(?i)^SKIP\s*", "", d)
        elif not r.ok:
            c.status = "failed"
            c.type = "crash" if r.crashed else "ktap"
            c.message = d or "not ok %d %s" % (r.num, r.name)
            c.text = "\n".join(lines[start:r.lineno][-FAILURE_TEXT_LINES:])
        out.append(c)
        if r.child is not None:
            _doc_cases(r.child, lines, classname, path + ".", out)
        start = r.lineno


def _still_running(rep, lines, classname, prefix, verdict, detail):
    """The test (and its parents) running when the boot ended without a
    result for it: failures naming it.  detail is the classifier's
    summary ("timeout in deliberate_fault", "reset: ... in X")."""
    out = []
    names = rep.running
    last = rep.results()[-1].lineno if rep.results() else (
        rep.top.lineno if rep.top else 0)
    text = "\n".join(lines[last:][-FAILURE_TEXT_LINES:])
    whole = prefix + ".".join(names)
    for k in range(len(names)):
        path = prefix + ".".join(names[:k + 1])
        msg = detail if path == whole else "%s in its subtest %s: %s" % (
            verdict, whole, detail)
        out.append(Testcase(path, classname, "failed", msg, verdict, text))
    return out


def boot_suite(case, stage, status, secs, head, more, info=None):
    """The Suite of one case: its KTAP tests as test cases (info: what
    runner.Runner recorded for the case, or None if it never ran), then
    "expected_verdict", the harness's own judgement of it."""
    classname = "%s.%s" % (stage, case.name)
    s = Suite(case.name, stage, time=secs, status=status)
    info = info or {}
    o = info.get("outcome")
    pieces = info.get("pieces") or []
    s.properties = {"stage": stage}
    if case.tool:
        s.properties["tool"] = case.tool
    elif case.boot:
        s.properties.update({"boot": case.boot, "machine": case.machine,
                             "timeout": "%g" % case.timeout})
    s.properties["expected"] = case.verdict if not case.tool else \
        "exit %s" % case.exit
    if o is not None:
        s.properties["verdict"] = o.verdict
        s.properties["detail"] = o.detail
    if "rc" in info:
        s.properties["exit"] = str(info["rc"])
    if info.get("log"):
        s.log = show(info["log"])
        s.properties["log"] = s.log
    for i, path in enumerate(pieces):
        s.properties["boot%d" % (i + 1)] = show(path)
    if info.get("data") is not None:
        s.system_out = _log_text(info["data"], s.log)
    s.system_err = _log_text(info.get("stderr", ""), "stderr")
    datas = info.get("piece_data") or []
    if not datas and o is not None and not case.tool:
        datas = [b""]           # no serial output (or none captured)
    for i, data in enumerate(datas):
        lines = split_log(data)
        prefix = "boot%d." % (i + 1) if len(datas) > 1 else ""
        cases, rep = ktap_cases(lines, classname, prefix)
        s.cases += cases
        last = i == len(datas) - 1
        if last and o is not None and rep.top is not None and rep.running \
                and o.verdict in ("timeout", "reset", "panic", "error"):
            detail = o.detail + (" (killed after %gs)" % case.timeout
                                 if o.verdict == "timeout" else "")
            s.cases += _still_running(rep, lines, classname, prefix,
                                      o.verdict, detail)
        elif last and o is not None and rep.top is None and \
                o.verdict not in ("pass", "halt"):
            # No KTAP report at all: say why, as a failure of the boot.
            s.cases.append(Testcase(prefix + "boot", classname, "failed",
                                    o.detail, o.verdict,
                                    "\n".join(lines[-FAILURE_TEXT_LINES:])))
        elif last and o is not None and rep.top is not None and \
                not rep.running and o.verdict in (
                    "timeout", "reset", "panic", "error") and \
                rep.top.plan is not None and \
                len(rep.top.results) < rep.top.plan:
            s.cases.append(Testcase(prefix + "boot", classname, "failed",
                                    "the report stopped after %d of %d "
                                    "tests: %s" % (len(rep.top.results),
                                                   rep.top.plan, o.detail),
                                    o.verdict))
    if info.get("tool_lines"):
        s.cases += ktap_cases(info["tool_lines"], classname)[0]
    judged = Testcase("expected_verdict", classname, time=secs)
    if status == "SKIP":
        judged.status, judged.message = "skipped", head
    elif status == "FAIL":
        judged.status, judged.type = "failed", "harness"
        judged.message = head
        judged.text = "\n".join(more)
    s.cases.append(judged)
    return s


# --------------------------------------------------------------------
# The other stages of `make test`, from their output.

STATUS_LINE_RE = re.compile(r"^(PASS|FAIL|SKIP)\s+(\S.*?)\s*$")
PAREN_DETAIL_RE = re.compile(r"^(\S+) \(([^()]*)\)$")
FUZZ_LINE_RE = re.compile(r"^(fuzz_\w+): (.*)$")
UNIT_TEST_RE = re.compile(r"^(ok|not ok) - (\S+)")
STATUS = {"PASS": "passed", "FAIL": "failed", "SKIP": "skipped"}


def stage_suite(name, output, rc, secs=None, unit_logs=None):
    """The Suite of a stage that is not the matrix, from its output
    (text) and exit status: a test case per "PASS name", "FAIL name" or
    "SKIP name" line (the indented lines after it are its text), or per
    "fuzz_x: ..." line; for a unit-test binary whose log
    UNIT_LOGS/<name>.log is there, one per "ok - test" line in it.  A
    stage that exits non-zero without a failing case gets one, as
    tests/run.sh counts it."""
    s = Suite(name, name, time=secs, status="PASS" if rc == 0 else "FAIL")
    s.properties = {"stage": name, "exit": str(rc)}
    s.system_out = _log_text(output, name)
    seen = {}
    cur = None
    for line in output.splitlines():
        m = STATUS_LINE_RE.match(line)
        f = FUZZ_LINE_RE.match(line)
        if m:
            parts = re.split(r"\s{2,}", m.group(2))
            cname, detail = parts[0], "  ".join(parts[1:])
            p = PAREN_DETAIL_RE.match(cname)
            if p and not detail:
                cname, detail = p.group(1), p.group(2)
            cur = _stage_case(s, seen, name, cname, STATUS[m.group(1)],
                              detail)
            if unit_logs:
                _unit_tests(s, seen, name, cname, unit_logs)
        elif f:
            failed = "FAILED" in f.group(2)
            cur = _stage_case(s, seen, name, f.group(1),
                              "failed" if failed else "passed", f.group(2))
        elif cur is not None and line[:1] in (" ", "\t") and line.strip():
            cur.text += ("\n" if cur.text else "") + line.strip()
        else:
            cur = None
    if rc != 0 and not any(c.status == "failed" for c in s.cases):
        s.cases.append(Testcase(name, name, "failed", "the stage exited "
                                "%d without naming a failure" % rc,
                                "stage", "\n".join(
                                    output.splitlines()[-40:])))
    elif not s.cases:
        s.cases.append(Testcase(name, name, "passed"))
    return s


def _stage_case(s, seen, stage, cname, status, detail):
    seen[cname] = seen.get(cname, 0) + 1
    if seen[cname] > 1:
        cname = "%s #%d" % (cname, seen[cname])
    c = Testcase(cname, stage, status)
    if status != "passed":
        c.message = detail or status
        c.type = stage if status == "failed" else ""
    s.cases.append(c)
    return c


def _unit_tests(s, seen, stage, binary, unit_logs):
    path = os.path.join(unit_logs, binary + ".log")
    if not re.fullmatch(r"[\w.-]+", binary) or not os.path.exists(path):
        return
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = UNIT_TEST_RE.match(line)
            if m:
                c = _stage_case(s, seen, stage, "%s.%s" % (binary,
                                                           m.group(2)),
                                "passed" if m.group(1) == "ok" else
                                "failed", "")
                c.classname = "%s.%s" % (stage, binary)


# --------------------------------------------------------------------
# Writing and reading.

def totals(suites):
    cases = [c for s in suites for c in s.cases]
    return {"suites": len(suites), "tests": len(cases),
            "failures": sum(c.status == "failed" for c in cases),
            "errors": sum(c.status == "error" for c in cases),
            "skipped": sum(c.status == "skipped" for c in cases),
            "time": round(sum(s.time or 0 for s in suites), 3)}


def _time(t):
    return "%.3f" % t


def junit_xml(suites, name="pvbus"):
    """The suites as a JUnit XML document (text)."""
    t = totals(suites)
    root = ET.Element("testsuites", {
        "name": name, "tests": str(t["tests"]),
        "failures": str(t["failures"]), "errors": str(t["errors"]),
        "time": _time(t["time"])})
    for s in suites:
        attrs = {"name": xml_text(s.name), "tests": str(len(s.cases)),
                 "failures": str(s.count("failed")),
                 "errors": str(s.count("error")),
                 "skipped": str(s.count("skipped")),
                 "package": s.stage}
        if s.time is not None:
            attrs["time"] = _time(s.time)
        if s.log:
            attrs["log"] = xml_text(s.log)
        el = ET.SubElement(root, "testsuite", attrs)
        if s.properties:
            props = ET.SubElement(el, "properties")
            for k, v in s.properties.items():
                ET.SubElement(props, "property", {"name": k,
                                                  "value": xml_text(v)})
        for c in s.cases:
            attrs = {"name": xml_text(c.name),
                     "classname": xml_text(c.classname)}
            if c.time is not None:
                attrs["time"] = _time(c.time)
            ce = ET.SubElement(el, "testcase", attrs)
            if c.status in ("failed", "error"):
                sub = ET.SubElement(ce, "failure" if c.status == "failed"
                                    else "error", {
                                        "message": xml_text(c.message),
                                        "type": c.type or c.status})
                sub.text = xml_text(c.text) if c.text else None
            elif c.status == "skipped":
                ET.SubElement(ce, "skipped", {"message":
                                              xml_text(c.message)})
        if s.system_out:
            ET.SubElement(el, "system-out").text = xml_text(s.system_out)
        if s.system_err:
            ET.SubElement(el, "system-err").text = xml_text(s.system_err)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        root, encoding="unicode") + "\n"


def to_json(suites):
    return {"format": FORMAT, "totals": totals(suites),
            "suites": [dataclasses.asdict(s) for s in suites]}


def from_json(doc):
    if doc.get("format") != FORMAT:
        raise ValueError("not a %s file (format %r)" % (
            FORMAT, doc.get("format")))
    suites = []
    for d in doc["suites"]:
        d = dict(d)
        d["cases"] = [Testcase(**c) for c in d["cases"]]
        suites.append(Suite(**d))
    return suites


def write(directory, suites):
    """DIRECTORY/junit.xml and DIRECTORY/results.json; returns their
    paths."""
    os.makedirs(directory, exist_ok=True)
    xml_path = os.path.join(directory, "junit.xml")
    json_path = os.path.join(directory, "results.json")
    for path, text in ((xml_path, junit_xml(suites)),
                       (json_path, json.dumps(to_json(suites), indent=1,
                                              ensure_ascii=True) + "\n")):
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
    return xml_path, json_path


def read(path):
    with open(path, encoding="utf-8") as f:
        return from_json(json.load(f))


# --------------------------------------------------------------------
# The JUnit schema's rules (junit-10.xsd, above).

SUREFIRE_TIME_RE = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*"
                              r"(\.[0-9]*)?$")
SCHEMA = {
    # element: (required attributes, optional attributes, children)
    "testsuites": ((), ("name", "time", "tests", "failures", "errors"),
                   ("testsuite",)),
    "testsuite": (("name", "tests", "failures", "errors"),
                  ("group", "time", "skipped", "timestamp", "hostname",
                   "id", "package", "file", "log", "url"),
                  ("testsuite", "properties", "testcase", "system-out",
                   "system-err")),
    "properties": ((), (), ("property",)),
    "property": (("name", "value"), (), ()),
    "testcase": (("name",), ("time", "classname", "group"),
                 ("skipped", "error", "failure", "rerunFailure",
                  "rerunError", "flakyFailure", "flakyError", "system-out",
                  "system-err")),
    "failure": ((), ("type", "message"), ()),
    "error": ((), ("type", "message"), ()),
    "skipped": ((), ("type", "message"), ()),
    "system-out": ((), (), ()),
    "system-err": ((), (), ()),
}
# Elements whose content is elements only (no text but white space).
ELEMENT_ONLY = ("testsuites", "testsuite", "properties", "testcase")


def validate_junit(text):
    """Problems with a JUnit XML document against junit-10.xsd's rules,
    and against our own: each suite's counts are its test cases'."""
    try:
        root = ET.fromstring(text.encode("utf-8") if isinstance(text, str)
                             else text)
    except ET.ParseError as e:
        return ["not well-formed XML: %s" % e]
    problems = []
    if root.tag != "testsuites":
        problems.append("the root is <%s>, not <testsuites>" % root.tag)
    _validate(root, "/" + root.tag, problems)
    return problems


def _validate(el, where, problems):
    rule = SCHEMA.get(el.tag)
    if rule is None:
        problems.append("%s: no element <%s> in the schema" % (where,
                                                               el.tag))
        return
    required, optional, children = rule
    for a in required:
        if a not in el.attrib:
            problems.append("%s: attribute %s missing" % (where, a))
    for a in el.attrib:
        if a not in required + optional:
            problems.append("%s: attribute %s not in the schema" % (
                where, a))
    if el.tag in ("testsuites", "testsuite") and "time" in el.attrib and \
            not SUREFIRE_TIME_RE.match(el.attrib["time"]):
        problems.append("%s: time %r does not match SUREFIRE_TIME" % (
            where, el.attrib["time"]))
    if el.tag in ELEMENT_ONLY and (el.text or "").strip():
        problems.append("%s: text where only elements may be" % where)
    for i, child in enumerate(el):
        w = "%s/%s[%d]" % (where, child.tag, i + 1)
        if child.tag not in children:
            problems.append("%s: <%s> may not hold <%s>" % (
                where, el.tag, child.tag))
            continue
        if el.tag in ELEMENT_ONLY and (child.tail or "").strip():
            problems.append("%s: text after it" % w)
        _validate(child, w, problems)
    if el.tag == "testsuite":
        cases = el.findall("testcase")
        for attr, tag in (("tests", None), ("failures", "failure"),
                          ("errors", "error"), ("skipped", "skipped")):
            if attr not in el.attrib:
                continue
            n = len(cases) if tag is None else sum(
                c.find(tag) is not None for c in cases)
            if el.attrib[attr] != str(n):
                problems.append("%s: %s=%r, but %d test cases" % (
                    where, attr, el.attrib[attr], n))
