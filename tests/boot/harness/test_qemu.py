"""
Tests of qemu.py: the QEMU command line of each boot path, the
requires: qemu>=X.Y check against a fake QEMU, the process runner's
exit codes and timeout kill, and symbolize() without addr2line.  The
ISO builder is tested through the runner (test_runner).
"""

import os
import shutil
import sys
import tempfile
import unittest

from . import cases, qemu
from .paths import REPO

KERNEL = os.path.join(REPO, "build", "kernel.elf")
LOGS = os.path.join(REPO, "build", "test-logs")


def argv(text, iso=None):
    """The QEMU command line of the case text, logging to x.log."""
    return qemu.qemu_argv("qemu", cases.parse_case(text, "x"), KERNEL, iso,
                          "build/test-logs/x.log", LOGS)


class QemuArgvTest(unittest.TestCase):

    def test_pvh(self):
        a = argv("boot: pvh\nmachine: pc\nmemory: 64M\ncmdline: a=\"b c\"\n"
                 "module: tests/d.txt\n")
        self.assertEqual(a, [
            "qemu", "-M", "pc", "-m", "64M", "-display", "none",
            "-no-reboot", "-monitor", "none", "-parallel", "none",
            "-serial", "file:build/test-logs/x.log",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-kernel", "build/kernel.elf", "-append", 'a="b c"',
            "-initrd", "tests/d.txt"])

    def test_uefi_boots_the_iso_with_ovmf(self):
        a = argv("boot: uefi\ncmdline: x\n", iso="build/test-isos/h.iso")
        self.assertIn("if=pflash,format=raw,unit=0,readonly=on,file=" +
                      qemu.OVMF_CODE, a)
        self.assertIn("if=pflash,format=raw,unit=1,snapshot=on,file=" +
                      qemu.OVMF_VARS, a)
        self.assertEqual(a[-2:], ["-cdrom", "build/test-isos/h.iso"])
        self.assertNotIn("-kernel", a)
        self.assertNotIn("-append", a)

    def test_serial_none_reboots_and_placeholders(self):
        a = argv("boot: pvh\nserial: none\n")
        self.assertEqual(a[a.index("-serial") + 1], "none")
        # A case that reboots on purpose runs without -no-reboot.
        self.assertIn("-no-reboot", a)
        self.assertNotIn("-no-reboot", argv("boot: pvh\nboots: 2\n"))
        a = argv("boot: pvh\nqemu: -serial file:{logs}/{case}.com2 "
                 "-smp 2\n")
        self.assertEqual(a[-4:], ["-serial", "file:build/test-logs/x.com2",
                                  "-smp", "2"])


FAKE_QEMU_VERSION = """#!/bin/sh
echo "QEMU emulator version 7.2.9 (Debian 1:7.2+dfsg-7)"
"""


class HostTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="matrix-test-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_qemu_version_requirement(self):
        fake = os.path.join(self.dir, "qemu")
        with open(fake, "w") as f:
            f.write(FAKE_QEMU_VERSION)
        os.chmod(fake, 0o755)
        host = qemu.Host(fake, self.dir)
        self.assertEqual(host.qemu_version(), (7, 2))
        self.assertIsNone(host.missing(cases.parse_case(
            "boot: pvh\nrequires: qemu>=7.2\n", "x")))
        self.assertEqual(host.missing(cases.parse_case(
            "boot: pvh\nrequires: qemu>=7.10\n", "x")),
            "needs QEMU 7.10 or newer, have 7.2")
        self.assertEqual(qemu.Host(os.path.join(self.dir, "none"),
                                   self.dir).qemu_version(), (0, 0))


class KvmHypervRequirementTest(unittest.TestCase):
    """kvm-hyperv and no-kvm-hyperv are the two sides of one answer,
    KVM_CAP_HYPERV: exactly one of them runs on a host with /dev/kvm.
    /dev/kvm and the ioctl are faked, so no test depends on the host."""

    def missing(self, requires, cap):
        case = cases.parse_case("boot: pvh\nrequires: %s\n" % requires, "x")
        saved = qemu.os.open, qemu.os.close, qemu.fcntl.ioctl
        qemu.os.open = lambda path, flags: 99
        qemu.os.close = lambda fd: None
        qemu.fcntl.ioctl = lambda fd, req, arg: cap if (req, arg) == \
            (0xAE03, 44) else 0
        try:
            return qemu.Host("qemu", "build").missing(case)
        finally:
            qemu.os.open, qemu.os.close, qemu.fcntl.ioctl = saved

    def test_one_side_runs(self):
        self.assertEqual(self.missing("kvm-hyperv", 0),
                         "KVM without Hyper-V emulation (KVM_CAP_HYPERV 0)")
        self.assertIsNone(self.missing("kvm no-kvm-hyperv", 0))
        self.assertIsNone(self.missing("kvm-hyperv", 1))
        self.assertEqual(self.missing("kvm no-kvm-hyperv", 1),
                         "KVM with Hyper-V emulation (KVM_CAP_HYPERV 1): "
                         "kvm-hyperv runs instead")


