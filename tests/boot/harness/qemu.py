"""
Running QEMU: what the host offers the cases (requires:), the ISOs they
boot, the QEMU command line of a run, and the programs a run starts,
each killed at its timeout.

    Host            QEMU's version, /dev/kvm and its Hyper-V emulation,
                    the KVM VMCALL probe (tests/boot/kvm-hypercall-probe.asm),
                    OVMF, GRUB: missing() says why a case must be
                    SKIPped; on_this_host() the case as it runs here (a
                    real-KVM case without a working VMCALL gets the key
                    that makes that one step a SKIP)
    IsoBuilder      one ISO per distinct command line and modules, built
                    once per run by tools/mkiso.sh into BUILD/test-isos/
    qemu_argv()     the QEMU command line of a boot case
    Processes       starts a program in its own process group, kills the
                    group at the timeout, kills them all on ^C
    symbolize()     a crash's RIP as function (file:line), by addr2line

Reads /dev/kvm, the OVMF files, /usr/lib/grub/; runs QEMU, nasm and ld
(the probe), tools/mkiso.sh and addr2line.  The command line every run
starts with: tests/boot/README.md, "Case file format".
"""

import concurrent.futures
import dataclasses
import fcntl
import hashlib
import os
import re
import shutil
import signal
import subprocess
import threading
import time

from .cases import QEMU_MIN_RE, cmdline_words
from .paths import REPO, show

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


class Host:
    """What this host has for the cases, each thing looked at once."""

    def __init__(self, qemu, build):
        self.qemu = qemu            # the QEMU binary
        self.build = build          # where the VMCALL probe is built
        self.probe_lock = threading.Lock()

    def qemu_version(self):
        """(major, minor) of the QEMU binary, read once; (0, 0) if unknown."""
        if not hasattr(self, "_qemu_version"):
            self._qemu_version = (0, 0)
            try:
                out = subprocess.run([self.qemu, "--version"],
                                     capture_output=True, timeout=30).stdout
                m = re.search(rb"version (\d+)\.(\d+)", out)
                if m:
                    self._qemu_version = (int(m.group(1)), int(m.group(2)))
            except (OSError, subprocess.TimeoutExpired):
                pass
        return self._qemu_version

    def kvm_hypercall_works(self):
        """Boot tests/boot/kvm-hypercall-probe.asm under KVM once: None if
        its VMCALL comes back, else why not (see the probe's comment).
        Cases run in threads: the first builds and boots, the rest wait."""
        with self.probe_lock:
            return self._kvm_hypercall_probe()

    def _kvm_hypercall_probe(self):
        if hasattr(self, "_kvm_hypercall"):
            return self._kvm_hypercall
        probe = os.path.join(self.build, "kvm-hypercall-probe")
        self._kvm_hypercall = "the VMCALL probe could not be built"
        try:
            subprocess.run(["nasm", "-f", "elf32", "-o", probe + ".o",
                            os.path.join(REPO, "tests", "boot",
                                         "kvm-hypercall-probe.asm")],
                           check=True, capture_output=True, timeout=60)
            subprocess.run(["ld", "-m", "elf_i386", "-z",
                            "max-page-size=0x1000", "-T",
                            os.path.join(REPO, "tools", "bench", "floor.ld"),
                            "-o", probe, probe + ".o"],
                           check=True, capture_output=True, timeout=60)
            p = subprocess.run([self.qemu, "-accel", "kvm", "-M", "q35",
                                "-cpu", "host", "-m", "32M", "-display",
                                "none", "-no-reboot", "-monitor", "none",
                                "-serial", "none", "-device",
                                "isa-debug-exit,iobase=0xf4,iosize=0x04",
                                "-kernel", probe], capture_output=True,
                               timeout=10)
        except (OSError, subprocess.CalledProcessError):
            return self._kvm_hypercall
        except subprocess.TimeoutExpired:
            self._kvm_hypercall = ("a VMCALL from a KVM guest never returns "
                                   "on this host (nested KVM?)")
            return self._kvm_hypercall
        self._kvm_hypercall = None if p.returncode == 33 else (
            "the VMCALL probe ended with QEMU exit %d" % p.returncode)
        return self._kvm_hypercall

    # The key that turns off the one step of a plain KVM guest that
    # needs a VMCALL to come back (drivers/pvclock/pvclock_pv.c).
    HYPERCALL_KEY = "pvclock.hypercall"

    def on_this_host(self, case):
        """The case as it runs here.  A "requires: kvm" case runs wherever
        /dev/kvm opens; where a KVM guest's VMCALL never comes back (the
        probe), everything but pvclock0's hypercall step still works, so
        instead of skipping the case the command line gets
        pvclock.hypercall="skip:WHY" and that one step is a SKIP with
        the probe's reason.  A case that sets the key itself keeps its
        own.  Call after missing() found nothing missing."""
        if "kvm" not in case.requires or any(
                w.startswith(self.HYPERCALL_KEY + "=")
                for w in cmdline_words(case.cmdline)):
            return case
        why = self.kvm_hypercall_works()
        if why is None:
            return case
        word = '%s="skip:%s"' % (self.HYPERCALL_KEY, why)
        return dataclasses.replace(
            case, cmdline=(case.cmdline + " " + word).lstrip())

    # What a case needs from the host; a missing one makes it a SKIP.
    def missing(self, case):
        for word in case.requires:
            m = QEMU_MIN_RE.match(word)
            if m and self.qemu_version() < (int(m.group(1)), int(m.group(2))):
                return "needs QEMU %s.%s or newer, have %d.%d" % (
                    m.group(1), m.group(2), *self.qemu_version())
        if "ovmf" in case.requires:
            for f in (OVMF_CODE, OVMF_VARS):
                if not os.path.exists(f):
                    return "%s not found (Debian: ovmf)" % f
        kvms = ("kvm", "kvm-hyperv", "no-kvm-hyperv", "kvm-hypercall")
        if any(k in case.requires for k in kvms):
            try:
                fd = os.open("/dev/kvm", os.O_RDWR)
            except OSError as e:
                return "/dev/kvm not usable (%s)" % e.strerror
            try:
                # KVM_CHECK_EXTENSION (_IO(0xAE, 0x03)) for KVM_CAP_HYPERV
                # (44): a nested or stripped host may lack the emulation.
                # A case for each side: kvm-hyperv needs it, and
                # no-kvm-hyperv shows what a guest gets without it.
                hyperv = fcntl.ioctl(fd, 0xAE03, 44) != 0
            finally:
                os.close(fd)
            if "kvm-hyperv" in case.requires and not hyperv:
                return "KVM without Hyper-V emulation (KVM_CAP_HYPERV 0)"
            if "no-kvm-hyperv" in case.requires and hyperv:
                return ("KVM with Hyper-V emulation (KVM_CAP_HYPERV 1): "
                        "kvm-hyperv runs instead")
            # Strict: the case's drivers call through hypercall pages
            # (hyperv0, xen0), which no command-line key can gate.
            if "kvm-hypercall" in case.requires:
                why = self.kvm_hypercall_works()
                if why is not None:
                    return why
        if case.uses_iso or case.tool == "mkiso":
            for tool in ("grub-mkrescue", "xorriso"):
                if not shutil.which(tool):
                    return tool + " not installed"
            plat = "x86_64-efi" if case.boot == "uefi" else "i386-pc"
            if not os.path.isdir("/usr/lib/grub/" + plat):
                return "/usr/lib/grub/%s missing (GRUB for %s)" % (
                    plat, case.boot)
        return None


