#!/usr/bin/env bash
# Host unit tests, no QEMU: kernel code compiled for Linux processes, and
# the harness's own tests. One TAP stream on stdout (make test counts it).
set -u
cd "$(dirname "$0")/.."
out=${BUILD:-build}/host
mkdir -p "$out"

# The interval tree behind the anon_vma trees and the VMA tree.
if gcc -O2 -g -Wall -Wextra -I. -fsanitize=address,undefined tests/host/interval_tree_test.c \
	lib/interval_tree.c -o "$out/interval_tree_test" 2>"$out/interval_tree_test.log"; then
	"$out/interval_tree_test"
else
	echo "not ok 1 - host/interval_tree: does not build # see $out/interval_tree_test.log"
fi

# The page-table entry helpers of arch/x86_64/pgtable.h, round trips.
if gcc -O2 -g -Wall -Wextra -Werror -I. -fsanitize=address,undefined -fno-sanitize-recover=all \
	tests/host/pgtable_test.c -o "$out/pgtable_test" 2>"$out/pgtable_test.log"; then
	"$out/pgtable_test"
else
	echo "not ok 1 - host/pgtable: does not build # see $out/pgtable_test.log"
fi

# The buddy allocator, memblock, slab and NUMA parsing on fake machines.
# A build failure or a crash prints no "not ok": say so, or its tests would
# silently vanish from the count.
sh tests/host/run.sh >"$out/buddy_host.out" 2>&1
grep -E '^(not )?ok ' "$out/buddy_host.out"
if ! grep -q '^# host allocator tests: ' "$out/buddy_host.out"; then
	echo "not ok 1 - host/buddy: tests/host/run.sh did not finish cleanly # see $out/buddy_host.out"
fi

# The layering rules (docs/design-notes.md): one line per rule.
bash tests/host/layering.sh

# The cpio parser of fs/initramfs.c.
if gcc -g -fsanitize=address,undefined -I. tests/host/initramfs_host.c \
	-o "$out/initramfs_host" 2>"$out/initramfs_host.log"; then
	if "$out/initramfs_host" >"$out/initramfs_host.out" 2>&1; then
		echo "ok 1 - host/initramfs: the cpio parser ($(tail -1 "$out/initramfs_host.out"))"
	else
		echo "not ok 1 - host/initramfs: the cpio parser # see $out/initramfs_host.out"
	fi
else
	echo "not ok 1 - host/initramfs: does not build # see $out/initramfs_host.log"
fi

# The harness itself: cpio writer, TAP runner, QEMU exit codes, and the
# Makefile: a change of DEBUG or CC rebuilds (a few seconds of make).
if python3 tests/test_tools.py >"$out/test_tools.out" 2>&1; then
	echo "ok 1 - host/harness: tests/test_tools.py ($(grep -o 'Ran [0-9]* tests' "$out/test_tools.out"))"
else
	echo "not ok 1 - host/harness: tests/test_tools.py # see $out/test_tools.out"
fi
