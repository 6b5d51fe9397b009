"""Scripted lectures for gdb (loaded by tools/gdb/pagoda.gdb; docs/lectures.md).

A lecture is a scenario program (user/lectures/NAME.c, booted as pid 1)
and a script, tools/gdb/lectures/NAME.lecture, of stops in the order the
article walks them. Script lines (a stop's lines follow its `stop`):

  title TEXT          the lecture's title
  stop LOCATION [xN]  a stop: a breakpoint on LOCATION; xN: N hits in a row
  when EXPR           a condition (gdb expression); all of a stop's must be
                      nonzero, an expression that cannot be evaluated is false
  say TEXT            what the lecturer says here (printed)
  ask TEXT            a question for the class (printed)
  run COMMAND         a gdb command; its output is printed and kept for expect
  expect REGEX        the output of the last `run` must match (re.MULTILINE)
  expect-not REGEX    ... must not match
  check EXPR          a gdb expression that must be nonzero
  # ...               a comment

In COMMAND, REGEX and EXPR, {{EXPR}} is replaced by the value of a gdb
expression (decimal), {{/x EXPR}} by its value in hex.

Breakpoints are conditional on the scenario (its comm, its fixed addresses),
so stops of other processes never count. A hit that matches a later stop
than the next one fails the lecture ("out of order"); hits of stops already
shown are ignored (a function called again); a stop never reached fails it
("missed"). While a stop's commands run, the lecture's breakpoints are
disabled, so a `run finish` returns where it should.

  lecture-start NAME        interactive: set the breakpoints, go to the first stop
  lecture-next (ln)         present the next stop; Enter repeats it. Between
                            stops the lecturer may type any gdb command.
  lecture-run NAME [TAPFILE]
                            batch: every stop in order, checked; TAP to TAPFILE
                            (default: stdout); kills the target at the end
  lecture-console [REGEX]   the lines of the scenario's console log so far
                            (build/lecture-NAME-serial.log) that match REGEX
"""

import os
import re

import gdb

LECTURE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lectures")


class Stop:
    def __init__(self, number, location, lineno):
        self.number = number
        self.location = location
        self.lineno = lineno
        self.whens = []
        self.actions = []       # (kind, text, lineno)
        self.title = ""

    def matches(self):
        for expr in self.whens:
            try:
                if not int(gdb.parse_and_eval(interpolate(expr))):
                    return False
            except (gdb.error, gdb.GdbError, ValueError, RuntimeError):
                return False
        return True


def interpolate(text):
    def value(m):
        expr = m.group(1).strip()
        fmt = "d"
        if expr.startswith("/x "):
            fmt, expr = "x", expr[3:]
        v = int(gdb.parse_and_eval(expr)) & ((1 << 64) - 1)
        return f"{v:#x}" if fmt == "x" else str(v if v < 1 << 63 else v - (1 << 64))
    return re.sub(r"\{\{(.*?)\}\}", value, text)


def parse(path):
    title, stops = "", []
    current = None
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            word, _, rest = line.partition(" ")
            rest = rest.strip()
            if word == "title":
                title = rest
            elif word == "stop":
                parts = rest.split()
                if not parts:
                    raise gdb.GdbError(f"{path}:{lineno}: stop needs a location")
                count = 1
                if len(parts) == 2 and re.fullmatch(r"x\d+", parts[1]):
                    count = int(parts[1][1:])
                elif len(parts) != 1:
                    raise gdb.GdbError(f"{path}:{lineno}: stop LOCATION [xN]")
                current = []
                for _ in range(count):
                    stop = Stop(len(stops) + 1, parts[0], lineno)
                    stops.append(stop)
                    current.append(stop)
            elif word in ("when", "say", "ask", "run", "expect", "expect-not", "check"):
                if current is None:
                    raise gdb.GdbError(f"{path}:{lineno}: `{word}` before the first stop")
                for stop in current:
                    if word == "when":
                        stop.whens.append(rest)
                    else:
                        stop.actions.append((word, rest, lineno))
                        if word == "say" and not stop.title:
                            stop.title = rest
            else:
                raise gdb.GdbError(f"{path}:{lineno}: unknown line `{word}`")
    if not stops:
        raise gdb.GdbError(f"{path}: no stops")
    return title, stops


class LectureBreakpoint(gdb.Breakpoint):
    def __init__(self, lecture, location):
        super().__init__(location, internal=False)
        self.lecture = lecture
        self.where = location

    def stop(self):
        return self.lecture.on_hit(self)


