#!/usr/bin/env bash
# Makes the signed-guide fixtures that tests/signature.rs reads: a test CA, two leaf
# certificates it issues (the leader's RSA 2048, the manager's ECDSA P-256), a guide, and
# that guide signed, tampered with, edited after signing and cut short.
#
#   bash scripts/make-signed-fixtures.sh [OUT_DIR]     (default: tests/fixtures/signed)
#
# MUS=path/to/mus uses that binary instead of building target/release/mus.
# Needs openssl, and pyHanko with its CLI (`pip install pyhanko pyhanko-cli`). Private keys
# live in a temp dir and are deleted: only the CA certificates are kept, so the committed
# fixtures and ca.pem always belong together. Regenerating changes every byte (new keys,
# new signing times); that is fine, the tests assert on what the files say, not on bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-tests/fixtures/signed}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in openssl pyhanko python3; do
  command -v "$tool" >/dev/null || { echo "make-signed-fixtures: $tool is missing (apt-get install openssl; pip install pyhanko pyhanko-cli)" >&2; exit 1; }
done

mus=${MUS:-target/release/mus}
if [[ -z ${MUS:-} ]]; then
  cargo build --release --quiet
fi

# --- Certificates ---------------------------------------------------------------------
source scripts/test-pki.sh
ca ca "/O=MUS Test Kommune/CN=MUS Test CA"
ca other-ca "/O=Andet Firma/CN=Other Test CA"
leaf leader "/O=MUS Test Kommune/CN=Łukasz Øster-Ågård" -newkey rsa:2048
leaf manager "/O=MUS Test Kommune/CN=Bodil Kjærgård" -newkey ec -pkeyopt ec_paramgen_curve:P-256
# The other algorithms mus verifies: RSASSA-PSS and ECDSA on P-384.
leaf leader-pss "/O=MUS Test Kommune/CN=Łukasz Øster-Ågård" -newkey rsa:2048
leaf manager-p384 "/O=MUS Test Kommune/CN=Bodil Kjærgård" -newkey ec -pkeyopt ec_paramgen_curve:P-384

# --- The guide and its signatures ------------------------------------------------------
"$mus" guide --role leder-af-medarbejdere --focus saet-retning --name "Łukasz Øster-Ågård" \
  --manager "Bodil Kjærgård" --unit "Dagtilbud Nord" --date 2027-01-15 -o "$work/unsigned.pdf" 2>/dev/null

sign() { # FIELD WHO IN OUT EXTRA...
  local field=$1 who=$2 in=$3 out=$4
  shift 4
  pyhanko sign addsig --field "$field" "$@" pemder --key "$work/$who.key" --cert "$work/$who.pem" \
    --chain "$work/ca.pem" --no-pass "$in" "$out"
}
# The leader signs in the classic adbe.pkcs7.detached form, the manager PAdES-style
# (ETSI.CAdES.detached), so both subfilters are covered.
sign underskrift.leder.underskrift leader "$work/unsigned.pdf" "$work/signed-leader.pdf"
sign underskrift.leders-leder.underskrift manager "$work/signed-leader.pdf" "$work/signed-both.pdf" --use-pades

sign underskrift.leder.underskrift leader-pss "$work/unsigned.pdf" "$work/pss-leader.pdf" --prefer-pss
sign underskrift.leders-leder.underskrift manager-p384 "$work/pss-leader.pdf" "$work/signed-both-pss-p384.pdf" --use-pades

python3 scripts/signed-fixtures.py tamper "$work/signed-both.pdf" "$work/signed-both-tampered.pdf"
python3 scripts/signed-fixtures.py edit "$work/signed-both.pdf" "$work/signed-both-then-edited.pdf"
python3 scripts/signed-fixtures.py relabel "$work/signed-both.pdf" "$work/signed-both-then-relabelled.pdf"
python3 scripts/signed-fixtures.py fill "$work/signed-both.pdf" "$work/signed-both-then-filled-in.pdf"
# Cut short: the first 60 % of the file (the second signature and the trailer are gone).
size=$(wc -c <"$work/signed-both.pdf")
head -c $((size * 6 / 10)) "$work/signed-both.pdf" >"$work/truncated.pdf"
python3 scripts/signed-fixtures.py empty "$work/not-a-guide.pdf"

for f in unsigned signed-leader signed-both signed-both-pss-p384 signed-both-tampered signed-both-then-edited \
  signed-both-then-relabelled signed-both-then-filled-in truncated not-a-guide; do
  cp "$work/$f.pdf" "$out/$f.pdf"
done
cp "$work/ca.pem" "$out/ca.pem"
cp "$work/other-ca.pem" "$out/other-ca.pem"
# mus writes guides readable by their owner only; fixtures are for everyone.
chmod 644 "$out"/*.pdf "$out"/*.pem
echo "make-signed-fixtures: wrote $(ls "$out" | wc -l) files to $out"
