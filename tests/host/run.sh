#!/bin/sh
# Host tests of the physical memory allocator, before (and besides) booting:
#   1. the allocator's files compile with the kernel's flags, warning-free;
#   2. their printk formats use only what lib/vsprintf.c knows;
#   3. buddy_host (tests/host/buddy_host.c) boots fake machines in
#      Linux processes, with ASan and UBSan, and prints TAP.
# Usage: tests/host/run.sh [-v] [machine]   (-v: show the kernel log)
set -eu
cd "$(dirname "$0")/../.."
OUT=${BUILD:-build}/host-buddy
mkdir -p "$OUT"

FILES="mm/memblock.c mm/page_alloc.c mm/slab.c mm/numa.c arch/x86_64/acpi.c arch/x86_64/srat.c tests/kernel/selftest.c tests/kernel/test_buddy.c"
KFLAGS="-std=gnu11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel \
	-mgeneral-regs-only -mno-sse -mno-mmx -fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
	-O2 -Wall -Wextra -Werror -I."

for f in $FILES; do
	gcc $KFLAGS -c "$f" -o "$OUT/kernel-$(basename "$f" .c).o"
done
echo "# kernel flags: $FILES compile without warnings"

python3 - $FILES <<'EOF'
import re, sys
# lib/vsprintf.c: flags 0 and -, a width, l/ll/z, then d i u x p c s %.
spec = re.compile(r'%[-0]*(?:\*|\d*)(?:ll|l|z)?[diuxpcs%]')
bad = 0
for path in sys.argv[1:]:
    for nr, line in enumerate(open(path), 1):
        code = re.sub(r'/\*.*?\*/', '', line)
        for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', code):
            for m in re.finditer(r'%[-0-9*.#+ ]*(?:hh|h|ll|l|L|q|j|z|t)?[a-zA-Z%]?', lit):
                if not spec.fullmatch(m.group(0)):
                    print(f"{path}:{nr}: printk format {m.group(0)!r} is not supported by lib/vsprintf.c")
                    bad += 1
sys.exit(1 if bad else 0)
EOF
echo "# printk formats: only %d %i %u %x %p %c %s with 0, -, width, l, z"

gcc -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Wall -Wextra -Wno-unused-parameter -I. -include tests/host/host_shim.h \
	$FILES \
	lib/vsprintf.c tests/host/fake_acpi.c tests/host/buddy_host.c \
	-o "$OUT/buddy_host"
ASAN_OPTIONS=detect_leaks=0 "$OUT/buddy_host" "$@"
