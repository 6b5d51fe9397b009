# gdb setup for Pagoda. `make gdb` runs, from the repository root:
#     gdb -q -x tools/gdb/pagoda.gdb
# after `make debug` has started QEMU, halted, with its gdb stub on
# tcp::$GDBPORT (default 26000 + uid % 1000).
#
# Commands added (see tools/gdb/pagoda.py):
#   translate-va VA [CR3]   page-table walk from CR3, one line per level
#   buddy [NODE]            buddy free lists of a node, per order
#   pagoda-connect [PORT]   reconnect to QEMU
# and, from tools/gdb/user.py (one program of your own, make gdb PROG=name):
#   prog-break NAME [FN...] hbreak FN (default handle_mm_fault) only in NAME
#   $current(), $comm_is("name")   the running task; a breakpoint condition
#
# Before the kernel has turned on its higher-half mappings a software
# breakpoint cannot be written, so stop early with `hbreak` (hbreak x86_64_start_kernel),
# then use `break` as usual (break handle_mm_fault, break do_wp_page).

set confirm off
set pagination off
set print pretty on
set architecture i386:x86-64
source tools/gdb/pagoda.py
source tools/gdb/user.py

python
import os
elf = os.environ.get("PAGODA_KERNEL_ELF", "build/pagoda.elf")
if os.path.exists(elf):
    gdb.execute("file " + elf)
else:
    print("pagoda.gdb: %s not found; build first (make), or set PAGODA_KERNEL_ELF" % elf)
end

pagoda-connect
