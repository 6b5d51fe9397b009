#!/usr/bin/env bash
# A lecture, checked: boot the demo halted under gdb, stop on do_wp_page
# (the copy-on-write fault of seed 003), and check that gdb shows what a
# lecturer shows a class: the fault path in the backtrace, the vm_fault
# state, a page-table walk and a node's free lists. Prints TAP.
set -u
cd "$(dirname "$0")/.."
port=${LECTURE_GDBPORT:-$((27000 + $(id -u) % 1000))}
log=build/gdb-lecture.log
iso=${1:-build/pagoda.iso}

GDBPORT=$port TIMEOUT=120 bash tools/qemu.sh --iso "$iso" --gdb --serial-log build/gdb-lecture-serial.log \
	>/dev/null 2>&1 &
qemu=$!
sleep 1
GDBPORT=$port timeout 120 gdb -q -batch -x tools/gdb/pagoda.gdb \
	-ex "hbreak do_wp_page" -ex "continue" -ex "bt" -ex "p/x vmf->address" \
	-ex "translate-va vmf->address" -ex "buddy 0" -ex "kill" >"$log" 2>&1
wait "$qemu" 2>/dev/null

n=0 failed=0
check() {
	n=$((n + 1))
	if grep -q -- "$2" "$log"; then
		echo "ok $n - gdb: $1"
	else
		echo "not ok $n - gdb: $1 # no \"$2\" in $log"
		failed=$((failed + 1))
	fi
}
check "stops on do_wp_page" "hit Breakpoint 1, do_wp_page"
check "the backtrace shows handle_pte_fault" "in handle_pte_fault"
check "the backtrace shows handle_mm_fault" "in handle_mm_fault"
check "the backtrace reaches do_page_fault" "in do_page_fault"
check "translate-va walks to a PTE" "PTE\\["
check "the faulting page is read-only (copy-on-write)" "read-only, user"
check "buddy lists node 0's free blocks" "sum of free_area pages"
echo "1..$n"
exit $((failed > 0))
