#!/usr/bin/env bash
# Makes last year's guides that `mus guide --previous` and `mus batch --previous` follow up
# (tests/cli.rs, tests/batch.rs): the guides of tests/fixtures/previous/last-year.csv
# (dialogues in 2026), filled in with pypdf (scripts/fill-guide.py: the plan in Danish with
# » «, a 300-character goal, some ratings, and a reflection that must never be carried
# over), and Mette Søgaard's signed by her and her manager with pyHanko.
#
#   bash scripts/make-previous-fixtures.sh [OUT_DIR]   (default: tests/fixtures/previous)
#
# MUS=path/to/mus uses that binary instead of building target/release/mus. Needs openssl,
# pypdf and pyHanko with its CLI. As in make-signed-fixtures.sh, the private keys live in a
# temp dir and are deleted; only the CA certificate is kept. Files:
#   signed.pdf       Mette Søgaard (10231), 2026: plan + ratings, signed by both
#   unsigned.pdf     the same guide, filled in, never signed
#   renamed.pdf      Łukasz Øster (10488), Dagtilbud Syd, 2026: plan, unsigned (this year
#                    the roster says Łukasz Øster-Ågård, Dagtilbud Nord: found by id alone)
#   namesake-a.pdf, namesake-b.pdf   two 2026 guides for Eleni Papadopoulou, Social og
#                    Sundhed, without an employee id: either could be hers
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-tests/fixtures/previous}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in openssl pyhanko python3; do
  command -v "$tool" >/dev/null || { echo "make-previous-fixtures: $tool is missing (apt-get install openssl; pip install pypdf pyhanko pyhanko-cli)" >&2; exit 1; }
done
mus=${MUS:-target/release/mus}
if [[ -z ${MUS:-} ]]; then
  cargo build --release --quiet
fi

source scripts/test-pki.sh
ca ca "/O=MUS Test Kommune/CN=MUS Test CA"
p256=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
leaf leader "/O=MUS Test Kommune/CN=Mette Søgaard" "${p256[@]}"
leaf manager "/O=MUS Test Kommune/CN=Henrik Bæk" "${p256[@]}"

"$mus" batch "$out/last-year.csv" --out-dir "$work/guides" --quiet
guide() { # the file the batch wrote for roster row N, from its manifest
  python3 - "$work/guides/manifest.json" "$1" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["guides"]
print(next(g["file"] for g in rows if g["row"] == int(sys.argv[2])))
PY
}
fill() { python3 scripts/fill-guide.py "$@" 2>/dev/null; }
fill "$work/guides/$(guide 2)" "$work/unsigned.pdf"
fill --plan-only "$work/guides/$(guide 3)" "$work/renamed.pdf"
fill --plan-only "$work/guides/$(guide 4)" "$work/namesake-a.pdf"
fill --plan-only "$work/guides/$(guide 5)" "$work/namesake-b.pdf"

sign() { # FIELD WHO IN OUT
  pyhanko sign addsig --field "$1" --use-pades pemder --key "$work/$2.key" --cert "$work/$2.pem" \
    --chain "$work/ca.pem" --no-pass "$3" "$4"
}
sign underskrift.leder.underskrift leader "$work/unsigned.pdf" "$work/signed-leader.pdf"
sign underskrift.leders-leder.underskrift manager "$work/signed-leader.pdf" "$work/signed.pdf"

for f in signed unsigned renamed namesake-a namesake-b ca; do
  ext=pdf; [[ $f == ca ]] && ext=pem
  cp "$work/$f.$ext" "$out/$f.$ext"
  chmod 644 "$out/$f.$ext"
done
echo "make-previous-fixtures: wrote $out"
