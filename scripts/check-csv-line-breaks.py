#!/usr/bin/env python3
"""A line break inside a cell survives every CSV mus writes, read back by a real reader of
Danish Excel's dialect: Python's csv module with delimiter=';' (issue 18).

    MUS=target/release/mus python3 scripts/check-csv-line-breaks.py

1. A guide's plan cell is filled by pypdf (the library HR scripts use) with
   "to moduler\\nmed opfølgning", archived, and `mus archive plans --csv` is read back: the
   cell holds the line break.
2. The example archive (examples/rapport) is taken in, and its plans, report and status CSVs
   (and the manifest of a batch from its roster) are read back: the fixtures' plan cell with a line break is there, every record has the
   header's number of fields, and Python's csv writer in the same dialect writes each file
   back byte for byte — mus quotes as Excel and Python do.

Needs pypdf. Exits non-zero on the first difference.
"""
import csv
import glob
import io
import os
import subprocess
import sys
import tempfile

from pypdf import PdfReader, PdfWriter

MUS = os.environ.get("MUS", "target/release/mus")
BREAK = "to moduler\nmed opfølgning"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def run(*args, ok=(0,)):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1803000000")
    result = subprocess.run([MUS, *args], capture_output=True, text=True, env=env)
    if result.returncode not in ok:
        sys.exit(f"check-csv-line-breaks: mus {' '.join(args)} failed ({result.returncode}):\n"
                 f"{result.stderr}")
    return result


def read(path):
    """The records of a CSV as Danish Excel reads it, and the file's bytes after the BOM."""
    data = open(path, "rb").read()
    if not data.startswith(b"\xef\xbb\xbf"):
        sys.exit(f"check-csv-line-breaks: {path} has no UTF-8 byte-order mark")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    return rows, data[3:]


def round_trip(path):
    """Reads `path`, checks its shape, and writes it back with Python's csv writer."""
    rows, data = read(path)
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        sys.exit(f"check-csv-line-breaks: {path}: records of {sorted(widths)} fields")
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    if out.getvalue().encode("utf-8") != data:
        sys.exit(f"check-csv-line-breaks: {path}: Python's csv writes it back differently:\n"
                 f"{out.getvalue()!r}\n{data.decode('utf-8')!r}")
    return rows


def has_break(rows, where):
    if not any(BREAK in cell for row in rows for cell in row):
        sys.exit(f"check-csv-line-breaks: {where}: no cell holds {BREAK!r}: {rows}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        # 1. pypdf fills a plan cell with a line break.
        guide = os.path.join(tmp, "guide.pdf")
        run("guide", "--role", "leder-af-medarbejdere", "--focus", "saet-retning",
            "--name", "Åse Ærø", "--unit", "Dagtilbud Syd", "--date", "2027-01-15", "-o", guide)
        writer = PdfWriter(clone_from=PdfReader(guide))
        writer.update_page_form_field_values(
            None, {"plan.1.maal": "Lære at uddelegere", "plan.1.handling": BREAK},
            auto_regenerate=False)
        filled = os.path.join(tmp, "udfyldt.pdf")
        with open(filled, "wb") as f:
            writer.write(f)
        archive = os.path.join(tmp, "arkiv")
        run("archive", "--archive", archive, "add", "--allow-unsigned", filled)
        plans = os.path.join(tmp, "planer.csv")
        run("archive", "--archive", archive, "plans", "--year", "2027", "--include-unsigned",
            "--csv", plans)
        rows = round_trip(plans)
        if rows[1][6:8] != ["Lære at uddelegere", BREAK]:
            sys.exit(f"check-csv-line-breaks: the pypdf-filled plan reads back as {rows[1]}")

        # 2. The example archive: plans, report and status.
        examples = os.path.join(ROOT, "examples", "rapport")
        archive = os.path.join(tmp, "eksempel")
        run("archive", "--archive", archive, "add", "--allow-unsigned",
            *sorted(glob.glob(os.path.join(examples, "guides", "*.pdf"))))
        roster = os.path.join(examples, "ledere.csv")
        plans = os.path.join(tmp, "eksempel-planer.csv")
        run("archive", "--archive", archive, "plans", "--year", "2027", "--csv", plans)
        has_break(round_trip(plans), "archive plans")
        report = os.path.join(tmp, "rapport.csv")
        run("archive", "--archive", archive, "report", "--roster", roster, "--year", "2027",
            "-o", os.path.join(tmp, "rapport.pdf"), "--csv", report)
        round_trip(report)
        status = os.path.join(tmp, "status.csv")
        run("archive", "--archive", archive, "status", "--roster", roster, "--year", "2027",
            "--csv", status)
        round_trip(status)
        batch = os.path.join(tmp, "batch")
        run("batch", roster, "--out-dir", batch, "--quiet")
        round_trip(os.path.join(batch, "manifest.csv"))
    print("check-csv-line-breaks: a line break in a cell survives plans, report and status CSVs")


main()
