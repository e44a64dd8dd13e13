#!/usr/bin/env python3
"""Reads the page text of fresh guides with six engines and checks that all six read the
same text (issue 18, point 9):

  poppler        pdftotext -raw (keeps a hyphen at a line end), one page at a time;
  MuPDF          PyMuPDF page.get_text();
  PDFium         pypdfium2 text page (Chrome, Edge; its U+FFFE marks a hyphen at a line
                 end, read as the hyphen);
  pdf.js         scripts/pdfjs-text.mjs, getTextContent (Firefox);
  Ghostscript    gs -sDEVICE=txtwrite (page text only: -dShowAnnots=false);
  pypdf          page.extract_text().

Each engine reads a copy of the guide without its form fields (pypdf drops /Annots and
/AcroForm): the page text, not what some engines add from the widgets' appearances (the
names and date prefilled over the page text, by MuPDF and pdftotext -raw).

The guides: the README's example (Łukasz Øster-Ågård), a direktion guide with every
principle and names with Ł, æøå, quotes and dashes, and the same as a print-only guide.
Per page, the text without white space (engines space and order lines differently) must be
the same letters in every engine (as a multiset, so a reordered table cell is no
difference but one letter read as another is), and each of a list of phrases must be read
word for word by every engine. Prints a table; exits 1 on any failure.

Needs: pip install pypdf pypdfium2 pymupdf; poppler-utils and ghostscript; node with
`npm install --prefix scripts/.pdfjs pdfjs-dist@4` (or PDFJS_DIR). MUS=path/to/mus
(default target/release/mus). --keep DIR keeps the guides and each engine's text.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pymupdf

ROOT = Path(__file__).resolve().parent.parent
MUS = os.environ.get("MUS", str(ROOT / "target" / "release" / "mus"))

# (file, mus guide arguments, phrases every engine must read, white space removed)
GUIDES = [
    ("example.pdf",
     ["--role", "leder-af-medarbejdere", "--focus", "saet-retning", "--focus",
      "opdyrk-potentialer", "--name", "Łukasz Øster-Ågård", "--manager", "Bodil Kjærgård",
      "--unit", "Dagtilbud Nord", "--date", "2027-01-15"],
     ["Łukasz Øster-Ågård", "Bodil Kjærgård", "Dagtilbud Nord", "15. januar 2027",
      "samtalen – det er", "Sæt retning", "Opdyrk potentialer"]),
    ("direktion.pdf",
     ["--role", "direktion", "--name", "Łucja Żak-Ærenlund", "--manager",
      "Søren „Søs“ O’Hara–Bøgh", "--unit", "Børn & Uddannelse", "--date", "2027-03-01"],
     ["Łucja Żak-Ærenlund", "Søren „Søs“ O’Hara–Bøgh", "Børn & Uddannelse",
      "1. marts 2027", "Skab sammenhængskraft", "Få følgeskab", "Udvis handlekraft"]),
    ("direktion-print.pdf",
     ["--role", "direktion", "--no-form", "--name", "Åse Æbelø-Łapińska", "--manager",
      "Zoë Müller – Øst", "--date", "2027-03-01"],
     ["Åse Æbelø-Łapińska", "Zoë Müller – Øst", "1. marts 2027"]),
]

ENGINES = ["poppler", "mupdf", "pdfium", "pdfjs", "gs", "pypdf"]

# Parts of the running footer that are the same on every page, drawn by a form XObject
# every page shows (the guide's identifier, the framework's owner): each engine must
# read them on every page.
FOOTER = ["Guide 2027-", "Sønderborg Kommune"]


def run(*args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def pages_poppler(path, count):
    return [run("pdftotext", "-raw", "-f", str(i), "-l", str(i), path, "-").stdout
            for i in range(1, count + 1)]


def pages_mupdf(path, count):
    return [page.get_text() for page in pymupdf.open(path)]


def pages_pdfium(path, count):
    doc = pdfium.PdfDocument(path)
    out = []
    for page in doc:
        text = page.get_textpage()
        out.append(text.get_text_range().replace("\ufffe", "-"))
        text.close()
        page.close()
    return out


def pages_pdfjs(path, count):
    result = run("node", str(ROOT / "scripts" / "pdfjs-text.mjs"), path)
    if result.returncode != 0:
        raise SystemExit(f"pdf.js: {result.stderr.strip()}")
    return json.loads(result.stdout)["pages"]


def pages_gs(path, count):
    out = []
    for i in range(1, count + 1):
        result = run("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dShowAnnots=false",
                     "-sDEVICE=txtwrite", f"-dFirstPage={i}", f"-dLastPage={i}", "-o", "-",
                     path)
        if result.returncode != 0:
            raise SystemExit(f"Ghostscript: {result.stderr.strip()}")
        out.append(result.stdout)
    return out


def pages_pypdf(path, count):
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def page_text_only(src, dst):
    """Writes src without its widgets and form to dst; gives the number of pages."""
    writer = pypdf.PdfWriter(clone_from=str(src))
    for page in writer.pages:
        if "/Annots" in page:
            del page["/Annots"]
    if "/AcroForm" in writer._root_object:
        del writer._root_object["/AcroForm"]
    with open(dst, "wb") as f:
        writer.write(f)
    return len(writer.pages)


def squeeze(text):
    # NFC: an engine may give Å as A + ring; that is the same text.
    return "".join(unicodedata.normalize("NFC", text).split())


def compare(name, texts, phrases):
    """Rows (check, ok, detail) for one guide: texts is engine -> list of page texts."""
    rows = []
    counts = {e: len(p) for e, p in texts.items()}
    ok = len(set(counts.values())) == 1
    rows.append(("same number of pages", ok, "" if ok else str(counts)))
    if not ok:
        return rows
    for index in range(counts["poppler"]):
        letters = {e: collections.Counter(squeeze(p[index])) for e, p in texts.items()}
        # The letters most engines read are the page's; each engine is measured against them.
        votes = collections.Counter(tuple(sorted(c.items())) for c in letters.values())
        majority = collections.Counter(dict(votes.most_common(1)[0][0]))
        for engine, got in letters.items():
            extra, missing = got - majority, majority - got
            ok = not extra and not missing and votes.most_common(1)[0][1] > len(ENGINES) // 2
            detail = "" if ok else (f"reads {''.join(sorted(extra.elements()))!r} "
                                    f"for {''.join(sorted(missing.elements()))!r}")
            rows.append((f"page {index + 1}: {engine} reads the same letters", ok, detail))
    for engine, pages in texts.items():
        missing = [i + 1 for i, p in enumerate(pages)
                   if not all(squeeze(part) in squeeze(p) for part in FOOTER)]
        rows.append((f"{engine} reads the footer on every page", not missing,
                     f"not on pages {missing}" if missing else ""))
    whole = {e: squeeze("".join(p)) for e, p in texts.items()}
    for phrase in phrases:
        for engine, text in whole.items():
            ok = squeeze(phrase) in text
            rows.append((f"{engine} reads {phrase!r}", ok, ""))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="keep the guides and each engine's text in DIR")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="mus-text-"))
    work.mkdir(parents=True, exist_ok=True)
    failures = 0
    print(f"{'guide':20} {'check':58} result")
    for file, guide_args, phrases in GUIDES:
        path = work / file
        made = run(MUS, "guide", *guide_args, "-o", str(path))
        if made.returncode != 0:
            raise SystemExit(f"mus guide failed: {made.stderr}")
        pages_only = work / f"{path.stem}.pages.pdf"
        count = page_text_only(path, pages_only)
        texts = {e: globals()[f"pages_{e}"](str(pages_only), count) for e in ENGINES}
        if args.keep:
            for engine, pages in texts.items():
                (work / f"{path.stem}.{engine}.txt").write_text("\n\f".join(pages))
        rows = compare(file, texts, phrases)
        for what, ok, detail in rows:
            failures += not ok
            if not ok:
                print(f"{file:20} {what:58} FAIL {detail}")
        print(f"{file:20} {f'{count} pages, {len(phrases)} phrases, six engines':58} "
              f"{sum(ok for _, ok, _ in rows)}/{len(rows)} checks ok")
    if not args.keep:
        import shutil
        shutil.rmtree(work)
    print(f"{failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
