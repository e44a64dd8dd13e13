//! Recognising a guide made by `mus`: the properties it carries in its XMP metadata
//! (namespace [`MUS_NAMESPACE`], written by `pdf::pdfa`).
//!
//! Not responsible for signatures (`signature`) nor for anything in the guide's answers:
//! the archive records who and when, never what was said.

use chrono::{Datelike, NaiveDate};
use lopdf::{Document, Object};

use crate::pdf::MUS_NAMESPACE;

const RDF_NAMESPACE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// What identifies an archived guide, read from its XMP.
#[derive(Debug, Clone, PartialEq)]
pub struct GuideInfo {
    pub guide_id: String,
    pub leader: String,
    pub unit: String,
    pub level: String,
    /// Principle ids.
    pub focus: Vec<String>,
    pub dialogue_date: NaiveDate,
    /// `<framework id> <version>`.
    pub framework: String,
}

impl GuideInfo {
    /// The year the dialogue belongs to.
    pub fn year(&self) -> i32 {
        self.dialogue_date.year()
    }

    /// The properties in which `other` differs from `self`, as `self`'s values and
    /// `other`'s, each joined with ", " (both empty when they are the same guide).
    pub fn differences(&self, other: &GuideInfo) -> (String, String) {
        let date = |i: &GuideInfo| i.dialogue_date.to_string();
        let properties: [(String, String); 7] = [
            (self.leader.clone(), other.leader.clone()),
            (self.unit.clone(), other.unit.clone()),
            (self.guide_id.clone(), other.guide_id.clone()),
            (date(self), date(other)),
            (self.level.clone(), other.level.clone()),
            (self.focus.join(","), other.focus.join(",")),
            (self.framework.clone(), other.framework.clone()),
        ];
        let (was, now): (Vec<String>, Vec<String>) =
            properties.into_iter().filter(|(a, b)| a != b).unzip();
        (was.join(", "), now.join(", "))
    }

    /// Reads a PDF's XMP packet. The error says, for a person, why the file is not a
    /// guide made by mus (not a PDF, truncated, no metadata, a property missing).
    pub fn from_pdf(bytes: &[u8]) -> Result<GuideInfo, String> {
        // ISO 32000-1, 7.5.2: the header may follow some bytes of junk, within the first 1024.
        let head = &bytes[..bytes.len().min(1024)];
        if !head.windows(5).any(|w| w == b"%PDF-") {
            return Err("not a PDF (it does not start with %PDF-)".into());
        }
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err("the PDF is truncated or damaged (it does not end with %%EOF)".into());
        }
        let doc = crate::signature::parse(bytes)
            .map_err(|e| format!("the PDF is damaged and cannot be read ({e})"))?;
        let stream = metadata_stream(&doc).ok_or(
            "not a guide made by mus: the PDF has no XMP metadata (no /Metadata stream in its catalog)",
        )?;
        let packet = String::from_utf8(inflate_xmp(stream)?)
            .map_err(|_| "not a guide made by mus: its XMP metadata is not UTF-8".to_string())?;
        GuideInfo::from_xmp(&packet)
    }

    /// Reads the mus properties from an XMP packet, as elements
    /// (`<mus:guideId>…</mus:guideId>`) or as attributes of `rdf:Description`
    /// (`mus:guideId="…"`), the compact form XMP tools may rewrite a packet into.
    pub fn from_xmp(packet: &str) -> Result<GuideInfo, String> {
        let packet = packet.trim_start_matches('\u{feff}');
        let xml = roxmltree::Document::parse(packet).map_err(|e| {
            format!("not a guide made by mus: its XMP metadata is not well-formed XML ({e})")
        })?;
        let mut properties: Vec<(String, String)> = Vec::new();
        for description in xml
            .descendants()
            .filter(|n| n.has_tag_name((RDF_NAMESPACE, "Description")))
        {
            for attribute in description.attributes() {
                if attribute.namespace() == Some(MUS_NAMESPACE) {
                    properties.push((attribute.name().to_string(), attribute.value().to_string()));
                }
            }
            for child in description.children().filter(|n| n.is_element()) {
                if child.tag_name().namespace() == Some(MUS_NAMESPACE) {
                    let text: String = child
                        .descendants()
                        .filter(|n| n.is_text())
                        .filter_map(|n| n.text())
                        .collect();
                    properties.push((child.tag_name().name().to_string(), text));
                }
            }
        }
        let get = |name: &str| {
            properties
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim().to_string())
        };
        let required = |name: &str| {
            match get(name) {
            Some(value) if !value.is_empty() => Ok(value),
            _ => Err(format!(
                "not a guide made by mus: its XMP metadata has no mus:{name} (namespace {MUS_NAMESPACE})"
            )),
        }
        };
        let guide_id = required("guideId")?;
        if guide_id.len() > 64
            || !guide_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(format!(
                "not a guide made by mus: mus:guideId '{guide_id}' is not a guide id (like 2027-1A2B3C4D)"
            ));
        }
        let date_text = required("dialogueDate")?;
        let dialogue_date = NaiveDate::parse_from_str(&date_text, "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=2999).contains(&d.year()))
            .ok_or_else(|| {
                format!(
                    "not a guide made by mus: mus:dialogueDate '{date_text}' is not a date (YYYY-MM-DD)"
                )
            })?;
        Ok(GuideInfo {
            guide_id,
            leader: get("leader").unwrap_or_default(),
            unit: get("unit").unwrap_or_default(),
            level: required("level")?,
            focus: get("focus")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_string)
                .collect(),
            dialogue_date,
            framework: required("framework")?,
        })
    }
}

