#!/usr/bin/env python3
"""Makes the PAdES B-T, B-LT and B-LTA fixtures that the signature tests read.

    python3 scripts/make-ltv-fixtures.py [OUT_DIR]      (default: tests/fixtures/ltv)

A test PKI (root, intermediate, a time-stamping authority, a delegated OCSP responder
and CRLs for both CAs) is described by a certomancer configuration this script writes
next to freshly generated keys in a temp dir; certomancer's Animator serves its TSA, OCSP
and CRLs on 127.0.0.1 while pyHanko signs a guide's two fields as a signing service
would. Only the root and TSA certificates are kept: private keys die with the temp dir.

MUS=path/to/mus uses that binary instead of target/release/mus (built when missing).
Needs openssl, pyHanko and certomancer[web-api] (`pip install "certomancer[web-api]"
pyhanko pyhanko-cli`). Regenerating changes every byte; the tests assert what the files
say, not their bytes.
"""

import datetime
import io
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from asn1crypto import ocsp as asn1_ocsp
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, KeyLabel, ServiceLabel
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
ARCH = ArchLabel("mus-test")
LEADER_FIELD = "underskrift.leder.underskrift"
MANAGER_FIELD = "underskrift.leders-leder.underskrift"

# The PKI. The manager's second certificate (same key, same name) is revoked on
# 2026-01-01, before anything here is signed.
CONFIG = """
external-url-prefix: "{prefix}"
keysets:
  mus:
    path-prefix: keys
    keys:
      root: {{path: root.key.pem}}
      interm: {{path: interm.key.pem}}
      interm2: {{path: interm2.key.pem}}
      tsa: {{path: tsa.key.pem}}
      ocsp: {{path: ocsp.key.pem}}
      leader: {{path: leader.key.pem}}
      manager: {{path: manager.key.pem}}
pki-architectures:
  mus-test:
    keyset: mus
    entity-defaults:
      country-name: DK
      organization-name: MUS Test Kommune
    entities:
      root: {{common-name: MUS LTV Test Root CA}}
      interm: {{common-name: MUS LTV Test Intermediate CA}}
      interm2: {{common-name: MUS LTV Test Revoked Intermediate CA}}
      tsa: {{common-name: MUS LTV Test TSA}}
      ocsp: {{common-name: MUS LTV Test OCSP Responder}}
      leader: {{common-name: "Łukasz Øster-Ågård"}}
      manager: {{common-name: "Bodil Kjærgård"}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2060-01-01T00:00:00+0000"}}
        extensions:
          - {{id: basic_constraints, critical: true, value: {{ca: true}}}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
      interm:
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2050-01-01T00:00:00+0000"}}
        extensions:
          - {{id: basic_constraints, critical: true, value: {{ca: true, path-len-constraint: 0}}}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      interm2:
        template: interm
        subject: interm2
        subject-key: interm2
        revocation:
          revoked-since: "2026-01-01T00:00:00+0000"
          reason: key_compromise
      tsa:
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2050-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - {{id: extended_key_usage, critical: true, value: [time_stamping]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      ocsp:
        issuer: interm
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2050-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - {{id: extended_key_usage, critical: true, value: [ocsp_signing]}}
          - id: ocsp_no_check
      leader:
        issuer: interm
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2045-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [interm]}}}}
          - id: authority_information_access
            smart-value: {{schema: aia-urls, params: {{ocsp-responder-names: [interm]}}}}
      manager:
        template: leader
        subject: manager
        subject-key: manager
      leader-under-revoked-ca:
        subject: leader
        subject-key: leader
        issuer: interm2
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2045-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [interm2]}}}}
      manager-revoked:
        template: leader
        subject: manager
        subject-key: manager
        revocation:
          revoked-since: "2026-01-01T00:00:00+0000"
          reason: key_compromise
    services:
      ocsp:
        interm: {{for-issuer: interm, responder-cert: ocsp, signing-key: ocsp}}
      crl-repo:
        root: {{for-issuer: root, signing-key: root, simulated-update-schedule: "P90D"}}
        interm: {{for-issuer: interm, signing-key: interm, simulated-update-schedule: "P30D"}}
        interm2: {{for-issuer: interm2, signing-key: interm2, simulated-update-schedule: "P30D"}}
      time-stamping:
        tsa: {{signing-key: tsa, signing-cert: tsa}}
"""


def now_whole_seconds() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


