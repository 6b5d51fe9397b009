"""gdb helpers for stepping through the kernel on behalf of one user program
(loaded by tools/gdb/pagoda.gdb; `make gdb PROG=name` runs prog-break).

  prog-break NAME [FUNCTION...]
                          a hardware breakpoint on each FUNCTION (default
                          handle_mm_fault), taken only when current's comm is
                          NAME: `prog-break cowfork do_wp_page` stops in the COW
                          faults of cowfork, not in those of init or the others

The condition is $is_comm("NAME") of tools/gdb/pagoda.py, which finds the
running task ($current()) through this CPU's struct cpu_info.

Hardware breakpoints because a software one cannot be written into the
kernel's higher half before the kernel has mapped it, which is where
`make debug` leaves the CPU; x86 has four of them.
"""

import gdb

TASK_COMM_LEN = 16


class ProgBreak(gdb.Command):
    """Stop only in one program: prog-break NAME [FUNCTION...].

Sets `hbreak FUNCTION if $is_comm("NAME")` for each FUNCTION (default
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
        name = name[:TASK_COMM_LEN - 1]     # exec cuts a program's name to 15 bytes in comm
        for fn in functions:
            gdb.execute(f'hbreak {fn} if $is_comm("{name}")')
        print(f"prog-break: {', '.join(functions)} stop only when current->comm is \"{name}\"")


ProgBreak()
