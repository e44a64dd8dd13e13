#!/usr/bin/env python3
"""Checks that the guides mus makes are usable with a screen reader (issue 12), with the
outside checkers a reader's software would use, on four guides: the README's example,
`--role direktion` (all principles), the custom framework in examples/, and `--no-form`.

For each guide:
  pdfua          `pdfua check -f json` (PyPI; pikepdf-based, 16 of the 106 machine
                 checks of PDF/UA-1): no finding of severity error (warnings are shown);
  poppler        `pdfinfo -struct-text`: the title (H1), every section heading (H2, the
                 outline's titles) and the first paragraph, as tagged elements in reading
                 order;
  pdf.js         scripts/pdfjs-tagged.mjs: the document says it is tagged (MarkInfo), every
                 page has a structure tree, and every widget has a tooltip
                 (alternativeText, Firefox's accessible name for the field);
  PDFium         (pypdfium2; Chrome, Edge) every widget's field has a tooltip
                 (FPDFAnnot_GetFormFieldAlternateName);
and for each guide with a form:
  pyHanko        signs both signature fields in turn (certificates named after the two
                 people, from a throwaway CA) and validates: both VALID;
  mus archive    `mus archive add` files the signed guide.

Prints one line per check; exits 1 if any fails. Installs nothing: .ci/run installs
pdfua, pyhanko, pyhanko-cli, pikepdf, pypdfium2 (pip), poppler-utils and openssl (apt) and pdfjs-dist
(npm, into scripts/.pdfjs; or set PDFJS_DIR). MUS=path/to/mus (default target/release/mus);
--keep DIR keeps the guides and signed files.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import ctypes

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

ROOT = Path(__file__).resolve().parent.parent
MUS = os.environ.get("MUS", str(ROOT / "target" / "release" / "mus"))
LEADER = "Łukasz Øster-Ågård"
MANAGER = "Bodil Kjærgård"
PEOPLE = ["--name", LEADER, "--manager", MANAGER, "--unit", "Dagtilbud Nord", "--date", "2027-01-15"]
EXAMPLE = ["--role", "leder-af-medarbejdere", "--focus", "saet-retning", "--focus", "opdyrk-potentialer"]
GUIDES = {
    "example": EXAMPLE,
    "direktion": ["--role", "direktion"],
    "custom framework": ["--framework", str(ROOT / "examples" / "framework-egeskov.json"),
                         "--role", "direktoer"],
    "--no-form": EXAMPLE + ["--no-form"],
}
TITLE = "Samtaleguide til MUS med Mening"
FIRST_PARAGRAPH = "MUS med Mening er en fremadrettet samtale"
SIGNATURE_FIELDS = ["underskrift.leder.underskrift", "underskrift.leders-leder.underskrift"]

results = []


def check(guide, what, ok, detail=""):
    results.append((guide, what, ok, detail))
    mark = "ok  " if ok else "FAIL"
    print(f"{mark} {guide:17} {what:34} {detail}", flush=True)


def run(*args, **kwargs):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)


def outline_titles(path):
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        return [item.title for item in outline.root]


def check_pdfua(guide, path):
    result = run("pdfua", "check", "-f", "json", path)
    if result.returncode not in (0, 1, 2, 3):
        check(guide, "pdfua", False, f"exit {result.returncode}: {result.stderr.strip()[:300]}")
        return
    report = json.loads(result.stdout)
    findings = report.get("findings", [])
    errors = [f for f in findings if f["severity"] == "error"]
    warnings = [f for f in findings if f["severity"] != "error"]
    detail = "; ".join(f"{f['rule_id']} {f['message']}" for f in errors) or (
        f"no errors ({report['summary']['rules_run']} checks)"
        + (f"; warnings: {', '.join(f['rule_id'] for f in warnings)}" if warnings else ""))
    check(guide, "pdfua: no errors", not errors, detail)


def struct_elements(path):
    """pdfinfo -struct-text as a list of (role, all text inside the element), in order."""
    result = run("pdfinfo", "-struct-text", path)
    elements = []  # [role, depth, texts]
    for line in result.stdout.splitlines():
        stripped = line.strip()
        depth = len(line) - len(line.lstrip())
        if stripped.startswith('"'):
            # The text belongs to every open element above it (a P's text may sit in a Span).
            for element in elements:
                if element[3]:
                    element[2].append(stripped.strip('"'))
        elif re.match(r"^[A-Za-z][A-Za-z0-9]*\b", stripped):
            for element in elements:
                if element[1] >= depth:
                    element[3] = False
            # An element may carry its title inline: H2 "Udviklingsplan" (block).
            inline = re.findall(r'"([^"]*)"', stripped)
            elements.append([stripped.split()[0].rstrip(":"), depth, list(inline), True])
    return [(role, " ".join(texts)) for role, _, texts, _ in elements]


def check_reading_order(guide, path):
    elements = struct_elements(path)
    if not elements:
        check(guide, "pdfinfo -struct-text", False, "no structure tree printed")
        return
    wanted = [("H1", TITLE)] + [("H2", t) for t in outline_titles(path)]
    # The first paragraph comes after "Om samtalen", before the second section.
    wanted.insert(2, ("P", FIRST_PARAGRAPH))
    at, missing = 0, None
    for role, text in wanted:
        found = next((i for i in range(at, len(elements))
                      if elements[i][0] == role and text in elements[i][1]), None)
        if found is None:
            missing = f"{role} '{text}' not found after element {at}"
            break
        at = found + 1
    roles = sorted({r for r, _ in elements})
    check(guide, "pdfinfo -struct-text: reading order", missing is None,
          missing or f"{len(wanted)} headings and paragraphs in order; roles {' '.join(roles)}")


def check_pdfjs(guide, path, form):
    result = run("node", ROOT / "scripts" / "pdfjs-tagged.mjs", path)
    if result.returncode != 0:
        check(guide, "pdf.js", False, result.stderr.strip()[-300:])
        return
    seen = json.loads(result.stdout)
    untagged = [p["page"] for p in seen["pages"] if not p["tree"] or not p["content"]]
    check(guide, "pdf.js: tagged", seen["marked"] and not untagged,
          f"MarkInfo /Marked {seen['marked']}; pages without a structure tree: {untagged or 'none'}")
    with pikepdf.open(path) as pdf:
        widgets = sum(1 for page in pdf.pages for a in page.get("/Annots", [])
                      if a.get("/Subtype") == "/Widget")
    unnamed = [w["name"] for w in seen["widgets"] if not w["alternativeText"].strip()]
    ok = not unnamed and len(seen["widgets"]) == widgets and (widgets > 0) == form
    check(guide, "pdf.js: a tooltip on every field", ok,
          f"{len(seen['widgets'])} of {widgets} widgets seen; without a tooltip: {unnamed[:5] or 'none'}")


def check_pdfium(guide, path):
    pdf = pdfium.PdfDocument(str(path))
    pdf.init_forms()
    widgets, unnamed = 0, []
    for index in range(len(pdf)):
        page = pdf[index]
        for i in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
            annot = pdfium_c.FPDFPage_GetAnnot(page, i)
            if pdfium_c.FPDFAnnot_GetSubtype(annot) == pdfium_c.FPDF_ANNOT_WIDGET:
                widgets += 1
                size = pdfium_c.FPDFAnnot_GetFormFieldAlternateName(pdf.formenv.raw, annot, None, 0)
                buffer = (ctypes.c_ushort * max(size // 2, 1))()
                pdfium_c.FPDFAnnot_GetFormFieldAlternateName(pdf.formenv.raw, annot, buffer, size)
                if not bytes(buffer)[:-2].decode("utf-16-le").strip():
                    unnamed.append(f"p{index + 1}#{i}")
            pdfium_c.FPDFPage_CloseAnnot(annot)
        page.close()
    pdf.close()
    check(guide, "PDFium: a tooltip on every field", not unnamed,
          f"{widgets} widgets; without a tooltip: {unnamed[:5] or 'none'}")


def make_pki(work):
    def openssl(*args):
        result = run("openssl", *args)
        if result.returncode != 0:
            sys.exit(f"check-tagged: openssl {args[0]}: {result.stderr}")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-utf8",
            "-subj", "/CN=check-tagged test CA", "-keyout", work / "ca.key", "-out", work / "ca.pem",
            "-addext", "basicConstraints=critical,CA:true",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    ext = work / "leaf.ext"
    ext.write_text("basicConstraints = critical, CA:false\n"
                   "keyUsage = critical, digitalSignature, nonRepudiation\n")
    for who, name in (("leder", LEADER), ("chef", MANAGER)):
        openssl("req", "-new", "-nodes", "-utf8", "-subj", f"/CN={name}", "-newkey", "rsa:2048",
                "-keyout", work / f"{who}.key", "-out", work / f"{who}.csr")
        openssl("x509", "-req", "-in", work / f"{who}.csr", "-CA", work / "ca.pem", "-CAkey",
                work / "ca.key", "-CAcreateserial", "-days", "30", "-sha256", "-extfile", ext,
                "-out", work / f"{who}.pem")


def check_signing(guide, path, work):
    once, twice = path.with_suffix(".signed-1.pdf"), path.with_suffix(".signed-2.pdf")
    for field, who, src, dst in ((SIGNATURE_FIELDS[0], "leder", path, once),
                                 (SIGNATURE_FIELDS[1], "chef", once, twice)):
        result = run("pyhanko", "sign", "addsig", "--field", field, "pemder", "--key", work / f"{who}.key",
                     "--cert", work / f"{who}.pem", "--chain", work / "ca.pem", "--no-pass", src, dst)
        if result.returncode != 0:
            check(guide, "pyHanko: sign both fields", False, f"{field}: {result.stderr.strip()[-300:]}")
            return
    report = run("pyhanko", "sign", "validate", "--pretty-print", "--trust-replace", "--trust",
                 work / "ca.pem", twice).stdout
    valid = report.count("The signature is judged VALID.")
    check(guide, "pyHanko: sign both fields, validate", valid == 2 and "INVALID" not in report,
          f"{valid} of 2 signatures VALID")
    with tempfile.TemporaryDirectory() as archive:
        result = run(MUS, "archive", "add", "--archive", archive, twice)
        check(guide, "mus archive add (signed)", result.returncode == 0,
              (result.stdout + result.stderr).strip().splitlines()[-1] if (result.stdout + result.stderr).strip() else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the guides and signed files here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        make_pki(work)
        for guide, options in GUIDES.items():
            path = work / (re.sub(r"[^a-z]+", "-", guide).strip("-") + ".pdf")
            made = run(MUS, "guide", *options, *PEOPLE, "-o", path)
            if made.returncode != 0:
                check(guide, "mus guide", False, made.stderr.strip())
                continue
            form = "--no-form" not in options
            check_pdfua(guide, path)
            check_reading_order(guide, path)
            check_pdfjs(guide, path, form)
            check_pdfium(guide, path)
            if form:
                check_signing(guide, path, work)
    failed = [r for r in results if not r[2]]
    print(f"check-tagged: {len(results) - len(failed)} of {len(results)} checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
