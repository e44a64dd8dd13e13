#!/usr/bin/env bash
# Makes the three-signer fixtures: a guide from a custom template whose signatures
# directive has a third party (a union representative, key `tr`), signed by three
# certificates from a new test CA — all three fields, and only the leader's and the
# manager's. For the archive's tests of a guide that says who must sign.
#
#   bash scripts/make-three-signer-fixtures.sh [OUT_DIR]     (default: tests/fixtures/signed)
#
# MUS=path/to/mus uses that binary instead of building target/release/mus.
# Needs openssl, and pyHanko with its CLI (`pip install pyhanko pyhanko-cli`). The CA's key
# and the signers' keys live in a temp dir and are deleted: only three-signers-ca.pem is
# kept, so the committed fixtures and that certificate always belong together.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-tests/fixtures/signed}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in openssl pyhanko; do
  command -v "$tool" >/dev/null || { echo "make-three-signer-fixtures: $tool is missing (apt-get install openssl; pip install pyhanko pyhanko-cli)" >&2; exit 1; }
done

mus=${MUS:-target/release/mus}
if [[ -z ${MUS:-} ]]; then
  cargo build --release --quiet
fi

# --- Certificates ---------------------------------------------------------------------
source scripts/test-pki.sh
ca ca "/O=MUS Test Kommune/CN=MUS Three-Signer Test CA"
leaf leader "/O=MUS Test Kommune/CN=Łukasz Øster-Ågård" -newkey rsa:2048
leaf manager "/O=MUS Test Kommune/CN=Bodil Kjærgård" -newkey ec -pkeyopt ec_paramgen_curve:P-256
leaf tr "/O=MUS Test Kommune/CN=Tove Ræv" -newkey ec -pkeyopt ec_paramgen_curve:P-256

# --- The guide from a custom template with a third signer ------------------------------
"$mus" templates export "$work/templates" >/dev/null 2>&1
line='leders-leder | Leders leder | {{leader.manager}}'
grep -qxF "$line" "$work/templates/guide.md.hbs" || { echo "make-three-signer-fixtures: the template's signatures directive changed" >&2; exit 1; }
sed -i "/^leders-leder | Leders leder | {{leader.manager}}\$/a tr | Tillidsrepræsentant | Tove Ræv" "$work/templates/guide.md.hbs"
"$mus" guide --templates "$work/templates" --role leder-af-medarbejdere --focus saet-retning \
  --name "Łukasz Øster-Ågård" --manager "Bodil Kjærgård" --unit "Dagtilbud Nord" --date 2027-01-15 \
  -o "$work/unsigned.pdf" 2>/dev/null

sign() { # FIELD WHO IN OUT
  pyhanko sign addsig --field "$1" --use-pades pemder --key "$work/$2.key" --cert "$work/$2.pem" \
    --chain "$work/ca.pem" --no-pass "$3" "$4"
}
sign underskrift.leder.underskrift leader "$work/unsigned.pdf" "$work/leader.pdf"
sign underskrift.leders-leder.underskrift manager "$work/leader.pdf" "$work/three-signers-two-signed.pdf"
sign underskrift.tr.underskrift tr "$work/three-signers-two-signed.pdf" "$work/three-signers.pdf"

cp "$work/three-signers.pdf" "$work/three-signers-two-signed.pdf" "$out/"
cp "$work/ca.pem" "$out/three-signers-ca.pem"
# mus writes guides readable by their owner only; fixtures are for everyone.
chmod 644 "$out"/three-signers*.pdf "$out/three-signers-ca.pem"
echo "make-three-signer-fixtures: wrote three-signers.pdf, three-signers-two-signed.pdf and three-signers-ca.pem to $out"
