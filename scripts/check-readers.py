#!/usr/bin/env python3
"""Fills a fresh guide in the engines leaders' readers are built on and checks that every
saved copy is still a guide (issue 10):

  PDFium (Chrome, Edge)  pypdfium2 with forms: click into a field, type char by char
                         (FORM_OnChar), click a radio button, save;
  pdf.js (Firefox)       scripts/pdfjs-fill.mjs: annotationStorage, saveDocument();
  MuPDF                  PyMuPDF widgets;
  pypdf                  update_page_form_field_values;
  qpdf                   the pypdf copy rewritten with object streams.

For each saved file: the values read back with pypdf, the typed text in pdftotext's page
text (where the engine writes an appearance), the page rendered with pdftoppm (PNGs kept
with --keep DIR, to look at), the bottom of three long answers (no line cut by the field's
edge; MuPDF's copy rendered by MuPDF), and `mus archive add --allow-unsigned` accepting it
with its guide id. Prints a table; exits 1 on any failure.

Needs: pip install pypdf pypdfium2 pymupdf; qpdf and poppler-utils; node with
`npm install --prefix scripts/.pdfjs pdfjs-dist@4` (or PDFJS_DIR). MUS=path/to/mus
(default target/release/mus).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pymupdf

ROOT = Path(__file__).resolve().parent.parent
MUS = os.environ.get("MUS", str(ROOT / "target" / "release" / "mus"))

TYPED = "Fjordvej 3, Łódź – „citat“ »fra« François… 100 € § 7 •"
# A long answer (650 characters), more than any answer field holds at 12 pt: it must not
# print as a clipped half-line in any engine.
LONG = (
    "Vi har i år samlet dagtilbuddets pædagoger om en fælles retning for sprogarbejdet, "
    "og forældrene er inddraget gennem møder i alle fire huse. Det har krævet tid og "
    "tålmodighed, især hvor vagtplanen var presset af sygdom i efteråret. Næste skridt er "
    "at gøre målene synlige for hver stue og følge op hver tredje måned sammen med "
    "teamlederne, så ingen står alene med opgaven. Jeg vil også bruge MED-udvalget mere "
    "aktivt og lade medarbejderne pege på, hvad der skal stoppes, før vi begynder noget "
    "nyt. Det vigtigste for mig er, at retningen kan mærkes i hverdagen – ikke kun "
    "læses i et dokument – og at vi fejrer det, der lykkes undervejs."
)[:650]
# Typed characters PDFium sets in its own fallback fonts rather than the field font.
PDFIUM_OWN_FONTS = set("–—‘’‚“”„«»…•")
SHORT_FIELD = "opfoelgning.spm1"
LONG_FIELD = "opfoelgning.spm2"  # three rules
EMPTY_FIELD = "opfoelgning.spm3"
RADIO = "saet-retning.forventning1.leder"
RADIO_VALUE = "3"
# The long answer also in a two-rule and a four-rule field: MuPDF's 13.4 pt lines meet
# the 16.2 pt rules differently in each.
LONG_FIELDS = [LONG_FIELD, "saet-retning.forventning1.refleksion", "saet-retning.spm1"]
# The radio button last: PDFium saved no appearance for a field typed into on a page that
# a radio click had opened.
VALUES = {LONG_FIELD: LONG, SHORT_FIELD: TYPED, **{name: LONG for name in LONG_FIELDS[1:]},
          RADIO: RADIO_VALUE}


def run(*args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def widget_positions(path):
    """Full field name -> (page index, rect, export value) per widget, read with pypdf."""
    out = {}
    reader = pypdf.PdfReader(path)
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Widget":
                continue
            parts, node = [], annot
            while node is not None:
                if "/T" in node:
                    parts.append(str(node["/T"]))
                node = node.get("/Parent")
                node = node.get_object() if node is not None else None
            states = [k[1:] for k in annot.get("/AP", {}).get("/N", {}).keys() if k != "/Off"] \
                if isinstance(annot.get("/AP", {}).get("/N"), pypdf.generic.DictionaryObject) else []
            out.setdefault(".".join(reversed(parts)), []).append(
                (index, [float(v) for v in annot["/Rect"]], states[0] if states else None))
    return out


def fill_pdfium(src, dst):
    positions = widget_positions(src)
    doc = pdfium.PdfDocument(src)
    doc.init_forms()
    handle = doc.formenv.raw
    pages = {}

    def click(name, value=None):
        for index, rect, state in positions[name]:
            if value is not None and state != value:
                continue
            page = pages.setdefault(index, doc[index])
            # Into the first line of the field, near its left edge.
            x, y = rect[0] + 8, rect[3] - 6
            pdfium_c.FORM_OnMouseMove(handle, page.raw, 0, x, y)
            pdfium_c.FORM_OnLButtonDown(handle, page.raw, 0, x, y)
            pdfium_c.FORM_OnLButtonUp(handle, page.raw, 0, x, y)
            return page
        raise SystemExit(f"PDFium: no widget {name} {value or ''}")

    for name, value in VALUES.items():
        if name == RADIO:
            click(name, value)
            continue
        page = click(name)
        for unit in value.encode("utf-16-le").hex(" ", 2).split():
            code = int.from_bytes(bytes.fromhex(unit), "little")
            pdfium_c.FORM_OnChar(handle, page.raw, code, 0)
        # Leave the field by clicking beside it, and the page: with the page kept open,
        # only the first typed field's appearance reached the saved file.
        pdfium_c.FORM_OnLButtonDown(handle, page.raw, 0, 3, 3)
        pdfium_c.FORM_OnLButtonUp(handle, page.raw, 0, 3, 3)
        pdfium_c.FORM_ForceToKillFocus(handle)
        for index in [i for i, p in pages.items() if p is page]:
            pages.pop(index).close()
    for page in pages.values():
        page.close()
    doc.save(dst)


def fill_pdfjs(src, dst):
    result = run("node", str(ROOT / "scripts" / "pdfjs-fill.mjs"), src, dst, json.dumps(VALUES))
    if result.returncode != 0:
        raise SystemExit(f"pdf.js: {result.stderr.strip()}")
    return json.loads(result.stdout)["pages"]


def fill_mupdf(src, dst):
    doc = pymupdf.open(src)
    for page in doc:
        for widget in page.widgets():
            value = VALUES.get(widget.field_name)
            if value is None:
                continue
            if widget.field_type == pymupdf.PDF_WIDGET_TYPE_RADIOBUTTON:
                if widget.on_state() == value:
                    widget.field_value = True
                    widget.update()
            else:
                widget.field_value = value
                widget.update()
    doc.save(dst)


def fill_pypdf(src, dst):
    writer = pypdf.PdfWriter(clone_from=src)
    text = {k: v for k, v in VALUES.items() if k != RADIO}
    for page in writer.pages:
        writer.update_page_form_field_values(page, text, auto_regenerate=False)
    writer.update_page_form_field_values(None, {RADIO: "/" + RADIO_VALUE}, auto_regenerate=False)
    with open(dst, "wb") as f:
        writer.write(f)


def rewrite_qpdf(src, dst):
    result = run("qpdf", "--object-streams=generate", src, dst)
    if result.returncode not in (0, 3):
        raise SystemExit(f"qpdf: {result.stderr.strip()}")


def cut_line(path, name, engine):
    """Whether the printed field `name` ends in a line cut by its edge: text ink (dark
    pixels; the printed rules are light) in the last 0.4 pt above where the field's text
    is clipped. A whole last line keeps its descenders clear of that edge, and a hidden
    next line its ascenders (src/pdf/mupdf.rs). MuPDF clips to the rectangle inset by the
    border width and sets its own (non-embedded) Helvetica, so its file is rendered by
    MuPDF; the others clip to the rectangle and embed the field font, and are rendered by
    pdftoppm. 4 pixels per point."""
    (index, rect, _), = widget_positions(path)[name]
    page = pypdf.PdfReader(path).pages[index]
    annot = next(a.get_object() for a in page["/Annots"]
                 if [float(v) for v in a.get_object()["/Rect"]] == rect)
    inset = float(annot.get("/BS", {}).get("/W", 1)) if engine == "mupdf" else 0.0
    height = float(page.mediabox.height)
    scale = 4
    x, top = rect[0] + inset, height - rect[3] + inset
    w, h = rect[2] - rect[0] - 2 * inset, rect[3] - rect[1] - 2 * inset
    if engine == "mupdf":
        doc = pymupdf.open(path)
        pix = doc[index].get_pixmap(matrix=pymupdf.Matrix(scale, scale), colorspace=pymupdf.csGRAY,
                                    clip=pymupdf.Rect(x, top, x + w, top + h))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run("pdftoppm", "-r", str(72 * scale), "-gray", "-png", "-f", str(index + 1), "-l",
                str(index + 1), "-x", str(round(x * scale)), "-y", str(round(top * scale)), "-W",
                str(round(w * scale)), "-H", str(round(h * scale)), "-singlefile", path, f"{tmp}/f")
            pix = pymupdf.Pixmap(f"{tmp}/f.png")
    inked = [r for r in range(pix.height)
             if any(v < 110 for v in pix.samples[r * pix.stride:(r + 1) * pix.stride:pix.n])]
    if not inked:
        return True, "no ink: the answer does not print"
    below = (pix.height - 1 - inked[-1]) / scale
    return below < 0.4, f"lowest ink {below:.2f} pt above the clip"


def squeeze(text):
    return "".join(text.split())


def check(engine, path, guide_id, keep, pdfjs_text=None):
    """The row of the table for one saved file: (check, ok, detail) triples."""
    rows = []
    fields = pypdf.PdfReader(path).get_fields()
    for name, want in VALUES.items():
        got = fields.get(name, {}).get("/V")
        got = str(got).lstrip("/") if got is not None else None
        rows.append((f"value {name}", got == want, "" if got == want else f"{got!r}"))
    page_of = {name: pos[0][0] for name, pos in widget_positions(path).items()}
    text = run("pdftotext", "-f", str(page_of[SHORT_FIELD] + 1), "-l",
               str(page_of[SHORT_FIELD] + 1), path, "-").stdout
    missing = set(squeeze(TYPED)) - set(squeeze(text))
    ok = squeeze(TYPED) in squeeze(text)
    detail = "" if ok else "missing: " + "".join(sorted(missing))
    if engine == "pdfium" and not ok and missing <= PDFIUM_OWN_FONTS:
        # PDFium draws typed punctuation with its own non-embedded fallback fonts, even
        # though the field font has it (FIELD-NOTES); what it set in the field font must
        # be there.
        words = [w for w in TYPED.split() if not set(w) & PDFIUM_OWN_FONTS]
        ok = all(w in text for w in words)
        detail = "PDFium drew " + "".join(sorted(missing)) + " in its own fallback font"
    rows.append(("pdftotext shows the typed text", ok, detail))
    if pdfjs_text is not None:
        page1 = squeeze(pdfjs_text[0])
        ok = "15.januar2027" in page1 and "BodilKjærgård" in squeeze(" ".join(pdfjs_text))
        rows.append(("pdf.js text has date and names", ok, ""))
    for name in LONG_FIELDS:
        cut, where = cut_line(path, name, engine)
        if engine in ("pypdf", "qpdf"):
            # pypdf draws every line and lets the field's edge cut them: its own
            # appearance, not a reader's. Shown, not judged.
            where = f"{where} (pypdf's own appearance{', cut' if cut else ''})"
            cut = False
        rows.append((f"650 characters, no cut line: {name.split('.', 1)[-1]}", not cut, where))
    if keep:
        prefix = Path(keep) / engine
        result = run("pdftoppm", "-r", "60", "-png", "-f", str(page_of[SHORT_FIELD] + 1),
                     "-l", str(page_of[SHORT_FIELD] + 1), path, str(prefix))
        rows.append(("rendered by pdftoppm", result.returncode == 0, str(prefix) + "-*.png"))
    with tempfile.TemporaryDirectory() as archive:
        result = run(MUS, "archive", "add", "--allow-unsigned", "--archive", archive, path)
        ok = result.returncode == 0 and f"guide {guide_id}" in result.stdout + result.stderr
        rows.append(("mus archive add --allow-unsigned", ok,
                     "" if ok else (result.stdout + result.stderr).strip().splitlines()[-1:]))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="keep the saved files and page renders in DIR")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="mus-readers-"))
    work.mkdir(parents=True, exist_ok=True)
    guide = work / "guide.pdf"
    made = run(MUS, "guide", "--role", "leder-af-medarbejdere", "--focus", "saet-retning",
               "--focus", "opdyrk-potentialer", "--name", "Łukasz Øster-Ågård", "--manager",
               "Bodil Kjærgård", "--unit", "Dagtilbud Nord", "--date", "2027-01-15", "-o", str(guide))
    if made.returncode != 0:
        raise SystemExit(f"mus guide failed: {made.stderr}")
    guide_id = made.stderr.strip().rsplit("guide ", 1)[-1].rstrip(")")
    saved = {}
    pdfjs_text = None
    for engine, fill in [("pdfium", fill_pdfium), ("pdfjs", fill_pdfjs), ("mupdf", fill_mupdf),
                         ("pypdf", fill_pypdf)]:
        out = work / f"{engine}.pdf"
        result = fill(str(guide), str(out))
        if engine == "pdfjs":
            pdfjs_text = result
        saved[engine] = out
    saved["qpdf"] = work / "qpdf.pdf"
    rewrite_qpdf(str(saved["pypdf"]), str(saved["qpdf"]))

    failures = 0
    print(f"{'engine':8} {'check':42} result")
    for engine, path in saved.items():
        rows = check(engine, str(path), guide_id, args.keep,
                     pdfjs_text if engine == "pdfjs" else None)
        for what, ok, detail in rows:
            failures += not ok
            print(f"{engine:8} {what:42} {'ok' if ok else 'FAIL'} {detail}")
    if not args.keep:
        import shutil
        shutil.rmtree(work)
    print(f"{failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
