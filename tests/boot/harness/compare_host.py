"""
compare-host: hold a replay boot's output to the host's.  A case with
"compare-host: yes" boots with hv=replay and a CPUID dump as module 0;
build/host/pvbus-replay runs the kernel's own detection code on the same
dump on the host, and the kernel's blocks for the tests pvbus_identify
and pvbus_attach must equal the tool's line for line (tests/boot/README.md,
"Kernel against host: compare-host:").

    compare_host()    runs the tool for a case and compares its output
                      with the kernel's serial log
    ktap_block()      the lines one top-level test printed
    compare_blocks()  the first difference in each test's block
    module_name(), rename_profile()
                      the kernel names the dump after its module string,
                      the tool after its file: rename the tool's mention

Reads the serial log's lines and the dump's first line (PVH); runs
build/host/pvbus-replay.
"""

import os
import re
import subprocess

from .ktap import RESULT_RE, split_log
from .paths import REPO, show
from .verdict import first_stderr_line

# The tests whose output build/host/pvbus-replay reproduces on the host
# (tools/pvbus-replay.c): a case with "compare-host: yes" requires the
# kernel's blocks for them to equal the tool's, line for line.
HOST_TESTS = ("pvbus_identify", "pvbus_attach")


def ktap_block(lines, name):
    """The lines a top-level test printed: those after "# running NAME"
    up to its top-level result, then that result with its number
    replaced by N (the kernel's plan has more tests than the tool's).
    Returns (first line's index in lines, block), or None if the test
    did not run or has no result."""
    start = next((i for i, l in enumerate(lines)
                  if l.rstrip() == "# running " + name), None)
    if start is None:
        return None
    for i in range(start + 1, len(lines)):
        m = RESULT_RE.match(lines[i].rstrip())
        if m and (m.group(3) or "").strip() == name:
            result = re.sub(r"^(not ok|ok) \d+ ", r"\1 N ",
                            lines[i].rstrip())
            return start + 1, [l.rstrip() for l in lines[start + 1:i]] \
                + [result]
    return None


def compare_blocks(kernel, host, names=HOST_TESTS):
    """Messages for the first difference between the kernel's log and
    the host tool's output in each test's block; [] if they agree."""
    msgs = []
    for name in names:
        k, h = ktap_block(kernel, name), ktap_block(host, name)
        if k is None or h is None:
            msgs.append("compare-host: %s has no %s block (no '# running "
                        "%s' followed by its result)" % (
                            "the kernel's log" if k is None else
                            "pvbus-replay's output", name, name))
            continue
        (kstart, kb), (hstart, hb) = k, h
        for i in range(max(len(kb), len(hb))):
            kl = kb[i] if i < len(kb) else None
            hl = hb[i] if i < len(hb) else None
            if kl == hl:
                continue
            msgs.append("compare-host: %s differs at its line %d: kernel "
                        "%s, pvbus-replay %s" % (
                            name, i + 1,
                            "%r (log line %d)" % (kl, kstart + i + 1)
                            if kl is not None else "(block ended)",
                            "%r" % hl if hl is not None
                            else "(block ended)"))
            break
    return msgs


def module_name(case):
    """The name the kernel's replay backend gives module 0: the module's
    string without directories (drivers/hvio/hvio_replay.c).  An ISO
    module's string is what tools/mkiso.sh writes after module2: the
    text after '=' in "FILE=STRING", else the file's base name.  QEMU's
    PVH loader passes -initrd with no command line; the kernel then
    takes the name from the dump's first line, "# file: NAME"."""
    m = case.modules[0]
    if not case.uses_iso:
        try:
            with open(os.path.join(REPO, m), "rb") as f:
                first = f.readline().decode("ascii", "replace")
        except OSError:
            return ""
        if not first.startswith("# file: "):
            return ""
        return first[len("# file: "):].rstrip("\r\n")[:63]
    string = m.split("=", 1)[1] if "=" in m else os.path.basename(m)
    return string.rsplit("/", 1)[-1][:63]


def rename_profile(lines, old, new):
    """The tool names the dump after its path; the kernel after its
    module string.  Rewrite the two places the name appears, as
    hvio_replay.c and pvbus_tree.c print them: 'profile="NAME"' in the
    replay facts line and the ' [replay: NAME]' tag (' [replay]' when
    the name is empty)."""
    tag_new = " [replay: %s]" % new if new else " [replay]"
    return [l.replace('profile="%s"' % old, 'profile="%s"' % new)
             .replace(" [replay: %s]" % old, tag_new) for l in lines]


def host_replay(tool, case):
    """(lines the host tool printed for the case's dump, renamed as the
    kernel names it, or None; why not)."""
    if not os.path.exists(tool):
        return None, "compare-host: %s missing (make host-tools)" % \
            show(tool)
    dump = case.modules[0].split("=", 1)[0] if case.uses_iso \
        else case.modules[0]
    try:
        p = subprocess.run([tool, dump], cwd=REPO, capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "compare-host: %s: %s" % (show(tool), e)
    if p.returncode not in (0, 1):      # 2: unreadable dump
        return None, "compare-host: %s %s exited %d: %s" % (
            show(tool), dump, p.returncode,
            first_stderr_line(p.stderr.decode("utf-8", "replace")))
    lines = split_log(p.stdout)
    name = module_name(case)
    host = os.path.basename(dump)
    return (rename_profile(lines, host, name) if name != host else lines,
            None)


def compare_host(tool, case, lines):
    """The compare-host messages for one run's serial log."""
    host, why = host_replay(tool, case)
    if host is None:
        return [why]
    return compare_blocks(lines, host)
