#!/usr/bin/env bash
# Makes last year's guides filled in by every engine leaders and HR use (issue 18: ratings
# as readers show them; tests/choices.rs): five leaders of Dagtilbud Nord, 2027, each
# guide filled with the same plan and ratings by another engine
# (scripts/choice-fixtures.py), then signed by the leader and the manager with pyHanko.
# `guide --previous`, `batch --previous`, `archive report` and `archive plans` must read
# the same ratings from every one of them.
#
#   bash scripts/make-choice-fixtures.sh [OUT_DIR]   (default: tests/fixtures/choices)
#
# MUS=path/to/mus uses that binary instead of building target/release/mus. Needs openssl,
# pypdf, pypdfium2, pymupdf, pyHanko, and node with pdfjs-dist
# (`npm install --prefix scripts/.pdfjs pdfjs-dist@4`). As in the other fixture scripts
# (scripts/test-pki.sh), the private keys live in a temp dir and are deleted; only the CA
# certificate is kept. Files:
#   last-year.csv    the 2027 roster the guides were made from (ids 60001–60005)
#   this-year.csv    the same leaders in 2028
#   pypdf.pdf        Karen Lund: pypdf 6's update_page_form_field_values, /V "(/3)"
#   pdfium.pdf       Mads Østergaard: PDFium (pypdfium2), clicked and typed
#   pdfjs.pdf        Inger Bøgh: pdf.js (legacy node build), saveDocument()
#   mupdf.pdf        Niels Kjær: MuPDF (PyMuPDF widgets)
#   disagree.pdf     Tove Ærø: /V another button's, missing, a string without the slash,
#                    a name no button has; /AS shows the same ratings as the others
#   ca.pem           the test CA
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-tests/fixtures/choices}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in openssl python3 node; do
  command -v "$tool" >/dev/null || { echo "make-choice-fixtures: $tool is missing (apt-get install openssl nodejs; pip install pypdf pypdfium2 pymupdf pyhanko)" >&2; exit 1; }
done
mus=${MUS:-target/release/mus}
if [[ -z ${MUS:-} ]]; then
  cargo build --release --quiet
fi

engines=(pypdf pdfium pdfjs mupdf disagree)
names=("Karen Lund" "Mads Østergaard" "Inger Bøgh" "Niels Kjær" "Tove Ærø")
roster() { # YEAR
  echo "Navn;Rolle;Fokus;Leder;Afdeling;Dato;Medarbejdernr"
  for i in "${!names[@]}"; do
    echo "${names[$i]};leder-af-medarbejdere;saet-retning, opdyrk-potentialer;Henrik Bæk;Dagtilbud Nord;$1-01-1$((i + 1));6000$((i + 1))"
  done
}
roster 2027 >"$out/last-year.csv"
roster 2028 >"$out/this-year.csv"
"$mus" batch "$out/last-year.csv" --out-dir "$work/guides" --quiet

source scripts/test-pki.sh
ca ca "/O=MUS Test Kommune/CN=MUS Test CA"
p256=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
leaf manager "/O=MUS Test Kommune/CN=Henrik Bæk" "${p256[@]}"

for i in "${!engines[@]}"; do
  engine=${engines[$i]}
  leaf "leader$i" "/O=MUS Test Kommune/CN=${names[$i]}" "${p256[@]}"
  guide=$(python3 - "$work/guides/manifest.json" "$((i + 2))" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["guides"]
print(next(g["file"] for g in rows if g["row"] == int(sys.argv[2])))
PY
)
  python3 scripts/choice-fixtures.py fill "$engine" "$work/guides/$guide" "$work/$engine-filled.pdf" 2>/dev/null
  python3 scripts/choice-fixtures.py sign "$work" "leader$i" "$work/$engine-filled.pdf" "$out/$engine.pdf" 2>/dev/null
done
cp "$work/ca.pem" "$out/ca.pem"
chmod 644 "$out"/*
echo "make-choice-fixtures: wrote $out"
