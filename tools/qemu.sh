#!/usr/bin/env bash
# The one QEMU launch script: make run, make test, make debug, the Linux oracle
# and the benchmarks all boot through here, so every kernel sees the same
# machine: q35, 1 GB, two NUMA nodes of 512 MB with one CPU each (distance
# 10/20), isa-debug-exit for the exit status, no reboot, no display.
# NODES=, CPUS=, MEM= and DIST= give another NUMA machine (below); without
# them the QEMU command line is exactly that default.
#
# Usage:
#   tools/qemu.sh [options] [-- extra qemu arguments]
#
# What to boot (one of):
#   --iso PATH            GRUB ISO (default: build/pagoda.iso); grub.cfg on the
#                         ISO carries the kernel command line
#   --kernel PATH         direct boot (a Linux bzImage, for the oracle), with
#   --initrd PATH         the initramfs cpio and
#   --append STRING       the kernel command line
# Where the serial console goes:
#   --serial-log FILE     write it to FILE (tests; nothing read from stdin)
#                         default: stdio, multiplexed with the QEMU monitor
#                         (Ctrl-a x quits, Ctrl-a c toggles the monitor)
# Debugging:
#   --gdb                 gdb stub on tcp::$GDBPORT, CPU halted until gdb
#                         continues (same as GDB=1)
#
# Environment:
#   TIMEOUT=SECONDS  kill QEMU after this long (default 600; 0 = never;
#                    default 0 with --gdb)
#   ACCEL=tcg|kvm    tcg (default): -accel tcg -cpu max; kvm: -accel kvm -cpu host
#   GDB=1            same as --gdb. (Not DEBUG=1: `make DEBUG=1 run` means "build
#                    with -O0", and make exports DEBUG to this script.)
#   GDBPORT=N        gdb port (default 26000 + uid % 1000)
#   QEMU=PATH        QEMU binary (default qemu-system-x86_64)
#   QEMU_EXTRA=ARGS  extra QEMU arguments, split on spaces
# The NUMA machine (the oracle gets the same one: it boots through here too):
#   NODES=N          NUMA nodes, 1..8 (default 2)
#   CPUS=M           CPUs, 1..16 (default 2); CPU i is on node i % N (round
#                    robin), one socket each
#   MEM=MB           total memory in MB, split evenly over the nodes: each
#                    node's share a whole number of MB, at least 64 (default
#                    1024, or just under it for 3, 5, 6 or 7 nodes)
#   DIST=TABLE       the SLIT: N*N comma-separated distances, row-major, 10 on
#                    the diagonal and 11..254 elsewhere ("10,20,20,10");
#                    "ring": nodes on a ring, 10 + 10 * hops (4 nodes: 0-1 20,
#                    0-2 30); default: Linux's 10 local, 20 remote
#
# Exit status:
#   0    clean power-off: the guest wrote 0x10 to isa-debug-exit (QEMU exits 33),
#        or, with --kernel only, QEMU exited 0 (Linux powering off via ACPI)
#   2    kernel panic: the guest wrote 0x11 (QEMU exits 35)
#   124  timeout
#   1    anything else: QEMU failed to start, another isa-debug-exit value, or
#        QEMU exited 0 while booting the ISO (a triple fault with -no-reboot,
#        or an ACPI power-off that bypassed isa-debug-exit)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

usage() {
	sed -n '/^# Usage:/,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
	exit 2
}

iso=""
kernel=""
initrd=""
append=""
serial_log=""
gdb=0
[[ ${GDB:-0} == 1 ]] && gdb=1
extra=()

while (($#)); do
	case "$1" in
		--iso) iso=${2:?--iso needs a path}; shift 2 ;;
		--kernel) kernel=${2:?--kernel needs a path}; shift 2 ;;
		--initrd) initrd=${2:?--initrd needs a path}; shift 2 ;;
		--append) append=${2?--append needs a string}; shift 2 ;;
		--serial-log) serial_log=${2:?--serial-log needs a file}; shift 2 ;;
		--gdb) gdb=1; shift ;;
		--) shift; extra+=("$@"); break ;;
		-h|--help) usage ;;
		*) echo "qemu.sh: unknown option $1" >&2; usage ;;
	esac
