#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seeds from samples/ and ../shared/corpus/public/
# (when present). Copies are made at run time into the gitignored corpus
# directories; nothing here is committed. Existing corpus files are kept (the
# fuzzer's own finds accumulate there between runs).
#
#   container, convert: whole .docx/.odt/.doc files (small ones: <= MAX_KB)
#   docx:  word/document.xml NUL styles.xml NUL numbering.xml NUL footnotes.xml
#          NUL header1.xml (the layout fuzz_targets/docx.rs splits)
#   odt:   content.xml NUL styles.xml NUL meta.xml
#   xml_differential: every XML part of the documents, one per file
#   doc:   whole .doc files, and each as [u32 LE length][WordDocument][table
#          stream] (the layout fuzz_targets/doc.rs builds a compound file from)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=..
MAX_KB=${SEED_MAX_KB:-256}
# Largest seed built from XML parts, in KiB: an ODT's content.xml inflates to
# megabytes, and long inputs make every execution slow.
PART_MAX_KB=${SEED_PART_MAX_KB:-128}
# At most this many documents of each kind (the corpus has hundreds; the
# fuzzer needs variety, not volume, and CI runs are short).
MAX_DOCS=${SEED_MAX_DOCS:-60}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

mkdir -p corpus/{container,convert,docx,odt,doc,xml_differential}

docs() { # docs EXT...: small documents of these extensions, samples first
  local args=() e
  for e in "$@"; do args+=(-o -iname "*.$e"); done
  { find "$ROOT/samples" -type f \( -false "${args[@]}" \) -size -"${MAX_KB}"k | sort
    if [ -d "$ROOT/../shared/corpus/public" ]; then
      find "$ROOT/../shared/corpus/public" -type f \( -false "${args[@]}" \) -size -"${MAX_KB}"k | sort
    fi; } | head -n "$MAX_DOCS"
}

n=0
for f in $(docs docx odt doc wps); do
  h=$(sha1sum "$f" | cut -c1-16)
  cp "$f" "corpus/container/$h"
  cp "$f" "corpus/convert/$h"
  case "$f" in *.doc|*.DOC|*.wps) cp "$f" "corpus/doc/$h" ;; esac
  n=$((n + 1))
done
echo "seed: $n whole documents"

# part FILE MEMBER: a member of a zip, empty when absent.
part() { unzip -p "$1" "$2" 2>/dev/null || true; }

# drop_large DIR: remove seeds over PART_MAX_KB.
drop_large() { find "$1" -type f -size +"${PART_MAX_KB}"k -delete; }

n=0
for f in $(docs docx); do
  h=$(sha1sum "$f" | cut -c1-16)
  { part "$f" word/document.xml; printf '\0'; part "$f" word/styles.xml; printf '\0'
    part "$f" word/numbering.xml; printf '\0'; part "$f" word/footnotes.xml; printf '\0'
    part "$f" word/header1.xml; } > "corpus/docx/$h"
  # The main part alone too: shorter inputs mutate faster.
  part "$f" word/document.xml > "corpus/docx/$h.main"
  n=$((n + 1))
done
drop_large corpus/docx
echo "seed: $n docx"

n=0
for f in $(docs odt); do
  h=$(sha1sum "$f" | cut -c1-16)
  { part "$f" content.xml; printf '\0'; part "$f" styles.xml; printf '\0'; part "$f" meta.xml; } \
    > "corpus/odt/$h"
  part "$f" content.xml > "corpus/odt/$h.main"
  n=$((n + 1))
done
drop_large corpus/odt
echo "seed: $n odt"

n=0
for f in $(docs docx odt); do
  rm -rf "$TMP/x" && mkdir -p "$TMP/x"
  unzip -qq -o "$f" -d "$TMP/x" 2>/dev/null || true
  while IFS= read -r -d '' p; do
    [ "$(stat -c %s "$p")" -le $((PART_MAX_KB * 1024)) ] || continue
    cp "$p" "corpus/xml_differential/$(sha1sum "$p" | cut -c1-16)"
    n=$((n + 1))
  done < <(find "$TMP/x" -type f \( -name '*.xml' -o -name '*.rels' \) -print0)
done
echo "seed: $n xml parts"

# The Word binary streams, for the doc target's split layout (a small
# compound-file reader: header, DIFAT, FAT, directory, mini stream).
python3 - corpus/doc $(docs doc wps) <<'PY'
import hashlib, struct, sys

def streams(data):
    if data[:8] != bytes.fromhex("d0cf11e0a1b11ae1"):
        return {}
    ssz = 1 << struct.unpack_from("<H", data, 30)[0]
    mssz = 1 << struct.unpack_from("<H", data, 32)[0]
    dir_start, = struct.unpack_from("<I", data, 48)
    cutoff, mfat_start, _, difat_start, n_difat = struct.unpack_from("<IIIII", data, 56)
    sect = lambda s: data[(s + 1) * ssz:(s + 2) * ssz]
    difat = list(struct.unpack_from("<109I", data, 76))
    s, seen = difat_start, 0
    while s < 0xFFFFFFFA and seen < n_difat:
        ids = struct.unpack("<%dI" % (ssz // 4), sect(s))
        difat += ids[:-1]; s = ids[-1]; seen += 1
    fat = []
    for s in difat:
        if s >= 0xFFFFFFFA: continue
        fat += struct.unpack("<%dI" % (ssz // 4), sect(s))
    def chain(s, table, get, limit=1 << 20):
        out = []
        while s < len(table) and s < 0xFFFFFFFA and len(out) < limit:
            out.append(get(s)); s = table[s]
        return b"".join(out)
    dirs = chain(dir_start, fat, sect)
    entries = [dirs[i:i + 128] for i in range(0, len(dirs) - 127, 128)]
    if not entries: return {}
    root = entries[0]
    ministream = chain(struct.unpack_from("<I", root, 116)[0], fat, sect)
    mfat = chain(mfat_start, fat, sect)
    mfat = list(struct.unpack("<%dI" % (len(mfat) // 4), mfat))
    msect = lambda s: ministream[s * mssz:(s + 1) * mssz]
    out = {}
    for e in entries[1:]:
        nlen, = struct.unpack_from("<H", e, 64)
        if e[66] != 2 or nlen < 2: continue
        name = e[:nlen - 2].decode("utf-16-le", "replace")
        start, size = struct.unpack_from("<IQ", e, 116)
        size &= 0xFFFFFFFF
        body = chain(start, mfat, msect) if size < cutoff else chain(start, fat, sect)
        out[name] = body[:size]
    return out

out_dir, n = sys.argv[1], 0
for path in sys.argv[2:]:
    try:
        s = streams(open(path, "rb").read())
    except Exception as e:
        print("seed: skipping", path, e, file=sys.stderr); continue
    word = s.get("WordDocument")
    if not word or len(word) < 12: continue
    table = s.get("1Table" if word[11] & 2 else "0Table", b"")
    seed = struct.pack("<I", len(word)) + word + table
    open("%s/%s.split" % (out_dir, hashlib.sha1(seed).hexdigest()[:16]), "wb").write(seed)
    n += 1
print("seed: %d doc stream pairs" % n)
PY
