#!/usr/bin/env bash
# Whole-program timings of the release binary, optionally beside an earlier binary in the
# same run (compare ratios within one run: this VM's speed drifts between runs):
# one cold `mus guide` process, a 1,000-row batch (fresh output), peak memory at 1,000
# and 10,000 rows (the roster, and one where every leader is a different person), bytes
# per page; with BEFORE, the cold guide and the batch again with the
# two binaries taking turns (scripts/bench-ab.py); then the in-process criterion benchmarks.
# Needs hyperfine (apt-get install -y hyperfine) and pdfinfo (poppler-utils).
#
#   bash scripts/bench.sh [BEFORE]      e.g. BEFORE=a release binary of main, copied out
#   MUS=path/to/mus measures that binary as "after" instead of building one;
#   CRITERION=0 leaves out the criterion benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MUS:-}" ]; then
  cargo build --release --quiet
  MUS=target/release/mus
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cp "$MUS" "$out/after"
bins=(after)
if [ $# -gt 0 ]; then
  cp "$1" "$out/before"
  bins=(before after)
fi
guide="guide --role leder-af-medarbejdere --focus saet-retning --focus opdyrk-potentialer --name Łukasz --manager Bodil --unit Nord --date 2027-01-15 -o $out/g.pdf"
python3 scripts/make-roster.py 1000 >"$out/roster-1000.csv"
python3 scripts/make-roster.py 10000 >"$out/roster-10000.csv"
# Every leader a different person: the memos keep more between 1,000 and 10,000 rows.
python3 scripts/make-roster.py 1000 --distinct >"$out/distinct-1000.csv"
python3 scripts/make-roster.py 10000 --distinct >"$out/distinct-10000.csv"

cold=() batch=()
mkdir -p "$out/runs"
for b in "${bins[@]}"; do
  cold+=(-n "$b" "$out/$b $guide")
  # Each run writes into a folder of its own, and nothing is deleted until the end: on
  # this machine's ext4 (no journal), a new file's inode is found past the inodes deleted
  # in the last minutes, so deleting the last run's 1,000 guides before each run made
  # whichever binary ran second pay twice the system time (either order).
  batch+=(-n "$b" "sh -c '$out/$b batch $out/roster-1000.csv --out-dir \$(mktemp -d -p $out/runs) --quiet'")
done
hyperfine -N --warmup 5 --runs 100 "${cold[@]}"
hyperfine -N --warmup 1 --runs 8 "${batch[@]}"
rm -rf "$out/runs"

for b in "${bins[@]}"; do
  for roster in roster-1000 roster-10000 distinct-1000 distinct-10000; do
    rm -rf "$out/m"
    /usr/bin/time -f "$b: peak memory, $roster: %M KB" \
      "$out/$b" batch "$out/$roster.csv" --out-dir "$out/m" --quiet
  done
  # Bytes per page over the 1,000-row roster (the manifest has each guide's bytes).
  rm -rf "$out/m"
  "$out/$b" batch "$out/roster-1000.csv" --out-dir "$out/m" --quiet
  pages=0
  for f in "$out"/m/*.pdf; do
    pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ { print $2 }')))
  done
  bytes=$(cat "$out"/m/*.pdf | wc -c)
  echo "$b: $bytes bytes, $pages pages: $((bytes / pages)) bytes per page"
done

# The same two figures with the binaries taking turns (this VM's speed drifts within a
# run; see scripts/bench-ab.py).
if [ $# -gt 0 ]; then
  python3 scripts/bench-ab.py "$out/before" "$out/after"
fi

if [ "${CRITERION:-1}" != 0 ]; then
  cargo bench --bench guide
  cargo bench --bench wrap
fi