class WholeSecondAnimator(Animator):
    """certomancer stamps OCSP producedAt/thisUpdate and TSA genTime with microseconds;
    DER (X.690 11.7) and RFC 5280/6960 forbid fractional seconds there, strict parsers
    (RustCrypto `der`, Python `cryptography`) refuse them, and real services send whole
    seconds. So the clock is rounded down to the second."""

    def at_time(self, request):
        return super().at_time(request).replace(microsecond=0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_keys(keys: Path) -> None:
    keys.mkdir()
    for name in ["root", "interm", "interm2", "tsa", "ocsp", "leader"]:
        subprocess.run(
            ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
             "-out", str(keys / f"{name}.key.pem")],
            check=True, capture_output=True)
    # The manager signs with ECDSA P-256, so both key types meet a timestamp.
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-out", str(keys / "manager.key.pem")],
        check=True, capture_output=True)


def make_guide(work: Path) -> Path:
    mus = os.environ.get("MUS")
    if not mus:
        mus = str(ROOT / "target/release/mus")
        if not os.path.exists(mus):
            subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    out = work / "unsigned.pdf"
    subprocess.run(
        [mus, "guide", "--role", "leder-af-medarbejdere", "--focus", "saet-retning",
         "--name", "Łukasz Øster-Ågård", "--manager", "Bodil Kjærgård",
         "--unit", "Dagtilbud Nord", "--date", "2027-01-15", "-o", str(out)],
        check=True, capture_output=True)
    return out


class Pki:
    def __init__(self, arch, prefix: str):
        self.arch = arch
        self.prefix = prefix
        self.root = arch.get_cert(CertLabel("root"))
        self.interm = arch.get_cert(CertLabel("interm"))
        self.interm2 = arch.get_cert(CertLabel("interm2"))

    def signer(self, cert: str, key: str) -> signers.SimpleSigner:
        signing_cert = self.arch.get_cert(CertLabel(cert))
        issuer = self.interm2 if signing_cert.issuer == self.interm2.subject else self.interm
        return signers.SimpleSigner(
            signing_cert=signing_cert,
            signing_key=self.arch.key_set.get_private_key(KeyLabel(key)),
            cert_registry=SimpleCertificateStore.from_certs([issuer, self.root]),
        )

    def timestamper(self) -> HTTPTimeStamper:
        return HTTPTimeStamper(f"{self.prefix}/{ARCH}/tsa/tsa")

    def validation_context(self) -> ValidationContext:
        return ValidationContext(trust_roots=[self.root], allow_fetching=True,
                                 revocation_mode="hard-fail")

    def ocsp_response(self, cert_label: str) -> asn1_ocsp.OCSPResponse:
        """The responder's answer about one certificate, asked for now."""
        cert = self.arch.get_cert(CertLabel(cert_label))
        responder = self.arch.service_registry.summon_responder(
            ServiceLabel("interm"), now_whole_seconds())
        cid = asn1_ocsp.CertId({
            "hash_algorithm": {"algorithm": "sha1"},
            "issuer_name_hash": self.interm.subject.sha1,
            "issuer_key_hash": self.interm.public_key.sha1,
            "serial_number": cert.serial_number,
        })
        single = responder.format_single_ocsp_response(cid, self.interm)
        return responder.assemble_simple_ocsp_responses([single])

    def crl(self, label: str):
        return self.arch.service_registry.get_crl(ServiceLabel(label), now_whole_seconds())


def sign(pki: Pki, pdf: bytes, field: str, cert: str, key: str, *, lt=False, lta=False,
         subfilter=SigSeedSubFilter.PADES) -> bytes:
    """Signs `field` with a signature timestamp; `lt` adds revocation data (PAdES: to the
    DSS; adbe.pkcs7.detached: into the signed attribute adbe-revocationInfoArchival)."""
    meta = PdfSignatureMetadata(
        field_name=field,
        subfilter=subfilter,
        embed_validation_info=lt,
        use_pades_lta=lta,
        validation_context=pki.validation_context() if lt else None,
    )
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta,
                     signer=pki.signer(cert, key), timestamper=pki.timestamper(), output=out)
    return out.getvalue()


