"""gdb commands for Pagoda (loaded by tools/gdb/pagoda.gdb).

  pagoda-connect [PORT]   target remote to QEMU's gdb stub
                          (default $GDBPORT, else 26000 + uid % 1000, as tools/qemu.sh)
  translate-va VA [PID|MM|CR3]
                          walk the page tables (default: the CPU's CR3), printing
                          every level; flags 2 MB and 1 GB leaves
  buddy [NODE]            per-order free block counts of node_data[NODE] (default: all
                          nodes with memory), checked against the node's nr_free
  current, ps             the running task; every task (pid, comm, state, CPU, mm)
  vmas [PID]              a process's VMAs: range, vm_flags decoded, pgoff, anon_vma, AVCs
  page PFN|VADDR|EXPR [PID]
                          a struct page decoded
  ptdump [PID] [START END]
                          a process's page-table leaves (2 MB leaves marked)
  rmap PFN|VADDR|EXPR [PID]
                          the page's anon_vma, its AVC tree and every (pid, address)
                          that maps the frame, as rmap_walk finds them
  avc PID VADDR | avc VMA the VMA's anon_vma chain and each anon_vma's tree (seed 003)
  $current(), $is_comm("NAME"), $vm_flags(FLAGS)
                          convenience functions (`p $current()->comm`; `current` alone
                          is a gdb macro for $current(), see tools/gdb/pagoda.gdb)
  pretty printers         pte_t, pmd_t, pud_t, pgd_t, pgprot_t (frame and flag names),
                          struct vm_area_struct (vm_flags by name), struct page (flags)

Every helper reads the kernel's structures through the direct map, so it
works at any stop once the kernel has built it (after x86_64_start_kernel's
paging setup), in any process's context.

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
    """Walk the page tables for a virtual address: translate-va VA [PID|MM|CR3].

Prints the entry at each level (PGD, PUD, PMD, PTE; P4D too with 5-level
paging), its flags, and the physical address it leads to. A PUD or PMD with
PS set is a leaf: a 1 GB or 2 MB page, flagged as such. Whose page tables:
  (none)   the CPU's CR3 (works before the direct map exists, even before paging)
  PID      that process's (a number below 4194304, Linux's pid_max)
  MM       a struct mm_struct * or struct task_struct * (&init_mm, vmf->vma->vm_mm)
  CR3      anything else: a physical address of a PGD, as the CR3 register holds
           it (p/x $cr3); a direct-map pointer to a PGD (mm->pgd) works too
