#!/usr/bin/env bash
# Checks a generated guide with outside PDF clients (qpdf, poppler): structure, embedded
# and subset fonts, text that copies out correctly, metadata. Needs qpdf and poppler-utils
# (`.ci/run` installs them). Exits non-zero on the first failed check.
set -euo pipefail

mus=${MUS:-target/release/mus}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check-pdf: FAIL: $*" >&2; exit 1; }
for tool in qpdf pdffonts pdftotext pdfinfo pdftoppm; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install -y qpdf poppler-utils)"
done

pdf="$work/guide.pdf"
"$mus" guide --role leder-af-medarbejdere --focus saet-retning --focus opdyrk-potentialer \
  --name "Łukasz Øster-Ågård" --manager "Bodil Kjærgård" --unit "Dagtilbud Nord" \
  --date 2027-01-15 -o "$pdf"

qpdf --check "$pdf" >"$work/qpdf.txt" 2>&1 || { cat "$work/qpdf.txt"; fail "qpdf --check"; }
grep -q "No syntax or stream encoding errors" "$work/qpdf.txt" || fail "qpdf found problems"
echo "ok: qpdf --check"

pdffonts "$pdf" | tail -n +3 >"$work/fonts.txt"
[ -s "$work/fonts.txt" ] || fail "no fonts listed"
while read -r name type _ encoding emb sub uni _; do
  [ "$emb" = yes ] && [ "$sub" = yes ] && [ "$uni" = yes ] || fail "font $name: emb=$emb sub=$sub uni=$uni"
done < <(awk '{print $1, $2, $3, $4, $(NF-4), $(NF-3), $(NF-2), $NF}' "$work/fonts.txt")
echo "ok: every font embedded, subset, with ToUnicode ($(wc -l <"$work/fonts.txt") fonts)"

pdftotext -enc UTF-8 "$pdf" "$work/text.txt"
for want in "Łukasz Øster-Ågård" "Bodil Kjærgård" "Dagtilbud Nord" "Sæt retning" "Opdyrk potentialer" \
            "Kerneopgaven" "Udviklingsplan" "Side 1 af"; do
  grep -qF "$want" "$work/text.txt" || fail "pdftotext lacks '$want'"
done
for absent in "Få følgeskab ved" "Skaber fleksible løsninger"; do
  ! grep -qF "$absent" "$work/text.txt" || fail "pdftotext has '$absent', outside the focus"
done
echo "ok: text copies out (pdftotext), incl. Łukasz Øster-Ågård"

pdfinfo "$pdf" >"$work/info.txt"
grep -q "^Title: *Samtaleguide til MUS – Łukasz Øster-Ågård – 15. januar 2027" "$work/info.txt" || fail "Title"
grep -q "^Creator: *mus " "$work/info.txt" || fail "Creator"
grep -q "^Page size: *595.276 x 841.89" "$work/info.txt" || fail "not A4"
echo "ok: metadata (pdfinfo)"

pdftoppm -r 40 -png "$pdf" "$work/page"
pages=$(ls "$work"/page*.png | wc -l)
[ "$pages" -ge 4 ] || fail "rendered $pages pages"
echo "ok: every page renders (pdftoppm, $pages pages)"

second="$work/again.pdf"
"$mus" guide --role leder-af-medarbejdere --focus saet-retning --focus opdyrk-potentialer \
  --name "Łukasz Øster-Ågård" --manager "Bodil Kjærgård" --unit "Dagtilbud Nord" \
  --date 2027-01-15 -o "$second" 2>/dev/null
cmp -s "$pdf" "$second" || fail "two runs differ"
echo "ok: byte-identical on a second run"