class Lecture:
    def __init__(self, name, batch):
        path = os.path.join(LECTURE_DIR, name + ".lecture")
        if not os.path.exists(path):
            names = sorted(f[:-8] for f in os.listdir(LECTURE_DIR) if f.endswith(".lecture"))
            raise gdb.GdbError(f"no lecture {name} (have: {' '.join(names)})")
        self.name = name
        self.batch = batch
        self.title, self.stops = parse(path)
        self.pos = 0            # index of the next stop
        self.hit = None         # (breakpoint, matched stop indices) of the last lecture stop
        self.arrived = False    # stopped at self.stops[self.pos], not yet presented
        self.driving = False    # inside go_to_next's continue
        self.failed_stops = 0
        self.results = []       # (ok, description, diagnostics)
        self.breakpoints = {}
        for stop in self.stops:
            if stop.location not in self.breakpoints:
                self.breakpoints[stop.location] = LectureBreakpoint(self, stop.location)

    # -- breakpoints --

    def on_hit(self, bp):
        matched = [i for i in range(self.pos, len(self.stops))
                   if self.stops[i].location == bp.where and self.stops[i].matches()]
        if not matched:
            return False
        self.hit = (bp, matched)
        return True

    def set_enabled(self, enabled):
        for bp in self.breakpoints.values():
            if bp.is_valid():
                bp.enabled = enabled

    def prune(self):
        """Delete the breakpoints no pending stop needs: later hits cost nothing."""
        pending = {s.location for s in self.stops[self.pos:]}
        for loc in list(self.breakpoints):
            if loc not in pending:
                bp = self.breakpoints.pop(loc)
                if bp.is_valid():
                    bp.delete()

    def done(self):
        return self.pos >= len(self.stops)

    # -- running --

    def go_to_next(self):
        """Continue to the next stop; True if there, else the reason it is not."""
        if self.arrived:
            return True
        while True:
            self.hit = None
            self.driving = True
            try:
                gdb.execute("continue", to_string=self.batch)
            except gdb.error as e:
                return f"the target stopped: {e}"
            finally:
                self.driving = False
            if self.hit is None:
                if gdb.selected_inferior().pid == 0:
                    return "the program ended (QEMU exited)"
                return "stopped outside the lecture (a breakpoint of yours, or Ctrl-C)"
            bp, matched = self.hit
            if self.pos in matched:
                self.arrived = True
                return True
            stop = self.stops[matched[0]]
            return (f"out of order: stop {stop.number} ({stop.location}, script line {stop.lineno}) "
                    f"was reached before stop {self.stops[self.pos].number} "
                    f"({self.stops[self.pos].location}, line {self.stops[self.pos].lineno})")

    def present(self):
        """Run the stop's script; returns the list of failed checks."""
        stop = self.stops[self.pos]
        self.arrived = False
        failures = []
        last_output = ""
        print(f"\n===== {self.name} stop {stop.number}/{len(self.stops)}: {stop.location} =====")
        self.set_enabled(False)
        try:
            for kind, text, lineno in stop.actions:
                try:
                    text = interpolate(text)
                except (gdb.error, gdb.GdbError) as e:
                    failures.append(f"line {lineno}: cannot interpolate `{text}`: {e}")
                    continue
                if kind == "say":
                    print(f"# {text}")
                elif kind == "ask":
                    print(f"? Ask the class: {text}")
                elif kind == "run":
                    print(f"(gdb) {text}")
                    try:
                        last_output = gdb.execute(text, to_string=True)
                    except (gdb.error, gdb.GdbError) as e:
                        last_output = f"error: {e}\n"
                        failures.append(f"line {lineno}: `{text}` failed: {e}")
                    print(last_output, end="")
                elif kind in ("expect", "expect-not"):
                    found = re.search(text, last_output, re.MULTILINE) is not None
                    if found != (kind == "expect"):
                        failures.append(f"line {lineno}: {kind} /{text}/ "
                                        f"{'not found' if kind == 'expect' else 'found'} in the output above")
                elif kind == "check":
                    try:
                        ok = int(gdb.parse_and_eval(text)) != 0
                    except (gdb.error, gdb.GdbError) as e:
                        ok = False
                        text += f" ({e})"
                    if not ok:
                        failures.append(f"line {lineno}: check {text} is false")
        finally:
            self.set_enabled(True)
        for f in failures:
            print(f"!! {f}")
        self.results.append((not failures, f"stop {stop.number} {stop.location}: {stop.title}", failures))
        self.pos += 1
        self.prune()
        return failures

    def fail_rest(self, reason):
        for stop in self.stops[self.pos:]:
            self.results.append((False, f"stop {stop.number} {stop.location}: {stop.title}",
                                 [reason if stop is self.stops[self.pos] else "not reached"]))
        self.pos = len(self.stops)

    def tap(self):
        lines = []
        for n, (ok, what, diags) in enumerate(self.results, 1):
            # tests/run-boot.py shows the diagnostics before a result with it
            lines.extend(f"# {d}" for d in diags)
            lines.append(f"{'ok' if ok else 'not ok'} {n} - lecture {self.name}: {what}")
        lines.append(f"1..{len(self.results)}")
        return "\n".join(lines) + "\n"


