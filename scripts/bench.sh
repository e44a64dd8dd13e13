#!/usr/bin/env bash
# Whole-program timings: one cold `mus guide` process (hyperfine), then the in-process
# criterion benchmarks (guides per second, stages, bytes per guide).
# Needs hyperfine (apt-get install -y hyperfine).
set -euo pipefail
cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
hyperfine -N --warmup 5 --runs 100 \
  "target/release/mus guide --role leder-af-medarbejdere --focus saet-retning --focus opdyrk-potentialer --name Łukasz --manager Bodil --unit Nord --date 2027-01-15 -o $out/g.pdf"
python3 scripts/make-roster.py 1000 > "$out/roster-1000.csv"
hyperfine -N --warmup 1 --runs 8 --prepare "sh -c 'rm -rf $out/batch && sync'" \
  "target/release/mus batch $out/roster-1000.csv --out-dir $out/batch --quiet"
/usr/bin/time -f "peak memory, 1000 rows: %M KB" target/release/mus batch "$out/roster-1000.csv" --out-dir "$out/b1" --quiet
python3 scripts/make-roster.py 10000 > "$out/roster-10000.csv"
/usr/bin/time -f "peak memory, 10000 rows: %M KB" target/release/mus batch "$out/roster-10000.csv" --out-dir "$out/b10" --quiet
cargo bench --bench guide
cargo bench --bench wrap
