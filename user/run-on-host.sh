#!/bin/sh
# run-on-host.sh - run the portable user tests directly on a Linux x86-64
# host, with the same TAP output as /init (one "ok N - name" line per test,
# the test's own checks as "# " lines above it).  Linux is the oracle: every
# test must pass here, except that numa_sysfs skips without two nodes and the
# hugetlb tests skip on a kernel booted without hugepages= (a skip, exit
# status 4, prints "ok N - name # SKIP").
#
#   sh user/run-on-host.sh [STAGE_DIR] [NAME...]   # STAGE_DIR defaults to build/initramfs
#   sh user/run-on-host.sh --init [STAGE_DIR]      # run /init itself, safely (see below)
#
# The binaries run unchanged; each finds its helpers in STAGE_DIR/bin through
# its own path.  Core dumps are off because several tests crash children on
# purpose.  --init runs STAGE_DIR/init with --root and --no-poweroff; init
# also refuses to call reboot unless it is pid 1 or the kernel is Pagoda.
set -u

mode=tests
if [ "${1:-}" = "--init" ]; then
	mode=init
	shift
fi
stage=${1:-build/initramfs}
[ $# -gt 0 ] && shift
stage=$(cd "$stage" && pwd) || { echo "run-on-host: no stage dir; run 'make user' first" >&2; exit 2; }
ulimit -c 0

if [ "$mode" = init ]; then
	exec "$stage/init" --root="$stage" --no-poweroff "$@"
fi

n=0
failed=0
for name in $(ls "$stage/tests" | LC_ALL=C sort); do
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	n=$((n + 1))
	timeout 300 "$stage/tests/$name"
	st=$?
	if [ $st -eq 0 ]; then
		echo "ok $n - $name"
		continue
	fi
	if [ $st -eq 4 ]; then	# KSFT_SKIP (tap_skip_all), as /init reports it
		echo "ok $n - $name # SKIP"
		continue
	fi
	failed=$((failed + 1))
	if [ $st -eq 124 ]; then
		why="timeout after 300 s"
	elif [ $st -gt 128 ]; then
		why="killed by signal $((st - 128))"
	else
		why="exit status $st"
	fi
	echo "not ok $n - $name # $why"
done
echo "1..$n"
echo "# host: $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
