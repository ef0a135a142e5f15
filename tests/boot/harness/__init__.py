"""
The boot-matrix harness, one module per job (tests/boot/README.md):

    ktap          the KTAP reader: parse a report, check its structure,
                  the totals line, what prove and kunit.py would read
                  differently, a log of several boots
    readers       run prove and kunit.py (extracted from linux-source-6.1)
                  on a log and compare their verdicts and counts
    cases         the case-file format, generated inputs, escaped and
                  generated command lines
    verdict       classify a run from QEMU's exit code and the log; judge
                  it against the case
    exitcodes     the exit-code table of tools/pvbus-run, and the code a
                  captured log shows on a host with no exit port
    qemu          the host's requirements (requires:, the KVM VMCALL
                  probe), ISOs, QEMU command lines, runs with timeouts
    compare_host  compare-host: the kernel's output against
                  build/host/pvbus-replay's
    tools         tool: cases (tools/mkiso.sh, build/host/pvbus-replay)
    runner        one case from start to verdict; each boot's KTAP
                  document stored on its own (CASE.bootN.ktap)
    results       junit.xml and results.json for dashboards, and the
                  JUnit schema's rules
    shard         --shard K/N, balanced by tests/boot/durations.json
    cli           the command line of tests/boot/matrix.py
    paths         the repository's directory; paths in messages

Reading order: cases (what a case says), ktap (what the kernel said),
verdict (what happened, and was it expected), exitcodes, readers (do
prove and kunit.py agree), qemu, tools and runner (how QEMU and the
tools are started), results and shard, cli.  The modules import each
other relatively (from .ktap import parse_ktap): paths, ktap and
exitcodes need nothing else of the harness, readers and verdict only
ktap, results ktap and paths, shard paths, and runner and cli bring it
all together.  Python 3 standard library only.

The harness's own tests are test_<module>.py beside each module, with
the logs and fakes they share in testlib.py; tests/boot/test_matrix.py
runs them all.

Using it from elsewhere: the package is "harness" in tests/boot, so
tests/boot/matrix.py and tests/boot/test_matrix.py import it as it is
(a script's own directory is on Python's path).  A script in another
directory puts tests/boot on the path once, before importing, as
tests/replay/check.py does:

    sys.path.insert(0, os.path.join(REPO, "tests", "boot"))
    from harness import ktap
"""
