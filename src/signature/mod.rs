//! The signatures of a returned guide: for each signature field, whether it is empty,
//! signed and intact, or signed but broken — and for a signature, who signed, when, with
//! what, whether the file changed afterwards beyond signing and form filling, and whether
//! the signer chains to a trusted certificate.
//!
//! Reading only: nothing here signs, and nothing here decides what the archive keeps.
//! The stages: the form's field tree, the `/ByteRange`, the CMS structure and its
//! signature value, the changes after the signed revision, trust.

mod byte_range;
mod certs;
mod cms;
mod coverage;
mod crypto;
pub mod error;
pub(crate) mod fields;
mod invalid;
mod lexer;
mod ltv;
mod raw;
mod revisions;
mod revocation;
pub(crate) mod text_string;
mod trust;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, Utc};
use lopdf::{Document, Object};

pub use self::cms::{verify_document_timestamp, Imprinted, Timestamp, TimestampError};
pub use byte_range::{ByteRange, ByteRangeError};
pub use cms::{CmsError, Structure};
pub use crypto::CryptoError;
pub use invalid::InvalidSignature;
pub use ltv::{verify_pdf_signature, CmsSignature, TimeSource};
pub use raw::{trim_padding, ContentsError};
pub use revisions::StructureError;
pub use revocation::{
    check_dss_item, read_dss, Dss, DssError, DssItemKind, Revocation, RevocationData,
    RevocationProblem, RevocationSource, SigningTime,
};
pub use trust::{load_trust_anchors, ChainError, TrustAnchor};

use crate::signature::error::{Error, Result};
pub(crate) use revisions::History;

impl TimeSource {
    /// The name the archive index stores.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeSource::Timestamp => "timestamp",
            TimeSource::Claimed => "claimed",
            TimeSource::None => "none",
        }
    }
}

impl Revocation {
    /// The name the archive index stores.
    pub fn as_str(&self) -> &'static str {
        match self {
            Revocation::NotChecked => "not-checked",
            Revocation::NoData => "no-data",
            Revocation::Good { .. } => "checked",
            Revocation::Revoked { .. } => "revoked",
            Revocation::Unverifiable { .. } => "unverifiable",
        }
    }
}

/// Every signature field of a guide.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// In document order of the AcroForm field tree.
    pub fields: Vec<SignatureField>,
    /// How many revisions the file has (1 for a file never updated).
    pub revisions: usize,
}

#[derive(Debug, Clone)]
pub struct SignatureField {
    /// Fully qualified, e.g. "underskrift.leder.underskrift".
    pub name: String,
    pub status: SignatureStatus,
}

#[derive(Debug, Clone)]
// A file has a handful of these: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum SignatureStatus {
    /// A signature field without a value.
    Empty,
    /// Signed, and cryptographically intact.
    Signed(Signature),
    /// A document timestamp (PAdES B-LTA), intact.
    Timestamp(DocumentTimestamp),
    /// Signed but broken; `reason` is a plain-English sentence saying what is wrong.
    Invalid { reason: String },
}

#[derive(Debug, Clone)]
pub struct Signature {
    /// The signer certificate's subject, RFC 4514.
    pub signer: String,
    /// The signer's name as a person reads it: the subject's common name (or, without
    /// one, the whole subject).
    pub signer_name: String,
    /// When it was signed: the signature timestamp's time when there is one, else the
    /// time the signer claims (CMS signingTime, else the dictionary's /M).
    pub signing_time: Option<DateTime<Utc>>,
    pub time_source: TimeSource,
    /// E.g. "RSA PKCS#1 v1.5 with SHA-256", "ECDSA P-256 with SHA-256".
    pub algorithm: String,
    /// The SHA-256 of the signer certificate's DER, lower-case hex.
    pub certificate_sha256: String,
    /// The SHA-256 of the signer's public key (SubjectPublicKeyInfo DER): the same key in
    /// a renewed certificate is the same person.
    pub public_key_sha256: String,
    pub coverage: Coverage,
    pub trust: Trust,
    /// Whether the signer's certificate was checked for revocation, and what was found.
    pub revocation: Revocation,
    /// A certification signature (`/Reference` with a DocMDP transform): what it permits
    /// after it, and what came after that it does not permit.
    pub certification: Option<Certification>,
    /// Its widget draws on the page or carries an action (see `coverage::draws_or_acts`).
    pub visible: bool,
    /// The signature dictionary's /SubFilter: "adbe.pkcs7.detached" or
    /// "ETSI.CAdES.detached".
    pub sub_filter: String,
    /// Where the signed revision ends: `pdf[..signed_bytes]` is what was signed.
    pub signed_bytes: usize,
}