LECTURE = None


def on_stop(event):
    """A lecture stop reached by the lecturer's own `continue`: say so."""
    lec = LECTURE
    if lec is None or lec.batch or lec.driving or lec.hit is None or lec.done():
        return
    if isinstance(event, gdb.BreakpointEvent) and lec.pos in lec.hit[1]:
        lec.arrived = True
        print(f"(lecture stop {lec.stops[lec.pos].number} reached: `ln` presents it)")


class LectureStart(gdb.Command):
    """Start a lecture interactively: lecture-start NAME.

Sets the lecture's breakpoints and goes to its first stop. Then `ln` (or
Enter after it) presents the next stop; between stops any gdb command works."""

    def __init__(self):
        super().__init__("lecture-start", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        global LECTURE
        self.dont_repeat()
        if LECTURE is not None:
            for bp in LECTURE.breakpoints.values():
                if bp.is_valid():
                    bp.delete()
        LECTURE = Lecture(arg.strip(), batch=False)
        print(f"lecture {LECTURE.name}: {LECTURE.title} ({len(LECTURE.stops)} stops)")
        print("`ln` goes to the next stop (Enter repeats it); any other gdb command takes over.")
        gdb.execute("lecture-next")


class LectureNext(gdb.Command):
    """Present the lecture's next stop: lecture-next (alias ln)."""

    def __init__(self):
        super().__init__("lecture-next", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        lec = LECTURE
        if lec is None:
            raise gdb.GdbError("no lecture: lecture-start NAME")
        if lec.done():
            print(f"lecture {lec.name} is over; `continue` lets the program finish.")
            return
        where = lec.go_to_next()
        if where is not True:
            print(f"!! {where}")
            return
        lec.present()
        if lec.done():
            bad = sum(1 for ok, _, _ in lec.results if not ok)
            print(f"\nlecture {lec.name}: the last stop ({bad} with unexpected output).")
        else:
            nxt = lec.stops[lec.pos]
            print(f"[next: stop {nxt.number} {nxt.location}] Enter or `ln` goes on; any gdb command takes over.")


class LectureRun(gdb.Command):
    """Run a lecture through, checking it: lecture-run NAME [TAPFILE]."""

    def __init__(self):
        super().__init__("lecture-run", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        global LECTURE
        argv = gdb.string_to_argv(arg)
        if len(argv) not in (1, 2):
            raise gdb.GdbError("usage: lecture-run NAME [TAPFILE]")
        LECTURE = lec = Lecture(argv[0], batch=True)
        print(f"lecture {lec.name}: {lec.title} ({len(lec.stops)} stops)")
        while not lec.done():
            where = lec.go_to_next()
            if where is not True:
                print(f"!! {where}")
                lec.fail_rest(where)
                break
            lec.present()
        tap = lec.tap()
        if len(argv) == 2:
            with open(argv[1], "w") as f:
                f.write(tap)
        print(tap, end="")
        try:
            gdb.execute("kill")
        except gdb.error:
            pass


class LectureConsole(gdb.Command):
    """The scenario's console so far: lecture-console [REGEX].

Prints the lines of build/lecture-NAME-serial.log (where tools/lecture.sh
sends the machine's serial console: the program's output and the kernel's
messages) that match REGEX (default: all), so that a stop can show, and
check, what the program printed or the kernel logged."""

    def __init__(self):
        super().__init__("lecture-console", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if LECTURE is None:
            raise gdb.GdbError("no lecture: lecture-start NAME")
        path = os.path.join(LECTURE_DIR, "..", "..", "..", "build", f"lecture-{LECTURE.name}-serial.log")
        try:
            with open(path, errors="replace") as f:
                text = f.read()
        except OSError as e:
            raise gdb.GdbError(f"cannot read the console log: {e}")
        pattern = re.compile(arg.strip()) if arg.strip() else None
        for line in text.splitlines():
            if pattern is None or pattern.search(line):
                print(line)


LectureStart()
LectureNext()
LectureRun()
LectureConsole()
try:
    gdb.execute("alias ln = lecture-next")
except gdb.error:
    pass        # sourced twice: the alias is there already
gdb.events.stop.connect(on_stop)
