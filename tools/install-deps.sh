#!/usr/bin/env bash
# Check for the host packages Pagoda needs to build and boot, and install the
# missing ones when we are root (CI, a fresh container). Quiet and fast when
# everything is present, so the Makefile can run it before every run/test.
#
# Usage: [CC=clang] tools/install-deps.sh [--check]
#   --check   only report; never run apt-get (exit 1 if something is missing)
#   CC        the compiler `make` uses (the Makefile passes it): clang is
#             required only when it is asked for (make CC=clang)
#
# Exit: 0 all required tools present (possibly after installing them);
#       1 something required is missing and we could not (or must not) install it.
set -euo pipefail

check_only=0
case "${1:-}" in
	--check) check_only=1 ;;
	"") ;;
	*) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# "package:probe" pairs. A probe is a command name, or a path when it starts with '/'.
required=(
	"qemu-system-x86:qemu-system-x86_64"
	"nasm:nasm"
	"grub-pc-bin:/usr/lib/grub/i386-pc"
	"grub-common:grub-mkrescue"
	"xorriso:xorriso"
	"mtools:mformat"
	"musl-tools:musl-gcc"
	"python3:python3"
	"gcc:gcc"
	"binutils:ld"
	"make:make"
	"gdb:gdb"
)
# gdb: make gdb, and make test's lecture check (tests/gdb_lecture.sh).
# gcc stays required with CC=clang: musl-gcc and the host unit tests use it.
case ${CC:-} in
	clang | clang-[0-9]* | */clang | */clang-[0-9]*)
		required+=("${CC##*/}:$CC") ;;
esac
# Nice to have: cpio lets you list the initramfs (cpio -itv).
optional=(
	"cpio:cpio"
)

have() {
	local probe=$1
	if [[ $probe == /* ]]; then
		[[ -e $probe ]]
	else
		command -v "$probe" >/dev/null 2>&1
	fi
}

missing_pkgs() {
	local pair
	for pair in "$@"; do
		have "${pair#*:}" || printf '%s\n' "${pair%%:*}"
	done
}

mapfile -t missing < <(missing_pkgs "${required[@]}")
mapfile -t missing_opt < <(missing_pkgs "${optional[@]}")

if ((${#missing[@]} == 0)); then
	exit 0
fi

all=("${missing[@]}" "${missing_opt[@]}")
if ((check_only == 0)) && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: installing ${all[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || echo "install-deps: apt-get update failed; trying the cached lists" >&2
	if ! apt-get install -y -qq --no-install-recommends "${all[@]}" >&2; then
		echo "install-deps: apt-get install ${all[*]} failed" >&2
		exit 1
	fi
	mapfile -t missing < <(missing_pkgs "${required[@]}")
	if ((${#missing[@]} == 0)); then
		exit 0
	fi
	echo "install-deps: still missing after apt-get: ${missing[*]}" >&2
	exit 1
fi

echo "install-deps: missing host packages: ${missing[*]}" >&2
if ((${#missing_opt[@]})); then
	echo "install-deps: optional, also missing: ${missing_opt[*]}" >&2
fi
echo "install-deps: install them with:" >&2
echo "    sudo apt-get update && sudo apt-get install -y ${all[*]}" >&2
exit 1
