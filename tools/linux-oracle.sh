#!/usr/bin/env bash
# Boot Debian's Linux 6.1 kernel with Pagoda's initramfs in the same QEMU
# machine (tools/qemu.sh) and read the same TAP: Linux is the oracle for every
# portable test.
#
# Usage: tools/linux-oracle.sh [INITRAMFS.cpio] [tests/run-boot.py options...]
#   INITRAMFS.cpio   default build/initramfs.cpio
#
# Environment:
#   LINUX_KERNEL=PATH   bzImage to boot (default: .cache/linux/vmlinuz-*, then
#                       /boot/vmlinuz-6.1*, else downloaded, see below)
#   LINUX_APPEND=ARGS   extra kernel command-line arguments (a word without
#                       "=" is a test name for /init: run only those tests)
#   LINUX_HUGEPAGES=N   the boot hugetlb pool, hugepages=N (default 8, as the
#                       Makefile's TEST_HUGEPAGES gives Pagoda's make test)
#   NODES, CPUS, DIST   the machine, as for tools/qemu.sh (which reads them);
#                       passed on as qemu.nodes= qemu.cpus= qemu.dist= for the
#                       tests, as the Makefile puts them on Pagoda's test ISO
#   NUMA4=0             skip the second boot (below)
#   TIMEOUT, ACCEL      as for tools/qemu.sh
#
# With no kernel at hand it runs `apt-get download` for the package that
# linux-image-amd64 depends on and extracts only boot/vmlinuz-* into
# .cache/linux/ (outside build/, so `make clean` keeps it; `make distclean`
# removes it). Nothing is installed: this machine's /boot, its bootloader and
# dpkg's database are left alone.
#
# Writes build/linux-serial.log and build/linux-results.txt. If `make test`
# left build/test-results.txt, every test that ran on both kernels (skips
# ignored) must have the same outcome.
#
# Then, as make test does, a second boot on the 4-node, 4-CPU machine (the
# Makefile's NUMA4_MACHINE and NUMA4_TESTS, read from it with make -s), its
# tests named numa4/NAME and compared with the same names of
# build/test-results.txt; its log and results are build/linux-numa4-*.
# Skipped when NODES, CPUS, DIST or LINUX_APPEND is given, or with NUMA4=0.
#
# Exit: 0 all tests passed and agree with Pagoda's; 1 otherwise (see
# tests/run-boot.py); 3 no Linux kernel could be found or downloaded.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=$root/build
cache=$root/.cache/linux

initramfs=$build/initramfs.cpio
if (($#)) && [[ $1 != -* ]]; then
	initramfs=$1
	shift
fi
[[ -f $initramfs ]] || { echo "linux-oracle: $initramfs: no such initramfs (make builds it)" >&2; exit 1; }

fetch_kernel() {
	local dest=$cache pkg tmp
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
	if [[ -z $pkg ]] && [[ $(id -u) -eq 0 ]]; then
		apt-get update -qq >&2
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
	fi
	[[ -n $pkg ]] || return 1
	echo "linux-oracle: downloading $pkg (kernel image only, not installed)" >&2
	mkdir -p "$dest"
	tmp=$(mktemp -d "$dest/dl.XXXXXX")
	# apt's sandbox user cannot write into our tree; download from a world-writable temp dir.
	chmod 777 "$tmp"
	if ! (cd "$tmp" && apt-get download -qq "$pkg" >&2); then
		rm -rf "$tmp"
		return 1
	fi
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
	mv "$tmp"/boot/vmlinuz-* "$dest"/
	rm -rf "$tmp"
}

find_kernel() {
	local k
	if [[ -n ${LINUX_KERNEL:-} ]]; then
		printf '%s\n' "$LINUX_KERNEL"
		return
	fi
	for k in "$cache"/vmlinuz-* /boot/vmlinuz-6.1*; do
		[[ -r $k ]] && { printf '%s\n' "$k"; return; }
	done
	fetch_kernel || return 1
	for k in "$cache"/vmlinuz-*; do
		[[ -r $k ]] && { printf '%s\n' "$k"; return; }
	done
	return 1
}

if ! kernel=$(find_kernel); then
	echo "linux-oracle: no Linux kernel: set LINUX_KERNEL=/path/to/bzImage" >&2
	exit 3
fi
echo "linux-oracle: booting $kernel with $initramfs" >&2

# panic=-1: a Linux panic reboots at once, and -no-reboot turns that into a
# QEMU exit, so a crash costs seconds, not the whole timeout.
# hugepages=: the pool the hugetlb tests expect, as on Pagoda's test ISO.
append="console=ttyS0 rdinit=/init quiet panic=-1 hugepages=${LINUX_HUGEPAGES:-8}"

# qemu.* words: what the Makefile's machine_words gives Pagoda's test ISO.
machine_words() {
	local w=""
	[[ -n ${1:-} ]] && w+=" qemu.nodes=$1"
	[[ -n ${2:-} ]] && w+=" qemu.cpus=$2"
	[[ -n ${3:-} ]] && w+=" qemu.dist=$3"
	printf '%s' "$w"
}

words="$(machine_words "${NODES:-}" "${CPUS:-}" "${DIST:-}") ${LINUX_APPEND:-}"
words=${words% }
rc=0
"$root/tests/run-boot.py" --kernel "$kernel" --initrd "$initramfs" --append "$append$words" \
	--log "$build/linux-serial.log" --results "$build/linux-results.txt" \
	--compare "$build/test-results.txt" "$@" || rc=$?

if [[ ${NUMA4:-1} == 0 || -n ${NODES:-}${CPUS:-}${DIST:-}${LINUX_APPEND:-} ]]; then
	exit $rc
fi
# The Makefile's variables, so that both kernels get the same second machine.
numa4_machine=$(make -s -C "$root" --no-print-directory print-NUMA4_MACHINE)
numa4_tests=$(make -s -C "$root" --no-print-directory print-NUMA4_TESTS)
echo "linux-oracle: second boot: $numa4_machine, init.tests=$numa4_tests, as numa4/NAME" >&2
numa4_env=()
read -r -a numa4_env <<<"$numa4_machine"
nodes="" cpus="" dist=""
for kv in "${numa4_env[@]}"; do
	case $kv in
		NODES=*) nodes=${kv#NODES=} ;;
		CPUS=*) cpus=${kv#CPUS=} ;;
		DIST=*) dist=${kv#DIST=} ;;
	esac
done
env "${numa4_env[@]}" "$root/tests/run-boot.py" --kernel "$kernel" --initrd "$initramfs" \
	--append "$append init.tests=$numa4_tests$(machine_words "$nodes" "$cpus" "$dist")" \
	--prefix numa4/ --log "$build/linux-numa4-serial.log" --results "$build/linux-numa4-results.txt" \
	--compare "$build/test-results.txt" "$@" || rc=$?
exit $rc
