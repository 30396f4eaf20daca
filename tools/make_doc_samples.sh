#!/usr/bin/env bash
# Make the legacy Word (.doc) twins of the DOCX samples, for the native .doc reader.
#
# Needs LibreOffice Writer (no GUI):   apt-get install libreoffice-writer-nogui
# The outputs are committed, so the tests never need LibreOffice; run this only to
# regenerate them (after tools/make_samples.py changed the DOCX samples).
#
# Usage:
#   tools/make_doc_samples.sh            # samples/*.docx -> samples/<stem>.doc (+ the .wps copy)
#   tools/make_doc_samples.sh --out DIR  # the same set into DIR (to compare, or to stage)
#   SOFFICE=/path/to/soffice tools/make_doc_samples.sh
#
# What it does, per samples/<stem>.docx:
#   soffice -env:UserInstallation=file:///<private tmp profile> --headless \
#           --convert-to 'doc:MS Word 97' --outdir <tmp> <stem>.docx
# then checks that <tmp>/<stem>.doc exists and starts with the OLE compound file
# magic D0 CF 11 E0 A1 B1 1A E1, and only when every file passed moves them to
# <out>/<stem>.doc. The private profile makes it work as root and next to another
# running LibreOffice (or another run of this script).
#
# It also writes ONE .wps file: hanyang_wenlv_2021.wps (WPS_STEM), a byte copy of its .doc. A
# Kingsoft WPS document saved in Word format is exactly a Word 97-2003 binary file
# with a .wps name, so this exercises the extension, not a different format.
#
# Reproducibility: with LibreOffice 7.4.7.2 the output is byte-identical across
# runs (checked on runs minutes apart). The export copies the DOCX document
# properties (created/modified dates, author) into SummaryInformation and
# stamps no current time. Another LibreOffice version may write other bytes
# (filter details) for the same text, tables and numbering.
#
# Note: tools/test_make_samples.py compares the file list of samples/ with what
# make_samples.py writes, and tests/index_compare.rs and tests/browser.rs convert
# the whole samples/ directory (.doc and .wps are input extensions), so those
# tests must expect the twins before the twins are committed into samples/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/samples"
OUT="$SRC"
WPS_STEM="hanyang_wenlv_2021"
SOFFICE="${SOFFICE:-soffice}"

while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
        -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "make_doc_samples: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

if ! command -v "$SOFFICE" >/dev/null 2>&1; then
    echo "make_doc_samples: '$SOFFICE' not found. LibreOffice is needed only to regenerate" >&2
    echo "the .doc samples: apt-get install libreoffice-writer-nogui (or set SOFFICE=...)." >&2
    exit 1
fi

shopt -s nullglob
docx=("$SRC"/*.docx)
if [ ${#docx[@]} -eq 0 ]; then
    echo "make_doc_samples: no .docx in $SRC (run tools/make_samples.py first)" >&2
    exit 1
fi
mkdir -p "$OUT"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/make_doc_samples.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/profile" "$TMP/out"

# A fixed locale and time zone, so that nothing taken from the environment varies.
# One soffice call converts the whole list (one start-up instead of one per file).
LC_ALL=C.UTF-8 TZ=UTC HOME="$TMP" \
    timeout 900 "$SOFFICE" "-env:UserInstallation=file://$TMP/profile" \
    --headless --norestore --nologo --nolockcheck \
    --convert-to 'doc:MS Word 97' --outdir "$TMP/out" "${docx[@]}" \
    >"$TMP/soffice.log" 2>&1 || {
        echo "make_doc_samples: soffice failed (exit $?):" >&2
        cat "$TMP/soffice.log" >&2
        exit 1
    }

OLE_MAGIC="d0cf11e0a1b11ae1"
bad=0
for f in "${docx[@]}"; do
    stem="$(basename "$f" .docx)"
    d="$TMP/out/$stem.doc"
    if [ ! -s "$d" ]; then
        echo "make_doc_samples: no output for $stem.docx" >&2
        bad=1
    elif [ "$(head -c 8 "$d" | od -An -tx1 | tr -d ' \n')" != "$OLE_MAGIC" ]; then
        echo "make_doc_samples: $stem.doc does not start with the OLE magic" >&2
        bad=1
    fi
done
if [ "$bad" -ne 0 ]; then
    cat "$TMP/soffice.log" >&2
    exit 1
fi
if [ ! -f "$TMP/out/$WPS_STEM.doc" ]; then
    echo "make_doc_samples: $WPS_STEM.docx is missing; cannot make $WPS_STEM.wps" >&2
    exit 1
fi
cp "$TMP/out/$WPS_STEM.doc" "$TMP/out/$WPS_STEM.wps"

for f in "$TMP"/out/*.doc "$TMP"/out/*.wps; do
    mv -f "$f" "$OUT/$(basename "$f")"
done
echo "make_doc_samples: wrote ${#docx[@]} .doc and 1 .wps into $OUT"
