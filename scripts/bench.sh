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
cargo bench --bench guide
