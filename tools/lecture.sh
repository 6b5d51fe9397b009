#!/usr/bin/env bash
# A scripted lecture (docs/lectures.md): boot build/lecture-NAME.iso (the
# DEBUG=1 kernel, user/lectures/NAME.c as pid 1) halted, attach gdb with
# Pagoda's helpers, and run tools/gdb/lectures/NAME.lecture.
#
# Usage: tools/lecture.sh [--batch] NAME...
#   interactive (default, one NAME): gdb stops at each of the lecture's stops,
#       prints what the article talks about there, and waits: Enter or `ln`
#       goes on, any gdb command takes over. The program's console output goes
#       to build/lecture-NAME-serial.log (`shell cat build/lecture-NAME-serial.log`).
#   --batch: run each lecture through, checking every stop; TAP in
#       build/lecture-NAME.tap, gdb's output in build/lecture-NAME.log. Exits
#       non-zero if a stop was missed, out of order, or printed a state other
#       than the script expects.
# Ports: interactive $GDBPORT (default 26000 + uid % 1000), batch
# $LECTURE_GDBPORT (default 27000 + uid % 1000), as tests/gdb_lecture.sh.
# Make builds the ISOs first (make lecture-isos); this script only runs them.
set -u
cd "$(dirname "$0")/.."
batch=0
if [[ ${1:-} == --batch ]]; then
	batch=1
	shift
fi
(($#)) || { sed -n '/^# Usage:/,/^# Make builds/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
elf=build/debug/pagoda.elf

run_batch() {
	local name=$1 iso=build/lecture-$1.iso tap=build/lecture-$1.tap log=build/lecture-$1.log qemu
	local port=${LECTURE_GDBPORT:-$((27000 + $(id -u) % 1000))}

	rm -f "$tap"
	GDBPORT=$port TIMEOUT=${LECTURE_TIMEOUT:-300} bash tools/qemu.sh --iso "$iso" --gdb \
		--serial-log "build/lecture-$name-serial.log" >/dev/null 2>&1 &
	qemu=$!
	sleep 1
	GDBPORT=$port PAGODA_KERNEL_ELF=$elf timeout "${LECTURE_TIMEOUT:-300}" \
		gdb -q -batch -x tools/gdb/pagoda.gdb -ex "lecture-run $name $tap" >"$log" 2>&1
	kill "$qemu" 2>/dev/null
	wait "$qemu" 2>/dev/null
	if [[ ! -s $tap ]]; then
		printf 'not ok 1 - lecture %s: gdb did not finish (see %s)\n1..1\n' "$name" "$log" >"$tap"
	fi
	cat "$tap"
	! grep -q '^not ok' "$tap"
}

run_interactive() {
	local name=$1 iso=build/lecture-$1.iso qemu
	local port=${GDBPORT:-$((26000 + $(id -u) % 1000))}

	GDBPORT=$port bash tools/qemu.sh --iso "$iso" --gdb \
		--serial-log "build/lecture-$name-serial.log" >/dev/null 2>&1 &
	qemu=$!
	sleep 1
	echo "lecture $name: the program's console is build/lecture-$name-serial.log"
	GDBPORT=$port PAGODA_KERNEL_ELF=$elf gdb -q -x tools/gdb/pagoda.gdb -ex "lecture-start $name"
	kill "$qemu" 2>/dev/null
	wait "$qemu" 2>/dev/null
}

if ((batch)); then
	failed=0
	for name in "$@"; do
		run_batch "$name" || failed=1
	done
	exit "$failed"
fi
(($# == 1)) || { echo "lecture.sh: one lecture at a time interactively" >&2; exit 2; }
run_interactive "$1"
