"""gdb helpers for stepping through the kernel on behalf of one user program
(loaded by tools/gdb/pagoda.gdb; `make gdb PROG=name` runs prog-break).

  $current()              the running task: struct task_struct * (Linux's
                          `current`, this_cpu()->curr in kernel/sched.h)
  $comm_is("name")        1 if current's comm is name (cut to 15 characters,
                          as exec cuts it), else 0: a breakpoint condition
  prog-break NAME [FUNCTION...]
                          a hardware breakpoint on each FUNCTION (default
                          handle_mm_fault), taken only when current's comm is
                          NAME: `prog-break cowfork do_wp_page` stops in the COW
                          faults of cowfork, not in those of init or the others

How current is found: in the kernel, GS holds the address of this CPU's
struct cpu_info (arch/x86_64/percpu.h: gs:0 is its own address, and ->curr
the running task), so $gs_base points into cpu_info[]. Where GS is not
that (in user mode, or a stub without $gs_base) the gdb thread number is
used instead: QEMU numbers its CPUs 1, 2, ... as gdb threads.

Hardware breakpoints because a software one cannot be written into the
kernel's higher half before the kernel has mapped it, which is where
`make debug` leaves the CPU; x86 has four of them.
"""

import gdb

TASK_COMM_LEN = 16


def cpu_info_of_this_cpu():
    """The struct cpu_info (a gdb.Value) of the CPU gdb has selected."""
    cpu_info = gdb.parse_and_eval("cpu_info")
    size = cpu_info.type.target().sizeof
    first = int(cpu_info[0].address)
    count = cpu_info.type.sizeof // size
    try:
        gs = int(gdb.parse_and_eval("$gs_base")) & ((1 << 64) - 1)
    except gdb.error:
        gs = 0
    if first <= gs < first + count * size and (gs - first) % size == 0:
        return cpu_info[(gs - first) // size]
    thread = gdb.selected_thread()
    cpu = thread.num - 1 if thread is not None else 0
    if not 0 <= cpu < count:
        raise gdb.GdbError(f"cannot tell which CPU gdb thread {cpu + 1} is")
    return cpu_info[cpu]


def current_task():
    return cpu_info_of_this_cpu()["curr"]


def comm_of(task):
    if int(task) == 0:
        return None
    return task["comm"].string(length=TASK_COMM_LEN).split("\0", 1)[0]


class Current(gdb.Function):
    """$current(): the running task (struct task_struct *), as Linux's current."""

    def __init__(self):
        super().__init__("current")

    def invoke(self):
        return current_task()


class CommIs(gdb.Function):
    """$comm_is("name"): 1 if the running task's comm is name, else 0.

name is cut to 15 characters, as exec cuts a program's name into comm."""

    def __init__(self):
        super().__init__("comm_is")

    def invoke(self, name):
        want = name.string()[:TASK_COMM_LEN - 1]
        return 1 if comm_of(current_task()) == want else 0


class ProgBreak(gdb.Command):
    """Stop only in one program: prog-break NAME [FUNCTION...].

Sets `hbreak FUNCTION if $comm_is("NAME")` for each FUNCTION (default
handle_mm_fault): hardware breakpoints, so they can be set while the CPU
is still halted at reset. At the stop, `p $current()->comm`, `bt`, `p *vmf`."""

    def __init__(self):
        super().__init__("prog-break", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not argv:
            raise gdb.GdbError("usage: prog-break NAME [FUNCTION...]")
        name, functions = argv[0], argv[1:] or ["handle_mm_fault"]
        if '"' in name or "\\" in name:
            raise gdb.GdbError(f"prog-break: {name!r}: no quotes or backslashes in a name")
        for fn in functions:
            gdb.execute(f'hbreak {fn} if $comm_is("{name}")')
        print(f"prog-break: {', '.join(functions)} stop only when current->comm is "
              f"\"{name[:TASK_COMM_LEN - 1]}\"")


Current()
CommIs()
ProgBreak()