class OnThisHostTest(unittest.TestCase):
    """A real-KVM case on a host whose KVM VMCALL never comes back runs
    with the key that makes that one step a SKIP; elsewhere it runs as
    written.  The probe's answer is set by hand: no test depends on the
    host having /dev/kvm."""

    WHY = "a VMCALL from a KVM guest never returns on this host"

    def host(self, why):
        host = qemu.Host("qemu", "build")
        host._kvm_hypercall = why           # the probe, already run
        return host

    def test_key_added_where_the_vmcall_never_returns(self):
        case = cases.parse_case("boot: pvh\nrequires: kvm\n"
                                "cmdline: exit=halt\n", "x")
        got = self.host(self.WHY).on_this_host(case)
        self.assertEqual(got.cmdline, 'exit=halt pvclock.hypercall='
                         '"skip:%s"' % self.WHY)
        self.assertEqual(case.cmdline, "exit=halt")     # a copy
        a = qemu.qemu_argv("qemu", got, KERNEL, None,
                           "build/test-logs/x.log", LOGS)
        self.assertEqual(a[a.index("-append") + 1], got.cmdline)
        empty = cases.parse_case("boot: pvh\nrequires: kvm\n", "x")
        self.assertEqual(self.host(self.WHY).on_this_host(empty).cmdline,
                         'pvclock.hypercall="skip:%s"' % self.WHY)

    def test_unchanged_where_it_works_or_is_not_asked(self):
        kvm = cases.parse_case("boot: pvh\nrequires: kvm\n", "x")
        self.assertIs(self.host(None).on_this_host(kvm), kvm)
        tcg = cases.parse_case("boot: pvh\ncmdline: hv=sim:kvm\n", "x")
        self.assertIs(self.host(self.WHY).on_this_host(tcg), tcg)
        own = cases.parse_case('boot: pvh\nrequires: kvm\ncmdline: '
                               'pvclock.hypercall="skip:mine"\n', "x")
        self.assertIs(self.host(self.WHY).on_this_host(own), own)

    def test_strict_requirement_still_skips(self):
        # kvm-hypercall: the case's drivers call through hypercall pages,
        # which no key gates, so the case is skipped (where /dev/kvm
        # opens at all; without it the reason is /dev/kvm's).
        case = cases.parse_case("boot: pvh\nrequires: kvm-hypercall\n", "x")
        why = self.host(self.WHY).missing(case)
        self.assertIsNotNone(why)
        self.assertTrue(why == self.WHY or why.startswith("/dev/kvm"), why)


class ProcessesTest(unittest.TestCase):

    def run_sh(self, script, timeout):
        with tempfile.TemporaryFile() as out:
            rc, timed_out, secs = qemu.Processes().run(
                ["sh", "-c", script], timeout, out, out)
            out.seek(0)
            return rc, timed_out, out.read()

    def test_exit_code_and_output(self):
        rc, timed_out, out = self.run_sh("pwd; exit 3", 60)
        self.assertEqual((rc, timed_out), (3, False))
        self.assertEqual(out.decode().strip(), REPO)   # runs in the repo

    def test_timeout_kills_the_process_group(self):
        # The child sleeps in a process of its own; killing only sh would
        # leave it holding the output open.
        rc, timed_out, out = self.run_sh("sleep 60 & wait", 0.5)
        self.assertTrue(timed_out)
        self.assertLess(rc, 0)      # ended by a signal


class SymbolizeTest(unittest.TestCase):

    def test_without_addr2line(self):
        self.assertEqual(qemu.symbolize(None, KERNEL, "0x100000"), "")
        self.assertEqual(qemu.symbolize(sys.executable, KERNEL, ""), "")