VA and the second argument are gdb expressions (translate-va $rsp 1)."""

    def __init__(self):
        super().__init__("translate-va", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not argv or len(argv) > 2:
            raise gdb.GdbError("usage: translate-va VA [CR3]")
        va = to_int(argv[0])
        la57 = False
        if len(argv) == 2:
            cr3 = self.pgd_pa(argv[1])
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
    def pgd_pa(arg):
        value = gdb.parse_and_eval(arg)
        t = value.type.strip_typedefs()
        if t.code == gdb.TYPE_CODE_PTR and t.target().strip_typedefs().tag in ("mm_struct", "task_struct"):
            return mm_pgd_pa(mm_of(arg))
        n = int(value) & U64
        if n < 4194304:
            return mm_pgd_pa(mm_of(str(n)))
        if n >= KERNEL_HALF:
            return virt_to_phys(n)
        return n

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




# ---------------------------------------------------------------------------
# The kernel's structures, read through gdb's symbols. Nothing here calls a
# kernel function: a stop may be anywhere, with any lock held.
# ---------------------------------------------------------------------------

KERNEL_HALF = 0xFFFF800000000000
TASK_STATES = {0: "R (running)", 1: "S (sleeping)", 16: "Z (zombie)", 32: "X (dead)"}
PAGE_SHIFT = 12

# vm_flags bits, named as mm/mm.h (Linux's values).
VM_FLAG_NAMES = [
    (0x1, "READ"), (0x2, "WRITE"), (0x4, "EXEC"), (0x8, "SHARED"),
    (0x10, "MAYREAD"), (0x20, "MAYWRITE"), (0x40, "MAYEXEC"), (0x80, "MAYSHARE"),
    (0x100, "GROWSDOWN"), (0x2000, "LOCKED"), (0x20000, "DONTCOPY"), (0x40000, "DONTEXPAND"),
    (0x200000, "NORESERVE"), (0x400000, "HUGETLB"), (0x2000000, "WIPEONFORK"),
    (0x20000000, "HUGEPAGE"), (0x40000000, "NOHUGEPAGE"),
]


VM_HUGETLB = 0x400000
VM_MAYSHARE = 0x80
# vm_private_data of a private hugetlb VMA: a resv_map with flags (mm/hugetlb.h).
HPAGE_RESV_NAMES = [(0x1, "HPAGE_RESV_OWNER"), (0x2, "HPAGE_RESV_UNMAPPED")]


def hugetlb_private_str(vma):
    """A hugetlb VMA's vm_private_data: its resv_map and HPAGE_RESV_ flags
    (shared: unused, the file's map holds the reservations)."""
    v = ptr(vma["vm_private_data"])
    if ptr(vma["vm_flags"]) & VM_MAYSHARE:
        return "shared: reservations in the file's resv_map"
    names = [name for bit, name in HPAGE_RESV_NAMES if v & bit]
    resv = v & ~0x3
    return (f"resv_map {resv:#x} " if resv else "no resv_map ") + (" ".join(names) if names else "no flags")


def vm_flags_str(flags):
    names = [name for bit, name in VM_FLAG_NAMES if flags & bit]
    rest = flags & ~sum(bit for bit, _ in VM_FLAG_NAMES)
    if rest:
        names.append(f"{rest:#x}")
    return " ".join(names) if names else "none"


def vm_flags_rwxp(flags):
    return "".join([
        "r" if flags & 1 else "-", "w" if flags & 2 else "-",
        "x" if flags & 4 else "-", "s" if flags & 8 else "p"])


def lookup(type_name):
    try:
        return gdb.lookup_type(type_name)
    except gdb.error:
        raise gdb.GdbError(f"no type {type_name}: is build/pagoda.elf loaded?")


def sym(name):
    try:
        return gdb.parse_and_eval(name)
    except gdb.error:
        raise gdb.GdbError(f"no symbol {name}: is build/pagoda.elf loaded?")


def ptr(value):
    return int(value) & U64


def _field_bitpos(t, field):
    """field's bit offset in struct/union type t, looking into anonymous members too; None if absent."""
    for f in t.strip_typedefs().fields():
        if f.name == field:
            return f.bitpos
        if f.name is None:
            inner = _field_bitpos(f.type, field)
            if inner is not None:
                return f.bitpos + inner
    return None


def field_offset(type_name, field):
    bitpos = _field_bitpos(lookup(type_name), field)
    if bitpos is None:
        raise gdb.GdbError(f"{type_name} has no field {field}")
    return bitpos // 8


def container_of(addr, type_name, field):
    """The struct type_name whose member field is at addr (Linux's container_of)."""
    base = (int(addr) - field_offset(type_name, field)) & U64
    return gdb.Value(base).cast(lookup(type_name).pointer()).dereference()


def list_entries(head, type_name, field):
    """The entries of a struct list_head, in list order (list_for_each_entry)."""
    head_addr = ptr(head.address)
    node = head["next"]
    seen = 0
    while ptr(node) != head_addr:
        yield container_of(node, type_name, field)
        node = node["next"]
        seen += 1
        if seen > 100000:
            raise gdb.GdbError("list does not come back to its head: corrupt?")


def interval_nodes(root):
    """The nodes of a lib/interval_tree.c tree, in order of start."""
    stack, node = [], root["root"]
    while stack or ptr(node):
        while ptr(node):
            stack.append(node)
            node = node["left"]
        node = stack.pop()
        yield node
        node = node["right"]


def comm_str(task):
    return task["comm"].string(errors="replace", length=16).split("\0")[0]


def cpu_count():
    return sym("cpu_info").type.strip_typedefs().range()[1] + 1


def mm_rss(mm):
    """get_mm_rss(): the pages an mm maps, all kinds (rss_stat[NR_MM_COUNTERS])."""
    stat = mm["rss_stat"]
    lo, hi = stat.type.strip_typedefs().range()
    return sum(int(stat[i]) for i in range(lo, hi + 1))


def current_task():
    """This CPU's current task: gs:0 in the kernel, KERNEL_GS_BASE in user mode."""
    info_type = lookup("struct cpu_info").pointer()
    for reg in ("gs_base", "k_gs_base"):
        try:
            base = int(gdb.parse_and_eval(f"${reg}")) & U64
        except (gdb.error, ValueError):
            continue
        if base >= KERNEL_HALF:
            info = gdb.Value(base).cast(info_type).dereference()
            try:
                if ptr(info["self"]) == base:
                    return checked_task(info["curr"])
            except gdb.MemoryError:
                pass
    # GS not set up yet, or no segment bases from the stub: QEMU numbers its
    # vCPUs as gdb threads.
    cpu = gdb.selected_thread().num - 1 if gdb.selected_thread() else 0
    return checked_task(sym("cpu_info")[cpu]["curr"])


def checked_task(task):
    if ptr(task) < KERNEL_HALF:
        raise gdb.GdbError("no current task on this CPU yet (before sched_init)")
    return task


def task_cpu(task):
    for cpu in range(cpu_count()):
        if ptr(sym("cpu_info")[cpu]["curr"]) == ptr(task.address):
            return cpu
    return None


def all_tasks():
    """Every task: task_list, then the children fork is still building
    (new_task_list, kernel/sched.c: nobody else can find them yet)."""
    yield from list_entries(sym("task_list"), "struct task_struct", "tasks")
    yield from list_entries(sym("new_task_list"), "struct task_struct", "tasks")


def find_task(pid):
    for t in all_tasks():
        if int(t["pid"]) == pid:
            return t
    raise gdb.GdbError(f"no task with pid {pid}")


def task_of_mm(mm_addr):
    for t in all_tasks():
        if ptr(t["mm"]) == mm_addr:
            return t
    return None


_mm_pids = None      # mm address -> pid, valid until the target runs again


def _forget_mm_pids(event):
    global _mm_pids
    _mm_pids = None


def mm_label(mm_addr):
    """The pid whose mm this is, as a string; fork's child still being built
    (on new_task_list, its mm not set yet) gets its pid too."""
    global _mm_pids
    if mm_addr == ptr(sym("init_mm").address):
        return "init_mm"
    if _mm_pids is None:
        _mm_pids, forking = {}, []
        for t in all_tasks():
            mm = ptr(t["mm"])
            if mm:
                _mm_pids.setdefault(mm, int(t["pid"]))
            elif int(t["state"]) not in (16, 32) and int(t["pid"]) > 0:
                forking.append(int(t["pid"]))
        _mm_pids["forking"] = max(forking) if forking else None
    pid = _mm_pids.get(mm_addr)
    if pid is not None:
        return str(pid)
    if _mm_pids["forking"] is not None:
        return str(_mm_pids["forking"])
    return f"mm {mm_addr:#x}"


def mm_owner(mm_addr):
    """"pid N", "init_mm" or "mm 0x...", for headers."""
    label = mm_label(mm_addr)
    return f"pid {label}" if label.isdigit() else label


def mm_of(arg):
    """An mm_struct from a pid, a struct mm_struct * or a struct task_struct * (text or a gdb.Value)."""
    if isinstance(arg, gdb.Value):
        value = arg
    elif arg is None or arg == "":
        mm = current_task()["mm"]
        if not ptr(mm):
            raise gdb.GdbError("the current task has no mm (a kernel thread): give a pid")
        return mm.dereference()
    else:
        value = gdb.parse_and_eval(arg)
    t = value.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        target = t.target().strip_typedefs().tag
        if target == "mm_struct":
            return value.dereference()
        if target == "task_struct":
            return value["mm"].dereference()
    mm = find_task(int(value))["mm"]
    if not ptr(mm):
        raise gdb.GdbError(f"pid {int(value)} has no mm")
    return mm.dereference()


def read_u64_virt(addr):
    data = gdb.selected_inferior().read_memory(addr & U64, 8)
    return int.from_bytes(bytes(data), "little")


def read_table(pa):
    """The 512 entries of a page-table page, read through the direct map."""
    data = bytes(gdb.selected_inferior().read_memory((PAGE_OFFSET + pa) & U64, 4096))
    return [int.from_bytes(data[i:i + 8], "little") for i in range(0, 4096, 8)]


def virt_to_phys(va):
    kernel_base = 0xFFFFFFFF80000000
    return va - kernel_base if va >= kernel_base else va - PAGE_OFFSET


def mm_pgd_pa(mm):
    return virt_to_phys(ptr(mm["pgd"]))


def walk_mm(mm, va):
    """The leaf entry mapping va in mm, and its level: (entry, 'PTE'|'PMD'|'PUD') or (None, level)."""
    table = mm_pgd_pa(mm)
    for name, shift in (("PGD", 39), ("PUD", 30), ("PMD", 21), ("PTE", 12)):
        entry = read_u64_virt(PAGE_OFFSET + table + (va >> shift & 0x1FF) * 8)
        if not entry & 1:
            return None, name
        if name in ("PUD", "PMD") and entry >> 7 & 1:
            return entry, name
        if name == "PTE":
            return entry, name
        table = entry & PHYS_MASK
    return None, "PTE"


def va_to_pfn(mm, va):
    entry, level = walk_mm(mm, va)
    if entry is None:
        return None
    size_shift = {"PTE": 12, "PMD": 21, "PUD": 30}[level]
    base = entry & PHYS_MASK & ~((1 << size_shift) - 1)
    return (base + (va & ((1 << size_shift) - 1))) >> PAGE_SHIFT


# A swap-format entry (mm/swapops.h, arch/x86_64/pgtable.h): type in bits
# 63..59, the offset inverted in bits 58..9; migration types are 24..26.
SWP_TYPE_BITS, SWP_OFFSET_SHIFT = 5, 14
SWP_MIGRATION_TYPES = {24: "read", 25: "read-exclusive", 26: "write"}
SWP_PFN_BITS = 40


def swap_entry_str(entry):
    """'migration entry (write) pfn 0x.. young dirty' for a migration entry, else None."""
    if entry == 0 or entry & 0x1ff:
        return None
    swp_type = entry >> (64 - SWP_TYPE_BITS)
    offset = ((~entry & U64) << SWP_TYPE_BITS & U64) >> SWP_OFFSET_SHIFT
    if swp_type not in SWP_MIGRATION_TYPES:
        return f"swap entry type {swp_type} offset {offset:#x}"
    pfn = offset & ((1 << SWP_PFN_BITS) - 1)
    bits = "".join(f" {n}" for b, n in ((SWP_PFN_BITS, "young"), (SWP_PFN_BITS + 1, "dirty"))
                   if offset >> b & 1)
    return f"migration entry ({SWP_MIGRATION_TYPES[swp_type]}) pfn {pfn:#x}{bits}"


def entry_str(entry, level="PTE"):
    if not entry & 1:
        swp = swap_entry_str(entry)
        return f"{entry:#018x} ({swp if swp else 'not present'})"
    pfn = (entry & PHYS_MASK) >> PAGE_SHIFT
    flags = flags_str(entry, level)
    if entry >> 9 & 1:
        flags += " SPECIAL"
    return f"{entry:#018x} pfn {pfn:#x} {flags}"


# ---- struct page ----

def mem_map():
    return sym("mem_map")


def page_of_pfn(pfn):
    max_pfn = int(sym("max_pfn"))
    if not 0 <= pfn < max_pfn:
        raise gdb.GdbError(f"pfn {pfn:#x} is not RAM (max_pfn {max_pfn:#x})")
    return (mem_map() + pfn).dereference()


def page_pfn(page):
    return (ptr(page.address) - ptr(mem_map())) // lookup("struct page").sizeof


def page_arg(argv):
    """A struct page from PFN | VADDR | EXPR [PID]: a struct page *, a pte_t/pmd_t,
    a pfn below max_pfn, a kernel direct-map address, or a user address in
    PID's (default: current's) address space."""
    if not argv:
        raise gdb.GdbError("give a PFN, a virtual address or an expression")
    value = gdb.parse_and_eval(argv[0])
    t = value.type.strip_typedefs()
    name = value.type.unqualified().name
    if t.code == gdb.TYPE_CODE_PTR and t.target().strip_typedefs().tag == "page":
        return value.dereference()
    if t.code == gdb.TYPE_CODE_STRUCT and t.tag == "page":
        return value
    if name in ("pte_t", "pmd_t"):
        entry = int(value[t.fields()[0].name]) & U64
        return page_of_pfn((entry & PHYS_MASK) >> PAGE_SHIFT)
    n = int(value) & U64
    if n < int(sym("max_pfn")):
        return page_of_pfn(n)
    if n >= PAGE_OFFSET and n < KERNEL_HALF + (1 << 46):
        return page_of_pfn(virt_to_phys(n) >> PAGE_SHIFT)
    mm = mm_of(argv[1] if len(argv) > 1 else None)
    pfn = va_to_pfn(mm, n)
    if pfn is None:
        raise gdb.GdbError(f"{n:#x} is not mapped in that address space")
    return page_of_pfn(pfn)


def page_flag_names():
    names = []
    for f in lookup("enum pageflags").fields():
        if f.name.startswith("PG_"):
            names.append((f.enumval, f.name[3:]))
    return names


def page_anon_vma(page):
    mapping = ptr(page["mapping"])
    if mapping & 3 != 1:
        return None
    return gdb.Value(mapping & ~3).cast(lookup("struct anon_vma").pointer()).dereference()


def compound_head(page):
    head = ptr(page["compound_head"])
    if head & 1:
        return gdb.Value(head - 1).cast(lookup("struct page").pointer()).dereference()
    return page


def page_lines(page):
    pfn = page_pfn(page)
    flags = ptr(page["flags"])
    nodes_pgshift = 64 - 3
    names = [name for bit, name in page_flag_names() if flags >> bit & 1]
    head = compound_head(page)
    tail = ptr(head.address) != ptr(page.address)
    if tail:
        names.append("tail")
    refcount = int(page["_refcount"]["counter"])
    mapcount = int(page["_mapcount"]["counter"]) + 1
    lines = [
        f"page pfn {pfn:#x} pa {pfn << PAGE_SHIFT:#x} (struct page *){ptr(page.address):#x} "
        f"node {flags >> nodes_pgshift}",
        f"  flags {flags & ((1 << nodes_pgshift) - 1):#x}: {' '.join(names) if names else 'none'}",
        f"  refcount {refcount} mapcount {mapcount}",
    ]
    anon_vma = page_anon_vma(head)
    if "buddy" in names:
        lines.append(f"  free: on a buddy list, order {int(page['private'])}")
    elif "slab" in names:
        lines.append(f"  slab: kmem_cache {ptr(page['mapping']):#x}")
    elif anon_vma is not None:
        lines.append(f"  anon: anon_vma {int(anon_vma['id'])} (root {int(anon_vma['root']['id'])}) "
                     f"index {int(page['index']):#x}")
    else:
        lines.append(f"  not anon: mapping {ptr(page['mapping']):#x} index {int(page['index']):#x}")
    if tail:
        order = int((head.address + 1).dereference()["compound_order"])
        lines.append(f"  compound tail: head pfn {page_pfn(head):#x} order {order}")
    elif "head" in names:
        second = (page.address + 1).dereference()
        compound_mapcount = int(second['compound_mapcount']['counter']) + 1
        lines.append(f"  compound head: order {int(second['compound_order'])} "
                     f"compound mapcount {compound_mapcount}")
        if "hugetlb" in names:
            lines.append(hugetlb_line(page, mapcount + compound_mapcount))
    else:
        lines.append("  not compound (order 0)")
    return lines


# A hugetlb head's page->private bits (mm/hugetlb.c: HPG_*).
HPG_NAMES = [(0x1, "restore_reserve"), (0x2, "freed")]


def hugetlb_line(head, page_mapcount):
    """A hugetlb pool page: page_mapcount() (what hugetlb_cow's reuse test
    reads: _mapcount + 1 + compound mapcount) and its HPG_ flags."""
    private = ptr(head["private"])
    hpg = [name for bit, name in HPG_NAMES if private & bit]
    return (f"  hugetlb: pool page, page_mapcount {page_mapcount}, "
            f"private {private:#x}{' ' + ' '.join(hpg) if hpg else ''}")


# ---- VMAs and the reverse map ----

def mm_vmas(mm):
    return list_entries(mm["mmap"], "struct vm_area_struct", "vm_list")


def find_vma(mm, va):
    for vma in mm_vmas(mm):
        if ptr(vma["vm_start"]) <= va < ptr(vma["vm_end"]):
            return vma
    raise gdb.GdbError(f"no VMA at {va:#x} in that address space")


def vma_chain(vma):
    """vma's AVCs, oldest first (list_add puts the newest at the head)."""
    avcs = list(list_entries(vma["anon_vma_chain"], "struct anon_vma_chain", "same_vma"))
    return list(reversed(avcs))


def anon_vma_tree(anon_vma):
    """The AVCs in an anon_vma's interval tree, in order of page offset."""
    for node in interval_nodes(anon_vma["rb_root"]):
        yield container_of(node, "struct anon_vma_chain", "rb")


def anon_vma_id(av):
    return int(av["id"]) if ptr(av.address) else "-"


def anon_vma_line(av):
    vmas = []
    for avc in anon_vma_tree(av):
        v = avc["vma"]
        vmas.append((mm_label(ptr(v["vm_mm"])), ptr(v["vm_start"])))
    vmas.sort(key=lambda pv: (not pv[0].isdigit(), int(pv[0]) if pv[0].isdigit() else 0, pv[1]))
    tree = " ".join(f"{p}:{start:#x}" for p, start in vmas)
    return (f"anon_vma {int(av['id'])} root {anon_vma_id(av['root'].dereference())} "
            f"parent {anon_vma_id(av['parent'].dereference()) if ptr(av['parent']) else '-'} "
            f"refcount {int(av['refcount']['counter'])} children {int(av['num_children'])} "
            f"active {int(av['num_active_vmas'])}: tree of {len(vmas)} VMAs: {tree}")


def vma_address(page, vma):
    """Where page would be in vma, or None (mm/rmap.c: vma_address)."""
    pgoff = int(page["index"])
    if pgoff < int(vma["vm_pgoff"]):
        return None
    address = ptr(vma["vm_start"]) + ((pgoff - int(vma["vm_pgoff"])) << PAGE_SHIFT)
    return address if address < ptr(vma["vm_end"]) else None


class Current(gdb.Command):
    """The task running on this CPU: current.

Prints pid, comm, state, CPU and mm. In expressions use $current() (or the
macro `current`: p current->comm, p *current->mm)."""

    def __init__(self):
        super().__init__("current", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        print_task(current_task().dereference(), header=True)


def print_task(task, header=False):
    if header:
        print(f"{'PID':>5} {'COMM':16} {'STATE':14} {'CPU':>3} {'MM':18} TASK")
    cpu = task_cpu(task)
    state = TASK_STATES.get(int(task["state"]), str(int(task["state"])))
    mm = ptr(task["mm"])
    print(f"{int(task['pid']):>5} {comm_str(task):16} {state:14} {'-' if cpu is None else cpu:>3} "
          f"{mm:#018x} {ptr(task.address):#x}")


class Ps(gdb.Command):
    """Every task: ps. PID, comm, state, the CPU it runs on (- if none), mm, task."""

    def __init__(self):
        super().__init__("ps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        header = True
        for cpu in range(cpu_count()):
            curr = sym("cpu_info")[cpu]["curr"]
            if ptr(curr) and int(curr["pid"]) == 0:     # this CPU's idle task
                print_task(curr.dereference(), header)
                header = False
        for t in all_tasks():
            print_task(t, header)
            header = False
        if header:
            print("no tasks yet")


class Vmas(gdb.Command):
    """A process's VMAs: vmas [PID|MM] (default: current).

One line per VMA: range, rwxp, vm_flags by name, vm_pgoff, its anon_vma id
and the length of its anon_vma chain (how many anon_vmas its pages may be in);
a hugetlb VMA's vm_private_data: its resv_map and HPAGE_RESV_OWNER/UNMAPPED."""

    def __init__(self):
        super().__init__("vmas", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        mm = mm_of(arg.strip())
        vmas = list(mm_vmas(mm))
        print(f"mm {ptr(mm.address):#x} of {mm_owner(ptr(mm.address))}: {len(vmas)} VMAs, "
              f"pgd {ptr(mm['pgd']):#x}, rss {mm_rss(mm)} pages")
        for vma in vmas:
            flags = ptr(vma["vm_flags"])
            av = vma["anon_vma"]
            what = ""
            if ptr(vma["vm_image"]):
                what = " " + vma["vm_image"]["name"].string()
            elif ptr(vma["vm_shm"]):
                what = " [shmem]"
            if flags & VM_HUGETLB:
                what += f" [hugetlb {hugetlb_private_str(vma)}]"
            print(f"  {ptr(vma['vm_start']):#014x}-{ptr(vma['vm_end']):#014x} {vm_flags_rwxp(flags)} "
                  f"pgoff {int(vma['vm_pgoff']):#x} anon_vma {int(av['id']) if ptr(av) else '-'} "
                  f"avc {len(vma_chain(vma))} flags {flags:#x} {vm_flags_str(flags)}{what}")


class Page(gdb.Command):
    """Decode a struct page: page PFN|VADDR|EXPR [PID|MM].

The argument is a pfn (below max_pfn), a struct page *, a pte_t or pmd_t
(its frame), a direct-map address, or a user address in PID's address space
(default: current's). Prints the flags by name, the node, refcount and
mapcount, whether it is anonymous and its anon_vma, index, and for a
compound page its head and order; for a hugetlb head, page_mapcount() (its
own _mapcount + 1 + the compound mapcount: what hugetlb_cow tests) and the
HPG_ bits of page->private."""

    def __init__(self):
        super().__init__("page", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        for line in page_lines(page_arg(gdb.string_to_argv(arg))):
            print(line)


class PtDump(gdb.Command):
    """Dump a process's page tables: ptdump [PID|MM] [START END] [all].

Prints the leaf entries mapping [START, END) (default: the whole user half):
address, entry, frame and flag names; a 2 MB (PMD) or 1 GB (PUD) leaf is
marked. With `all`, the table entries on the way are printed too. The
kernel half is shared by every address space: ptdump &init_mm
0xffff888000000000 0xffff888001000000 shows the direct map's 2 MB leaves."""

    def __init__(self):
        super().__init__("ptdump", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        show_all = "all" in argv
        argv = [a for a in argv if a != "all"]
        if len(argv) not in (0, 1, 2, 3):
            raise gdb.GdbError("usage: ptdump [PID|MM] [START END] [all]")
        who = argv[0] if len(argv) in (1, 3) else None
        rng = argv[-2:] if len(argv) >= 2 else None
        mm = mm_of(who)
        start, end = (to_int(rng[0]), to_int(rng[1])) if rng else (0, 1 << 47)
        if end <= start:
            raise gdb.GdbError("ptdump: END must be above START")
        print(f"page tables of {mm_owner(ptr(mm.address))}: pgd {ptr(mm['pgd']):#x} "
              f"(pa {mm_pgd_pa(mm):#x}), {start:#x}-{end:#x}")
        self.leaves = 0
        self.walk(mm_pgd_pa(mm), 0, start, end, 0, show_all)
        print(f"{self.leaves} leaves")

    LEVELS = [("PGD", 39), ("PUD", 30), ("PMD", 21), ("PTE", 12)]

    def walk(self, table_pa, base, start, end, depth, show_all):
        name, shift = self.LEVELS[depth]
        size = 1 << shift
        entries = read_table(table_pa)
        for i, entry in enumerate(entries):
            va = base + i * size
            if depth == 0 and i >= 256:
                va |= 0xFFFF000000000000        # the kernel half: canonical addresses
            if va + size <= start or va >= end or not entry & 1:
                continue
            leaf = name == "PTE" or (name in ("PUD", "PMD") and entry >> 7 & 1)
            if leaf:
                mark = {"PMD": "  [2 MB leaf]", "PUD": "  [1 GB leaf]"}.get(name, "")
                print(f"  {va:#014x} {name.lower()} {entry_str(entry, name)}{mark}")
                self.leaves += 1
                continue
            if show_all:
                print(f"  {'  ' * depth}{name}[{i}] {va:#014x}: {entry_str(entry, name)}")
            self.walk(entry & PHYS_MASK, va, start, end, depth + 1, show_all)


class Rmap(gdb.Command):
    """The reverse map of a page: rmap PFN|VADDR|EXPR [PID|MM].

Follows page->mapping to the anon_vma and walks its AVC tree as rmap_walk
does: every AVC whose range covers page->index is visited; for each, the
VMA's address for the page, and whether that PTE maps this frame (found).
Read-only: no lock is taken, so stop the CPUs outside the rmap code."""

    def __init__(self):
        super().__init__("rmap", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        page = compound_head(page_arg(gdb.string_to_argv(arg)))
        pfn = page_pfn(page)
        av = page_anon_vma(page)
        index = int(page["index"])
        print(f"page pfn {pfn:#x} index {index:#x} mapcount {int(page['_mapcount']['counter']) + 1} "
              f"refcount {int(page['_refcount']['counter'])}")
        if av is None:
            print("  not an anonymous page: no anon_vma to walk")
            return
        print(f"  {anon_vma_line(av)}")
        visited = found = shown = 0
        limit = 16
        for avc in anon_vma_tree(av):
            vma = avc["vma"]
            start, last = int(avc["rb"]["start"]), int(avc["rb"]["last"])
            if last < index or start > index:
                continue
            visited += 1
            who = mm_label(ptr(vma["vm_mm"]))
            address = vma_address(page, vma)
            shown += 1
            say = print if shown <= limit else (lambda *a: None)
            if address is None:
                say(f"  visit pid {who} vma {ptr(vma['vm_start']):#x}-{ptr(vma['vm_end']):#x}: "
                      "page outside the VMA")
                continue
            mapped = va_to_pfn(vma["vm_mm"].dereference(), address)
            if mapped == pfn:
                found += 1
                say(f"  visit pid {who} address {address:#x}: maps it")
            else:
                other = "unmapped" if mapped is None else f"maps pfn {mapped:#x}"
                say(f"  visit pid {who} address {address:#x}: not this frame ({other})")
        if shown > limit:
            print(f"  ... and {shown - limit} more visits")
        print(f"visited {visited} found {found}")


class Avc(gdb.Command):
    """A VMA's anon_vma chain: avc PID VADDR | avc VMA-EXPR.

As seed 003 draws the building: the VMA, its own anon_vma, then one line
per AVC on its chain (oldest first): the anon_vma it links to, that
anon_vma's root, parent, counters and tree (pid:vm_start of every VMA in
it; "mm 0x..." for a child still being built by fork)."""

    def __init__(self):
        super().__init__("avc", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if len(argv) == 2:
            mm = mm_of(argv[0])
            vma = find_vma(mm, to_int(argv[1]))
        elif len(argv) == 1:
            value = gdb.parse_and_eval(argv[0])
            vma = value.dereference() if value.type.strip_typedefs().code == gdb.TYPE_CODE_PTR else value
        else:
            raise gdb.GdbError("usage: avc PID VADDR | avc VMA-EXPR")
        own = vma["anon_vma"]
        chain = vma_chain(vma)
        print(f"vma {ptr(vma['vm_start']):#x}-{ptr(vma['vm_end']):#x} of {mm_owner(ptr(vma['vm_mm']))} "
              f"pgoff {int(vma['vm_pgoff']):#x} anon_vma {int(own['id']) if ptr(own) else '-'}: "
              f"chain of {len(chain)} AVCs")
        for avc in chain:
            print(f"  avc {ptr(avc.address):#x} -> {anon_vma_line(avc['anon_vma'].dereference())}")


class Hstate(gdb.Command):
    """The hugetlb pool: hstate (mm/hugetlb.c's default_hstate).

One line for the pool (nr_hugepages asked for, pages in it, free, reserved,
surplus, overcommit allowed), then one per node: pages, free, surplus and
the pfns on its free list. The same counts as /proc/meminfo's HugePages_*."""

    def __init__(self):
        super().__init__("hstate", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        h = sym("default_hstate")
        print(f"{h['name'].string()}: max {int(h['max_huge_pages'])} nr {int(h['nr_huge_pages'])} "
              f"free {int(h['free_huge_pages'])} resv {int(h['resv_huge_pages'])} "
              f"surplus {int(h['surplus_huge_pages'])} overcommit {int(h['nr_overcommit_huge_pages'])}")
        for nid in range(int(sym("nr_node_ids"))):
            free = [page_pfn(p) for p in list_entries(h["hugepage_freelists"][nid], "struct page", "lru")]
            print(f"  node {nid}: nr {int(h['nr_huge_pages_node'][nid])} free {int(h['free_huge_pages_node'][nid])} "
                  f"surplus {int(h['surplus_huge_pages_node'][nid])} free list: "
                  f"{' '.join(f'{pfn:#x}' for pfn in free) if free else 'empty'}")


class CurrentFunction(gdb.Function):
    """$current(): the running task (struct task_struct *), as the kernel's `current`."""

    def __init__(self):
        super().__init__("current")

    def invoke(self):
        return current_task()


class IsComm(gdb.Function):
    """$is_comm("NAME"): 1 if the running task's comm is NAME (for breakpoint conditions)."""

    def __init__(self):
        super().__init__("is_comm")

    def invoke(self, name):
        try:
            return int(comm_str(current_task().dereference()) == name.string())
        except gdb.error:
            return 0


class VaPfn(gdb.Function):
    """$va_pfn(PID|MM, VADDR): the frame mapping VADDR in that address space, -1 if none."""

    def __init__(self):
        super().__init__("va_pfn")

    def invoke(self, who, va):
        mm = mm_of(who)
        pfn = va_to_pfn(mm, int(va) & U64)
        return -1 if pfn is None else pfn


class VaEntry(gdb.Function):
    """$va_entry(PID|MM, VADDR): the leaf entry (PTE, or a PMD/PUD leaf) mapping VADDR, 0 if none."""

    def __init__(self):
        super().__init__("va_entry")

    def invoke(self, who, va):
        mm = mm_of(who)
        entry, _ = walk_mm(mm, int(va) & U64)
        return 0 if entry is None else entry


class VmFlagsFunction(gdb.Function):
    """$vm_flags(FLAGS): vm_flags by name, as a string."""

    def __init__(self):
        super().__init__("vm_flags")

    def invoke(self, flags):
        return vm_flags_str(int(flags))


# ---- pretty printers ----

class EntryPrinter:
    def __init__(self, value, level):
        self.value, self.level = value, level

    def to_string(self):
        t = self.value.type.strip_typedefs()
        return entry_str(int(self.value[t.fields()[0].name]) & U64, self.level)


class PgprotPrinter:
    def __init__(self, value):
        self.value = value

    def to_string(self):
        v = int(self.value["pgprot"]) & U64
        return f"{v:#x} {flags_str(v, 'PTE')}"


class StructPrinter:
    """A struct printed field by field, with some fields decoded."""

    decoders = {}

    def __init__(self, value):
        self.value = value

    def to_string(self):
        return None

    def children(self):
        for f in self.value.type.strip_typedefs().fields():
            if f.name is None:
                yield "<anon>", self.value[f]
                continue
            decode = self.decoders.get(f.name)
            yield f.name, (decode(self.value[f.name]) if decode else self.value[f.name])


class VmaPrinter(StructPrinter):
    decoders = {"vm_flags": lambda v: f"{ptr(v):#x} {vm_flags_str(ptr(v))}"}

    def children(self):
        for name, value in super().children():
            if name == "vm_private_data" and ptr(self.value["vm_flags"]) & VM_HUGETLB:
                value = f"{ptr(value):#x} {hugetlb_private_str(self.value)}"
            yield name, value

    def to_string(self):
        return (f"vma {ptr(self.value['vm_start']):#x}-{ptr(self.value['vm_end']):#x} "
                f"{vm_flags_rwxp(ptr(self.value['vm_flags']))}")


class PagePrinter(StructPrinter):
    @staticmethod
    def _flags(v):
        flags = ptr(v)
        names = [name for bit, name in page_flag_names() if flags >> bit & 1]
        return f"{flags:#x} node {flags >> 61} {' '.join(names) if names else ''}".rstrip()

    decoders = {"flags": _flags.__func__}

    def to_string(self):
        try:
            return f"pfn {page_pfn(self.value):#x}"
        except gdb.error:
            return None


def pagoda_printers(value):
    name = value.type.unqualified().name
    if name in ("pte_t", "pmd_t", "pud_t", "pgd_t"):
        return EntryPrinter(value, name[:3].upper())
    if name == "pgprot_t":
        return PgprotPrinter(value)
    t = value.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_STRUCT:
        if t.tag == "vm_area_struct":
            return VmaPrinter(value)
        if t.tag == "page":
            return PagePrinter(value)
    return None


PagodaConnect()
TranslateVA()
Buddy()
Current()
Ps()
Vmas()
Page()
PtDump()
Rmap()
Avc()
Hstate()
CurrentFunction()
IsComm()
VmFlagsFunction()
VaPfn()
VaEntry()
gdb.pretty_printers.append(pagoda_printers)
gdb.events.cont.connect(_forget_mm_pids)
gdb.events.stop.connect(_forget_mm_pids)
