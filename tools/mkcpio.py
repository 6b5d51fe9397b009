#!/usr/bin/env python3
"""Write a cpio "newc" archive (the initramfs format Linux uses) from a directory.

Usage: tools/mkcpio.py STAGING_DIR OUT.cpio

The archive is deterministic: entries sorted by path, parents before children,
mtime 0, uid/gid 0, inode numbers counted from 1 in archive order. It holds
directories, regular files (with their permission bits) and symlinks, plus two
synthetic entries that are not in the staging directory:

    dev/            directory, 0755 (unless the staging directory has one)
    dev/console     character device 5:1, 0600

so that a Linux kernel booting the same archive can open its console before
it runs /init. Names carry no leading "/" or "./" (as Linux's gen_init_cpio
writes them): "init", "dev/console", "user/hello".

Record layout (all numbers are 8 ASCII hex digits):

    "070701" ino mode uid gid nlink mtime filesize devmajor devminor
             rdevmajor rdevminor namesize check
    name + NUL, padded to a multiple of 4 bytes (counting the 110-byte header)
    file data, padded to a multiple of 4 bytes

The last record is named "TRAILER!!!".
"""

import os
import stat
import sys

MAGIC = b"070701"
TRAILER = "TRAILER!!!"


def pad4(n):
    return (4 - n % 4) % 4


class CpioWriter:
    def __init__(self, out):
        self.out = out
        self.ino = 0

    def add(self, name, mode, data=b"", nlink=1, rdev=(0, 0)):
        self.ino += 1
        name_bytes = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, nlink, 0, len(data),
                  0, 0, rdev[0], rdev[1], len(name_bytes), 0)
        header = MAGIC + b"".join(b"%08X" % f for f in fields)
        self.out.write(header + name_bytes + b"\0" * pad4(len(header) + len(name_bytes)))
        self.out.write(data + b"\0" * pad4(len(data)))

    def trailer(self):
        name_bytes = TRAILER.encode() + b"\0"
        fields = (0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, len(name_bytes), 0)
        header = MAGIC + b"".join(b"%08X" % f for f in fields)
        self.out.write(header + name_bytes + b"\0" * pad4(len(header) + len(name_bytes)))


def walk_sorted(root):
    """Yield (archive_name, full_path) for everything under root, parents first."""
    def walk(rel):
        full = os.path.join(root, rel) if rel else root
        for entry in sorted(os.listdir(full)):
            child = os.path.join(rel, entry) if rel else entry
            yield child, os.path.join(root, child)
            child_full = os.path.join(root, child)
            if os.path.isdir(child_full) and not os.path.islink(child_full):
                yield from walk(child)
    yield from walk("")


def write_archive(staging, out_path):
    staged = dict(walk_sorted(staging))
    synthetic = {}
    if "dev" not in staged:
        synthetic["dev"] = (stat.S_IFDIR | 0o755, b"", 2, (0, 0))
    if "dev/console" not in staged:
        synthetic["dev/console"] = (stat.S_IFCHR | 0o600, b"", 1, (5, 1))

    names = sorted(set(staged) | set(synthetic), key=lambda n: n.split("/"))
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as f:
        w = CpioWriter(f)
        for name in names:
            if name in synthetic:
                mode, data, nlink, rdev = synthetic[name]
                w.add(name, mode, data, nlink, rdev)
                continue
            path = staged[name]
            st = os.lstat(path)
            perm = stat.S_IMODE(st.st_mode)
            if stat.S_ISDIR(st.st_mode):
                w.add(name, stat.S_IFDIR | perm, nlink=2)
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as src:
                    w.add(name, stat.S_IFREG | perm, src.read())
            elif stat.S_ISLNK(st.st_mode):
                w.add(name, stat.S_IFLNK | 0o777, os.readlink(path).encode())
            else:
                sys.exit(f"mkcpio: {path}: unsupported file type (only dirs, files, symlinks)")
        w.trailer()
    os.replace(tmp, out_path)


def main(argv):
    if len(argv) != 3 or argv[1].startswith("-"):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    staging, out_path = argv[1], argv[2]
    if not os.path.isdir(staging):
        sys.stderr.write(f"mkcpio: {staging}: not a directory\n")
        return 1
    write_archive(staging, out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