/// A document timestamp: a timestamping authority's token over the file as it was.
#[derive(Debug, Clone)]
pub struct DocumentTimestamp {
    pub authority: String,
    /// The timestamping authority chains to a trust anchor (`NotChecked` without anchors).
    pub trust: Trust,
    /// Its widget draws on the page or carries an action.
    pub visible: bool,
    pub time: Option<DateTime<Utc>>,
    pub coverage: Coverage,
    pub signed_bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// The signature covers the whole file.
    WholeFile,
    /// Later incremental updates only sign other fields (and update metadata and
    /// validation data).
    Signing,
    /// Later incremental updates also fill in these fields (fully qualified names).
    SigningAndFormFilling { fields: Vec<String> },
    /// Later updates change something else; `description` names the objects and keys.
    OtherChanges { description: String },
}

impl Coverage {
    /// The short name the archive index stores.
    pub fn as_str(&self) -> &'static str {
        match self {
            Coverage::WholeFile => "whole-file",
            Coverage::Signing => "signing",
            Coverage::SigningAndFormFilling { .. } => "signing-and-form-filling",
            Coverage::OtherChanges { .. } => "other-changes",
        }
    }
}

/// What a certification signature lets happen to the document after it: its DocMDP
/// transform's `/P` (ISO 32000-1, 12.8.2.2.2, Table 254).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocMdp {
    /// P=1: no change at all — no form filling, no further signature. Validation data
    /// (`/DSS`) and document timestamps may still be added (ETSI EN 319 142-1, 5.4; pyHanko
    /// reads it so too).
    NoChanges,
    /// P=2: filling in the form and signing.
    FormFilling,
    /// P=3: that, and annotations.
    Annotations,
}

impl DocMdp {
    /// The `/P` value.
    pub fn p(self) -> u8 {
        match self {
            DocMdp::NoChanges => 1,
            DocMdp::FormFilling => 2,
            DocMdp::Annotations => 3,
        }
    }
}

/// A certification signature's permissions, and what was done after it that they forbid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certification {
    pub permissions: DocMdp,
    /// For P=1, every change after the certified revision other than validation data and
    /// document timestamps, in revision order. Empty for P=2 and P=3: what they allow is
    /// what `coverage` allows after any signature (annotations never).
    pub forbidden: Vec<LaterChange>,
}

/// One change a later revision made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaterChange {
    /// The revision that made it, counted from 1 (the file as first written).
    pub revision: usize,
    pub kind: ChangeKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// A signature in this field (fully qualified name).
    Signature { field: String },
    /// These fields filled in.
    FormFilling { fields: Vec<String> },
    /// This field added, empty.
    NewField { field: String },
    /// A change that is neither signing nor form filling (the coverage check's words).
    Other { description: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// No trust anchors were given.
    NotChecked,
    /// The signer's certificate chains to the anchor with this subject.
    Trusted {
        anchor: String,
    },
    Untrusted {
        reason: String,
    },
}

/// Inspects every signature field of the PDF `pdf`. `Err` only when `pdf` is not a
/// readable PDF — or one whose revisions readers could read differently; an unsigned or
/// broken signature is `Ok` with that status.
pub fn inspect(pdf: &[u8], anchors: &[TrustAnchor]) -> Result<Inspection> {
    inspect_named(pdf, "the file", anchors)
}