done

qemu=${QEMU:-qemu-system-x86_64}
if ! command -v "$qemu" >/dev/null 2>&1; then
	echo "qemu.sh: $qemu not found; run tools/install-deps.sh" >&2
	exit 1
fi

die() {
	echo "qemu.sh: $*" >&2
	exit 1
}

# "1024" -> "1G", "256" -> "256M": QEMU's size suffixes, as the default spells them.
mb_size() {
	if (($1 % 1024 == 0)); then echo "$(($1 / 1024))G"; else echo "$1M"; fi
}

# The distance from node i to node j, from DIST (checked by numa_dist_check).
dist=()
numa_distance() {
	local i=$1 j=$2 hops
	case "${DIST:-}" in
		"") if ((i == j)); then echo 10; else echo 20; fi ;;
		ring)
			hops=$(((i - j + nodes) % nodes))
			((nodes - hops < hops)) && hops=$((nodes - hops))
			echo $((10 + 10 * hops))
			;;
		*) echo "${dist[i * nodes + j]}" ;;
	esac
}

numa_dist_check() {
	local i j d
	[[ -z ${DIST:-} || $DIST == ring ]] && return
	IFS=, read -r -a dist <<<"$DIST"
	((${#dist[@]} == nodes * nodes)) ||
		die "DIST has ${#dist[@]} entries, NODES=$nodes needs $((nodes * nodes))"
	for ((i = 0; i < nodes; i++)); do
		for ((j = 0; j < nodes; j++)); do
			d=${dist[i * nodes + j]}
			[[ $d =~ ^[0-9]+$ ]] || die "DIST entry '$d' is not a number"
			if ((i == j)); then
				((d == 10)) || die "DIST: node $i to itself must be 10, not $d"
			else
				((d > 10 && d < 255)) || die "DIST: node $i to $j must be 11..254, not $d"
			fi
		done
	done
}

nodes=${NODES:-2}
cpus=${CPUS:-2}
[[ $nodes =~ ^[1-8]$ ]] || die "NODES must be 1..8, not '$nodes'"
mem=${MEM:-$((1024 / nodes * nodes))}
if ! [[ $cpus =~ ^[0-9]+$ ]] || ((cpus < 1 || cpus > 16)); then
	die "CPUS must be 1..16, not '$cpus'"
fi
if ! [[ $mem =~ ^[0-9]+$ ]] || ((mem % nodes != 0 || mem / nodes < 64)); then
	die "MEM=$mem: must split into $nodes equal whole-MB nodes of at least 64 MB"
fi
numa_dist_check

# shellcheck disable=SC2054 # the commas are inside QEMU option values
args=(
	-machine q35
	-m "$(mb_size "$mem")"
	-smp "$cpus,sockets=$cpus,cores=1,threads=1"
)
for ((n = 0; n < nodes; n++)); do
	args+=(-object "memory-backend-ram,id=m$n,size=$(mb_size $((mem / nodes)))")
done
for ((n = 0; n < nodes; n++)); do
	args+=(-numa "node,nodeid=$n,memdev=m$n")
done
for ((c = 0; c < cpus; c++)); do
	args+=(-numa "cpu,node-id=$((c % nodes)),socket-id=$c")
done
# QEMU takes a distance given one way for both; an asymmetric DIST needs both.
for ((i = 0; i < nodes; i++)); do
	for ((j = 0; j < nodes; j++)); do
		((i == j)) && continue
		d=$(numa_distance "$i" "$j")
		((i > j)) && [[ $d == "$(numa_distance "$j" "$i")" ]] && continue
		args+=(-numa "dist,src=$i,dst=$j,val=$d")
	done
done
# shellcheck disable=SC2054 # the commas are inside QEMU option values
args+=(
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-no-reboot
	-display none
)

case "${ACCEL:-tcg}" in
	tcg) args+=(-accel tcg -cpu max) ;;
	kvm) args+=(-accel kvm -cpu host) ;;
	*) echo "qemu.sh: ACCEL must be tcg or kvm, not '$ACCEL'" >&2; exit 1 ;;
