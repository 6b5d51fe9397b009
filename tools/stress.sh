#!/usr/bin/env bash
# Stress campaign: boot the test kernel BOOTS times, one QEMU at a time, each
# boot running only the concurrency tests with seeds of its own, and report
# per boot: PASS/FAIL, the seeds, the failed tests' diagnostics and every
# "BUG:" / "Kernel panic" / "WARNING" line of the serial log with the lines
# after it (the backtrace).  `make stress` runs it (docs/tests.md).
#
# Usage:
#   tools/stress.sh [--boots N] [--seed S] [--rounds R] [--tests a,b,c]
#                   [--out DIR] [--timeout SEC]
#
#   --boots N     boots (default $BOOTS or 3)
#   --seed S      the first boot's seed (default $SEED or the clock); boot i
#                 (from 0) gets seed S + 1000 i, so `--seed S+1000i --boots 1`
#                 boots exactly boot i again
#   --rounds R    smp_stress runs R rounds, seeds seed .. seed + R - 1
#                 (default $ROUNDS or 1; smp_stress.rounds=)
#   --tests LIST  the tests, comma-separated (default $STRESS_TESTS or the
#                 concurrency tests below); at most 16 (/init's limit)
#   --out DIR     where the logs go (default build/stress/<date-time>)
#   --timeout SEC kill a boot's QEMU after SEC seconds (default $TIMEOUT or
#                 900): the campaign is bounded by BOOTS * SEC
#
# The machine: NODES, CPUS, MEM, DIST as tools/qemu.sh takes them; unset,
# the 4-node 4-CPU ring (the Makefile's NUMA4_MACHINE). `NODES=2 CPUS=2`
# (DIST empty) is make test's default machine.
#
# Every seeded test (smp_stress, smp_cow_race, smp_munmap_race,
# smp_mprotect_race, migrate_stress) reads its seed from the kernel command line word
# NAME.seed=N (user/tests/smptest.h, smp_seed), since /init starts tests
# without arguments; each prints it as "# seed N".  The command line also
# carries hugepages= (fault_race needs the pool) and the qemu.* machine
# words; no kernel self-tests (selftest=), only the user tests.
#
# What it checks is what make test checks (tests/run-boot.py): every test's
# result, /init's leak and pool checks, no panic, no lock checker report, a
# clean power-off. No timing: only the per-boot timeout, which fails a hung
# boot. Needs build/pagoda.elf and build/initramfs-test.cpio (make
# build/pagoda-test.iso builds both; make stress does it first).
#
# Output: DIR/boot-I/{cmdline,serial.log,report.txt,results.txt}, and
# DIR/summary.txt, one line a boot:
#   boot 3 seed 4003001 PASS 9/9 BUG:0 panic:0 (41 s)
#   boot 4 seed 4004001 FAIL smp_stress 8/9 BUG:1 panic:0 (52 s)
# followed, for a failed boot, by its failed tests' diagnostics and kernel
# reports.
# Exit status 0 if every boot passed, 1 otherwise, 2 for bad usage.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build}

boots=${BOOTS:-3}
seed=${SEED:-}
rounds=${ROUNDS:-1}
tests=${STRESS_TESTS:-smp_stress,smp_cow_race,smp_munmap_race,smp_mprotect_race,fault_race,threads,futex,pthread_glibc,pthread_musl,migrate_stress,migrate_load,migrate_hugetlb_cow,migrate_thp_cow}
out=""
timeout=${TIMEOUT:-900}
hugepages=${TEST_HUGEPAGES:-8}
SEEDED="smp_stress smp_cow_race smp_munmap_race smp_mprotect_race migrate_stress migrate_hugetlb_cow migrate_thp_cow"

usage() {
	sed -n '/^# Usage:/,/^# The machine/{/^# The machine/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while (($#)); do
	case "$1" in
		--boots) boots=${2:?}; shift 2 ;;
		--seed) seed=${2:?}; shift 2 ;;
		--rounds) rounds=${2:?}; shift 2 ;;
		--tests) tests=${2:?}; shift 2 ;;
		--out) out=${2:?}; shift 2 ;;
		--timeout) timeout=${2:?}; shift 2 ;;
		-h|--help) usage ;;
		*) echo "stress.sh: unknown option $1" >&2; usage ;;
	esac
done
[[ $boots =~ ^[0-9]+$ && $rounds =~ ^[0-9]+$ && $timeout =~ ^[0-9]+$ ]] || usage
[[ -n $seed ]] || seed=$(($(date +%s) * 1000))
[[ $seed =~ ^[0-9]+$ ]] || usage

# The machine: the 4-node ring unless NODES or CPUS says otherwise.
if [[ -z ${NODES:-} && -z ${CPUS:-} ]]; then
	export NODES=4 CPUS=4 DIST=ring
fi
export NODES=${NODES:-2} CPUS=${CPUS:-2} DIST=${DIST:-}
export MEM=${MEM:-}
machine="qemu.nodes=$NODES qemu.cpus=$CPUS${DIST:+ qemu.dist=$DIST}"

