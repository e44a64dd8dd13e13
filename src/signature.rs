//! PROVISIONAL: replaced by the signature branch.
//!
//! The signature fields of a PDF and what their signatures prove. This stand-in has the
//! public API the archive is written against; it finds the signature fields but verifies
//! nothing: a filled field is reported as invalid, so nothing counts as signed until the
//! real implementation is merged.

use std::path::Path;

use lopdf::{Dictionary, Document, Object};

use crate::error::{Error, Result};

/// The signature fields of one PDF, in the order the form lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    pub fields: Vec<SignatureField>,
}

/// One signature field, by its full (dotted) name.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureField {
    pub name: String,
    pub status: SignatureStatus,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SignatureStatus {
    Empty,
    Signed(Signature),
    Invalid { reason: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    pub signer: String,
    pub signing_time: Option<chrono::DateTime<chrono::Utc>>,
    pub algorithm: String,
    pub certificate_sha256: String,
    pub coverage: Coverage,
    pub trust: Trust,
}

/// What the signed byte ranges cover.
#[derive(Debug, Clone, PartialEq)]
pub enum Coverage {
    WholeFile,
    SigningAndFormFilling,
    OtherChanges { description: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Trust {
    NotChecked,
    Trusted { anchor: String },
    Untrusted { reason: String },
}

/// A certificate signers are checked against.
#[derive(Debug, Clone)]
pub struct TrustAnchor {
    #[allow(dead_code)]
    pem: String,
}

/// Reads the certificates of a PEM file.
pub fn load_trust_anchors(path: &Path) -> Result<Vec<TrustAnchor>> {
    let pem = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    if !pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(Error::Value {
            option: "--trust".into(),
            message: format!(
                "{} has no certificate (no '-----BEGIN CERTIFICATE-----' line); give a PEM file",
                path.display()
            ),
        });
    }
    Ok(vec![TrustAnchor { pem }])
}

/// Finds the signature fields of `pdf` and reports on each.
pub fn inspect(pdf: &[u8], _anchors: &[TrustAnchor]) -> Result<Inspection> {
    let doc = Document::load_mem(pdf).map_err(|e| Error::Pdf {
        message: format!("cannot be read: {e}"),
    })?;
    let mut fields = Vec::new();
    let form = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|o| resolve_dict(&doc, o));
    if let Some(roots) = form
        .and_then(|f| f.get(b"Fields").ok())
        .and_then(|o| resolve(&doc, o).as_array().ok())
    {
        for root in roots {
            walk(&doc, root, "", None, &mut fields, 0);
        }
    }
    Ok(Inspection { fields })
}

fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(object),
        other => other,
    }
}

fn resolve_dict<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    resolve(doc, object).as_dict().ok()
}

/// Walks a field and its kids; `/FT` is inherited (ISO 32000-1, 12.7.3.1).
fn walk(
    doc: &Document,
    node: &Object,
    prefix: &str,
    inherited_type: Option<&[u8]>,
    out: &mut Vec<SignatureField>,
    depth: usize,
) {
    let Some(dict) = resolve_dict(doc, node) else {
        return;
    };
    if depth > 32 {
        return;
    }
    let part = dict
        .get(b"T")
        .ok()
        .and_then(|t| match resolve(doc, t) {
            Object::String(bytes, _) => Some(text(bytes)),
            _ => None,
        })
        .unwrap_or_default();
    let name = match (prefix.is_empty(), part.is_empty()) {
        (_, true) => prefix.to_string(),
        (true, false) => part,
        (false, false) => format!("{prefix}.{part}"),
    };
    let field_type = dict
        .get(b"FT")
        .ok()
        .and_then(|o| resolve(doc, o).as_name().ok())
        .or(inherited_type);
    let kids = dict
        .get(b"Kids")
        .ok()
        .and_then(|k| resolve(doc, k).as_array().ok());
    // Kids without a name of their own are widgets of this field.
    let named_kids: Vec<&Object> = kids
        .map(|k| {
            k.iter()
                .filter(|kid| resolve_dict(doc, kid).is_some_and(|d| d.has(b"T")))
                .collect()
        })
        .unwrap_or_default();
    if !named_kids.is_empty() {
        for kid in named_kids {
            walk(doc, kid, &name, field_type, out, depth + 1);
        }
        return;
    }
    if field_type == Some(b"Sig".as_slice()) {
        let status = if dict.has(b"V") {
            SignatureStatus::Invalid {
                reason: "signature verification is not built yet".into(),
            }
        } else {
            SignatureStatus::Empty
        };
        out.push(SignatureField { name, status });
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, else PDFDocEncoding (read as
/// Latin-1, which agrees on the letters field names use).
fn text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => String::from_utf16_lossy(
            &utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        ),
        None => bytes.iter().map(|&b| b as char).collect(),
    }
}
