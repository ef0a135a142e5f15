"""
Tests of compare_host.py: the blocks of a replay boot's log against
build/host/pvbus-replay's output, the renaming of the dump, and
compare-host: through the runner with a fake QEMU and a fake tool.
"""

import os
import shutil
import tempfile
import unittest

from . import cases, compare_host, testlib
from .testlib import log


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
    return compare_host.rename_profile(log(text.replace("kvm.txt", name)),
                                       name, new)


class CompareHostTest(unittest.TestCase):

    def test_case_key(self):
        c = cases.parse_case("boot: pvh\ncmdline: a=1 hv=replay\n"
                             "module: d.txt\ncompare-host: yes\n", "r")
        self.assertTrue(c.compare_host)
        c = cases.parse_case("boot: pvh\ncompare-host: no\n", "r")
        self.assertFalse(c.compare_host)
        self.assertFalse(cases.parse_case("boot: pvh\n", "r").compare_host)
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
            with self.assertRaises(cases.CaseError) as cm:
                cases.parse_case(text, "bad")
            self.assertIn(msg, str(cm.exception))

    def test_block_masks_the_result_number(self):
        start, block = compare_host.ktap_block(log(REPLAY_LOG), "pvbus_attach")
        self.assertEqual(block, [
            "pvbus0 at mainbus0: KVM [replay]",
            'pvbus0: 0x40000000: "KVMKVMKVM\\0\\0\\0", max leaf '
            '0x40000001, primary',
            "pvbus: 0 attached, 0 failed", "ok N pvbus_attach"])
        self.assertEqual(log(REPLAY_LOG)[start], block[0])
        # The subtest's own "ok 1 hypervisor_bit" does not end the block.
        _, block = compare_host.ktap_block(log(REPLAY_LOG), "pvbus_identify")
        self.assertEqual(block[-1], "ok N pvbus_identify")
        self.assertIn("  ok 1 hypervisor_bit", block)
        self.assertIsNone(compare_host.ktap_block(log(REPLAY_LOG), "absent"))
        cut = log(REPLAY_LOG)[:-6]     # stops inside pvbus_attach
        self.assertIsNone(compare_host.ktap_block(cut, "pvbus_attach"))

    def test_same_blocks_agree(self):
        self.assertEqual(compare_host.compare_blocks(log(REPLAY_LOG), host()),
                         [])

    def test_name_must_be_renamed(self):
        msgs = compare_host.compare_blocks(log(REPLAY_LOG),
                                           host(new="kvm.txt"))
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
        msgs = compare_host.compare_blocks(log(REPLAY_LOG), other)
        self.assertEqual(len(msgs), 1)
        self.assertIn("pvbus_attach differs at its line 2: ", msgs[0])
        self.assertIn("(log line 17)", msgs[0])
        self.assertIn("0x40000002", msgs[0])

    def test_result_and_length_count(self):
        other = host(HOST_OUT.replace("ok 1 pvbus_identify",
                                      "not ok 1 pvbus_identify"))
        msgs = compare_host.compare_blocks(log(REPLAY_LOG), other)
        self.assertEqual(msgs, [
            "compare-host: pvbus_identify differs at its line 8: kernel "
            "'ok N pvbus_identify' (log line 14), pvbus-replay "
            "'not ok N pvbus_identify'"])
        longer = host(HOST_OUT.replace(
            "pvbus: 0 attached", "pvbus0: extra\n    pvbus: 0 attached"))
        msgs = compare_host.compare_blocks(log(REPLAY_LOG), longer)
        self.assertIn("line 3: kernel 'pvbus: 0 attached, 0 failed' (log "
                      "line 18), pvbus-replay 'pvbus0: extra'", msgs[0])
        shorter = [l for l in log(REPLAY_LOG) if "attached" not in l]
        msgs = compare_host.compare_blocks(shorter, host())
        self.assertIn("line 3: kernel 'ok N pvbus_attach'", msgs[0])

    def test_missing_block(self):
        lines = [l for l in log(REPLAY_LOG) if "pvbus_identify" not in l]
        msgs = compare_host.compare_blocks(lines, host())
        self.assertEqual(msgs, [
            "compare-host: the kernel's log has no pvbus_identify block "
            "(no '# running pvbus_identify' followed by its result)"])
        msgs = compare_host.compare_blocks(log(REPLAY_LOG), [])
        self.assertEqual(len(msgs), 2)
        self.assertIn("pvbus-replay's output has no pvbus_identify", msgs[0])

    def test_module_name(self):
        def name(text):
            return compare_host.module_name(cases.parse_case(
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
        return testlib.run_cli(self.dir, os.path.join(self.dir, "qemu"), 2,
                               extra)

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
