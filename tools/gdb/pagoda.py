"""gdb commands for Pagoda (loaded by tools/gdb/pagoda.gdb).

  pagoda-connect [PORT]   target remote to QEMU's gdb stub
                          (default $GDBPORT, else 26000 + uid % 1000, as tools/qemu.sh)
  translate-va VA [CR3]   walk the page tables from CR3 (default: the CPU's),
                          printing every level; flags 2 MB and 1 GB leaves
  buddy [NODE]            per-order free block counts of node_data[NODE] (default: all
                          nodes with memory), checked against the node's nr_free

Physical memory is read with QEMU's `monitor xp`, which works in any CPU mode
(before paging, in user mode). When the stub has no monitor (not QEMU), reads
go through Pagoda's direct map at 0xffff888000000000 + pa, mapped in every
address space once the kernel has built it. Modelled on Linux's
scripts/gdb/linux/pgtable.py.
"""

import os
import re

import gdb

PAGE_OFFSET = 0xFFFF888000000000
PHYS_MASK = 0x000FFFFFFFFFF000          # bits 51:12 of an entry
U64 = (1 << 64) - 1

# x86-64 entry bits, named as in arch/x86_64/pgtable.h (_PAGE_*).
FLAG_BITS = [
    (0, "P"), (1, "RW"), (2, "US"), (3, "PWT"), (4, "PCD"), (5, "A"),
    (6, "D"), (7, "PS"), (8, "G"), (63, "NX"),
]


def default_port():
    if os.environ.get("GDBPORT"):
        return int(os.environ["GDBPORT"])
    return 26000 + os.getuid() % 1000


def flags_str(entry, level):
    names = []
    for bit, name in FLAG_BITS:
        if entry >> bit & 1:
            # bit 7 is PAT, not PS, in a 4 KB PTE
            names.append("PAT" if (bit == 7 and level == "PTE") else name)
    return " ".join(names) if names else "-"


class PhysReader:
    """Read 64-bit words of guest-physical memory."""

    def __init__(self):
        self.use_monitor = True
        self.monitor_worked = False

    def read_u64(self, pa):
        if self.use_monitor:
            try:
                out = gdb.execute(f"monitor xp /1gx {pa:#x}", to_string=True)
                m = re.search(r":\s*(0x[0-9a-fA-F]+)", out)
                if m:
                    self.monitor_worked = True
                    return int(m.group(1), 16)
            except gdb.error:
                out = ""
            if self.monitor_worked:
                raise gdb.GdbError(f"cannot read pa {pa:#x}: {out.strip()}")
            self.use_monitor = False
            print("(no QEMU monitor: reading page tables through the direct map)")
        inferior = gdb.selected_inferior()
        data = inferior.read_memory((PAGE_OFFSET + pa) & U64, 8)
        return int.from_bytes(bytes(data), "little")


def read_control_reg(name):
    """CR3/CR4 from QEMU's register set, else from `monitor info registers`."""
    try:
        return int(gdb.parse_and_eval(f"${name}")) & U64
    except (gdb.error, ValueError):
        pass
    out = gdb.execute("monitor info registers", to_string=True)
    m = re.search(rf"{name.upper()}=([0-9a-fA-F]+)", out)
    if not m:
        raise gdb.GdbError(f"cannot read {name}")
    return int(m.group(1), 16)


def to_int(arg):
    return int(gdb.parse_and_eval(arg)) & U64


