#!/usr/bin/env python3
"""Boot a kernel in QEMU, read TAP from its serial log, report one line per test.

This is `make test`. It boots the test ISO (whose grub.cfg passes
`selftest=all`) through tools/qemu.sh with the serial console going to a log
file, follows the log while QEMU runs, and prints

    PASS  selftest/buddy/coalesce
    FAIL  mmap_fixed # killed by signal 11
          # expected 0x40000000, got 0x0          <- diagnostics before a failure
    SKIP  numa_move_pages # SKIP one node only
    time from QEMU start to /init: 1.42 s (host wall clock); guest clock at /init: 0.91 s
    time from QEMU start to its exit: 80.31 s (host wall clock)
    41 passed, 1 failed

A test is a line `ok N - name` or `not ok N - name` (TAP) printed by the
kernel's self-tests (selftest/...) or by /init, one per program it runs.
/init announces each program with `# init: run N name`; until its own
`ok N - name` line, everything is that program's output, TAP-looking lines
included (a user's program may print TAP of its own: shown, never counted).
Lines starting with `#` are diagnostics and are shown only for failures.
`# SKIP` counts as passed, `not ok ... # TODO` does not count as failed (TAP
rules). A line that starts with a printk timestamp is the kernel's: the
report keeps those apart from the programs' output (`kernel:` lines).

Exit status 0 only if all of these hold: no test failed, at least one test
ran, the log has no "Kernel panic" and no report of the spinlock checker
("BUG: spinlock ..." or "BUG: lock ..." from the kernel), QEMU powered off cleanly (no timeout),
and /init printed its closing `# init: N passed, M failed` line (without it,
/init crashed or never ran). Otherwise 1; 2 for bad usage.

Usage:
  tests/run-boot.py [--iso build/pagoda-test.iso]          boot Pagoda (default)
  tests/run-boot.py --kernel BZIMAGE --initrd CPIO [--append ARGS]   boot Linux
  tests/run-boot.py --parse LOG                            only parse a log
Options:
  --log FILE        serial log (default build/test-serial.log)
  --timeout S       kill QEMU after S seconds (default $TIMEOUT or 600)
  --filter PREFIX   report and count only tests whose name starts with PREFIX
  --user            --filter user/ --show-output (make run-user)
  --show-output     print each test's console output (after its result line),
                    then the kernel's log lines printed while it ran
  --results FILE    write "PASS|FAIL|SKIP name" lines, one per test (default
                    when booting an ISO without --filter: build/test-results.txt,
                    which tools/linux-oracle.sh compares Linux's results with)
  --compare FILE    a --results file from another kernel: fail if any test
                    both ran (neither skipped) has a different outcome
  --prefix P        name every test P + its name ("numa4/" for make test's
                    4-node boot), in the report, --results and --compare
  --tap FILE        write the results as TAP ("ok N - name"), ending with a
                    test P + "boot" that fails if the boot itself went wrong
                    (the errors listed below): make test reads it with --also
  -v, --verbose     echo the serial console as it arrives
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_SH = os.path.join(ROOT, "tools", "qemu.sh")

TAP_RE = re.compile(r"^(not )?ok\s+(\d+)\s+-\s+(.*)$")
STAMP_RE = re.compile(r"^\[\s*\d+\.\d+\]\s*")       # optional "[    1.234] " printk prefix
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]")
INIT_START_RE = re.compile(r"pagoda-init: started at (\d+) ns")
INIT_SUMMARY_RE = re.compile(r"^# init: (\d+) passed, (\d+) failed")
INIT_RUN_RE = re.compile(r"^# init: run (\d+) (.+)$")
PANIC_STR = "Kernel panic"
# The spinlock checker's reports (kernel/spinlock.c): a kernel line only.
# Other "WARNING:" and "BUG at" prints keep their old meaning.
LOCK_BUG_RE = re.compile(r"^BUG: (spinlock|lock) ")


class Report:
    """Everything learned from the log, fed one line at a time."""

    def __init__(self, prefix, out, show_output=False, rename=""):
        self.prefix = prefix
        self.rename = rename            # --prefix: prepended to every test's name
        self.out = out
        self.show_output = show_output  # print every test's console output, not just diagnostics
        self.tests = []                 # (status, name, directive)
        self.diag = []                  # '#' lines since the previous test line
        self.output = []                # the program's lines since then ('#' ones too)
        self.kernel = []                # printk lines since then, timestamp kept
        self.running = None             # (number, name) from "# init: run N name"
        self.init_started_ns = None
        self.init_started_wall = None
        self.qemu_wall = None           # seconds from starting QEMU to its exit
        self.init_summary = None        # (passed, failed) as /init counted them
        self.init_tap_lines = 0         # TAP lines seen after /init started
        self.panic_line = None
        self.lock_bugs = []             # "BUG: spinlock ..." / "BUG: lock ..." kernel lines
        self.tail = []                  # last lines of the log, for post-mortems

    def feed(self, raw, wall):
        line = ANSI_RE.sub("", raw.replace("\r", "")).rstrip()
        self.tail = (self.tail + [line])[-40:]
        if PANIC_STR in line and self.panic_line is None:
            self.panic_line = line
        m = INIT_START_RE.search(line)
        if m and self.init_started_ns is None:
            self.init_started_ns = int(m.group(1))
            self.init_started_wall = wall
        stamped = STAMP_RE.match(line) is not None
        kernel_line = line
        line = STAMP_RE.sub("", line)
        if stamped and LOCK_BUG_RE.match(line):
            self.lock_bugs.append(line)
        m = INIT_SUMMARY_RE.match(line)
        if m:
            self.init_summary = (int(m.group(1)), int(m.group(2)))
        m = None if stamped else INIT_RUN_RE.match(line)
        if m:
            self.running = (int(m.group(1)), m.group(2))
            self.diag, self.output, self.kernel = [], [], []
            return
        m = TAP_RE.match(line)
        if m and (stamped or self.is_result(m)):
            self.test_line(m.group(1) is None, m.group(3))
            self.diag, self.output, self.kernel = [], [], []
            self.running = None
        elif stamped:
            if line.startswith("#"):
                self.diag.append(line)      # a kernel self-test's diagnostic
            elif self.init_started_ns is not None:
                self.kernel.append(kernel_line)
        elif line.startswith("#"):
            self.diag.append(line)
            self.output.append(line)
        elif self.init_started_ns is not None and not INIT_START_RE.search(line):
            self.output.append(line)

    def is_result(self, m):
        """Whether a TAP line is /init's result for the program it announced.

        Without an announcement (an older /init, a kernel self-test) every TAP
        line is a result; after one, only "ok N - name" with its N and name."""
        if self.running is None:
            return True
        name = m.group(3).partition(" # ")[0].strip()
        return (int(m.group(2)), name) == self.running

    def test_line(self, ok, desc):
        if self.init_started_ns is not None:
            self.init_tap_lines += 1
        name, _, directive = desc.partition(" # ")
        name, directive = self.rename + name.strip(), directive.strip()
        if not name.startswith(self.prefix):
            return
        kind = directive.split(" ")[0].upper() if directive else ""
        if ok and directive.upper() == "SKIP":
            # /init's "ok N - name # SKIP": the program said why on its own "# SKIP why" line.
            why = [d for d in self.diag if d.upper().startswith("# SKIP ")]
            if why:
                directive = why[-1][2:]
        if ok:
            status = "SKIP" if kind == "SKIP" else "PASS"
        else:
            status = "TODO" if kind == "TODO" else "FAIL"
        self.tests.append((status, name, directive))
        shown = f"{status}  {name}" + (f" # {directive}" if directive else "")
        print(shown, file=self.out, flush=True)
        if self.show_output:
            for d in self.output:
                print(f"      | {d}", file=self.out, flush=True)
        elif status == "FAIL":
            for d in self.diag:
                print(f"      {d}", file=self.out, flush=True)
        if self.show_output or status == "FAIL":
            for k in self.kernel:
                print(f"      kernel: {k}", file=self.out, flush=True)

    def passed(self):
        return sum(1 for s, _, _ in self.tests if s in ("PASS", "SKIP"))

    def failed(self):
        return sum(1 for s, _, _ in self.tests if s == "FAIL")


class LogFollower:
    """Read complete lines appended to a file while another process writes it."""

    def __init__(self, path):
        self.path = path
        self.pos = 0
        self.partial = b""

    def poll(self, final=False):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
                self.pos += len(data)
        except FileNotFoundError:
            data = b""
        buf = self.partial + data
        *lines, self.partial = buf.split(b"\n")
        if final and self.partial:
            lines.append(self.partial)
            self.partial = b""
        return [ln.decode("utf-8", "replace") for ln in lines]


def boot_and_follow(args, report):
    """Run tools/qemu.sh, feeding the log to report as it grows. Returns its exit status."""
    cmd = [QEMU_SH, "--serial-log", args.log]
    if args.kernel:
        cmd += ["--kernel", args.kernel]
        if args.initrd:
            cmd += ["--initrd", args.initrd]
        if args.append is not None:
            cmd += ["--append", args.append]
    else:
        cmd += ["--iso", args.iso]
    env = dict(os.environ, TIMEOUT=str(args.timeout))
    env.pop("GDB", None)        # a test run never waits for gdb

    # qemu.sh truncates the log itself; clear it first so a stale log from the
    # previous run is never read in the moment before QEMU starts.
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    open(args.log, "wb").close()
    follower = LogFollower(args.log)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            rc = proc.poll()
            for line in follower.poll(final=rc is not None):
                if args.verbose:
                    print(line.replace("\r", ""), flush=True)
                report.feed(line, time.monotonic() - start)
            if rc is not None:
                report.qemu_wall = time.monotonic() - start
                return rc
            time.sleep(0.02)
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
        raise


def parse_only(args, report):
    follower = LogFollower(args.parse)
    for line in follower.poll(final=True):
        report.feed(line, None)
    return 0


def compare(report, path):
    """Compare with another results file: (diffs, compared, skipped, unmatched).

    diffs are lines describing tests whose outcome differs; a test skipped
    (or TODO) on either side is counted as skipped, not compared; one the
    other file does not have is unmatched."""
    other = {}
    with open(path) as f:
        for line in f:
            status, _, name = line.rstrip("\n").partition(" ")
            other[name] = status
    diffs, compared, skipped, unmatched = [], 0, 0, 0
    for status, name, _ in report.tests:
        theirs = other.get(name)
        if theirs is None:
            unmatched += 1
        elif "SKIP" in (status, theirs) or "TODO" in (status, theirs):
            skipped += 1
        else:
            compared += 1
            if status != theirs:
                diffs.append(f"{name}: {status} here, {theirs} in {path}")
    return diffs, compared, skipped, unmatched


def write_tap(path, report, boot_name, errors):
    """The report as TAP, then boot_name: ok unless the boot had errors."""
    with open(path, "w") as f:
        n = 0
        for status, name, directive in report.tests:
            n += 1
            ok = "not ok" if status == "FAIL" else "ok"
            if status in ("SKIP", "TODO"):
                directive = directive if directive.upper().startswith(status) else f"{status} {directive}"
            f.write(f"{ok} {n} - {name}" + (f" # {directive}" if directive else "") + "\n")
        n += 1
        if errors:
            for e in errors:
                f.write(f"# {e}\n")
            f.write(f"not ok {n} - {boot_name} # {len(errors)} errors\n")
        else:
            f.write(f"ok {n} - {boot_name}\n")


def main():
    ap = argparse.ArgumentParser(usage=__doc__.split("Usage:\n")[1].split("Options:")[0])
    ap.add_argument("--iso", default=os.path.join(ROOT, "build", "pagoda-test.iso"))
    ap.add_argument("--kernel")
    ap.add_argument("--initrd")
    ap.add_argument("--append")
    ap.add_argument("--parse", metavar="LOG")
    ap.add_argument("--log", default=os.path.join(ROOT, "build", "test-serial.log"))
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("TIMEOUT") or 600))
    ap.add_argument("--filter", default="")
    ap.add_argument("--user", action="store_true")
    ap.add_argument("--show-output", action="store_true")
    ap.add_argument("--results")
    ap.add_argument("--compare")
    ap.add_argument("--prefix", default="")
    ap.add_argument("--tap", metavar="FILE")
    ap.add_argument("--also", action="append", default=[], metavar="TAPFILE",
                    help="count the TAP lines of another test run (host tests) in the summary")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)     # keep order with qemu.sh's stderr in CI logs
    if args.user:
        args.filter = "user/"
        args.show_output = True

    if args.results is None and not (args.parse or args.kernel or args.filter):
        args.results = os.path.join(ROOT, "build", "test-results.txt")

    report = Report(args.filter, sys.stdout, args.show_output, args.prefix)
    errors = []
    for path in args.also:
        before = len(report.tests)
        if os.path.isfile(path):
            with open(path, errors="replace") as f:
                for line in f:
                    report.feed(line, 0.0)
        if len(report.tests) == before:
            errors.append(f"no test results in {path}: its runner crashed")
    if args.parse:
        qemu_rc = parse_only(args, report)
        log = args.parse
    else:
        if not args.kernel and not os.path.isfile(args.iso):
            print(f"run-boot: {args.iso}: no such ISO", file=sys.stderr)
            return 2
        qemu_rc = boot_and_follow(args, report)
        log = args.log

    if report.panic_line is not None:
        errors.append(f"kernel panic: {report.panic_line.strip()}")
    for bug in report.lock_bugs[:5]:
        errors.append(f"lock checker: {bug.strip()}")
    if len(report.lock_bugs) > 5:
        errors.append(f"lock checker: {len(report.lock_bugs) - 5} more reports")
    if qemu_rc == 124:
        errors.append(f"QEMU timed out after {args.timeout} s")
    elif qemu_rc == 2 and report.panic_line is None:
        errors.append("kernel panic (isa-debug-exit 0x11)")
    elif qemu_rc not in (0, 2):
        errors.append(f"QEMU did not power off cleanly (tools/qemu.sh exit {qemu_rc})")
    if not report.tests:
        errors.append("no tests ran" + (f" matching '{args.filter}'" if args.filter else ""))
    if report.init_summary is None:
        errors.append("no '# init: N passed, M failed' line: /init crashed or never ran")
    elif not args.filter and report.init_started_ns is not None:
        counted = sum(report.init_summary)
        if counted != report.init_tap_lines:
            print(f"# warning: /init counted {counted} tests, the log has "
                  f"{report.init_tap_lines} TAP lines after /init started")

    if args.tap:
        write_tap(args.tap, report, args.prefix + "boot", errors)
    if args.results:
        with open(args.results, "w") as f:
            for status, name, _ in report.tests:
                f.write(f"{status} {name}\n")
    if args.compare:
        if os.path.isfile(args.compare):
            diffs, compared, skipped, unmatched = compare(report, args.compare)
            for d in diffs:
                print(f"DIFF  {d}")
            print(f"compared with {args.compare}: {compared} tests compared, {len(diffs)} disagree, "
                  f"{skipped} skipped on one side, {unmatched} not run there")
            if diffs:
                errors.append(f"{len(diffs)} tests disagree with {args.compare}")
        else:
            print(f"# no {args.compare} to compare with")

    if report.init_started_ns is not None:
        guest = f"guest clock at /init: {report.init_started_ns / 1e9:.2f} s"
        if report.init_started_wall is not None:
            print(f"time from QEMU start to /init: {report.init_started_wall:.2f} s "
                  f"(host wall clock); {guest}")
        else:
            print(guest)
    else:
        print("time from QEMU start to /init: n/a (no 'pagoda-init: started at' line)")
    if report.qemu_wall is not None:
        print(f"time from QEMU start to its exit: {report.qemu_wall:.2f} s (host wall clock)")

    failed_names = [n for s, n, _ in report.tests if s == "FAIL"]
    if failed_names:
        print("failed: " + " ".join(failed_names))
    for e in errors:
        print(f"ERROR: {e}")
    if errors and not args.verbose:
        print(f"--- last lines of {log} ---")
        for line in report.tail[-25:]:
            print(f"| {line}")
        print("---")
    print(f"{report.passed()} passed, {report.failed()} failed")
    return 1 if errors or report.failed() else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:             # output piped into head(1) and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
