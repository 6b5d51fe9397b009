# gdb setup for Pagoda. `make gdb` runs, from the repository root:
#     gdb -q -x tools/gdb/pagoda.gdb
# after `make debug` has started QEMU, halted, with its gdb stub on
# tcp::$GDBPORT (default 26000 + uid % 1000).
#
# Commands added (tools/gdb/pagoda.py; `help NAME` for each):
#   current, ps                  the running task; every task
#   vmas [PID]                   a process's VMAs, vm_flags by name, anon_vma, AVCs
#                                (hugetlb: the resv_map and HPAGE_RESV_ flags)
#   page PFN|VADDR|EXPR [PID]    a struct page decoded (hugetlb: page_mapcount)
#   hstate                       the hugetlb pool's counts, per node
#   ptdump [PID] [START END]     a process's page-table leaves
#   rmap PFN|VADDR|EXPR [PID]    the page's anon_vma tree and who maps the frame
#   avc PID VADDR | avc VMA      a VMA's anon_vma chain, each anon_vma's tree
#   translate-va VA [PID|MM|CR3] page-table walk, one line per level
#   buddy [NODE]                 buddy free lists of a node, per order
#   pagoda-connect [PORT]        reconnect to QEMU
#   $current(), $is_comm("x")    for expressions and breakpoint conditions;
#                                `current` is a macro for $current(): p current->comm
#   $va_pfn(MM, VA), $va_entry(MM, VA)  the frame / the leaf entry mapping VA
#   prog-break NAME [FN...]     hbreak FN (default handle_mm_fault) only in program
#                                NAME (tools/gdb/user.py; make gdb PROG=name)
# and the scripted lectures (tools/gdb/lecture.py, docs/lectures.md):
#   lecture-start NAME, lecture-next (ln), lecture-run NAME [TAPFILE],
#   lecture-console [REGEX]      (the scenario's console output so far)
# Values print in hex (output-radix 16): `set output-radix 10` for decimal.
#
# Before the kernel has turned on its higher-half mappings a software
# breakpoint cannot be written, so stop early with `hbreak` (hbreak x86_64_start_kernel),
# then use `break` as usual (break handle_mm_fault, break do_wp_page).

set confirm off
set pagination off
set print pretty on
set architecture i386:x86-64
set output-radix 16
# Read code from the ELF, not the target: a breakpoint set while the CPU is
# still in real mode (the kernel not loaded yet) gets its prologue skipped
# properly, so the arguments it shows are right (-O0 keeps them on the stack).
set trust-readonly-sections on
source tools/gdb/pagoda.py
source tools/gdb/lecture.py
source tools/gdb/user.py
macro define current ($current())

python
import os
elf = os.environ.get("PAGODA_KERNEL_ELF", "build/pagoda.elf")
if os.path.exists(elf):
    gdb.execute("file " + elf)
else:
    print("pagoda.gdb: %s not found; build first (make), or set PAGODA_KERNEL_ELF" % elf)
end

pagoda-connect