/// [`inspect`] for a file, naming it in errors.
pub fn inspect_file(path: &Path, anchors: &[TrustAnchor]) -> Result<Inspection> {
    let pdf = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    inspect_named(&pdf, &path.display().to_string(), anchors)
}

fn inspect_named(pdf: &[u8], origin: &str, anchors: &[TrustAnchor]) -> Result<Inspection> {
    let (history, doc) = read(pdf).map_err(|e| Error::UnreadablePdf {
        origin: origin.to_string(),
        message: e.to_string(),
    })?;
    Ok(inspect_read(pdf, &history, &doc, anchors))
}

/// [`inspect`] for a file already read with [`read`], so a caller that needs more from
/// the file parses it once.
pub(crate) fn inspect_read(
    pdf: &[u8],
    history: &History,
    doc: &Document,
    anchors: &[TrustAnchor],
) -> Inspection {
    // Validation data the file carries (PAdES B-LT): a malformed /DSS adds nothing, and a
    // /DSS changed after signing is judged by the coverage check.
    let dss = read_dss(doc).ok().flatten();
    let context = Context {
        pdf,
        history,
        doc,
        anchors,
        revocation: dss.as_ref().map(|d| &d.data),
    };
    let mut fields: Vec<SignatureField> = fields::walk(doc)
        .into_iter()
        .filter(|n| n.terminal && n.field_type == Some(b"Sig".as_slice()))
        .map(|node| SignatureField {
            status: match node.value {
                None | Some(Object::Null) => SignatureStatus::Empty,
                Some(value) => verify(&context, &node.name, value, visible(doc, &node))
                    .unwrap_or_else(|e| SignatureStatus::Invalid {
                        reason: e.to_string(),
                    }),
            },
            name: node.name,
        })
        .collect();
    let forbidden: Vec<(usize, Vec<LaterChange>)> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match &f.status {
            SignatureStatus::Signed(s)
                if s.certification.as_ref().map(|c| c.permissions) == Some(DocMdp::NoChanges) =>
            {
                Some((i, changes_after(pdf, history, doc, &fields, s.signed_bytes)))
            }
            _ => None,
        })
        .collect();
    for (i, changes) in forbidden {
        if let SignatureStatus::Signed(Signature {
            certification: Some(c),
            ..
        }) = &mut fields[i].status
        {
            c.forbidden = changes;
        }
    }
    Inspection {
        fields,
        revisions: history.revisions.len(),
    }
}

/// Reads a PDF strictly: its revisions, and the document as the last one shows it.
pub(crate) fn read(pdf: &[u8]) -> std::result::Result<(History, Document), StructureError> {
    let history = History::read(pdf)?;
    let doc = history.document(pdf, history.revisions.len() - 1)?;
    if doc.catalog().is_err() {
        return Err(StructureError::Ambiguous(
            "its trailer's /Root is not a catalog".into(),
        ));
    }
    Ok((history, doc))
}

/// What a returned guide's answers are read from, and no more: the catalog, the form's
/// fields (name, type, value, kids) and the XMP, as the last revision shows them, found
/// through the same strict revision chain as [`read`]. Pages, fonts, appearances and every
/// other key are not parsed, so nothing else about the file is judged: only for a file
/// already judged whole, as the archive judged a file it took in (see
/// `answers::read_archived`).
pub(crate) fn read_form(pdf: &[u8]) -> std::result::Result<Document, StructureError> {
    let history = History::read(pdf)?;
    // What `fields::walk`, `answers` (a choice: its widgets' `/AS`, and the names of their
    // appearances where `/AP` and its `/N` are written in the widget itself,
    // `crate::archive::choice`) and the identity look at; the rest of each dictionary
    // (pages, rectangles, appearance streams) is stepped over. A rating that is read from
    // its appearances (no widget has `/AS`) is read from the whole file instead
    // (`answers::read_archived`).
    let keys = |key: &[u8]| {
        matches!(
            key,
            b"Root"
                | b"AcroForm"
                | b"Fields"
                | b"Kids"
                | b"T"
                | b"FT"
                | b"V"
                | b"AS"
                | b"AP"
                | b"Metadata"
                | b"Type"
        )
    };
    let doc = history.document_reaching(pdf, history.revisions.len() - 1, &keys)?;
    if doc.catalog().is_err() {
        return Err(StructureError::Ambiguous(
            "its trailer's /Root is not a catalog".into(),
        ));
    }
    Ok(doc)
}

