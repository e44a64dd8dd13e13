#!/usr/bin/env bash
# What `--previous` costs a batch: 1,000 leaders whose guides of earlier years (plan filled
# in with pypdf, archived) are followed up in 2027, against the same batch without it.
# With YEARS=2 (or more) the archive holds that many years (2026, 2025, …) of the same
# leaders: what a batch reads should not grow with them. Needs hyperfine and pypdf.
# Writes nothing outside a temp dir.
#
#   bash scripts/bench-previous.sh [ROWS]     (default 1000; YEARS=1)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000}
# MUS=path/to/mus measures that binary instead of building one.
if [ -z "${MUS:-}" ]; then
  cargo build --release --quiet
  MUS=target/release/mus
fi
mus=$(realpath "$MUS")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 scripts/make-roster.py "$rows" >"$out/2027.csv"
mkdir -p "$out/filled"
for ((back = 1; back <= ${YEARS:-1}; back++)); do
  year=$((2027 - back))
  sed "s/-2027;/-$year;/" "$out/2027.csv" >"$out/$year.csv"
  "$mus" batch "$out/$year.csv" --out-dir "$out/$year" --quiet
  mkdir -p "$out/filled/$year"
  python3 - "$out/$year" "$out/filled/$year" <<'PY' 2>/dev/null
import importlib.util, pathlib, sys
spec = importlib.util.spec_from_file_location("fill", "scripts/fill-guide.py")
fill = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fill)
for pdf in sorted(pathlib.Path(sys.argv[1]).glob("*.pdf")):
    fill.main(str(pdf), str(pathlib.Path(sys.argv[2]) / pdf.name), plan_only=True)
PY
  "$mus" archive --archive "$out/arkiv" add --allow-unsigned "$out/filled/$year"/*.pdf 2>&1 | tail -1
done
# Each run writes into a folder of its own (see bench.sh: deleting the last run's guides
# made the command measured second pay twice the system time).
mkdir -p "$out/runs"
hyperfine -N --warmup 1 --runs 5 \
  "sh -c '$mus batch $out/2027.csv --out-dir \$(mktemp -d -p $out/runs) --quiet'" \
  "sh -c '$mus batch $out/2027.csv --out-dir \$(mktemp -d -p $out/runs) --quiet --previous $out/arkiv'"
"$mus" batch "$out/2027.csv" --out-dir "$out/check" --previous "$out/arkiv" 2>&1 | tail -1
