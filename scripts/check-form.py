"""Checks a generated guide with real PDF clients: pikepdf for the PDF/A-2b structure,
pypdf for filling the form with Danish text and reading it back, pyHanko for listing,
signing both signature fields in turn and validating both signatures.

Run by .ci/run after `pip install pyhanko pyhanko-cli pikepdf pypdf` (and openssl):
    python3 scripts/check-form.py target/release/mus
Exits non-zero on the first failed check."""
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf
import pypdf

MUS = sys.argv[1] if len(sys.argv) > 1 else "target/release/mus"
work = Path(tempfile.mkdtemp())


def fail(message):
    print(f"check-form: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def run(*args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        fail(f"{' '.join(map(str, args))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


guide = work / "guide.pdf"
run(MUS, "guide", "--role", "leder-af-medarbejdere", "--focus", "saet-retning", "--focus", "opdyrk-potentialer",
    "--name", "Łukasz Øster-Ågård", "--manager", "Bodil Kjærgård", "--unit", "Dagtilbud Nord",
    "--date", "2027-01-15", "-o", str(guide))

# --- PDF/A-2a structure (pikepdf) -------------------------------------------------------
with pikepdf.open(guide) as pdf:
    meta = pdf.open_metadata()
    if meta.get("pdfaid:part") != "2" or meta.get("pdfaid:conformance") != "A":
        fail(f"XMP identification: part={meta.get('pdfaid:part')} conformance={meta.get('pdfaid:conformance')}")
    info = pdf.docinfo
    if str(info.Title) != meta.get("dc:title"):
        fail("Info /Title and dc:title differ")
    if str(info.Producer) != meta.get("pdf:Producer") or str(info.Creator) != meta.get("xmp:CreatorTool"):
        fail("Info /Producer or /Creator differ from the XMP")
    if meta.get("xmp:CreateDate") != "2027-01-15T00:00:00Z" or str(info.CreationDate) != "D:20270115000000Z":
        fail("creation dates differ")
    # PDF/A-2 allows a deflated metadata stream (PDF/A-1 did not); nothing else.
    if pdf.Root.Metadata.get("/Filter", "/FlateDecode") != "/FlateDecode":
        fail(f"the metadata stream has filter {pdf.Root.Metadata.Filter}")
    if pdf.trailer.get("/Root") is None or "/XRefStm" in pdf.trailer:
        fail("trailer")
    intent = pdf.Root.OutputIntents[0]
    if intent.S != "/GTS_PDFA1" or int(intent.DestOutputProfile.N) != 3:
        fail("no sRGB /GTS_PDFA1 output intent")
    if "/Encrypt" in pdf.trailer or "/ID" not in pdf.trailer:
        fail("encrypted, or no /ID")
    for forbidden in ("/JavaScript", "/OpenAction", "/AA"):
        if forbidden in pdf.Root or ("/Names" in pdf.Root and forbidden in pdf.Root.Names):
            fail(f"forbidden entry {forbidden}")
    if pdf.Root.AcroForm.get("/NeedAppearances", False):
        fail("NeedAppearances is set")
    fonts = 0
    widgets = 0
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                fail(f"font {font.BaseFont} is not embedded")
            fonts += 1
        for annot in page.get("/Annots", []):
            widgets += 1
            if annot.Subtype != "/Widget" or not (int(annot.F) & 4) or int(annot.F) & (1 | 2 | 32):
                fail(f"widget {annot.get('/T')} is not a printed widget")
            if "/AP" not in annot or list(annot.AP.keys()) != ["/N"]:
                fail(f"widget {annot.get('/T')} lacks a normal appearance (or has more than /N)")
    print(f"ok: PDF/A-2a structure (XMP, sRGB intent, {fonts} font uses embedded, {widgets} widgets with appearances)")

# --- Every custom XMP property is described (PDF/A-2, 6.6.2.3) ---------------------------
# As veraPDF checks it: a property outside the predefined schemas must be declared in the
# extension schema of its namespace, and a structured value's fields in the value type of
# theirs — here `mus:signers`, a Seq of `Signer` in urn:mus:guide:1.0/signer/.
import xml.etree.ElementTree as ET

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFA = "http://www.aiim.org/pdfa/ns/"
PREDEFINED = {RDF, "adobe:ns:meta/", "http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/pdf/1.3/",
              "http://ns.adobe.com/xap/1.0/"}


def split(tag):
    namespace, _, name = tag[1:].partition("}")
    return namespace, name


with pikepdf.open(guide) as pdf:
    packet = ET.fromstring(pdf.Root.Metadata.read_bytes())
def values(node, namespace, name):
    """A property's values under node, written as elements or as attributes (XMP allows
    both for simple values)."""
    tag = f"{{{namespace}}}{name}"
    for element in node.iter():
        if element.tag == tag and element.text:
            yield element.text
        if tag in element.attrib:
            yield element.attrib[tag]


def first(node, namespace, name):
    return next(values(node, namespace, name), None)


properties, fields, types = {}, {}, set()
for schema in packet.iter(f"{{{PDFA}extension/}}schemas"):
    for entry in schema.find(f"{{{RDF}}}Bag"):
        namespace = first(entry, f"{PDFA}schema#", "namespaceURI")
        properties.setdefault(namespace, set()).update(values(entry, f"{PDFA}property#", "name"))
        for vt in entry.iterfind(f"{{{PDFA}schema#}}valueType/{{{RDF}}}Seq/{{{RDF}}}li"):
            types.add(first(vt, f"{PDFA}type#", "type"))
            fields[first(vt, f"{PDFA}type#", "namespaceURI")] = set(values(vt, f"{PDFA}field#", "name"))
    for value_type in values(schema, f"{PDFA}property#", "valueType"):
        base = value_type.split()[-1]
        if base not in {"Text", "Integer", "Date", "Boolean", "URI"} and base not in types:
            fail(f"XMP property value type {value_type!r} is not declared")
used = 0
for description in packet.iter(f"{{{RDF}}}Description"):
    for element in description.iter():
        for tag in [element.tag, *element.attrib]:
            namespace, name = split(tag) if tag.startswith("{") else (RDF, tag)
            if namespace in PREDEFINED or namespace.startswith(PDFA) or namespace.startswith(
                    "http://www.w3.org/XML/1998/namespace"):
                continue
            used += 1
            if name not in properties.get(namespace, set()) | fields.get(namespace, set()):
                fail(f"XMP property {{{namespace}}}{name} is not described by the extension schema")
signers = packet.findall(f".//{{urn:mus:guide:1.0/}}signers/{{{RDF}}}Seq/{{{RDF}}}li")
if [first(li, "urn:mus:guide:1.0/signer/", "role") for li in signers] != ["leader", "manager"]:
    fail("mus:signers does not list the leader and the manager")
print(f"ok: every custom XMP property ({used} uses) is described by the PDF/A extension schema; "
      f"mus:signers lists {len(signers)} signers")

# --- Fill the form with Danish text and read it back (pypdf) ----------------------------
reader = pypdf.PdfReader(guide)
fields = reader.get_fields()
needed = ["saet-retning.forventning1.refleksion", "saet-retning.forventning1.leder", "plan.1.maal",
          "underskrift.leder.underskrift", "underskrift.leders-leder.underskrift", "samtale.samtalens-dato",
          "opfoelgning.spm1", "opdyrk-potentialer.spm1"]
for name in needed:
    if name not in fields:
        fail(f"no field {name}; fields: {sorted(fields)[:10]}…")
writer = pypdf.PdfWriter(clone_from=reader)
answers = {
    "saet-retning.forventning1.refleksion": "Vi har sat retning på personalemøderne – æøå ÆØÅ.",
    "plan.1.maal": "Styrke følgeskab i Ågårdens team",
    "opfoelgning.spm1": "Målene fra sidste år er nået.",
}
for page in writer.pages:
    writer.update_page_form_field_values(page, answers, auto_regenerate=False)
writer.update_page_form_field_values(None, {"saet-retning.forventning1.leder": "/4"}, auto_regenerate=False)
filled = work / "filled.pdf"
with open(filled, "wb") as f:
    writer.write(f)
back = pypdf.PdfReader(filled).get_fields()
for name, value in answers.items():
    if back[name].get("/V") != value:
        fail(f"{name}: read back {back[name].get('/V')!r}, wrote {value!r}")
if back["saet-retning.forventning1.leder"].get("/V") != "/4":
    fail(f"scale: read back {back['saet-retning.forventning1.leder'].get('/V')!r}")
# Each field keeps its own appearance: filling one must not show in another.
with pikepdf.open(filled) as pdf:
    answers_on_page = [a for a in pdf.pages[3].get("/Annots", [])
                       if str(a.get("/T", "")) in ("refleksion", "lederens-blik")]
    showing = [a for a in answers_on_page if b"Tj" in a.AP.N.read_bytes()]
    if len(answers_on_page) < 4 or len(showing) != 1:
        fail(f"the filled answer shows in {len(showing)} fields (a shared appearance stream?)")
run("pdftoppm", "-r", "50", "-png", "-f", "4", "-l", "4", str(filled), str(work / "filled"))
print("ok: filled with Danish text by pypdf and read back; page rendered with pdftoppm")

# --- Sign both fields in turn and validate (pyHanko) ------------------------------------
listed = run("pyhanko", "sign", "list", str(guide)).split()
if listed != ["underskrift.leder.underskrift:EMPTY", "underskrift.leders-leder.underskrift:EMPTY"]:
    fail(f"pyhanko sign list: {listed}")
print("ok: pyHanko lists the two empty signature fields")
for who in ("leder", "chef"):
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", f"/CN=Test {who}",
        "-keyout", str(work / f"{who}.key"), "-out", str(work / f"{who}.crt"))
once = work / "signed-1.pdf"
twice = work / "signed-2.pdf"
run("pyhanko", "sign", "addsig", "--field", "underskrift.leder.underskrift", "pemder", "--key", str(work / "leder.key"),
    "--cert", str(work / "leder.crt"), "--no-pass", str(filled), str(once))
run("pyhanko", "sign", "addsig", "--field", "underskrift.leders-leder.underskrift", "pemder", "--key",
    str(work / "chef.key"), "--cert", str(work / "chef.crt"), "--no-pass", str(once), str(twice))
listed = run("pyhanko", "sign", "list", str(twice)).split()
if listed != ["underskrift.leder.underskrift:FILLED", "underskrift.leders-leder.underskrift:FILLED"]:
    fail(f"after signing: {listed}")
report = run("pyhanko", "sign", "validate", "--pretty-print", "--trust", str(work / "leder.crt"), "--trust",
             str(work / "chef.crt"), str(twice))
if report.count("The signature is judged VALID.") != 2 or "INVALID" in report:
    fail(f"pyhanko validate:\n{report}")
if "All modifications relate to signing and form filling operations" not in report:
    fail(f"the first signature does not survive the second:\n{report}")
if "The signature covers the entire file." not in report:
    fail(f"the second signature does not cover the file:\n{report}")
print("ok: pyHanko signed both fields in turn and judges both signatures VALID")
print(f"check-form: all checks passed ({work})")