def add_revocation_to_dss(pki: Pki, pdf: bytes, ocsp_for: list, crls_of: list) -> bytes:
    """B-LT by hand for a revoked signer or CA (pyHanko refuses to collect validation
    info for one): the chain, OCSP responses about the certificates `ocsp_for` and the
    CRLs of the CAs `crls_of`, in the DSS and each signature's VRI."""
    reader = PdfFileReader(io.BytesIO(pdf))
    out = io.BytesIO(pdf)
    ocsps = [pki.ocsp_response(label) for label in ocsp_for]
    crls = [pki.crl(label) for label in crls_of]
    certs = [pki.root, pki.interm, pki.interm2, pki.arch.get_cert(CertLabel("ocsp"))]
    for sig in reader.embedded_signatures:
        DocumentSecurityStore.add_dss(out, sig.pkcs7_content, certs=certs, ocsps=ocsps, crls=crls)
        out.seek(0)
    return out.getvalue()


def pyhanko_verdicts(pdf: Path, root_pem: Path) -> dict:
    """pyHanko's judgement of every signature, offline (the services are gone, as they
    are for whoever reads the committed files):
    - `sign validate --soft-revocation-check`: the classic check; it does not read the
      DSS, so offline it cannot see a revocation;
    - `sign adesverify`: the AdES (ETSI EN 319 102-1) check that reads the DSS and the
      timestamps; it also demands revocation data fresher than the signature timestamp,
      which pyHanko's own B-LT signing (revocation data fetched before the timestamp)
      does not give, so honest B-LT/B-LTA files come out UNTRUSTED there."""
    trust = ["--trust", str(root_pem), "--trust-replace"]
    validate = subprocess.run(
        ["pyhanko", "sign", "validate", "--soft-revocation-check", "--pretty-print", *trust,
         str(pdf)], capture_output=True, text=True)
    ades = subprocess.run(["pyhanko", "sign", "adesverify", *trust, str(pdf)],
                          capture_output=True, text=True)
    judged = [l.split("judged", 1)[1].strip().rstrip(".") for l in validate.stdout.splitlines()
              if "The signature is judged" in l]
    ades_status = {}
    for line in ades.stdout.splitlines():
        parts = line.split(":")
        if len(parts) >= 4 and parts[0].startswith("underskrift"):
            ades_status[parts[0]] = f"{parts[2]}:{parts[3].split(',')[0]}"
    return {
        "validate": " ".join(sorted(set(judged))) or "no verdict",
        "adesverify": ades_status,
        "validate_output": validate.stdout,
    }


# What mus must say about each file with `--trust root.pem`, and why.
EXPECTED = {
    "b-t.pdf": {
        "mus": "accepted", "reason_contains": [],
        "pyhanko_trustworthy": True,
        "note": "PAdES B-T: both fields signed, each signature carries a signature timestamp "
                "from the test TSA; no revocation data (revocation: no data)."},
    "b-lt.pdf": {
        "mus": "accepted", "reason_contains": [],
        "pyhanko_trustworthy": True,
        "note": "PAdES B-LT: as b-t.pdf plus a DSS with the chain, OCSP responses for both "
                "signers and CRLs for both CAs, added by pyHanko after each signature."},
    "b-lta.pdf": {
        "mus": "accepted", "reason_contains": [],
        "pyhanko_trustworthy": True,
        "note": "PAdES B-LTA: as b-lt.pdf plus a document timestamp (/DocTimeStamp, "
                "ETSI.RFC3161) after the DSS."},
    "b-lt-adbe.pdf": {
        "mus": "accepted", "reason_contains": [],
        "pyhanko_trustworthy": True,
        "note": "Both signatures adbe.pkcs7.detached with a signature timestamp; the OCSP "
                "responses and CRLs are inside each CMS (signed attribute "
                "adbe-revocationInfoArchival), Adobe-style, not in a DSS."},
    "b-lt-revoked-ca.pdf": {
        "mus": "refused", "reason_contains": ["intermediate", "revoked"],
        "pyhanko_trustworthy": False,
        "note": "The leader's certificate is issued by an intermediate CA the root revoked "
                "on 2026-01-01 (keyCompromise), before signing; the DSS holds the root's CRL "
                "listing it, the intermediates' CRLs and an OCSP response for the manager. "
                "Both signatures are B-T. pyHanko is fooled: `sign validate` does not read "
                "the DSS, and `sign adesverify` logs 'CRL indicates intermediate certificate "
                "1 was revoked' yet prints INTACT:TRUSTED for the leader (its point-in-time "
                "fallback)."},
    "b-lt-revoked.pdf": {
        "mus": "refused", "reason_contains": ["revoked"],
        "pyhanko_trustworthy": True,
        "note": "The manager signs with a certificate revoked on 2026-01-01 (keyCompromise), "
                "before signing; the DSS holds OCSP responses (revoked) and CRLs listing it. "
                "pyhanko `sign validate` does not read the DSS and says VALID offline; "
                "`sign adesverify` reads it and says REVOKED, the trustworthy verdict."},
}


