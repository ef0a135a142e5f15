#!/usr/bin/env python3
"""
The ci stage of `make test`: the CI templates and the scripts for
VMware and Hyper-V hosts (docs/ci.md) say what the rest of the project
does.

  - .github/workflows/test.yml and docs/gitlab-ci.yml load as YAML
    (python3-yaml), as do the YAML examples in docs/ci.md.  The test
    job runs .ci/run, whose command is README.md's `make test`, in
    Debian 12, with SHARD=K/N for a shard list 1..N (GitHub: the
    matrix; GitLab: parallel: N with CI_NODE_INDEX/CI_NODE_TOTAL), the
    same N in both, and keeps build/test-results/ whatever the
    outcome; GitHub's report job merges and publishes junit.xml; every
    action is pinned to a commit, and comes from GitHub (actions/) or
    dorny/test-reporter.
  - The shell scripts pass shellcheck: the ones of docs/scripts/ and the
    run commands (tools/pvbus-run, tools/run.sh, tests/run.sh) with
    every check, every other shell script in tools/, tests/ and .ci/ at
    warning level.
  - docs/scripts/vmware-boot.sh --classify gives, for every serial log
    in build/test-logs/ and for made-up logs of each ending, the code
    tests/boot/harness/exitcodes.py code_from_log() gives (7 where the
    log has not ended), and its table is exitcodes.py's.
  - docs/scripts/hyperv-boot.ps1 cannot run here (no PowerShell Hyper-V
    module): its table of kernel statuses and codes, its codes 6, 7 and
    8, and its four patterns are checked to be exitcodes.py's.
  - docs/ci.md's exit-code table is exitcodes.py's.

    python3 tests/ci/check.py

One line per check (PASS or FAIL), then "N passed, N failed".
"""

import glob
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
sys.path.insert(0, os.path.join(REPO, "tests", "boot"))
from harness import exitcodes  # noqa: E402
from harness.ktap import split_log  # noqa: E402

WORKFLOW = os.path.join(REPO, ".github", "workflows", "test.yml")
GITLAB = os.path.join(REPO, "docs", "gitlab-ci.yml")
CI_MD = os.path.join(REPO, "docs", "ci.md")
VMWARE = os.path.join(REPO, "docs", "scripts", "vmware-boot.sh")
HYPERV = os.path.join(REPO, "docs", "scripts", "hyperv-boot.ps1")
STRICT_SCRIPTS = ("tools/pvbus-run", "tools/run.sh", "tests/run.sh")
PINNED_RE = re.compile(r"^([\w.-]+/[\w.-]+)@[0-9a-f]{40}$")
ALLOWED_OWNERS = ("actions/", "dorny/test-reporter")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def shell_of(step):
    return step.get("run", "") if isinstance(step, dict) else ""


def ci_command():
    """The command .ci/run ends with, and whether README.md gives it."""
    lines = [l.strip() for l in read(os.path.join(REPO, ".ci", "run"))
             .splitlines() if l.strip() and not l.lstrip().startswith("#")]
    last = lines[-1] if lines else ""
    readme = read(os.path.join(REPO, "README.md"))
    return last, bool(re.search(r"(?m)^%s\b" % re.escape(last), readme))


