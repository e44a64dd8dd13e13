#!/usr/bin/env python3
"""Reads a fresh guide's XMP packet with Adobe's XMP Toolkit (through exempi), the parser
family PDF/A validators build on, and checks the data model it finds: the PDF/A
identification, the Info mirror, the guide's identity with its signers, and an extension
schema entry for every property and signer field. mus writes the compact RDF form
(simple values as attributes); this shows a real XMP implementation reads it as the
long form.

Needs: apt-get install -y libexempi8; pip install python-xmp-toolkit pikepdf.
    python3 scripts/check-xmp.py [path/to/mus]
Exits non-zero on the first failed check."""
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf
from libxmp import XMPMeta, consts

MUS = sys.argv[1] if len(sys.argv) > 1 else "target/release/mus"
PDFA = "http://www.aiim.org/pdfa/ns/"
EXT, SCHEMA, PROPERTY, TYPE, FIELD = (f"{PDFA}extension/", f"{PDFA}schema#", f"{PDFA}property#",
                                      f"{PDFA}type#", f"{PDFA}field#")
MUS_NS, SIGNER_NS = "urn:mus:guide:1.0/", "urn:mus:guide:1.0/signer/"
UA_NS = "http://www.aiim.org/pdfua/ns/id/"
for namespace, prefix in [(EXT, "pdfaExtension"), (SCHEMA, "pdfaSchema"), (PROPERTY, "pdfaProperty"),
                          (TYPE, "pdfaType"), (FIELD, "pdfaField"), (MUS_NS, "mus"),
                          (SIGNER_NS, "musSigner"), (UA_NS, "pdfuaid")]:
    XMPMeta.register_namespace(namespace, prefix)


def fail(message):
    print(f"check-xmp: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def expect(what, got, want):
    if got != want:
        fail(f"{what}: {got!r}, expected {want!r}")


with tempfile.TemporaryDirectory() as work:
    guide = Path(work) / "guide.pdf"
    subprocess.run([MUS, "guide", "--role", "leder-af-medarbejdere", "--focus", "saet-retning",
                    "--focus", "opdyrk-potentialer", "--name", "Łukasz Øster-Ågård", "--manager",
                    "Bodil Kjærgård", "--unit", "Dagtilbud Nord", "--date", "2027-01-15", "-o", str(guide)], check=True, capture_output=True)
    with pikepdf.open(guide) as pdf:
        packet = pdf.Root.Metadata.read_bytes().decode()
        producer = str(pdf.docinfo.Producer)

xmp = XMPMeta(xmp_str=packet)
expect("pdfaid:part", xmp.get_property("http://www.aiim.org/pdfa/ns/id/", "part"), "2")
expect("pdfaid:conformance", xmp.get_property("http://www.aiim.org/pdfa/ns/id/", "conformance"), "A")
expect("pdfuaid:part", xmp.get_property(UA_NS, "part"), "1")
expect("pdf:Producer", xmp.get_property(consts.XMP_NS_PDF, "Producer"), producer)
expect("dc:title", xmp.get_localized_text(consts.XMP_NS_DC, "title", None, "x-default"),
       "Samtaleguide til MUS – Łukasz Øster-Ågård – 15. januar 2027")
expect("mus:leader", xmp.get_property(MUS_NS, "leader"), "Łukasz Øster-Ågård")
expect("mus:signers", xmp.count_array_items(MUS_NS, "signers"), 2)
roles = [xmp.get_property(MUS_NS, f"signers[{i}]/musSigner:role") for i in (1, 2)]
expect("signer roles", roles, ["leader", "manager"])
expect("second signer", xmp.get_property(MUS_NS, "signers[2]/musSigner:name"), "Bodil Kjærgård")

# The guide's own schema, then PDF/UA's identification (tagged guides are PDF/UA-1).
expect("extension schemas", xmp.count_array_items(EXT, "schemas"), 2)
ua = "schemas[2]/pdfaSchema:"
expect("PDF/UA schema namespace", xmp.get_property(EXT, ua + "namespaceURI"), UA_NS)
expect("PDF/UA schema prefix", xmp.get_property(EXT, ua + "prefix"), "pdfuaid")
expect("pdfuaid:part declared", xmp.get_property(EXT, ua + "property[1]/pdfaProperty:name"), "part")
expect("pdfuaid:part value type", xmp.get_property(EXT, ua + "property[1]/pdfaProperty:valueType"),
       "Integer")
entry = "schemas[1]"
expect("schema namespace", xmp.get_property(EXT, f"{entry}/pdfaSchema:namespaceURI"), MUS_NS)
expect("schema prefix", xmp.get_property(EXT, f"{entry}/pdfaSchema:prefix"), "mus")
declared = {}
for i in range(1, xmp.count_array_items(EXT, f"{entry}/pdfaSchema:property") + 1):
    item = f"{entry}/pdfaSchema:property[{i}]/pdfaProperty:"
    name = xmp.get_property(EXT, item + "name")
    declared[name] = xmp.get_property(EXT, item + "valueType")
    if xmp.get_property(EXT, item + "category") not in ("internal", "external"):
        fail(f"mus:{name} has no category")
    if not xmp.get_property(EXT, item + "description"):
        fail(f"mus:{name} has no description")
for name in ["guideId", "leader", "manager", "unit", "level", "focus", "dialogueDate", "framework",
             "employeeId"]:
    # employeeId only when the roster has one; declared either way.
    if not xmp.does_property_exist(MUS_NS, name) and name != "employeeId":
        fail(f"mus:{name} is missing")
    expect(f"mus:{name} value type", declared.get(name), "Text")
expect("mus:signers value type", declared.get("signers"), "Seq Signer")
value_type = f"{entry}/pdfaSchema:valueType[1]/pdfaType:"
expect("value type", xmp.get_property(EXT, value_type + "type"), "Signer")
expect("value type namespace", xmp.get_property(EXT, value_type + "namespaceURI"), SIGNER_NS)
fields = {xmp.get_property(EXT, f"{value_type}field[{i}]/pdfaField:name")
          for i in range(1, xmp.count_array_items(EXT, value_type + "field") + 1)}
expect("Signer fields", fields, {"slot", "role", "label", "name"})
print(f"ok: Adobe's XMP Toolkit (exempi) reads the guide's packet ({len(packet.encode())} bytes): "
      f"PDF/A-2A and PDF/UA-1, the identity with {len(roles)} signers, {len(declared)} properties and "
      f"{len(fields)} signer fields described")