/// The catalog's `/Metadata` stream.
fn metadata_stream(doc: &Document) -> Option<&lopdf::Stream> {
    let reference = doc.catalog().ok()?.get(b"Metadata").ok()?;
    match reference {
        Object::Reference(id) => doc.get_object(*id).ok()?.as_stream().ok(),
        other => other.as_stream().ok(),
    }
}

/// The most an XMP packet may inflate to: mus writes about 2 KB; a deflate bomb would
/// otherwise be inflated whole into memory.
const MAX_XMP: usize = 1 << 20;

/// The bytes of an XMP stream, plain or deflated (mus deflates it; PDF/A-2 allows that).
fn inflate_xmp(stream: &lopdf::Stream) -> Result<Vec<u8>, String> {
    let filters = stream.filters().unwrap_or_default();
    let bytes = match filters.as_slice() {
        [] => stream.content.clone(),
        [filter] if *filter == b"FlateDecode" && !stream.dict.has(b"DecodeParms") => {
            use std::io::Read;
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(stream.content.as_slice())
                .take(MAX_XMP as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| {
                    format!("not a guide made by mus: its XMP metadata cannot be inflated ({e})")
                })?;
            out
        }
        _ => {
            return Err(
                "not a guide made by mus: its XMP metadata is encoded other than plain or deflated"
                    .into(),
            )
        }
    };
    if bytes.len() > MAX_XMP {
        return Err("not a guide made by mus: its XMP metadata inflates to more than 1 MiB".into());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ELEMENTS: &str = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">
<rdf:Description rdf:about=\"\" xmlns:mus=\"urn:mus:guide:1.0/\">
 <mus:guideId>2027-1A2B3C4D</mus:guideId><mus:leader>Åse Ærø &amp; Co</mus:leader>
 <mus:unit></mus:unit><mus:level>chef</mus:level><mus:focus>saet-retning,opdyrk-potentialer</mus:focus>
 <mus:dialogueDate>2027-01-15</mus:dialogueDate><mus:framework>soenderborg 2024</mus:framework>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";

    #[test]
    fn properties_as_elements() {
        let info = GuideInfo::from_xmp(ELEMENTS).unwrap();
        assert_eq!(
            info,
            GuideInfo {
                guide_id: "2027-1A2B3C4D".into(),
                leader: "Åse Ærø & Co".into(),
                unit: String::new(),
                level: "chef".into(),
                focus: vec!["saet-retning".into(), "opdyrk-potentialer".into()],
                dialogue_date: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
                framework: "soenderborg 2024".into(),
            }
        );
    }

    #[test]
    fn properties_as_attributes_with_another_prefix() {
        let compact = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
            <rdf:Description rdf:about=\"\" xmlns:g=\"urn:mus:guide:1.0/\" g:guideId=\"2027-1A2B3C4D\" \
            g:leader=\"Åse Ærø &amp; Co\" g:unit=\"\" g:level=\"chef\" g:focus=\"saet-retning, opdyrk-potentialer\" \
            g:dialogueDate=\"2027-01-15\" g:framework=\"soenderborg 2024\"/></rdf:RDF></x:xmpmeta>";
        assert_eq!(
            GuideInfo::from_xmp(compact).unwrap(),
            GuideInfo::from_xmp(ELEMENTS).unwrap()
        );
    }

    #[test]
    fn a_missing_or_bad_property_is_named() {
        let no_id = ELEMENTS.replace("<mus:guideId>2027-1A2B3C4D</mus:guideId>", "");
        assert_eq!(
            GuideInfo::from_xmp(&no_id).unwrap_err(),
            "not a guide made by mus: its XMP metadata has no mus:guideId (namespace urn:mus:guide:1.0/)"
        );
        let bad_date = ELEMENTS.replace("2027-01-15", "15.01.2027");
        assert_eq!(
            GuideInfo::from_xmp(&bad_date).unwrap_err(),
            "not a guide made by mus: mus:dialogueDate '15.01.2027' is not a date (YYYY-MM-DD)"
        );
        let other_namespace = ELEMENTS.replace("urn:mus:guide:1.0/", "urn:other:1.0/");
        assert!(GuideInfo::from_xmp(&other_namespace)
            .unwrap_err()
            .contains("has no mus:guideId"));
    }

    /// Regression: the XMP stream was inflated without a limit, so a file of under a
    /// megabyte could make `add` allocate gigabytes.
    #[test]
    fn a_metadata_stream_that_inflates_beyond_the_limit_is_refused() {
        use std::io::Write;
        let mut deflate = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        deflate.write_all(&vec![b' '; MAX_XMP + 1]).unwrap();
        let compressed = deflate.finish().unwrap();
        let stream = lopdf::Stream::new(
            lopdf::dictionary! { "Type" => "Metadata", "Filter" => "FlateDecode" },
            compressed,
        );
        assert_eq!(
            inflate_xmp(&stream).unwrap_err(),
            "not a guide made by mus: its XMP metadata inflates to more than 1 MiB"
        );
        let small = lopdf::Stream::new(
            lopdf::dictionary! { "Type" => "Metadata" },
            ELEMENTS.as_bytes().to_vec(),
        );
        assert_eq!(inflate_xmp(&small).unwrap(), ELEMENTS.as_bytes());
    }

    #[test]
    fn not_pdf_and_truncated_are_told_apart() {
        assert_eq!(
            GuideInfo::from_pdf(b"hello").unwrap_err(),
            "not a PDF (it does not start with %PDF-)"
        );
        assert_eq!(
            GuideInfo::from_pdf(b"%PDF-1.7\n1 0 obj").unwrap_err(),
            "the PDF is truncated or damaged (it does not end with %%EOF)"
        );
    }
}
