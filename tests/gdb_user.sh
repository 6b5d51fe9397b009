#!/usr/bin/env bash
# Your own program under gdb, checked: boot tests/user-programs/ through
# `make debug DIR=... PROG=cowfork` (halted, its console to a file), then a
# batch gdb sets what `make gdb PROG=cowfork BREAK=do_wp_page` sets, a
# breakpoint on do_wp_page taken only when current's comm is cowfork, and
# checks the stop: cowfork's own copy-on-write fault, not one of /init's
# (init's forks take do_wp_page first). Prints TAP.
set -u
cd "$(dirname "$0")/.."
port=${USER_GDBPORT:-$((${LECTURE_GDBPORT:-$((27000 + $(id -u) % 1000))} + 2))}
log=build/gdb-user.log
make=${MAKE:-make}
mkdir -p build

$make --no-print-directory user-programs >build/gdb-user-make.log 2>&1
GDBPORT=$port TIMEOUT=120 $make --no-print-directory debug DIR=build/user-programs PROG=cowfork \
	USER_ISO=build/pagoda-gdbuser.iso SERIAL_LOG=build/gdb-user-serial.log >>build/gdb-user-make.log 2>&1 &
debug=$!

# make debug builds the ISO first: wait until QEMU's gdb stub listens.
listening() {
	grep -qi ":$(printf %04X "$port") 00000000:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
for _ in $(seq 1 240); do
	listening && break
	kill -0 "$debug" 2>/dev/null || break
	sleep 0.5
done
GDBPORT=$port timeout 120 gdb -q -batch -x tools/gdb/pagoda.gdb \
	-ex "prog-break cowfork do_wp_page" -ex "continue" \
	-ex 'printf "comm=%s pid=%d\n", $current()->comm, $current()->pid' \
	-ex "bt" -ex "kill" >"$log" 2>&1
wait "$debug" 2>/dev/null

n=0 failed=0
check() {
	n=$((n + 1))
	if grep -Eq -- "$2" "$log"; then
		echo "ok $n - gdb/user: $1"
	else
		echo "not ok $n - gdb/user: $1 # no \"$2\" in $log (make's output: build/gdb-user-make.log)"
		failed=$((failed + 1))
	fi
}
check "prog-break sets a breakpoint conditional on the comm" 'prog-break: do_wp_page stop only when current->comm is "cowfork"'
check "stops on do_wp_page" "hit Breakpoint 1, do_wp_page"
check "the stop is in cowfork, not in init" "^comm=cowfork pid=[0-9]+$"
check "the backtrace shows handle_mm_fault" "in handle_mm_fault"
check "the backtrace reaches do_page_fault" "in do_page_fault"
echo "1..$n"
exit $((failed > 0))
