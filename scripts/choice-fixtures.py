#!/usr/bin/env python3
"""Last year's guides with the same answers filled in by each engine leaders and HR use,
for issue 18 (ratings as readers show them; tests/choices.rs). Used by
scripts/make-choice-fixtures.sh.

    python3 scripts/choice-fixtures.py fill ENGINE IN.pdf OUT.pdf
    python3 scripts/choice-fixtures.py sign KEY_DIR LEADER_KEY IN.pdf OUT.pdf

ENGINE is one of
  pypdf     pypdf 6's own filling, `update_page_form_field_values(None, {…: "/3"},
            auto_regenerate=False)`: each radio group's /V a text string `(/3)`, the
            widgets' /AS names;
  pdfium    PDFium (Chrome, Edge) through pypdfium2: click into a field, type char by char,
            click the radio buttons, save (/V names);
  pdfjs     pdf.js (Firefox), scripts/pdfjs-fill.mjs: annotationStorage, saveDocument();
  mupdf     MuPDF through PyMuPDF widgets;
  disagree  pypdf's text, and radio groups whose /V disagrees with the widgets in every
            way a file can: a name of another button (/2 while 3 is on), no /V, a string
            without the slash, a name no button has. Every reader draws what /AS says.

Every engine fills the same answers (ANSWERS, RATINGS): every reader shows the leader's
3 and the manager's 4 on expectation 1, 5 and 2 on expectation 2.

`sign` signs both signature fields, the leader's with LEADER_KEY and the manager's with
`manager`, both certificates issued by KEY_DIR/ca.pem, with pyHanko's Python API (6 KB
reserved per signature, as scripts/report-fixtures.py does, to keep the files small).

Needs pypdf, pypdfium2, pymupdf, pyHanko; node and pdfjs-dist for pdfjs.
"""
import io
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ANSWERS = {
    "plan.1.maal": "Styrke den fælles retning",
    "plan.1.handling": "Månedlige møder om retning",
    "plan.1.hvem": "Åse Ærø",
    "plan.1.frist": "1. juni 2028",
}
RATINGS = {
    "saet-retning.forventning1.leder": "3",
    "saet-retning.forventning1.leders-leder": "4",
    "saet-retning.forventning2.leder": "5",
    "saet-retning.forventning2.leders-leder": "2",
}


def fill_pypdf(src, dst, radio_values=None):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=src)
    for page in writer.pages:
        writer.update_page_form_field_values(page, ANSWERS, auto_regenerate=False)
    # The call HR scripts make: pypdf 6 stores each /V as a text string "(/3)".
    writer.update_page_form_field_values(
        None, {k: "/" + v for k, v in RATINGS.items()}, auto_regenerate=False)
    if radio_values is not None:
        radio_values(writer)
    with open(dst, "wb") as f:
        writer.write(f)


def fill_disagree(src, dst):
    from pypdf.generic import NameObject, TextStringObject

    def disagree(writer):
        values = {
            # Another button's name: the reader shows 3.
            "saet-retning.forventning1.leder": NameObject("/2"),
            # No /V at all: the reader shows 4.
            "saet-retning.forventning1.leders-leder": None,
            # A string without the slash.
            "saet-retning.forventning2.leder": TextStringObject("5"),
            # A name no button has.
            "saet-retning.forventning2.leders-leder": NameObject("/9"),
        }
        for name, group in fields(writer):
            if name in values and "/T" in group:
                if values[name] is None:
                    del group["/V"]
                else:
                    group[NameObject("/V")] = values[name]
                on = "/" + RATINGS[name]
                for kid in group["/Kids"]:
                    kid = kid.get_object()
                    states = kid["/AP"]["/N"].keys()
                    kid[NameObject("/AS")] = NameObject(on if on in states else "/Off")

    fill_pypdf(src, dst, disagree)


def fields(writer):
    def walk(refs, parent):
        for ref in refs:
            field = ref.get_object()
            name = f"{parent}.{field['/T']}" if parent and "/T" in field else field.get("/T", parent)
            yield name, field
            if "/Kids" in field:
                yield from walk(field["/Kids"], name)
    return walk(writer._root_object["/AcroForm"]["/Fields"], "")


