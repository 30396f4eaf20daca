#!/usr/bin/env python3
"""Corpora for the .doc bench: each sample report that has a .doc twin, copied
N times as .doc and as .docx with distinct bytes (so that no copy is a
duplicate by SHA-256), into OUT/doc and OUT/docx.

.doc copies differ in the root directory entry's modification time (8 bytes
that no reader uses); .docx copies carry a distinct zip archive comment.
Usage: bench_doc.py SAMPLES OUT N"""
import struct
import sys
from pathlib import Path


def doc_copy(b: bytes, i: int) -> bytes:
    ss = 1 << struct.unpack_from("<H", b, 0x1E)[0]
    first_dir = struct.unpack_from("<I", b, 0x30)[0]
    root = 512 + first_dir * ss  # the root entry is the first directory entry
    assert b[root:root + 20] == "Root Entry".encode("utf-16le"), "root entry"
    out = bytearray(b)
    out[root + 0x6C:root + 0x74] = struct.pack("<Q", 0x01D0_0000_0000_0000 + i)
    return bytes(out)


def docx_copy(b: bytes, i: int) -> bytes:
    eocd = b.rfind(b"PK\x05\x06")
    assert eocd >= 0 and struct.unpack_from("<H", b, eocd + 20)[0] == 0, "no comment"
    comment = b"copy%08d" % i
    return b[:eocd + 20] + struct.pack("<H", len(comment)) + comment


def main() -> None:
    samples, out, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    stems = sorted(p.stem for p in samples.glob("*.doc"))
    for kind in ("doc", "docx"):
        (out / kind).mkdir(parents=True, exist_ok=True)
    for k in range(n):
        stem = stems[k % len(stems)]
        for kind, copy in (("doc", doc_copy), ("docx", docx_copy)):
            src = (samples / f"{stem}.{kind}").read_bytes()
            (out / kind / f"{k:05d}_{stem}.{kind}").write_bytes(copy(src, k))


if __name__ == "__main__":
    main()
