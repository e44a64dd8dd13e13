#!/usr/bin/env bash
# Makes the test archive of `mus archive report` and `mus archive plans` (tests/report.rs):
# a roster of 32 leaders in three units (one of only 3 leaders) and two levels, and the
# guides of the 30 who have had their dialogue, filled in with pypdf
# (scripts/report-fixtures.py: ratings drawn from a seeded generator, a plan of 0–3 rows,
# and a free-text answer the report must never show); 27 of them signed by the leader and
# the unit's manager with pyHanko's Python API, 3 left unsigned. truth.json says what was
# filled in: the tests recompute every figure from it. Each signature adds about 16 KB
# (pyHanko rewrites the 6 KB XMP packet each time), so a signed guide is about 105 KB.
#
#   bash scripts/make-report-fixtures.sh [OUT_DIR]   (default: examples/rapport/guides)
#
# The roster is also written to examples/rapport/ledere.csv. MUS=path/to/mus uses that
# binary instead of building target/release/mus. Needs openssl, pypdf and pyHanko. As in
# the other fixture scripts (scripts/test-pki.sh), the private keys live in a temp dir and
# are deleted; only the CA certificate is kept. Regenerating gives the same roster, answers
# and truth.json, but new keys and signing times (so new bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-examples/rapport/guides}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in openssl python3; do
  command -v "$tool" >/dev/null || { echo "make-report-fixtures: $tool is missing (apt-get install openssl; pip install pypdf pyhanko pyhanko-cli)" >&2; exit 1; }
done
mus=${MUS:-target/release/mus}
if [[ -z ${MUS:-} ]]; then
  cargo build --release --quiet
fi

python3 scripts/report-fixtures.py roster "$work/ledere.csv"
"$mus" batch "$work/ledere.csv" --out-dir "$work/guides" --quiet
mkdir -p "$work/filled"
python3 scripts/report-fixtures.py fill "$work/guides/manifest.json" "$work/guides" "$work/filled" \
  "$work/truth.json" >"$work/to-sign"

source scripts/test-pki.sh
ca ca "/O=MUS Test Kommune/CN=MUS Test CA"
p256=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
# One certificate per person, in their name: the leaders by roster index, the managers by unit.
while IFS="|" read -r index name; do
  leaf "leader$index" "/O=MUS Test Kommune/CN=$name" "${p256[@]}"
done < <(python3 scripts/report-fixtures.py people)
python3 scripts/report-fixtures.py managers | while IFS='|' read -r index name; do
  leaf "manager$index" "/O=MUS Test Kommune/CN=$name" "${p256[@]}"
done

rm -f "$out"/*.pdf
python3 scripts/report-fixtures.py sign "$work/to-sign" "$work" "$work/filled" "$out"
for f in "$work"/filled/*.pdf; do
  [[ -e "$out/$(basename "$f")" ]] || cp "$f" "$out/"
done
cp "$work/truth.json" "$work/ca.pem" "$out/"
mkdir -p examples/rapport
cp "$work/ledere.csv" examples/rapport/ledere.csv
chmod 644 "$out"/* examples/rapport/ledere.csv
echo "make-report-fixtures: wrote $(ls "$out"/*.pdf | wc -l) guides to $out"
