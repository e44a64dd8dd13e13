"""Helpers for scripts/make-signed-fixtures.sh.

    python3 scripts/signed-fixtures.py tamper IN OUT   flip one byte of page 1's content
    python3 scripts/signed-fixtures.py edit IN OUT     add an annotation in an incremental update
    python3 scripts/signed-fixtures.py relabel IN OUT  another leader and unit in the XMP, in an incremental update
    python3 scripts/signed-fixtures.py fill IN OUT     a development-plan answer filled in, in an incremental update
    python3 scripts/signed-fixtures.py empty OUT       a small valid PDF that is not a guide
"""
import re
import sys

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader


def first_page_content(path):
    """The object number of page 1's (first) content stream."""
    with open(path, "rb") as f:
        page = PdfFileReader(f).root["/Pages"]["/Kids"][0]
        while "/Kids" in page:
            page = page["/Kids"][0]
        contents = page.raw_get("/Contents")
        if isinstance(contents, generic.ArrayObject):
            contents = contents.raw_get(0)
        return contents.idnum


def tamper(src, dst):
    """Flips the lowest bit of a byte in the middle of page 1's compressed content stream.

    The byte lies inside the stream data, so the file's objects, offsets and xref tables
    stay intact and the PDF still parses; only the page content (and so the first
    revision's digest) changes. The page may render garbled: the deflate data is broken."""
    data = bytearray(open(src, "rb").read())
    number = first_page_content(src)
    header = re.search(rb"(?<![0-9])%d 0 obj" % number, data)
    start = re.compile(rb"stream\r?\n").search(data, header.end()).end()
    end = data.index(b"endstream", start)
    at = start + (end - start) // 2
    data[at] ^= 0x01
    open(dst, "wb").write(data)
    print(f"tamper: flipped byte {at} (page 1 content, object {number})")


def edit(src, dst):
    """Adds a square annotation to page 1 in an incremental update: a change no
    signature policy allows."""
    with open(src, "rb") as f:
        w = IncrementalPdfFileWriter(f)
        page_ref = w.root["/Pages"]["/Kids"].raw_get(0)
        page = page_ref.get_object()
        while "/Kids" in page:
            page_ref = page["/Kids"].raw_get(0)
            page = page_ref.get_object()
        annot = generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Square"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (100, 100, 200, 150)]),
            generic.NameObject("/F"): generic.NumberObject(4),
            generic.NameObject("/Contents"): generic.TextStringObject("Tilføjet efter underskrift"),
        })
        ref = w.add_object(annot)
        annots = page.get("/Annots")
        if isinstance(page.raw_get("/Annots"), generic.IndirectObject):
            annots.append(ref)
            w.mark_update(page.raw_get("/Annots"))
        else:
            page["/Annots"].append(ref)
            w.mark_update(page_ref)
        with open(dst, "wb") as out:
            w.write(out)
    print("edit: added a /Square annotation to page 1")


def relabel(src, dst):
    """Replaces the XMP metadata stream in a hand-written incremental update, naming
    another leader and unit (the properties mus recognises a guide by).

    Written by hand because pyHanko's incremental writer rewrites the XMP itself when it
    saves. The update has a classic xref section whose /Prev is the last one."""
    data = open(src, "rb").read()
    with open(src, "rb") as f:
        r = PdfFileReader(f)
        ref = r.root.raw_get("/Metadata")
        xmp = ref.get_object().data.decode("utf-8")
        root = r.trailer.raw_get("/Root")
        info = r.trailer.raw_get("/Info")
        size = int(r.trailer["/Size"])
    changed = xmp.replace("Łukasz Øster-Ågård", "Mallory Madsen").replace("Dagtilbud Nord", "Skole Syd")
    assert changed != xmp, "the XMP does not name the fixture's leader and unit"
    body = changed.encode("utf-8")
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    at = len(out)
    out += b"%d %d obj\n<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % (
        ref.idnum, ref.generation, len(body))
    out += body + b"\nendstream\nendobj\n"
    xref = len(out)
    out += b"xref\n%d 1\n%010d %05d n \n" % (ref.idnum, at, ref.generation)
    out += b"trailer\n<< /Size %d /Root %d %d R /Info %d %d R /Prev %d >>\n" % (
        size, root.idnum, root.generation, info.idnum, info.generation, prev)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    open(dst, "wb").write(out)
    print("relabel: the XMP now names Mallory Madsen, Skole Syd")


def fill(src, dst):
    """Fills in the development plan's first goal (plan.1.maal) in an incremental update:
    form filling after the last signature, which no signature covers."""
    with open(src, "rb") as f:
        w = IncrementalPdfFileWriter(f)
        plan = next(x.get_object() for x in w.root["/AcroForm"]["/Fields"] if x.get_object()["/T"] == "plan")
        first = next(k.get_object() for k in plan["/Kids"] if k.get_object()["/T"] == "1")
        goal_ref = next(k for k in first["/Kids"] if k.get_object()["/T"] == "maal")
        goal_ref = goal_ref.reference if hasattr(goal_ref, "reference") else goal_ref
        goal = goal_ref.get_object()
        goal[generic.NameObject("/V")] = generic.TextStringObject("Lederen fratræder")
        w.mark_update(goal_ref)
        with open(dst, "wb") as out:
            w.write(out)
    print("fill: plan.1.maal filled in after both signatures")


def empty(dst):
    """A one-page PDF with no form at all."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.save(dst)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"tamper": tamper, "edit": edit, "relabel": relabel, "fill": fill, "empty": empty}[command](*args)