esac

if [[ -n $kernel ]]; then
	[[ -n $iso ]] && { echo "qemu.sh: --iso and --kernel are exclusive" >&2; exit 1; }
	[[ -f $kernel ]] || { echo "qemu.sh: $kernel: no such kernel" >&2; exit 1; }
	args+=(-kernel "$kernel")
	if [[ -n $initrd ]]; then
		[[ -f $initrd ]] || { echo "qemu.sh: $initrd: no such initrd" >&2; exit 1; }
		args+=(-initrd "$initrd")
	fi
	[[ -n $append ]] && args+=(-append "$append")
else
	iso=${iso:-$root/build/pagoda.iso}
	[[ -f $iso ]] || { echo "qemu.sh: $iso: no such ISO (make builds it)" >&2; exit 1; }
	args+=(-drive "file=$iso,format=raw,media=cdrom,readonly=on" -boot d)
fi

if [[ -n $serial_log ]]; then
	mkdir -p "$(dirname "$serial_log")"
	: >"$serial_log"
	args+=(-serial "file:$serial_log" -monitor none)
else
	args+=(-serial mon:stdio)
fi

timeout_s=${TIMEOUT:-600}
if ((gdb)); then
	port=${GDBPORT:-$((26000 + $(id -u) % 1000))}
	args+=(-gdb "tcp::$port" -S)
	timeout_s=${TIMEOUT:-0}
	echo "qemu.sh: gdb stub on tcp::$port, CPU halted; in another terminal: make gdb" >&2
	echo "qemu.sh:   (or: gdb -x tools/gdb/pagoda.gdb, which connects to port $port)" >&2
fi

# shellcheck disable=SC2206 # QEMU_EXTRA is split on spaces on purpose
[[ -n ${QEMU_EXTRA:-} ]] && extra+=(${QEMU_EXTRA})
args+=("${extra[@]}")

# timeout(1) runs QEMU in a background process group unless --foreground;
# QEMU reading a terminal from there would stop on SIGTTIN.
tmo=()
if [[ $timeout_s != 0 ]]; then
	tmo=(timeout)
	[[ -z $serial_log && -t 0 ]] && tmo+=(--foreground)
	tmo+=(--kill-after=10 "$timeout_s")
fi

rc=0
"${tmo[@]}" "$qemu" "${args[@]}" || rc=$?

case $rc in
	33) exit 0 ;;
	35) echo "qemu.sh: kernel panic (guest wrote 0x11 to isa-debug-exit)" >&2; exit 2 ;;
	124|137) echo "qemu.sh: timeout: QEMU killed after ${timeout_s}s" >&2; exit 124 ;;
	0)
		if [[ -n $kernel ]]; then
			exit 0
		fi
		echo "qemu.sh: QEMU exited without isa-debug-exit: guest reset (triple fault?) or ACPI power-off" >&2
		exit 1
		;;
	*)
		if ((rc == 1)); then
			echo "qemu.sh: QEMU exited 1: QEMU error (see above), or the guest wrote 0 to isa-debug-exit" >&2
		elif ((rc & 1)) && ((rc < 256)); then
			printf 'qemu.sh: guest wrote 0x%x to isa-debug-exit (QEMU exit %d)\n' $((rc >> 1)) "$rc" >&2
		else
			echo "qemu.sh: QEMU failed (exit $rc)" >&2
		fi
		exit 1
		;;
esac
