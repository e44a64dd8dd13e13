#!/usr/bin/env bash
# A live round trip for `mus::signature` and `mus archive`: makes a fresh set of signed
# guides with openssl and pyHanko in a temp dir, runs tests/signature.rs and
# tests/archive.rs on them, and checks that pyHanko
# judges them as mus does (both signatures valid; the edited file's not).
#
#   bash scripts/signature-roundtrip.sh        (needs openssl, pyhanko, pyhanko-cli)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bash scripts/make-signed-fixtures.sh "$tmp"
MUS_SIGNED_FIXTURES="$tmp" cargo test --quiet --test signature --test archive

validate() { # FILE: pyHanko's report, whatever its verdict
  pyhanko sign validate --pretty-print --trust-replace --trust "$tmp/ca.pem" "$1" 2>&1 || true
}
report=$(validate "$tmp/signed-both.pdf")
if [[ $(grep -c "The signature is judged VALID." <<<"$report") != 2 ]]; then
  echo "signature-roundtrip: pyHanko does not judge both signatures of signed-both.pdf valid:" >&2
  echo "$report" >&2
  exit 1
fi
report=$(validate "$tmp/signed-both-then-edited.pdf")
if [[ $(grep -c "The signature is judged INVALID." <<<"$report") != 2 ]]; then
  echo "signature-roundtrip: pyHanko accepts a signature of signed-both-then-edited.pdf; mus refuses both:" >&2
  echo "$report" >&2
  exit 1
fi
echo "signature-roundtrip: mus and pyHanko agree on a fresh set of signed guides"