def check_github(yaml):
    msgs = []
    doc = yaml.safe_load(read(WORKFLOW))
    jobs = doc.get("jobs", {})
    test = jobs.get("test")
    if test is None:
        return ["no job 'test'"], None
    shards = test.get("strategy", {}).get("matrix", {}).get("shard")
    steps = test.get("steps", [])
    run = [s for s in steps if ".ci/run" in shell_of(s)]
    n = None
    if not run:
        msgs.append("no step of 'test' runs .ci/run")
    else:
        m = re.fullmatch(r"\$\{\{ *matrix\.shard *\}\}/(\d+)",
                         str(run[0].get("env", {}).get("SHARD", "")))
        if not m:
            msgs.append("the .ci/run step has no SHARD: ${{ matrix.shard "
                        "}}/N")
        else:
            n = int(m.group(1))
    if n is not None and shards != list(range(1, n + 1)):
        msgs.append("matrix.shard is %r, SHARD says N=%d" % (shards, n))
    image = test.get("container", {}).get("image", "")
    if image != "debian:12":
        msgs.append("the test job's container is %r, not debian:12" % image)
    up = [s for s in steps if "upload-artifact" in s.get("uses", "")]
    if not up or up[0].get("if") != "always()" or "build/test-results" \
            not in up[0].get("with", {}).get("path", ""):
        msgs.append("no upload of build/test-results/ with if: always()")
    report = jobs.get("report", {})
    if "test" not in str(report.get("needs", "")) or \
            report.get("if") != "always()":
        msgs.append("no report job that needs test and runs always()")
    rsteps = report.get("steps", [])
    if not any("tools/test-results merge" in shell_of(s) for s in rsteps):
        msgs.append("the report job does not merge the shards' results")
    if not any("test-reporter" in s.get("uses", "") and "junit.xml" in
               s.get("with", {}).get("path", "") for s in rsteps):
        msgs.append("the report job does not publish junit.xml")
    for job in jobs.values():
        for s in job.get("steps", []):
            uses = s.get("uses")
            if uses and not (PINNED_RE.match(uses) and
                             uses.startswith(ALLOWED_OWNERS)):
                msgs.append("action %r: not pinned to a commit, or not "
                            "GitHub's or dorny/test-reporter" % uses)
    text = read(WORKFLOW)
    for uses in re.findall(r"uses: (\S+@[0-9a-f]{40})(.*)", text):
        if not re.match(r" # v\d+\.\d+\.\d+$", uses[1]):
            msgs.append("%s: no '# vX.Y.Z' release comment" % uses[0])
    return msgs, n


def check_gitlab(yaml):
    msgs = []
    doc = yaml.safe_load(read(GITLAB))
    job = doc.get("test")
    if not job:
        return ["no job 'test'"], None
    n = job.get("parallel")
    script = "\n".join(job.get("script", []))
    if not re.search(r'SHARD="\$CI_NODE_INDEX/\$CI_NODE_TOTAL" sh \.ci/run',
                     script):
        msgs.append("the script does not run SHARD=$CI_NODE_INDEX/"
                    "$CI_NODE_TOTAL sh .ci/run")
    if not isinstance(n, int) or n < 1:
        msgs.append("parallel: %r is no shard count" % n)
    if job.get("image") != "debian:12":
        msgs.append("image %r, not debian:12" % job.get("image"))
    art = job.get("artifacts", {})
    if art.get("when") != "always" or art.get("reports", {}).get(
            "junit") != "build/test-results/junit.xml":
        msgs.append("no junit report of build/test-results/junit.xml "
                    "with when: always")
    return msgs, n


def check_yaml_in_docs(yaml):
    msgs = []
    blocks = re.findall(r"(?ms)^```yaml\n(.*?)^```", read(CI_MD))
    for i, b in enumerate(blocks, 1):
        try:
            yaml.safe_load(b)
        except yaml.YAMLError as e:
            msgs.append("docs/ci.md's YAML example %d: %s" % (i, e))
    if not blocks:
        msgs.append("docs/ci.md has no YAML example")
    return msgs