class PagodaConnect(gdb.Command):
    """Connect to QEMU's gdb stub: pagoda-connect [PORT]."""

    def __init__(self):
        super().__init__("pagoda-connect", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        port = int(arg) if arg.strip() else default_port()
        print(f"connecting to QEMU's gdb stub on localhost:{port} (make debug starts it)")
        gdb.execute(f"target remote localhost:{port}")


class TranslateVA(gdb.Command):
    """Walk the page tables for a virtual address: translate-va VA [CR3].

Prints the entry at each level (PGD, PUD, PMD, PTE; P4D too with 5-level
paging), its flags, and the physical address it leads to. A PUD or PMD with
PS set is a leaf: a 1 GB or 2 MB page, flagged as such. VA and CR3 are gdb
expressions (translate-va $rsp, translate-va &init_mm)."""

    def __init__(self):
        super().__init__("translate-va", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not argv or len(argv) > 2:
            raise gdb.GdbError("usage: translate-va VA [CR3]")
        va = to_int(argv[0])
        la57 = False
        if len(argv) == 2:
            cr3 = to_int(argv[1])
        else:
            cr3 = read_control_reg("cr3")
            try:
                if not read_control_reg("cr0") >> 31 & 1:
                    print("paging is off (CR0.PG = 0): va == pa")
                    return
                if not read_control_reg("efer") >> 10 & 1:
                    print("not in long mode yet (EFER.LMA = 0): no 4-level tables to walk")
                    return
                la57 = bool(read_control_reg("cr4") >> 12 & 1)
            except gdb.GdbError:
                pass
        self.walk(va, cr3, la57, PhysReader())

    @staticmethod
    def walk(va, cr3, la57, phys):
        bits = 57 if la57 else 48
        top = va >> (bits - 1)
        if top not in (0, (1 << (65 - bits)) - 1):
            print(f"{va:#018x} is not canonical ({bits}-bit addresses)")
            return
        levels = [("PGD", 48 if la57 else 39)]
        if la57:
            levels.append(("P4D", 39))
        levels += [("PUD", 30), ("PMD", 21), ("PTE", 12)]

        print(f"va {va:#018x}  cr3 {cr3:#x}")
        table = cr3 & PHYS_MASK
        for name, shift in levels:
            index = va >> shift & 0x1FF
            slot = table + index * 8
            entry = phys.read_u64(slot)
            print(f"  {name}[{index:3d}] @pa {slot:#014x}: {entry:#018x}  {flags_str(entry, name)}")
            if not entry & 1:
                print(f"  not present at {name} level: the va is unmapped")
                return
            leaf_size = {"PUD": 1 << 30, "PMD": 1 << 21}.get(name)
            if leaf_size and entry >> 7 & 1:
                base = entry & PHYS_MASK & ~(leaf_size - 1)
                size = "1 GB" if name == "PUD" else "2 MB"
                print(f"  ^ {size} leaf ({'huge PUD' if name == 'PUD' else 'huge PMD'}): "
                      f"page at pa {base:#x}")
                TranslateVA.result(va, base + (va & (leaf_size - 1)), entry)
                return
            table = entry & PHYS_MASK
        TranslateVA.result(va, table + (va & 0xFFF), entry)

    @staticmethod
    def result(va, pa, leaf):
        rights = "writable" if leaf >> 1 & 1 else "read-only"
        who = "user" if leaf >> 2 & 1 else "kernel-only"
        nx = ", no-exec" if leaf >> 63 & 1 else ""
        print(f"  => pa {pa:#x} (pfn {pa >> 12:#x}), {rights}, {who}{nx}")
        try:
            mem_map = gdb.parse_and_eval("mem_map")
            print(f"  struct page: (struct page *){int(mem_map) + (pa >> 12) * 64:#x}"
                  f"  (p mem_map[{pa >> 12:#x}])")
        except gdb.error:
            pass


class Buddy(gdb.Command):
    """Show a node's buddy free lists: buddy [NODE].

For each order 0..MAX_ORDER-1: the number of free blocks (free_area[o].nr_free)
and the pages they hold. Their sum must equal the node's nr_free; a mismatch
is flagged. The node lock is not taken: stop the CPUs outside the allocator
(or expect a transient mismatch while another CPU is inside it)."""

    def __init__(self):
        super().__init__("buddy", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        try:
            node_data = gdb.parse_and_eval("node_data")
        except gdb.error:
            raise gdb.GdbError("no symbol node_data: is build/kernel.elf loaded?")
        count = node_data.type.strip_typedefs().range()[1] + 1
        nodes = [int(gdb.parse_and_eval(arg))] if arg.strip() else range(count)
        for nid in nodes:
            if not 0 <= nid < count:
                raise gdb.GdbError(f"node {nid} out of range 0..{count - 1}")
            pgdat = node_data[nid]
            if pgdat.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
                if int(pgdat) == 0:
                    continue
                pgdat = pgdat.dereference()
            if not arg.strip() and int(pgdat["node_present_pages"]) == 0:
                continue
            self.show(nid, pgdat)

    @staticmethod
    def show(nid, pgdat):
        nr_free = int(pgdat["nr_free"])
        print(f"node {nid}: nr_free {nr_free} pages ({nr_free * 4 // 1024} MB), "
              f"managed {int(pgdat['managed_pages'])}, start pfn {int(pgdat['node_start_pfn']):#x}")
        area = pgdat["free_area"]
        orders = area.type.strip_typedefs().range()[1] + 1
        total = 0
        print("  order  blocks    pages  block size")
        for order in range(orders):
            blocks = int(area[order]["nr_free"])
            total += blocks << order
            size = 4 << order
            size_str = f"{size} KB" if size < 1024 else f"{size // 1024} MB"
            print(f"  {order:5d} {blocks:7d} {blocks << order:8d}  {size_str}")
        mark = "ok" if total == nr_free else f"MISMATCH: node nr_free is {nr_free}"
        print(f"  sum of free_area pages: {total} ({mark})")


PagodaConnect()
TranslateVA()
Buddy()