def main() -> int:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "tests/fixtures/ltv").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_keys(work / "keys")
        port = free_port()
        prefix = f"http://127.0.0.1:{port}"
        (work / "certomancer.yml").write_text(CONFIG.format(prefix=prefix), encoding="utf-8")
        config = CertomancerConfig.from_file(str(work / "certomancer.yml"))
        arch = config.get_pki_arch(ARCH)
        app = WholeSecondAnimator(AnimatorArchStore({ARCH: arch}), with_web_ui=False)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            pki = Pki(arch, prefix)
            guide = make_guide(work).read_bytes()
            files = {}
            first = sign(pki, guide, LEADER_FIELD, "leader", "leader")
            files["b-t.pdf"] = sign(pki, first, MANAGER_FIELD, "manager", "manager")
            first_lt = sign(pki, guide, LEADER_FIELD, "leader", "leader", lt=True)
            files["b-lt.pdf"] = sign(pki, first_lt, MANAGER_FIELD, "manager", "manager", lt=True)
            files["b-lta.pdf"] = sign(pki, first_lt, MANAGER_FIELD, "manager", "manager",
                                      lt=True, lta=True)
            adobe = SigSeedSubFilter.ADOBE_PKCS7_DETACHED
            first_adbe = sign(pki, guide, LEADER_FIELD, "leader", "leader", lt=True,
                              subfilter=adobe)
            files["b-lt-adbe.pdf"] = sign(pki, first_adbe, MANAGER_FIELD, "manager", "manager",
                                          lt=True, subfilter=adobe)
            revoked = sign(pki, first, MANAGER_FIELD, "manager-revoked", "manager")
            files["b-lt-revoked.pdf"] = add_revocation_to_dss(
                pki, revoked, ["leader", "manager-revoked"], ["interm", "root"])
            under_revoked_ca = sign(pki, guide, LEADER_FIELD, "leader-under-revoked-ca", "leader")
            under_revoked_ca = sign(pki, under_revoked_ca, MANAGER_FIELD, "manager", "manager")
            files["b-lt-revoked-ca.pdf"] = add_revocation_to_dss(
                pki, under_revoked_ca, ["manager"], ["interm2", "interm", "root"])
        finally:
            server.shutdown()

        for name, data in files.items():
            (out_dir / name).write_bytes(data)
        (out_dir / "tsa.pem").write_text(pem(arch.get_cert(CertLabel("tsa"))), encoding="ascii")
        (out_dir / "root.pem").write_text(pem(pki.root), encoding="ascii")
        (out_dir / "certomancer.yml").write_text(
            "# The configuration the fixtures were made with (keys not kept).\n"
            + CONFIG.format(prefix="http://127.0.0.1:PORT"), encoding="utf-8")

    # pyHanko's verdicts, with the services gone: what it judges from the files alone.
    expected = {}
    for name in files:
        verdicts = pyhanko_verdicts(out_dir / name, out_dir / "root.pem")
        ades = verdicts["adesverify"]
        revoked = any(v.endswith("REVOKED") for v in ades.values())
        expected[name] = {
            "mus": EXPECTED[name]["mus"],
            "trust": True,
            "allow_unsigned": False,
            "reason_contains": EXPECTED[name]["reason_contains"],
            "pyhanko": "REVOKED" if revoked else verdicts["validate"],
            "pyhanko_validate": verdicts["validate"],
            "pyhanko_adesverify": ades,
            "pyhanko_trustworthy": EXPECTED[name]["pyhanko_trustworthy"],
            "note": EXPECTED[name]["note"],
        }
        print(f"{name}: validate {verdicts['validate']}; adesverify {ades}")
    (out_dir / "expected.json").write_text(
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def pem(cert) -> str:
    from asn1crypto import pem as asn1_pem
    return asn1_pem.armor("CERTIFICATE", cert.dump()).decode("ascii")


if __name__ == "__main__":
    sys.exit(main())