/// The document a handed-in PDF shows, read strictly (see [`revisions`]): every reading
/// of a handed-in PDF goes through here, so what the archive reads is what viewers show.
pub(crate) fn parse(pdf: &[u8]) -> std::result::Result<Document, StructureError> {
    read(pdf).map(|(_, doc)| doc)
}

/// Whether bytes from a `/DSS` are what validation data may be: a certificate, an OCSP
/// response or a CRL (DER).
pub(crate) fn is_validation_data(der: &[u8]) -> bool {
    [
        DssItemKind::Certificate,
        DssItemKind::OcspResponse,
        DssItemKind::Crl,
    ]
    .into_iter()
    .any(|kind| check_dss_item(kind, der).is_ok())
}

/// Whether a signature field's widget (the field itself, or its kids) draws or acts.
fn visible(doc: &Document, node: &fields::Node) -> bool {
    let kids = node
        .dict
        .get(b"Kids")
        .and_then(Object::as_array)
        .map(|k| k.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    std::iter::once(node.dict)
        .chain(
            kids.into_iter()
                .filter_map(|k| doc.dereference(k).ok())
                .filter_map(|(_, k)| k.as_dict().ok()),
        )
        .any(|widget| coverage::draws_or_acts(doc, widget).is_some())
}

/// What every signature of one file is verified against.
struct Context<'a> {
    pdf: &'a [u8],
    history: &'a History,
    doc: &'a Document,
    anchors: &'a [TrustAnchor],
    revocation: Option<&'a RevocationData>,
}

/// Verifies the signature (or document timestamp) of field `name` whose `/V` is `value`.
fn verify(
    context: &Context,
    name: &str,
    value: &Object,
    visible: bool,
) -> std::result::Result<SignatureStatus, InvalidSignature> {
    let Context { pdf, doc, .. } = *context;
    let (_, value) = doc
        .dereference(value)
        .map_err(|_| InvalidSignature::ValueMissing)?;
    let sig = value
        .as_dict()
        .map_err(|_| InvalidSignature::NotADictionary)?;
    let timestamp = sig.has_type(b"DocTimeStamp");
    let sub_filter = sub_filter(sig, timestamp)?;
    let range = signed_range(doc, sig, pdf)?;
    let contents = range.contents(pdf);
    if sig.get(b"Contents").and_then(Object::as_str).ok() != Some(contents.as_slice()) {
        return Err(InvalidSignature::ContentsElsewhere);
    }
    let coverage = coverage_of(context, name, value, &range)?;
    let token = trim_padding(&contents)?;
    if timestamp {
        let stamp = verify_document_timestamp(token, &range.ranges(pdf))?;
        return Ok(SignatureStatus::Timestamp(DocumentTimestamp {
            trust: stamp.trust(context.anchors),
            visible,
            authority: stamp.tsa,
            time: Some(stamp.time),
            coverage,
            signed_bytes: range.end(),
        }));
    }
    let examined = Examined {
        sig,
        range: &range,
        coverage,
        visible,
        sub_filter,
    };
    verify_signature(context, token, examined)
}