def shellcheck():
    msgs = []
    strict = sorted(glob.glob(os.path.join(REPO, "docs", "scripts", "*.sh"))
                    ) + [os.path.join(REPO, p) for p in STRICT_SCRIPTS]
    others = []
    for pattern in ("tools/*", "tests/**/*", ".ci/*"):
        for p in sorted(glob.glob(os.path.join(REPO, pattern),
                                  recursive=True)):
            if p in strict or not os.path.isfile(p) or "/corpus/" in p:
                continue
            with open(p, "rb") as f:
                head = f.readline()
            if re.match(rb"#!\s*/bin/(ba|da)?sh\b", head) or (
                    p.endswith(".sh") and not head.startswith(b"#!/usr/bin"
                                                              b"/env py")):
                others.append(p)
    for paths, extra in ((strict, []), (others, ["-S", "warning"])):
        if not paths:
            continue
        p = subprocess.run(["shellcheck", "-f", "gcc"] + extra + paths,
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            msgs += [l.replace(REPO + "/", "") for l in
                     (p.stdout + p.stderr).splitlines()]
    return msgs


# Made-up logs of each ending, for the VMware classifier.
BOOTED = 'pvbus testbed: booted via multiboot2 by "GRUB 2.06"\r\n'
MADE_UP = {
    "pass": BOOTED + "KTAP version 1\r\n1..1\r\nok 1 a\r\n1 passed, 0 "
    "failed, 0 skipped\r\n# exit status 0x10 (pass), QEMU exit code 33\r\n",
    "status-0x013": BOOTED + "# exit status 0x013 (x)\r\n",
    "unknown": BOOTED + "# exit status 0x17 (unknown), QEMU exit code 47\n",
    "partial-last-line": BOOTED + "# exit status 0x1",
    "reset": BOOTED + "KTAP version 1\n1..1\n# running a\n" + BOOTED,
    "reboot-then-halt": BOOTED + "# rebooting\n" + BOOTED +
    "# exit status 0x15 (halt requested by the host), QEMU exit code 43\n",
    "no-long-mode": "\r\nboot: this CPU has no long mode (CPUID 0x80000001 "
    "EDX.LM = 0); pvbus needs an x86_64 CPU\r\n",
    "empty": "",
    "booted-word": "pvbus testbed: bootedx\npvbus testbed: bootedx\n",
}


def check_vmware_classifier():
    msgs = []
    table = re.search(r"(?ms)^EXIT_TABLE='(.*?)'$", read(VMWARE))
    rows = {}
    for line in (table.group(1).splitlines() if table else []):
        st, code, verdict = line.split()
        rows[int(st, 16)] = (int(code), verdict)
    want = {e.status: (e.code, e.verdict) for e in exitcodes.EXIT_CODES
            if e.status is not None}
    if rows != want:
        msgs.append("EXIT_TABLE %s, exitcodes.py %s" % (rows, want))
    for name, code in (("NOREPORT", 6), ("TIMEOUT", 7), ("ERROR", 8)):
        if not re.search(r"(?m)^CODE_%s=%d$" % (name, code), read(VMWARE)):
            msgs.append("CODE_%s is not %d" % (name, code))
    logs = [(os.path.relpath(p, REPO), p) for p in sorted(glob.glob(
        os.path.join(REPO, "build", "test-logs", "*.log")))]
    with tempfile.TemporaryDirectory(prefix="ci-check-") as tmp:
        for name, text in MADE_UP.items():
            path = os.path.join(tmp, name + ".log")
            with open(path, "w") as f:
                f.write(text)
            logs.append(("made-up log " + name, path))
        for label, path in logs:
            with open(path, "rb") as f:
                data = f.read()
            lines = split_log(data)
            if not data.endswith(b"\n"):
                lines = lines[:-1]      # a line still being written
            got = exitcodes.code_from_log(lines)
            want_code = got[0] if got else 7
            p = subprocess.run(["sh", VMWARE, "--classify", path],
                               capture_output=True, text=True, timeout=60)
            if p.returncode != want_code:
                msgs.append("%s: --classify exits %d, the harness says %d "
                            "(%s)" % (label, p.returncode, want_code,
                                      p.stderr.strip()))
    return msgs, len(logs)


def check_powershell():
    text = read(HYPERV)
    msgs = []
    m = re.search(r"(?ms)^\$ExitCodes = @\{(.*?)^\}", text)
    rows = {int(a, 16): int(b) for a, b in re.findall(
        r"(0x[0-9a-fA-F]+) = (\d+)", m.group(1))} if m else {}
    want = {e.status: e.code for e in exitcodes.EXIT_CODES
            if e.status is not None}
    if rows != want:
        msgs.append("$ExitCodes %s, exitcodes.py %s" % (rows, want))
    m = re.search(r"(?ms)^\$Verdicts = @\{(.*?)^\}", text)
    names = {int(a, 16): b for a, b in re.findall(
        r"(0x[0-9a-fA-F]+) = '(\w+)'", m.group(1))} if m else {}
    if names != {e.status: e.verdict for e in exitcodes.EXIT_CODES
                 if e.status is not None}:
        msgs.append("$Verdicts %s differ from exitcodes.py" % names)
    for name, code in (("NoReport", 6), ("Timeout", 7), ("Error", 8)):
        if not re.search(r"(?m)^\$Code%s = %d$" % (name, code), text):
            msgs.append("$Code%s is not %d" % (name, code))
    for var, rx in (("ExitStatusPattern", exitcodes.EXIT_STATUS_RE),
                    ("NoLongModePattern", exitcodes.NO_LONG_MODE_RE),
                    ("BootedPattern", exitcodes.BOOTED_RE),
                    ("RebootingPattern", exitcodes.REBOOTING_RE)):
        m = re.search(r"(?m)^\$%s = '(.*)'$" % var, text)
        # exitcodes.py's patterns are used with re.match (anchored at
        # the start) unless they search; PowerShell's -cmatch searches,
        # so it needs the ^ where Python's match implies it.
        ps = m.group(1) if m else None
        want_ps = rx.pattern if rx is exitcodes.NO_LONG_MODE_RE else \
            "^" + rx.pattern
        if ps != want_ps:
            msgs.append("$%s is %r, exitcodes.py's is %r" % (var, ps,
                                                             want_ps))
    for cmdlet in ("New-VM", "-Generation", "Set-VMFirmware",
                   "-EnableSecureBoot Off", "Add-VMDvdDrive",
                   "Set-VMDvdDrive", "Set-VMBios", "Set-VMComPort",
                   "NamedPipeClientStream", "Stop-VM -Name $Name -TurnOff",
                   "Remove-VM"):
        if cmdlet not in text:
            msgs.append("no %s" % cmdlet)
    return msgs


def check_doc_table():
    rows = re.findall(r"(?m)^\| (\d) \| (\w+) \| ([^|]+) \| ([^|]+) \|",
                      read(CI_MD))
    got = [(int(c), v, q.strip(), s.strip()) for c, v, q, s in rows]
    want = [(e.code, e.verdict, str(e.qemu) if e.qemu is not None else
             "1 or other", "0x%02x" % e.status if e.status is not None
             else "-") for e in exitcodes.EXIT_CODES]
    return [] if got == want else ["docs/ci.md's table %s, exitcodes.py "
                                   "%s" % (got, want)]


def main():
    passed = failed = 0

    def say(msgs, what):
        nonlocal passed, failed
        print("%s  %s" % ("FAIL" if msgs else "PASS", what))
        for m in msgs[:10]:
            print("      " + m)
        passed += not msgs
        failed += bool(msgs)

    try:
        import yaml
    except ImportError:
        say(["python3-yaml is not installed (tools/deps.sh test)"],
            "the CI templates load as YAML")
        yaml = None
    if yaml is not None:
        gh, n_gh = check_github(yaml)
        say(gh, ".github/workflows/test.yml: the sharded test job, the "
            "report, pinned actions")
        gl, n_gl = check_gitlab(yaml)
        say(gl, "docs/gitlab-ci.yml: the sharded test job and its junit "
            "report")
        say([] if n_gh == n_gl else ["GitHub runs %s shards, GitLab %s"
                                     % (n_gh, n_gl)],
            "the same number of shards (%s) in both" % n_gh)
        say(check_yaml_in_docs(yaml), "docs/ci.md's YAML examples load")
    last, in_readme = ci_command()
    say([] if last == "make test" and in_readme else [
        ".ci/run ends with %r%s" % (last, "" if in_readme else
                                    ", which README.md does not give")],
        ".ci/run's command is README.md's make test")
    say(shellcheck(), "shellcheck: docs/scripts/*.sh and the run commands "
        "(all checks), the other shell scripts (warnings)")
    msgs, n = check_vmware_classifier()
    say(msgs, "docs/scripts/vmware-boot.sh --classify agrees with the "
        "harness on %d logs" % n)
    say(check_powershell(), "docs/scripts/hyperv-boot.ps1: the exit-code "
        "table, the codes 6-8, the patterns, the cmdlets")
    say(check_doc_table(), "docs/ci.md's exit-code table is exitcodes.py's")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
