//! The identity as XMP: the guide's `rdf:Description` and the PDF/A extension schema that
//! describes it (PDF/A admits no undescribed XMP property), and reading it back.
//!
//! The signers are an `rdf:Seq` of structured values (`rdf:parseType="Resource"`), their
//! fields in [`SIGNER_NAMESPACE`], described as the value type `Signer`.

use chrono::{Datelike, NaiveDate};
use roxmltree::Node;

use super::{
    GuideIdentity, IdentityError, RequiredSigner, SignerRole, NAMESPACE, SIGNER_NAMESPACE,
};

const RDF_NAMESPACE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// Every property in [`NAMESPACE`]: name, PDF/A value type, description.
const PROPERTIES: [(&str, &str, &str); 10] = [
    ("guideId", "Text", "Guide id"),
    ("leader", "Text", "Leader"),
    ("manager", "Text", "The leader's manager"),
    ("unit", "Text", "Unit"),
    ("level", "Text", "Level id"),
    ("focus", "Text", "Focus principle ids"),
    ("dialogueDate", "Text", "Dialogue date"),
    ("framework", "Text", "Framework id and version"),
    ("employeeId", "Text", "The roster's id for the leader"),
    (
        "signers",
        "Seq Signer",
        "Who must sign the guide, in the order it shows them",
    ),
];

/// The fields of a `Signer`, in [`SIGNER_NAMESPACE`].
const SIGNER_FIELDS: [(&str, &str, &str); 4] = [
    ("slot", "Text", "The signature field's fully qualified name"),
    ("role", "Text", "leader, manager or other"),
    ("label", "Text", "The printed label"),
    ("name", "Text", "The printed name"),
];

/// The identity's part of an XMP packet, for the PDF writer to place.
#[derive(Debug, Clone, PartialEq)]
pub struct XmpProperties {
    /// An `rdf:Description` holding the guide's properties.
    pub description: String,
    /// An `rdf:li` for the `pdfaExtension:schemas` bag, describing those properties and
    /// the `Signer` value type. Uses the prefixes `pdfaSchema`, `pdfaProperty`,
    /// `pdfaType` and `pdfaField`, which the enclosing element declares.
    pub extension_schema: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl GuideIdentity {
    /// The identity as XMP, for the PDF writer.
    pub fn to_xmp_properties(&self) -> XmpProperties {
        let mut simple = vec![
            ("guideId", self.guide_id.clone()),
            ("leader", self.leader.clone()),
            ("manager", self.manager.clone()),
            ("unit", self.unit.clone()),
            ("level", self.level.clone()),
            ("focus", self.focus.join(",")),
            ("dialogueDate", self.dialogue_date.to_string()),
            ("framework", self.framework.clone()),
        ];
        if let Some(id) = &self.employee_id {
            simple.push(("employeeId", id.clone()));
        }
        let mut description = format!(
            "  <rdf:Description rdf:about=\"\" xmlns:mus=\"{NAMESPACE}\" xmlns:musSigner=\"{SIGNER_NAMESPACE}\">\n"
        );
        for (name, value) in simple {
            description.push_str(&format!("   <mus:{name}>{}</mus:{name}>\n", escape(&value)));
        }
        description.push_str("   <mus:signers>\n    <rdf:Seq>\n");
        for signer in &self.signers {
            description.push_str("     <rdf:li rdf:parseType=\"Resource\">\n");
            for (field, value) in [
                ("slot", signer.slot.as_str()),
                ("role", signer.role.as_str()),
                ("label", signer.label.as_str()),
                ("name", signer.name.as_str()),
            ] {
                description.push_str(&format!(
                    "      <musSigner:{field}>{}</musSigner:{field}>\n",
                    escape(value)
                ));
            }
            description.push_str("     </rdf:li>\n");
        }
        description.push_str("    </rdf:Seq>\n   </mus:signers>\n  </rdf:Description>\n");

        let properties: String = PROPERTIES
            .iter()
            .map(|(name, value_type, about)| {
                format!(
                    "        <rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>\
                     <pdfaProperty:valueType>{value_type}</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>\
                     <pdfaProperty:description>{}</pdfaProperty:description></rdf:li>\n",
                    escape(about)
                )
            })
            .collect();
        let fields: String = SIGNER_FIELDS
            .iter()
            .map(|(name, value_type, about)| {
                format!(
                    "            <rdf:li rdf:parseType=\"Resource\"><pdfaField:name>{name}</pdfaField:name>\
                     <pdfaField:valueType>{value_type}</pdfaField:valueType>\
                     <pdfaField:description>{}</pdfaField:description></rdf:li>\n",
                    escape(about)
                )
            })
            .collect();
        let extension_schema = format!(
            "     <rdf:li rdf:parseType=\"Resource\">
      <pdfaSchema:schema>mus conversation guide</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>{NAMESPACE}</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>mus</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
{properties}       </rdf:Seq>
      </pdfaSchema:property>
      <pdfaSchema:valueType>
       <rdf:Seq>
        <rdf:li rdf:parseType=\"Resource\">
         <pdfaType:type>Signer</pdfaType:type>
         <pdfaType:namespaceURI>{SIGNER_NAMESPACE}</pdfaType:namespaceURI>
         <pdfaType:prefix>musSigner</pdfaType:prefix>
         <pdfaType:description>A person who must sign the guide, and where</pdfaType:description>
         <pdfaType:field>
          <rdf:Seq>
{fields}          </rdf:Seq>
         </pdfaType:field>
        </rdf:li>
       </rdf:Seq>
      </pdfaSchema:valueType>
     </rdf:li>
"
        );
        XmpProperties {
            description,
            extension_schema,
        }
    }

    /// Reads the identity from an XMP packet. Simple properties may stand as elements
    /// (`<mus:guideId>…</mus:guideId>`) or as attributes of `rdf:Description`
    /// (`mus:guideId="…"`), and a signer's fields likewise in its `rdf:li` or in an
    /// `rdf:Description` inside it: the compact forms XMP tools (pyHanko among them)
    /// rewrite a packet into. A guide made before guides listed their signers has the two
    /// standard ones ([`RequiredSigner::defaults`]).
    pub fn from_xmp(packet: &str) -> Result<GuideIdentity, IdentityError> {
        let packet = packet.trim_start_matches('\u{feff}');
        let xml = roxmltree::Document::parse(packet).map_err(IdentityError::NotXml)?;
        let mut properties: Vec<(String, String)> = Vec::new();
        let mut signers_node = None;
        for description in xml
            .descendants()
            .filter(|n| n.has_tag_name((RDF_NAMESPACE, "Description")))
        {
            // A signer's own rdf:Description holds no guide properties.
            if description
                .ancestors()
                .skip(1)
                .any(|a| a.has_tag_name((NAMESPACE, "signers")))
            {
                continue;
            }
            for attribute in description.attributes() {
                if attribute.namespace() == Some(NAMESPACE) {
                    properties.push((attribute.name().to_string(), attribute.value().to_string()));
                }
            }
            for child in description.children().filter(|n| n.is_element()) {
                if child.tag_name().namespace() != Some(NAMESPACE) {
                    continue;
                }
                if child.tag_name().name() == "signers" {
                    signers_node = Some(child);
                } else {
                    properties.push((child.tag_name().name().to_string(), text_of(child)));
                }
            }
        }
        let get = |name: &str| {
            properties
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim().to_string())
        };
        let required = |property: &'static str| match get(property) {
            Some(value) if !value.is_empty() => Ok(value),
            _ => Err(IdentityError::Missing { property }),
        };
        let guide_id = required("guideId")?;
        if guide_id.len() > 64
            || !guide_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(IdentityError::BadGuideId { value: guide_id });
        }
        let date_text = required("dialogueDate")?;
        let dialogue_date = NaiveDate::parse_from_str(&date_text, "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=2999).contains(&d.year()))
            .ok_or(IdentityError::BadDate { value: date_text })?;
        let leader = get("leader").unwrap_or_default();
        if properties.iter().any(|(n, _)| n == "signers") {
            // `mus:signers="…"`: text where a list belongs.
            return Err(IdentityError::SignersNotAList);
        }
        let signers = match signers_node {
            Some(node) => read_signers(node)?,
            None => RequiredSigner::defaults(&leader),
        };
        Ok(GuideIdentity {
            guide_id,
            leader,
            manager: get("manager").unwrap_or_default(),
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
            employee_id: get("employeeId").filter(|id| !id.is_empty()),
            signers,
        })
    }
}