def widget_positions(path):
    """Full field name -> [(page index, rect, on-state)] per widget, read with pypdf."""
    import pypdf

    out = {}
    for index, page in enumerate(pypdf.PdfReader(path).pages):
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
            n = annot.get("/AP", {}).get("/N")
            states = [k[1:] for k in n.keys() if k != "/Off"] \
                if isinstance(n, pypdf.generic.DictionaryObject) else []
            out.setdefault(".".join(reversed(parts)), []).append(
                (index, [float(v) for v in annot["/Rect"]], states[0] if states else None))
    return out


def fill_pdfium(src, dst):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    positions = widget_positions(src)
    doc = pdfium.PdfDocument(src)
    doc.init_forms()
    handle = doc.formenv.raw

    def click(page, rect):
        x, y = rect[0] + 4, rect[3] - 4
        pdfium_c.FORM_OnMouseMove(handle, page.raw, 0, x, y)
        pdfium_c.FORM_OnLButtonDown(handle, page.raw, 0, x, y)
        pdfium_c.FORM_OnLButtonUp(handle, page.raw, 0, x, y)

    # One page open at a time: PDFium saved appearances only for the fields of a page it
    # was left with (scripts/check-readers.py).
    for name, value in ANSWERS.items():
        (index, rect, _), = positions[name]
        page = doc[index]
        click(page, [rect[0] + 4, rect[1], rect[2], rect[3] - 2])
        for unit in value.encode("utf-16-le").hex(" ", 2).split():
            pdfium_c.FORM_OnChar(handle, page.raw, int.from_bytes(bytes.fromhex(unit), "little"), 0)
        pdfium_c.FORM_OnLButtonDown(handle, page.raw, 0, 3, 3)
        pdfium_c.FORM_OnLButtonUp(handle, page.raw, 0, 3, 3)
        pdfium_c.FORM_ForceToKillFocus(handle)
        page.close()
    for name, value in RATINGS.items():
        index, rect, _ = next(w for w in positions[name] if w[2] == value)
        page = doc[index]
        click(page, rect)
        pdfium_c.FORM_ForceToKillFocus(handle)
        page.close()
    doc.save(dst)


def fill_pdfjs(src, dst):
    result = subprocess.run(
        ["node", str(ROOT / "scripts" / "pdfjs-fill.mjs"), src, dst,
         json.dumps({**ANSWERS, **RATINGS})], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"pdf.js: {result.stderr.strip()}")


def fill_mupdf(src, dst):
    import pymupdf

    doc = pymupdf.open(src)
    for page in doc:
        for widget in page.widgets():
            name = widget.field_name
            if name in RATINGS:
                if widget.on_state() == RATINGS[name]:
                    widget.field_value = True
                    widget.update()
            elif name in ANSWERS:
                widget.field_value = ANSWERS[name]
                widget.update()
    doc.save(dst)


def sign(keys, leader, src, dst):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    data = open(src, "rb").read()
    for field, who in (("underskrift.leder.underskrift", leader),
                       ("underskrift.leders-leder.underskrift", "manager")):
        signer = signers.SimpleSigner.load(f"{keys}/{who}.key", f"{keys}/{who}.pem",
                                           ca_chain_files=(f"{keys}/ca.pem",))
        meta = signers.PdfSignatureMetadata(field_name=field, subfilter=SigSeedSubFilter.PADES)
        data = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False), meta,
                                signer, existing_fields_only=True,
                                bytes_reserved=6144).getvalue()
    with open(dst, "wb") as f:
        f.write(data)


FILLERS = {"pypdf": fill_pypdf, "pdfium": fill_pdfium, "pdfjs": fill_pdfjs, "mupdf": fill_mupdf,
           "disagree": fill_disagree}

if __name__ == "__main__":
    if sys.argv[1:2] == ["fill"] and len(sys.argv) == 5 and sys.argv[2] in FILLERS:
        FILLERS[sys.argv[2]](sys.argv[3], sys.argv[4])
    elif sys.argv[1:2] == ["sign"] and len(sys.argv) == 6:
        sign(*sys.argv[2:])
    else:
        raise SystemExit(__doc__)
