"""Helpers for scripts/make-signed-fixtures.sh.

    python3 scripts/signed-fixtures.py tamper IN OUT   flip one byte of page 1's content
    python3 scripts/signed-fixtures.py edit IN OUT     add an annotation in an incremental update
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
            contents = contents[0]
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


def empty(dst):
    """A one-page PDF with no form at all."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.save(dst)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"tamper": tamper, "edit": edit, "empty": empty}[command](*args)