class IsoBuilder:
    """The ISOs of a run: one per command line and modules, built in a
    pool of its own while cases wait for theirs."""

    def __init__(self, mkiso, kernel, directory, jobs):
        self.mkiso = mkiso          # tools/mkiso.sh
        self.kernel = kernel        # BUILD/kernel.elf
        self.directory = directory  # BUILD/test-isos
        self.pool = concurrent.futures.ThreadPoolExecutor(jobs)
        self.futures = {}
        self.lock = threading.Lock()

    def iso_for(self, case):
        """A future for the ISO with this case's command line baked in."""
        key = "\0".join([case.cmdline] + case.modules)
        digest = hashlib.sha1(key.encode("utf-8", "surrogateescape")
                              ).hexdigest()[:12]
        with self.lock:
            if digest not in self.futures:
                self.futures[digest] = self.pool.submit(
                    self._build_iso, digest, case.cmdline, case.modules)
            return self.futures[digest]

    def _build_iso(self, digest, cmdline, modules):
        """Returns (path relative to REPO, None) or (None, why not)."""
        if not os.path.exists(self.mkiso):
            return None, show(self.mkiso) + " missing"
        os.makedirs(self.directory, exist_ok=True)
        iso = os.path.join(self.directory, digest + ".iso")
        log = os.path.join(self.directory, digest + ".log")
        if os.path.exists(iso):
            os.unlink(iso)
        cmd = [self.mkiso, iso, os.path.relpath(self.kernel, REPO),
               cmdline] + modules
        if not os.access(self.mkiso, os.X_OK):
            cmd.insert(0, "bash")
        with open(log, "wb") as out:
            try:
                rc = subprocess.call(cmd, cwd=REPO, stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=out, timeout=300)
            except subprocess.TimeoutExpired:
                rc = "timeout"
        if rc != 0 or not os.path.exists(iso):
            with open(log, encoding="utf-8", errors="replace") as f:
                said = [l.strip() for l in f if l.strip()] or [""]
            # The first error of the tools below, else mkiso's last word.
            why = next((l for l in said if re.search(
                r"error|MISHAP|SORRY|FAILURE|FATAL", l)), said[-1])
            return None, "%s failed (%s): %s (%s)" % (
                show(self.mkiso), rc, why, show(log))
        return os.path.relpath(iso, REPO), None

    def shutdown(self):
        self.pool.shutdown(wait=True, cancel_futures=True)


