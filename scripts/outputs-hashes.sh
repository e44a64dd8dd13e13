#!/usr/bin/env bash
# Makes the README's examples and guides that follow up the fixtures' guides with one mus
# binary, SOURCE_DATE_EPOCH set, and prints a SHA-256 per output: run it with the binary
# before and after a change that must not change behaviour, and compare the lists.
#
#   bash scripts/outputs-hashes.sh target/release/mus > after.txt
set -euo pipefail
mus=$(realpath "${1:?usage: outputs-hashes.sh MUS}")
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export SOURCE_DATE_EPOCH=1796083200 # 2026-12-01
cd "$out"

"$mus" guide --role leder-af-medarbejdere --focus saet-retning --focus opdyrk-potentialer \
  --name "Łukasz Øster-Ågård" --manager "Bodil Kjærgård" --unit "Dagtilbud Nord" \
  --date 2027-01-15 -o readme.pdf
"$mus" guide --role leder-af-medarbejdere --focus saet-retning --name "Łukasz Øster-Ågård" \
  --date 2027-01-15 -o quick-start.pdf
"$mus" guide --role direktionen --name "Ærø Ødegård" --date 2027-01-15 -o direktion.pdf
"$mus" guide --role chef --focus saet-retning --no-form --name "Mette Søgaard" \
  --date 2027-01-15 -o print-only.pdf
"$mus" guide --framework "$root/examples/framework-egeskov.json" --role teamleder \
  --name "Ida Holm" --date 2027-01-15 -o egeskov.pdf
"$mus" templates export templates >/dev/null
"$mus" guide --role chef --templates templates --name "Mette Søgaard" --date 2027-01-15 \
  -o own-templates.pdf
for f in "$root"/tests/fixtures/choices/{pypdf,pdfium,pdfjs,mupdf}.pdf "$root"/tests/fixtures/cycle/2026-row2.pdf; do
  "$mus" guide --role chef --name "Mette Søgaard" --date 2027-01-15 --previous "$f" \
    -o "previous-$(basename "$(dirname "$f")")-$(basename "$f")" 2>/dev/null
done
for r in csv xlsx json; do
  "$mus" batch "$root/examples/afdeling.$r" --out-dir "batch-$r" --date 2027-01-25 >/dev/null 2>&1
done
"$mus" archive --archive arkiv add --allow-unsigned "$root"/examples/rapport/guides/*.pdf >/dev/null 2>&1 || true
# The report's /ID digests its figures, which name the roster as given: a relative path, so
# that the hashes do not depend on where the repository is checked out.
cp "$root/examples/rapport/ledere.csv" ledere.csv
"$mus" archive --archive arkiv report --roster ledere.csv --year 2027 \
  -o rapport.pdf --csv rapport.csv 2>/dev/null
"$mus" archive --archive arkiv plans --year 2027 --csv planer.csv 2>/dev/null
"$mus" framework export > framework.json

find . -type f ! -path './arkiv/*' ! -name '*.sqlite*' ! -name ledere.csv | LC_ALL=C sort | xargs sha256sum
