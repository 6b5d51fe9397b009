#!/usr/bin/env python3
"""Write the kernel's symbol table as an assembly blob of a fixed size.

Usage: kallsyms.py [NM_OUTPUT] OUT.S
Without NM_OUTPUT the blob is empty (the first link). The blob always has
the same size, so the second link places every symbol where the first did.
"""
import struct
import sys

BLOB_SIZE = 256 * 1024


def symbols(nm_path):
    syms = []
    with open(nm_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3 or parts[1] not in "tTwW":
                continue
            addr = int(parts[0], 16)
            if addr < 0xffffffff80000000:
                continue
            syms.append((addr, parts[2]))
    syms.sort()
    return syms


def blob(syms):
    names = b""
    offsets = []
    for _, name in syms:
        offsets.append(len(names))
        names += name.encode() + b"\0"
    data = struct.pack("<Q", len(syms))
    data += b"".join(struct.pack("<Q", a) for a, _ in syms)
    data += b"".join(struct.pack("<I", o) for o in offsets)
    data += names
    if len(data) > BLOB_SIZE:
        sys.exit(f"kallsyms: table of {len(data)} bytes exceeds {BLOB_SIZE}")
    return data


def main():
    out = sys.argv[-1]
    syms = symbols(sys.argv[1]) if len(sys.argv) == 3 else []
    data = blob(syms)
    with open(out, "w") as f:
        f.write('\t.section .note.GNU-stack,"",@progbits\n')
        f.write('\t.section .kallsyms, "a"\n\t.balign 8\n\t.globl kallsyms_blob\nkallsyms_blob:\n')
        for i in range(0, len(data), 32):
            f.write("\t.byte " + ",".join(str(b) for b in data[i:i + 32]) + "\n")
        f.write(f"\t.fill {BLOB_SIZE - len(data)}, 1, 0\n")


if __name__ == "__main__":
    main()