def qemu_argv(qemu, case, kernel, iso, log, logs):
    """The command line that boots the case: QEMU binary qemu, the ISO
    iso (ISO cases) or kernel (PVH), COM1 into log (relative to the
    repository), {logs} in qemu: options standing for the log
    directory logs."""
    # A case that reboots on purpose lets the reset happen; any other
    # reset (a triple fault) must end QEMU, not loop.
    reboot = [] if case.boots > 1 else ["-no-reboot"]
    argv = [qemu, "-M", case.machine, "-m", case.memory,
            "-display", "none"] + reboot + ["-monitor", "none",
            "-parallel", "none",
            "-serial", "file:" + log if case.serial else "none",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if case.boot == "uefi":
        argv += ["-drive", "if=pflash,format=raw,unit=0,readonly=on,"
                 "file=" + OVMF_CODE,
                 "-drive", "if=pflash,format=raw,unit=1,snapshot=on,"
                 "file=" + OVMF_VARS]
    if case.uses_iso:
        argv += ["-cdrom", iso]
    else:
        argv += ["-kernel", os.path.relpath(kernel, REPO)]
        if case.cmdline:
            argv += ["-append", case.cmdline]
        if case.modules:
            argv += ["-initrd", case.modules[0]]
    # {logs} and {case} in qemu: options (a second serial port's
    # file, say): the log directory and the case's name.
    logs = os.path.relpath(logs, REPO)
    return argv + [a.replace("{logs}", logs).replace("{case}", case.name)
                   for a in case.qemu]


class Processes:
    """The programs the cases run (QEMU, the tools), each in a process
    group of its own, so that a timeout or ^C ends it with its
    children."""

    def __init__(self):
        self.lock = threading.Lock()
        self.live = set()           # killed on ^C

    def run(self, argv, timeout, stdout, stderr):
        """Run argv in the repository with no standard input, its output
        into the open files stdout and stderr.  Returns (exit code,
        timed out?, seconds)."""
        t0 = time.monotonic()
        p = subprocess.Popen(argv, cwd=REPO, stdin=subprocess.DEVNULL,
                             stdout=stdout, stderr=stderr,
                             start_new_session=True)
        with self.lock:
            self.live.add(p)
        timed_out = False
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            rc = self.kill(p)
        finally:
            with self.lock:
                self.live.discard(p)
        return rc, timed_out, time.monotonic() - t0

    @staticmethod
    def kill(p):
        """SIGTERM to QEMU's process group (it flushes and exits 0), then
        SIGKILL if it has not gone after 3 s."""
        for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 10)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                return p.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        return p.wait()

    def kill_all(self):
        with self.lock:
            procs = list(self.live)
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def symbolize(addr2line, kernel, rip):
    """'function (file:line)' for a RIP in build/kernel.elf, then
    ' in caller (file:line)' for each function it was inlined into;
    '' if addr2line is missing or knows nothing."""
    if not addr2line or not rip:
        return ""
    try:
        out = subprocess.run([addr2line, "-f", "-i", "-e", kernel, rip],
                             capture_output=True, text=True,
                             timeout=10).stdout.split("\n")
    except (OSError, subprocess.TimeoutExpired):
        return ""
    frames = []
    for func, where in zip(out[0::2], out[1::2]):
        if func.startswith("??"):
            break
        path, _, lineno = where.split(" (discriminator")[0] \
            .rpartition(":")
        if path.startswith("??"):
            frames.append(func)
        else:
            frames.append("%s (%s:%s)" % (func, show(path), lineno))
    return " in ".join(frames)