/// The signature dictionary's `/SubFilter`, if it is one mus verifies for its kind (a
/// document timestamp, or a signature).
fn sub_filter(
    sig: &lopdf::Dictionary,
    timestamp: bool,
) -> std::result::Result<String, InvalidSignature> {
    let sub_filter = sig
        .get(b"SubFilter")
        .and_then(Object::as_name)
        .map_err(|_| InvalidSignature::NoSubFilter)?;
    let sub_filter = String::from_utf8_lossy(sub_filter).into_owned();
    let expected: &[&str] = if timestamp {
        &["ETSI.RFC3161"]
    } else {
        &["adbe.pkcs7.detached", "ETSI.CAdES.detached"]
    };
    if !expected.contains(&sub_filter.as_str()) {
        return Err(InvalidSignature::SubFilter {
            found: sub_filter,
            supported: format!(
                "{} {}",
                expected.join(" and "),
                if expected.len() == 1 { "is" } else { "are" }
            ),
        });
    }
    Ok(sub_filter)
}

/// The signature dictionary's `/ByteRange`, checked against the file.
fn signed_range(
    doc: &Document,
    sig: &lopdf::Dictionary,
    pdf: &[u8],
) -> std::result::Result<ByteRange, InvalidSignature> {
    let values: Vec<i64> = sig
        .get(b"ByteRange")
        .and_then(|r| doc.dereference(r))
        .and_then(|(_, r)| r.as_array())
        .map_err(|_| InvalidSignature::NoByteRange)?
        .iter()
        .map(Object::as_i64)
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| InvalidSignature::ByteRangeNotNumbers)?;
    Ok(ByteRange::from_values(&values, pdf)?)
}

/// What the signature of field `name` (its dictionary `value`, signing `range`) covers:
/// the whole file, or the revision it signed and what changed after it.
fn coverage_of(
    context: &Context,
    name: &str,
    value: &Object,
    range: &ByteRange,
) -> std::result::Result<Coverage, InvalidSignature> {
    let Context {
        pdf, history, doc, ..
    } = *context;
    // What was signed must be a whole revision: the bytes up to one of its %%EOF.
    let revision = history
        .ending_at(range.end())
        .ok_or(InvalidSignature::NotARevision { end: range.end() })?;
    if revision + 1 == history.revisions.len() {
        return Ok(Coverage::WholeFile);
    }
    let signed =
        history
            .document(pdf, revision)
            .map_err(|source| InvalidSignature::SignedRevision {
                end: range.end(),
                source,
            })?;
    // What the signer signed must be this very signature dictionary.
    let signed_value = fields::walk(&signed)
        .into_iter()
        .find(|n| n.terminal && n.name == name)
        .and_then(|n| n.value)
        .and_then(|v| signed.dereference(v).ok())
        .map(|(_, v)| v.clone());
    if signed_value.as_ref() != Some(value) {
        return Err(InvalidSignature::NotTheSignedDictionary);
    }
    Ok(match coverage::check(&signed, doc) {
        Ok(filled) if filled.is_empty() => Coverage::Signing,
        Ok(filled) => Coverage::SigningAndFormFilling {
            fields: filled.into_iter().collect(),
        },
        Err(description) => Coverage::OtherChanges { description },
    })
}

/// What [`verify`] found out about a signature before its CMS structure is verified.
struct Examined<'s> {
    sig: &'s lopdf::Dictionary,
    range: &'s ByteRange,
    coverage: Coverage,
    visible: bool,
    sub_filter: String,
}

