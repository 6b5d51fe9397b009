#!/usr/bin/env bash
# Benchmarks: the same /bench/bench_fault binary runs
# as the first process of Pagoda and of Debian's Linux 6.1, in the same QEMU
# machine (tools/qemu.sh), the two kernels booted alternately RUNS times.
# Prints each figure's median per kernel and the ratio Pagoda / Linux.
# Timings under TCG are noisy: read the ratios, not the absolute numbers.
# Both kernels boot with hugepages=4 (the hugetlb rows' pool: make bench
# puts it on Pagoda's command line); the "# bench:" comments the runs print
# (e.g. a kernel without a pool skipping the hugetlb rows) come first.
#
# Usage: tools/bench.sh [PAGODA_ISO]     (make bench builds the ISO)
# Environment: RUNS (default 3), LINUX_KERNEL (a bzImage; default
# .cache/linux/vmlinuz-* as tools/linux-oracle.sh fetches it, or /boot/vmlinuz-6.1*).
set -euo pipefail
cd "$(dirname "$0")/.."
iso=${1:-build/pagoda-bench.iso}
runs=${RUNS:-3}
out=build/bench
mkdir -p "$out"

linux=${LINUX_KERNEL:-}
if [[ -z $linux ]]; then
	for k in .cache/linux/vmlinuz-* /boot/vmlinuz-6.1*; do
		[[ -r $k ]] && { linux=$k; break; }
	done
fi
[[ -n $linux ]] || echo "bench: no Linux kernel (run tools/linux-oracle.sh once to fetch one): Pagoda only" >&2

for ((i = 1; i <= runs; i++)); do
	TIMEOUT=600 bash tools/qemu.sh --iso "$iso" --serial-log "$out/pagoda-$i.log" >/dev/null 2>&1 || true
	grep -a '^bench: ' "$out/pagoda-$i.log" | sed 's/^/pagoda /' >>"$out/all.$$"
	grep -a '^# bench: ' "$out/pagoda-$i.log" | sed 's/^/pagoda /' >>"$out/notes.$$" || true
	if [[ -n $linux ]]; then
		TIMEOUT=600 bash tools/qemu.sh --kernel "$linux" --initrd build/initramfs.cpio \
			--append "console=ttyS0 rdinit=/bench/bench_fault hugepages=4 quiet panic=-1" \
			--serial-log "$out/linux-$i.log" >/dev/null 2>&1 || true
		grep -a '^bench: ' "$out/linux-$i.log" | sed 's/^/linux /' >>"$out/all.$$"
		grep -a '^# bench: ' "$out/linux-$i.log" | sed 's/^/linux /' >>"$out/notes.$$" || true
	fi
done

[[ -s $out/notes.$$ ]] && sort -u "$out/notes.$$"
python3 - "$out/all.$$" <<'PY'
import statistics, sys
vals = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) != 5:            # "KERNEL bench: NAME VALUE UNIT"
        continue
    kernel, _, name, value, unit = parts
    vals.setdefault((name, unit), {}).setdefault(kernel, []).append(float(value))
print(f"{'benchmark':22} {'pagoda':>12} {'linux':>12} {'pagoda/linux':>13}")
for (name, unit), k in vals.items():
    p = statistics.median(k["pagoda"]) if "pagoda" in k else None
    l = statistics.median(k["linux"]) if "linux" in k else None
    ratio = f"{p / l:.2f}" if p is not None and l else "-"
    fmt = lambda v: f"{v:.0f} {unit}" if v is not None else "-"
    print(f"{name:22} {fmt(p):>12} {fmt(l):>12} {ratio:>13}")
PY
rm -f "$out/all.$$" "$out/notes.$$"
