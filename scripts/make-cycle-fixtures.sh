#!/usr/bin/env bash
# Makes the yearly-cycle batch fixtures (tests/previous.rs,
# `a_batch_of_120_follows_up_exactly_the_archived_rows`): the 120-row example roster of
# scripts/make-roster.py (2027), and last year's guides (2026) of a few of its leaders,
# filled in with pypdf (scripts/fill-guide.py --plan-only), unsigned. The test archives
# them with `archive add --allow-unsigned`.
#
#   bash scripts/make-cycle-fixtures.sh [OUT_DIR]   (default: tests/fixtures/cycle)
#
# MUS=path/to/mus uses that binary instead of building target/release/mus. Needs pypdf.
# Files:
#   roster-120.csv   python3 scripts/make-roster.py 120 (ids 100000–100119; rows i and
#                    i+80 share name and unit: namesakes with different ids)
#   last-year.csv    the 2026 roster the guides were made from:
#     ids 100000, 100007, 100010, 100011   the same leader, name and unit (four levels;
#                    roster rows 2, 9, 12, 13);
#                    row 82 (id 100080) is 100000's namesake and must not get that plan
#     id 100030      row 32, "Maja Sørensen", Sundhedsplejen; last year "Dmitrij Holm",
#                    Skoler Syd: found by id alone
#     no id, twice   "Ærling Papadopoulou", Jobcenter (row 47's name and unit, two
#                    dialogues in 2026): either could be row 47's, so neither is used
#   2026-*.pdf       the filled guides, named by their row in last-year.csv
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-tests/fixtures/cycle}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v python3 >/dev/null || { echo "make-cycle-fixtures: python3 is missing" >&2; exit 1; }
mus=${MUS:-target/release/mus}
if [[ -z ${MUS:-} ]]; then
  cargo build --release --quiet
fi

python3 scripts/make-roster.py 120 >"$out/roster-120.csv"
python3 - "$out/roster-120.csv" "$out/last-year.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
header, by_id = rows[0], {r[6]: r for r in rows[1:]}
last_year = lambda cells: cells[:5] + [cells[5].replace("-2027", "-2026")] + cells[6:]
out = [header] + [last_year(by_id[id]) for id in ["100000", "100007", "100010", "100011"]]
moved = last_year(by_id["100030"])
moved[0], moved[4] = "Dmitrij Holm", "Skoler Syd"
out.append(moved)
out += [by_id["100045"][:5] + [date, ""] for date in ["10-03-2026", "24-03-2026"]]
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    csv.writer(f, delimiter=";", lineterminator="\n").writerows(out)
PY
"$mus" batch "$out/last-year.csv" --out-dir "$work/guides" --quiet
python3 - "$work/guides" "$out" <<'PY' 2>/dev/null
import importlib.util, json, pathlib, sys
spec = importlib.util.spec_from_file_location("fill", "scripts/fill-guide.py")
fill = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fill)
guides, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for old in out.glob("2026-*.pdf"):
    old.unlink()
for g in json.load(open(guides / "manifest.json"))["guides"]:
    fill.main(str(guides / g["file"]), str(out / f"2026-row{g['row']}.pdf"), plan_only=True)
PY
chmod 644 "$out"/*
echo "make-cycle-fixtures: wrote $out"