/// Verifies a signature's CMS structure `token` (not a document timestamp's).
fn verify_signature(
    context: &Context,
    token: &[u8],
    examined: Examined,
) -> std::result::Result<SignatureStatus, InvalidSignature> {
    let Context {
        pdf,
        doc,
        anchors,
        revocation,
        ..
    } = *context;
    let Examined {
        sig,
        range,
        coverage,
        visible,
        sub_filter,
    } = examined;
    let claimed = sig
        .get(b"M")
        .and_then(Object::as_str)
        .ok()
        .and_then(pdf_date);
    let verified = verify_pdf_signature(token, &range.ranges(pdf), anchors, revocation, claimed)?;
    let certificate = {
        use der::Decode;
        x509_cert::Certificate::from_der(&verified.certificate)
            .map_err(InvalidSignature::Certificate)?
    };
    let subject = &certificate.tbs_certificate.subject;
    Ok(SignatureStatus::Signed(Signature {
        signer: verified.signer,
        signer_name: common_name(subject).unwrap_or_else(|| subject.to_string()),
        signing_time: verified.signing_time,
        time_source: verified.time_source,
        algorithm: verified.algorithm,
        certificate_sha256: crate::base::files::sha256_hex(&verified.certificate),
        public_key_sha256: crate::base::files::sha256_hex(&verified.public_key),
        coverage,
        trust: verified.trust,
        revocation: verified.revocation,
        certification: certification(doc, sig),
        visible,
        sub_filter,
        signed_bytes: range.end(),
    }))
}

/// The common name of a certificate subject (its last CN, the most specific).
fn common_name(name: &x509_cert::name::Name) -> Option<String> {
    use der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid == const_oid::db::rfc4519::CN)
        .filter_map(|atv| {
            let value = &atv.value;
            value
                .decode_as::<Utf8StringRef>()
                .map(|s| s.as_str().to_string())
                .or_else(|_| {
                    value
                        .decode_as::<PrintableStringRef>()
                        .map(|s| s.as_str().to_string())
                })
                .or_else(|_| {
                    value
                        .decode_as::<Ia5StringRef>()
                        .map(|s| s.as_str().to_string())
                })
                .or_else(|_| {
                    value
                        .decode_as::<TeletexStringRef>()
                        .map(|s| s.as_str().to_string())
                })
                .ok()
        })
        .next_back()
}

/// A certification (DocMDP) signature: its `/Reference` names the DocMDP transform
/// (ISO 32000-1, 12.8.2.2), whose `/TransformParams /P` says what it permits (2 when
/// absent; a value that is no permission level is read as the strictest, 1).
fn certification(doc: &Document, sig: &lopdf::Dictionary) -> Option<Certification> {
    let Ok((_, Object::Array(references))) = sig.get(b"Reference").and_then(|r| doc.dereference(r))
    else {
        return None;
    };
    fn resolve<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a lopdf::Dictionary> {
        doc.dereference(o).ok().and_then(|(_, o)| o.as_dict().ok())
    }
    let reference = references
        .iter()
        .filter_map(|r| resolve(doc, r))
        .find(|r| {
            r.get(b"TransformMethod").and_then(Object::as_name).ok() == Some(b"DocMDP".as_slice())
        })?;
    let p = reference
        .get(b"TransformParams")
        .ok()
        .and_then(|params| resolve(doc, params))
        .and_then(|params| params.get(b"P").ok())
        .map(|p| doc.dereference(p).map_or(None, |(_, p)| p.as_i64().ok()));
    let permissions = match p {
        None => DocMdp::FormFilling,
        Some(Some(2)) => DocMdp::FormFilling,
        Some(Some(3)) => DocMdp::Annotations,
        Some(_) => DocMdp::NoChanges,
    };
    Some(Certification {
        permissions,
        forbidden: Vec::new(),
    })
}