for f in "$build/pagoda.elf" "$build/initramfs-test.cpio"; do
	[[ -f $f ]] || { echo "stress.sh: $f missing: make build/pagoda-test.iso first" >&2; exit 2; }
done
[[ -n $out ]] || out=$build/stress/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
summary=$out/summary.txt
: >"$summary"

echo "stress: $boots boots on NODES=$NODES CPUS=$CPUS DIST=${DIST:-default}, seeds $seed + 1000 i," \
	"smp_stress rounds $rounds, tests $tests; logs in $out" | tee -a "$summary"

# $1: ISO, $2: kernel command line (tools' make_iso in the Makefile).
make_iso() {
	local iso=$1 cmdline=$2
	rm -rf "$iso.d" && mkdir -p "$iso.d/boot/grub"
	cp "$build/pagoda.elf" "$iso.d/boot/pagoda.elf"
	cp "$build/initramfs-test.cpio" "$iso.d/boot/initramfs.cpio"
	sed "s|@CMDLINE@|$cmdline|" "$root/boot/grub.cfg.in" >"$iso.d/boot/grub/grub.cfg"
	grub-mkrescue -o "$iso" "$iso.d" 2>"$iso.log" || { cat "$iso.log" >&2; return 1; }
	rm -rf "$iso.d"
}

# The serial log's kernel reports, each with the 40 lines after it (the
# backtrace); a "BUG:" inside a test's own "# " diagnostic is not one.
kernel_reports() {
	grep -n -A 40 -E '^(\[ *[0-9.]+\] *)?(BUG:|WARNING|Kernel panic|general protection|double fault|page fault in kernel)' "$1" || true
}

# "name seed" for each seeded test that printed one: the "# seed N" after
# /init's "# init: run N name".
seeds_of() {
	awk '/^# init: run [0-9]+ / { name = $5 } /^# seed [0-9]+/ { print name, $3 }
	     /^# round [0-9]+ of [0-9]+: seed / { print name, "round", $3, "seed", $7 }' "$1"
}

failed_boots=0
for ((i = 0; i < boots; i++)); do
	s=$((seed + 1000 * i))
	dir=$out/boot-$i
	mkdir -p "$dir"
	cmdline="hugepages=$hugepages $machine init.tests=$tests smp_stress.rounds=$rounds"
	for t in $SEEDED; do
		cmdline+=" $t.seed=$s"
	done
	echo "$cmdline" >"$dir/cmdline"
	if ! make_iso "$dir/stress.iso" "$cmdline"; then
		echo "boot $i seed $s FAIL (no ISO)" | tee -a "$summary"
		failed_boots=$((failed_boots + 1))
		continue
	fi
	t0=$(date +%s)
	python3 "$root/tests/run-boot.py" --iso "$dir/stress.iso" --log "$dir/serial.log" \
		--timeout "$timeout" --results "$dir/results.txt" >"$dir/report.txt" 2>&1
	rc=$?
	t1=$(date +%s)
	rm -f "$dir/stress.iso" "$dir/stress.iso.log"
	kernel_reports "$dir/serial.log" >"$dir/kernel-reports.txt"
	seeds_of "$dir/serial.log" >"$dir/seeds.txt"
	npass=$(grep -c '^PASS\|^SKIP' "$dir/results.txt" 2>/dev/null)
	nall=$(grep -c . "$dir/results.txt" 2>/dev/null)
	nbug=$(grep -c -E '^(\[ *[0-9.]+\] *)?BUG:' "$dir/serial.log")
	npanic=$(grep -c 'Kernel panic' "$dir/serial.log")
	fails=$(grep '^FAIL' "$dir/results.txt" 2>/dev/null | awk '{print $2}' | paste -sd, -)
	if ((rc == 0)); then
		verdict="PASS"
	else
		verdict="FAIL${fails:+ $fails}"
		failed_boots=$((failed_boots + 1))
		grep -q 'timed out' "$dir/report.txt" && verdict+=" (timeout)"
	fi
	line="boot $i seed $s $verdict ${npass:-0}/${nall:-0} BUG:$nbug panic:$npanic ($((t1 - t0)) s)"
	echo "$line" | tee -a "$summary"
	if ((rc != 0)); then
		# The failed tests' diagnostics without their passing checks, then run-boot's errors.
		sed -n '/^FAIL/,/^\(PASS\|SKIP\)/p' "$dir/report.txt" | grep -v -E '^(PASS|SKIP)|#   ok ' |
			head -60 | sed 's/^/    /' | tee -a "$summary"
		grep '^ERROR: ' "$dir/report.txt" | head -10 | sed 's/^/    /' | tee -a "$summary"
		head -60 "$dir/kernel-reports.txt" | sed 's/^/    serial: /' | tee -a "$summary"
	fi
done

echo "stress: $((boots - failed_boots)) of $boots boots passed (seeds from $seed, step 1000)" | tee -a "$summary"
((failed_boots == 0))