/// The text of an element holding a simple value.
fn text_of(node: Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// The signers in `mus:signers`: its `rdf:Seq` of structured values.
fn read_signers(node: Node) -> Result<Vec<RequiredSigner>, IdentityError> {
    let seq = node
        .children()
        .find(|n| n.has_tag_name((RDF_NAMESPACE, "Seq")))
        .ok_or(IdentityError::SignersNotAList)?;
    let mut signers: Vec<RequiredSigner> = Vec::new();
    for (i, li) in seq
        .children()
        .filter(|n| n.has_tag_name((RDF_NAMESPACE, "li")))
        .enumerate()
    {
        let number = i + 1;
        let mut fields: Vec<(String, String)> = Vec::new();
        let holders = std::iter::once(li).chain(
            li.children()
                .filter(|n| n.has_tag_name((RDF_NAMESPACE, "Description"))),
        );
        for holder in holders {
            for attribute in holder.attributes() {
                if attribute.namespace() == Some(SIGNER_NAMESPACE) {
                    fields.push((attribute.name().to_string(), attribute.value().to_string()));
                }
            }
            for child in holder.children().filter(|n| n.is_element()) {
                if child.tag_name().namespace() == Some(SIGNER_NAMESPACE) {
                    fields.push((child.tag_name().name().to_string(), text_of(child)));
                }
            }
        }
        let get = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let slot = get("slot");
        if slot.is_empty() {
            return Err(IdentityError::SignerWithoutSlot { number });
        }
        if signers.iter().any(|s| s.slot == slot) {
            return Err(IdentityError::DuplicateSlot { slot });
        }
        let role_text = get("role");
        let role = SignerRole::parse(&role_text).ok_or(IdentityError::UnknownRole {
            number,
            role: role_text,
        })?;
        signers.push(RequiredSigner {
            slot,
            role,
            label: get("label"),
            name: get("name"),
        });
    }
    Ok(signers)
}