/// Every change after the revision that ends at `certified` (a P=1 certification's)
/// other than validation data and document timestamps: each later signature where it
/// was made, each field filled in (in the first revision that filled it), any other change.
fn changes_after(
    pdf: &[u8],
    history: &History,
    doc: &Document,
    fields: &[SignatureField],
    certified: usize,
) -> Vec<LaterChange> {
    let Some(base) = history.ending_at(certified) else {
        return Vec::new();
    };
    let last = history.revisions.len() - 1;
    let mut changes: Vec<LaterChange> = fields
        .iter()
        .filter_map(|f| match &f.status {
            SignatureStatus::Signed(s) if s.signed_bytes > certified => Some(LaterChange {
                revision: history.ending_at(s.signed_bytes)? + 1,
                kind: ChangeKind::Signature {
                    field: f.name.clone(),
                },
            }),
            _ => None,
        })
        .collect();
    if base < last {
        if let Ok(signed) = history.document(pdf, base) {
            let mut filled: BTreeSet<String> = BTreeSet::new();
            let mut added: BTreeSet<String> = fields::walk(&signed)
                .into_iter()
                .filter(|n| n.terminal)
                .map(|n| n.name)
                .collect();
            for revision in base + 1..=last {
                let later;
                let at = if revision == last {
                    doc
                } else {
                    match history.document(pdf, revision) {
                        Ok(d) => {
                            later = d;
                            &later
                        }
                        Err(_) => continue,
                    }
                };
                // A field added unsigned (a signed one is its signature's change).
                for node in fields::walk(at) {
                    let unsigned = matches!(node.value, None | Some(Object::Null));
                    if node.terminal && unsigned && added.insert(node.name.clone()) {
                        changes.push(LaterChange {
                            revision: revision + 1,
                            kind: ChangeKind::NewField { field: node.name },
                        });
                    }
                }
                match coverage::check(&signed, at) {
                    Ok(now) => {
                        let new: Vec<String> = now.difference(&filled).cloned().collect();
                        if !new.is_empty() {
                            changes.push(LaterChange {
                                revision: revision + 1,
                                kind: ChangeKind::FormFilling {
                                    fields: new.clone(),
                                },
                            });
                            filled.extend(new);
                        }
                    }
                    Err(description) => {
                        changes.push(LaterChange {
                            revision: revision + 1,
                            kind: ChangeKind::Other { description },
                        });
                        break;
                    }
                }
            }
        }
    }
    changes.sort_by_key(|c| c.revision);
    changes
}

/// A PDF date, `D:YYYYMMDDHHmmSS` with an optional `Z` or `+HH'mm'` (ISO 32000-1, 7.9.4);
/// missing trailing fields default as the standard says.
fn pdf_date(bytes: &[u8]) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 4 || !digits.len().is_multiple_of(2) || digits.len() > 14 {
        return None;
    }
    let field = |at: usize, default: u32| -> Option<u32> {
        digits
            .get(at..at + 2)
            .map_or(Some(default), |d| d.parse().ok())
    };
    let year: i32 = digits[..4].parse().ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(year, field(4, 1)?, field(6, 1)?)?;
    let local = date.and_hms_opt(field(8, 0)?, field(10, 0)?, field(12, 0)?)?;
    let rest = &text[digits.len()..];
    let offset_seconds = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let numbers: Vec<i64> = rest[1..]
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect();
            let seconds = numbers.first().copied().unwrap_or(0) * 3600
                + numbers.get(1).copied().unwrap_or(0) * 60;
            if sign == '-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => 0,
    };
    Some(local.and_utc() - chrono::Duration::seconds(offset_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_with_and_without_offsets() {
        let utc = |s: &str| pdf_date(s.as_bytes()).map(|d| d.to_rfc3339());
        assert_eq!(
            utc("D:20270115103000Z").as_deref(),
            Some("2027-01-15T10:30:00+00:00")
        );
        assert_eq!(
            utc("D:20270115103000+01'00'").as_deref(),
            Some("2027-01-15T09:30:00+00:00")
        );
        assert_eq!(
            utc("D:20270115103000-05'30").as_deref(),
            Some("2027-01-15T16:00:00+00:00")
        );
        assert_eq!(utc("D:2027").as_deref(), Some("2027-01-01T00:00:00+00:00"));
        assert_eq!(utc("D:20271345"), None);
        assert_eq!(utc("yesterday"), None);
    }

    #[test]
    fn read_says_why_a_file_is_not_a_pdf() {
        let err = |pdf: &[u8]| read(pdf).unwrap_err().to_string();
        assert_eq!(err(b""), "the file is empty");
        assert!(err(b"GIF89a....").contains("%PDF- header"));
        assert!(err(b"%PDF-1.7\n1 0 obj\n<<").contains("cut short"));
    }
}
