#!/usr/bin/env bash
# make run-user, checked: run tests/user-programs/ through `make run-user
# DIR=...` (its own ISO and serial log) and check the report: tap_hello's
# own TAP lines appear under its result and are not counted as Pagoda's
# tests (one of them is "not ok", which would fail the run), only the
# user's programs ran (init.tests=user), and the console went to the
# run's own log. Prints TAP.
set -u
cd "$(dirname "$0")/.."
out=build/run-user-check.log
serial=build/run-user-check-serial.log
make=${MAKE:-make}
mkdir -p build

$make --no-print-directory user-programs >"$out" 2>&1
nprogs=$(find build/user-programs -maxdepth 1 -type f | wc -l)
$make --no-print-directory run-user DIR=build/user-programs USER_ISO=build/pagoda-runuser-check.iso \
	RUN_USER_LOG=$serial >>"$out" 2>&1
rc=$?

n=0 failed=0
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - run-user: $1"
	else
		echo "not ok $n - run-user: $1 # see $out"
		failed=$((failed + 1))
	fi
}
# The output lines the report shows under tap_hello's result.
tap_hello_block() {
	awk '/^PASS  user\/tap_hello$/ { on = 1; next } on && /^      / { print; next } { on = 0 }' "$out"
}
result "make run-user succeeds" "$rc"
grep -qx "PASS  user/tap_hello" "$out"; result "tap_hello passes" $?
tap_hello_block | grep -qx "      | ok 1 - tap_hello first"; result "its 'ok 1' line is shown under its result" $?
tap_hello_block | grep -qx "      | not ok 2 - tap_hello second"; result "its 'not ok 2' line is shown, not counted" $?
grep -qx "$nprogs passed, 0 failed" "$out"; result "the summary counts the $nprogs programs, not their TAP" $?
grep -q "^# init: kernel Pagoda, $nprogs tests (only /user" "$serial"; result "init.tests=user: no built-in test ran" $?
echo "1..$n"
exit $((failed > 0))
