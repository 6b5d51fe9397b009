#!/usr/bin/env python3
"""Host unit tests for the tools that boot and judge Pagoda (no QEMU needed).

  python3 tests/test_tools.py        (part of make test-host)

- tools/mkcpio.py: the archive parses back as newc, sorted, aligned, with
  /dev/console and TRAILER!!!, byte-identical on a second run;
- tests/run-boot.py --parse: TAP counting, diagnostics, \\r and escape
  sequences, the conditions that fail a run; a program's own TAP lines
  (after /init's "# init: run N name") shown as its output, not counted;
  kernel lines kept apart;
- /init (build/initramfs/init, run on this host): --tests=user and the
  "# init: run" announcements;
- tools/qemu.sh: exit-code mapping, with a fake QEMU binary;
- the Makefile: a change of DEBUG or CC rebuilds the objects it affects
  (the stamps in $(BUILD)/flags/), and `make clean` keeps .cache/.
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MKCPIO = os.path.join(ROOT, "tools", "mkcpio.py")
RUN_BOOT = os.path.join(ROOT, "tests", "run-boot.py")
INIT = os.path.join(ROOT, "build", "initramfs", "init")
QEMU_SH = os.path.join(ROOT, "tools", "qemu.sh")


def read_newc(data):
    """Parse a newc archive into [(name, mode, rdevmajor, rdevminor, body)]."""
    entries, off = [], 0
    while True:
        assert data[off:off + 6] == b"070701", f"bad magic at {off}"
        f = [int(data[off + 6 + 8 * i: off + 14 + 8 * i], 16) for i in range(13)]
        mode, size, rmaj, rmin, namesize = f[1], f[6], f[9], f[10], f[11]
        name = data[off + 110: off + 110 + namesize - 1].decode()
        assert data[off + 110 + namesize - 1] == 0
        off += 110 + namesize
        off += (4 - off % 4) % 4
        body = data[off: off + size]
        off += size
        off += (4 - off % 4) % 4
        if name == "TRAILER!!!":
            assert off == len(data), "bytes after the trailer"
            return entries
        assert f[2] == 0 and f[3] == 0 and f[5] == 0, f"{name}: uid/gid/mtime not 0"
        entries.append((name, mode, rmaj, rmin, body))


class MkcpioTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.stage = os.path.join(self.tmp.name, "stage")
        os.makedirs(os.path.join(self.stage, "user", "tests"))
        with open(os.path.join(self.stage, "init"), "wb") as f:
            f.write(b"\x7fELF-init")
        os.chmod(os.path.join(self.stage, "init"), 0o755)
        with open(os.path.join(self.stage, "user", "tests", "a"), "wb") as f:
            f.write(b"abc")
        os.chmod(os.path.join(self.stage, "user", "tests", "a"), 0o644)
        os.symlink("/init", os.path.join(self.stage, "linit"))

    def tearDown(self):
        self.tmp.cleanup()

    def build(self, name):
        out = os.path.join(self.tmp.name, name)
        subprocess.run([MKCPIO, self.stage, out], check=True)
        with open(out, "rb") as f:
            return f.read()

    def test_round_trip(self):
        entries = read_newc(self.build("a.cpio"))
        names = [e[0] for e in entries]
        self.assertEqual(names, ["dev", "dev/console", "init", "linit",
                                 "user", "user/tests", "user/tests/a"])
        by_name = {e[0]: e for e in entries}
        _, mode, rmaj, rmin, _ = by_name["dev/console"]
        self.assertTrue(stat.S_ISCHR(mode))
        self.assertEqual((stat.S_IMODE(mode), rmaj, rmin), (0o600, 5, 1))
        self.assertEqual(by_name["init"][1], stat.S_IFREG | 0o755)
        self.assertEqual(by_name["init"][4], b"\x7fELF-init")
        self.assertEqual(by_name["user/tests/a"][4], b"abc")
        self.assertTrue(stat.S_ISDIR(by_name["user"][1]))
        self.assertTrue(stat.S_ISLNK(by_name["linit"][1]))
        self.assertEqual(by_name["linit"][4], b"/init")

    def test_deterministic(self):
        self.assertEqual(self.build("a.cpio"), self.build("b.cpio"))


class RunBootParseTest(unittest.TestCase):
    def parse(self, text, *options):
        with tempfile.NamedTemporaryFile("wb", suffix=".log", delete=False) as f:
            f.write(text.encode())
        try:
            p = subprocess.run([RUN_BOOT, "--parse", f.name, *options], capture_output=True, text=True)
        finally:
            os.unlink(f.name)
        return p.returncode, p.stdout.splitlines()

    def test_compare_counts(self):
        # The oracle's view: getpid agrees, thp skipped here, extra never ran there.
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as r:
            r.write("PASS getpid\nPASS thp\nPASS selftest/buddy/coalesce\n")
        try:
            rc, out = self.parse(self.GOOD + "ok 3 - extra\r\n", "--compare", r.name)
            self.assertEqual(rc, 0, out)
            self.assertTrue(any("2 tests compared, 0 disagree, 1 skipped on one side, 1 not run there"
                                in ln for ln in out), out)
            rc, out = self.parse(self.GOOD.replace("ok 1 - getpid", "not ok 1 - getpid"), "--compare", r.name)
            self.assertEqual(rc, 1)
            self.assertIn("DIFF  getpid: FAIL here, PASS in " + r.name, out)
        finally:
            os.unlink(r.name)

    GOOD = ("\x1b[2J\x1b[H  Booting `Pagoda'\r\n"
            "ok 1 - selftest/buddy/coalesce\r\n"
            "pagoda-init: started at 1500000000 ns\r\n"
            "ok 1 - getpid\r\n"
            "# details\r\n"
            "ok 2 - thp # SKIP no THP\r\n"
            "# init: 2 passed, 0 failed\r\n")

    def test_all_pass(self):
        rc, out = self.parse(self.GOOD)
        self.assertEqual(rc, 0, out)
        self.assertIn("PASS  selftest/buddy/coalesce", out)
        self.assertIn("PASS  getpid", out)
        self.assertIn("SKIP  thp # SKIP no THP", out)
        self.assertNotIn("      # details", out)
        self.assertEqual(out[-1], "3 passed, 0 failed")
        self.assertTrue(any("guest clock at /init: 1.50 s" in ln for ln in out))

    def test_skip_reason_from_the_program(self):
        # /init prints a bare "# SKIP"; the reason is the program's own "# SKIP why" line.
        log = self.GOOD.replace("ok 2 - thp # SKIP no THP",
                                "# SKIP would exhaust memory\r\nok 2 - oom # SKIP")
        rc, out = self.parse(log)
        self.assertEqual(rc, 0, out)
        self.assertIn("SKIP  oom # SKIP would exhaust memory", out)

    def test_failure_shows_diagnostics(self):
        log = self.GOOD.replace("ok 2 - thp # SKIP no THP",
                                "not ok 2 - mmap # killed by signal 11")
        rc, out = self.parse(log)
        self.assertEqual(rc, 1)
        i = out.index("FAIL  mmap # killed by signal 11")
        self.assertEqual(out[i + 1], "      # details")
        self.assertEqual(out[-1], "2 passed, 1 failed")

    def test_missing_init_summary(self):
        rc, out = self.parse(self.GOOD.replace("# init: 2 passed, 0 failed\r\n", ""))
        self.assertEqual(rc, 1)
        self.assertTrue(any("/init crashed or never ran" in ln for ln in out))

    def test_panic(self):
        rc, out = self.parse(self.GOOD + "Kernel panic: do_wp_page: bad mapcount -2\r\n")
        self.assertEqual(rc, 1)
        self.assertTrue(any(ln.startswith("ERROR: kernel panic") for ln in out))

    def test_lock_checker_report(self):
        # A kernel line from the spinlock checker fails the run; the same text from a
        # program, and the kernel's other WARNING lines, do not.
        rc, out = self.parse(self.GOOD + "[    2.000000] BUG: lock not held: &mm->page_table_lock at mm/memory.c:1 (f)\r\n")
        self.assertEqual(rc, 1)
        self.assertTrue(any(ln.startswith("ERROR: lock checker: BUG: lock not held") for ln in out), out)
        rc, out = self.parse(self.GOOD + "[    2.000000] BUG: spinlock recursion on CPU#0, init/1\r\n")
        self.assertEqual(rc, 1)
        log = self.GOOD.replace("# details", "BUG: lock not held: printed by a program")
        rc, out = self.parse(log + "[    2.000000] WARNING: CPU: 0 PID: 1 something\r\n")
        self.assertEqual(rc, 0, out)

    def test_no_tests(self):
        rc, out = self.parse("pagoda-init: started at 1 ns\n# init: 0 passed, 0 failed\n")
        self.assertEqual(rc, 1)
        self.assertEqual(out[-1], "0 passed, 0 failed")


    # /init announces each program; a user's program prints TAP of its own
    # (one "not ok"), and the kernel logs a line while it runs.
    USER_RUN = ("[    0.100000] ok 1 - selftest/buddy/coalesce\n"
                "pagoda-init: started at 1000 ns\n"
                "# init: kernel Pagoda, 2 tests (only /user), leak check on\n"
                "# init: run 1 user/tap_hello\n"
                "1..2\n"
                "ok 1 - first\n"
                "not ok 2 - second\n"
                "[    0.500000] Out of memory: killing process 7 (hog) at 0\n"
                "# its own diagnostic\n"
                "ok 1 - user/tap_hello\n"
                "# init: run 2 user/quiet\n"
                "ok 2 - user/quiet\n"
                "1..2\n"
                "# init: 2 passed, 0 failed\n")

    def test_program_tap_is_output_under_user(self):
        rc, out = self.parse(self.USER_RUN, "--user")
        self.assertEqual(rc, 0, out)
        i = out.index("PASS  user/tap_hello")
        self.assertEqual(out[i + 1:i + 6], [
            "      | 1..2",
            "      | ok 1 - first",
            "      | not ok 2 - second",
            "      | # its own diagnostic",
            "      kernel: [    0.500000] Out of memory: killing process 7 (hog) at 0"])
        self.assertEqual(out[i + 6], "PASS  user/quiet")
        self.assertEqual(out[-1], "2 passed, 0 failed")

    def test_program_tap_not_counted(self):
        rc, out = self.parse(self.USER_RUN)
        self.assertEqual(rc, 0, out)
        self.assertNotIn("FAIL  second", out)
        self.assertNotIn("PASS  first", out)
        self.assertFalse(any(ln.startswith("# warning") for ln in out), out)
        self.assertEqual(out[-1], "3 passed, 0 failed")

    def test_announced_failure_counts(self):
        log = self.USER_RUN.replace("ok 2 - user/quiet", "not ok 2 - user/quiet # exit status 1")
        rc, out = self.parse(log)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL  user/quiet # exit status 1", out)
        self.assertEqual(out[-1], "2 passed, 1 failed")

    def test_failure_shows_kernel_lines_apart(self):
        log = self.USER_RUN.replace("ok 1 - user/tap_hello", "not ok 1 - user/tap_hello # killed by signal 9")
        rc, out = self.parse(log)
        self.assertEqual(rc, 1)
        i = out.index("FAIL  user/tap_hello # killed by signal 9")
        self.assertEqual(out[i + 1:i + 3], [
            "      # its own diagnostic",
            "      kernel: [    0.500000] Out of memory: killing process 7 (hog) at 0"])

    def test_kernel_selftest_diagnostics(self):
        log = ("[    0.100000] # free pages 3, expected 4\n"
               "[    0.100000] not ok 1 - selftest/buddy/split\n"
               "pagoda-init: started at 1 ns\nok 1 - getpid\n# init: 1 passed, 0 failed\n")
        rc, out = self.parse(log)
        self.assertEqual(rc, 1)
        i = out.index("FAIL  selftest/buddy/split")
        self.assertEqual(out[i + 1], "      # free pages 3, expected 4")


@unittest.skipUnless(os.access(INIT, os.X_OK), "no build/initramfs/init (make user builds it)")
class InitOnHostTest(unittest.TestCase):
    """/init itself on this host, with --root: what it runs and what it prints."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        for d, name, body in (("tests", "builtin", "exit 0"),
                              ("user", "mine", "echo 'ok 1 - inner'; exit 0")):
            os.makedirs(os.path.join(self.tmp.name, d), exist_ok=True)
            path = os.path.join(self.tmp.name, d, name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\n" + body + "\n")
            os.chmod(path, 0o755)

    def tearDown(self):
        self.tmp.cleanup()

    def run_init(self, *options):
        p = subprocess.run([INIT, "--root=" + self.tmp.name, "--no-poweroff", *options],
                           capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout.splitlines()

    def test_all_by_default(self):
        rc, out = self.run_init()
        self.assertEqual(rc, 0, out)
        self.assertIn("# init: run 1 builtin", out)
        self.assertIn("ok 1 - builtin", out)
        i = out.index("# init: run 2 user/mine")
        self.assertEqual(out[i + 1:i + 3], ["ok 1 - inner", "ok 2 - user/mine"])

    def test_only_user(self):
        rc, out = self.run_init("--tests=user")
        self.assertEqual(rc, 0, out)
        self.assertFalse(any("builtin" in ln for ln in out), out)
        self.assertIn("# init: run 1 user/mine", out)
        self.assertIn("ok 1 - user/mine", out)
        self.assertIn("# init: 1 passed, 0 failed", out)


class QemuExitCodeTest(unittest.TestCase):
    def run_fake(self, qemu_exit, *args, timeout="30", sleep=0):
        with tempfile.TemporaryDirectory() as tmp:
            fake = os.path.join(tmp, "fake-qemu")
            with open(fake, "w") as f:
                f.write(f"#!/bin/sh\nsleep {sleep}\nexit {qemu_exit}\n")
            os.chmod(fake, 0o755)
            iso = os.path.join(tmp, "x.iso")
            open(iso, "w").close()
            boot = list(args) or ["--iso", iso]
            env = dict(os.environ, QEMU=fake, TIMEOUT=timeout, ACCEL="tcg")
            p = subprocess.run([QEMU_SH, *boot, "--serial-log", os.path.join(tmp, "s.log")],
                               env=env, capture_output=True, text=True)
            return p.returncode

    def test_power_off(self):
        self.assertEqual(self.run_fake(33), 0)

    def test_panic(self):
        self.assertEqual(self.run_fake(35), 2)

    def test_other_status(self):
        self.assertEqual(self.run_fake(37), 1)
        self.assertEqual(self.run_fake(1), 1)

    def test_exit0_is_reset_for_iso_but_ok_for_linux(self):
        self.assertEqual(self.run_fake(0), 1)
        self.assertEqual(self.run_fake(0, "--kernel", RUN_BOOT), 0)

    def test_timeout(self):
        self.assertEqual(self.run_fake(33, timeout="1", sleep=5), 124)


class BuildFlagsTest(unittest.TestCase):
    """One kernel object and one user object, built into a temporary BUILD."""
    KERNEL_SRC = "lib/string.c"
    USER_SRC = "user/lib/start.c"

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.targets = [os.path.join(self.tmp.name, "lib/string.o"),
                        os.path.join(self.tmp.name, "user/lib/start.o")]
        # Under `make CC=clang test` the parent's MAKEFLAGS would carry CC=clang.
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "CC", "CROSS", "DEBUG", "BUILD")}

    def tearDown(self):
        self.tmp.cleanup()

    def make(self, *args, targets=None):
        p = subprocess.run(["make", "--no-print-directory", "-C", ROOT, f"BUILD={self.tmp.name}",
                            *args, *(self.targets if targets is None else targets)],
                           capture_output=True, text=True, env=self.env)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p.stdout

    def rebuilt(self, *args):
        """Which of the two objects this make run compiled, and the kernel's command."""
        out = self.make(*args)
        kernel = [line for line in out.splitlines() if line.endswith(f" -c {self.KERNEL_SRC} -o {self.targets[0]}")]
        user = [line for line in out.splitlines() if line.endswith(f" {self.USER_SRC}")]
        return bool(kernel), bool(user), kernel[0] if kernel else ""

    def test_flag_changes_rebuild(self):
        self.assertEqual(self.rebuilt()[:2], (True, True))
        self.assertEqual(self.rebuilt()[:2], (False, False), "nothing changed, nothing rebuilt")
        kernel, user, cmd = self.rebuilt("DEBUG=1")
        self.assertEqual((kernel, user), (True, False), "DEBUG=1 changes only the kernel's flags")
        self.assertIn(" -O0 ", cmd)
        self.assertEqual(self.rebuilt("DEBUG=1")[:2], (False, False))
        # Another compiler (the same gcc by its path: another CC all the same).
        self.assertEqual(self.rebuilt("DEBUG=1", f"CC={shutil.which('gcc')}")[:2], (True, True))
        kernel, user, cmd = self.rebuilt()
        self.assertEqual((kernel, user), (True, True))
        self.assertIn(" -O2 ", cmd)

    def test_clean_keeps_the_linux_cache(self):
        clean = self.make("-n", targets=["clean"])
        self.assertIn(f"rm -rf {self.tmp.name}", clean)
        self.assertNotIn(".cache", clean)
        self.assertIn("rm -rf .cache", self.make("-n", targets=["distclean"]))


if __name__ == "__main__":
    unittest.main(verbosity=1)
