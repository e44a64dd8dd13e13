//! The identity as XMP: the guide's `rdf:Description` and the PDF/A extension schema that
//! describes it (PDF/A admits no undescribed XMP property), and reading it back.
//!
//! The signers are an `rdf:Seq` of structured values, their fields in
//! [`SIGNER_NAMESPACE`], described as the value type `Signer`. They are written in the
//! compact attribute form; reading takes every form RDF allows for them.

use chrono::{Datelike, NaiveDate};
use roxmltree::Node;

use super::{
    GuideIdentity, IdentityError, RequiredSigner, SignerRole, NAMESPACE, SIGNER_NAMESPACE,
};
use crate::base::xmp::{escape, Category, Property, Schema, ValueType};

const RDF_NAMESPACE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// The guide's extension schema: every property in [`NAMESPACE`], and the `Signer`
/// value type of `mus:signers`.
const SCHEMA: Schema = Schema {
    name: "mus guide",
    namespace: NAMESPACE,
    prefix: "mus",
    properties: &[
        text("guideId", "Guide id"),
        text("leader", "Leader"),
        text("manager", "Manager"),
        text("unit", "Unit"),
        text("level", "Level id"),
        text("focus", "Focus ids"),
        text("dialogueDate", "Date"),
        text("framework", "Framework"),
        text("employeeId", "Employee id"),
        Property {
            name: "signers",
            value_type: "Seq Signer",
            category: Category::External,
            description: "Who signs",
        },
    ],
    value_types: &[ValueType {
        name: "Signer",
        namespace: SIGNER_NAMESPACE,
        prefix: "musSigner",
        description: "Signer",
        fields: &[
            text("slot", "Field name"),
            text("role", "Role"),
            text("label", "Label"),
            text("name", "Name"),
        ],
    }],
};

const fn text(name: &'static str, description: &'static str) -> Property {
    Property {
        name,
        value_type: "Text",
        category: Category::External,
        description,
    }
}

/// The identity's part of an XMP packet, for the PDF writer to place.
#[derive(Debug, Clone, PartialEq)]
pub struct XmpProperties {
    /// An `rdf:Description` holding the guide's properties.
    pub description: String,
    /// An `rdf:li` for the `pdfaExtension:schemas` bag ([`Schema::to_xmp`]), describing
    /// those properties and the `Signer` value type.
    pub extension_schema: String,
}

impl GuideIdentity {
    /// The identity as XMP, for the PDF writer: simple values as attributes, each signer
    /// an `rdf:li` with its fields as attributes (see [`crate::base::xmp`] for why).
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
            "<rdf:Description rdf:about=\"\" xmlns:mus=\"{NAMESPACE}\" xmlns:musSigner=\"{SIGNER_NAMESPACE}\""
        );
        for (name, value) in simple {
            description.push_str(&format!(" mus:{name}=\"{}\"", escape(&value)));
        }
        description.push_str(">\n<mus:signers><rdf:Seq>\n");
        for signer in &self.signers {
            description.push_str("<rdf:li");
            for (field, value) in [
                ("slot", signer.slot.as_str()),
                ("role", signer.role.as_str()),
                ("label", signer.label.as_str()),
                ("name", signer.name.as_str()),
            ] {
                description.push_str(&format!(" musSigner:{field}=\"{}\"", escape(value)));
            }
            description.push_str("/>\n");
        }
        description.push_str("</rdf:Seq></mus:signers></rdf:Description>\n");
        XmpProperties {
            description,
            extension_schema: SCHEMA.to_xmp(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A packet as mus wrote it before guides listed their signers.
    const OLD: &str = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">
<rdf:Description rdf:about=\"\" xmlns:mus=\"urn:mus:guide:1.0/\">
 <mus:guideId>2027-1A2B3C4D</mus:guideId><mus:leader>Åse Ærø &amp; Co</mus:leader>
 <mus:unit></mus:unit><mus:level>chef</mus:level><mus:focus>saet-retning,opdyrk-potentialer</mus:focus>
 <mus:dialogueDate>2027-01-15</mus:dialogueDate><mus:framework>soenderborg 2024</mus:framework>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";

    fn old_identity() -> GuideIdentity {
        GuideIdentity {
            guide_id: "2027-1A2B3C4D".into(),
            leader: "Åse Ærø & Co".into(),
            manager: String::new(),
            unit: String::new(),
            level: "chef".into(),
            focus: vec!["saet-retning".into(), "opdyrk-potentialer".into()],
            dialogue_date: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
            framework: "soenderborg 2024".into(),
            employee_id: None,
            signers: vec![
                RequiredSigner {
                    slot: "underskrift.leder.underskrift".into(),
                    role: SignerRole::Leader,
                    label: "Leder".into(),
                    name: "Åse Ærø & Co".into(),
                },
                RequiredSigner {
                    slot: "underskrift.leders-leder.underskrift".into(),
                    role: SignerRole::Manager,
                    label: "Leders leder".into(),
                    name: String::new(),
                },
            ],
        }
    }

    /// A new packet: a third signer, a manager and an employee id.
    fn three_signers() -> GuideIdentity {
        let mut identity = old_identity();
        identity.manager = "Bodil <Kjærgård> \"B\"".into();
        identity.employee_id = Some("17-å".into());
        identity.signers[1].name = identity.manager.clone();
        identity.signers.push(RequiredSigner {
            slot: "underskrift.tr.underskrift".into(),
            role: SignerRole::Other,
            label: "Tillidsrepræsentant".into(),
            name: "Tove Ræv".into(),
        });
        identity
    }

    /// The identity's XMP in a packet, as the PDF writer places it.
    fn packet(identity: &GuideIdentity) -> String {
        let own = identity.to_xmp_properties();
        format!(
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"{RDF_NAMESPACE}\">\n{}\
             <rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
             xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\" \
             xmlns:pdfaType=\"http://www.aiim.org/pdfa/ns/type#\" xmlns:pdfaField=\"http://www.aiim.org/pdfa/ns/field#\">\
             <pdfaExtension:schemas><rdf:Bag>{}</rdf:Bag></pdfaExtension:schemas></rdf:Description></rdf:RDF></x:xmpmeta>",
            own.description, own.extension_schema
        )
    }

    #[test]
    fn an_old_packet_has_the_two_standard_signers() {
        assert_eq!(GuideIdentity::from_xmp(OLD).unwrap(), old_identity());
    }

    #[test]
    fn properties_as_attributes_with_another_prefix() {
        let compact = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
            <rdf:Description rdf:about=\"\" xmlns:g=\"urn:mus:guide:1.0/\" g:guideId=\"2027-1A2B3C4D\" \
            g:leader=\"Åse Ærø &amp; Co\" g:unit=\"\" g:level=\"chef\" g:focus=\"saet-retning, opdyrk-potentialer\" \
            g:dialogueDate=\"2027-01-15\" g:framework=\"soenderborg 2024\"/></rdf:RDF></x:xmpmeta>";
        assert_eq!(GuideIdentity::from_xmp(compact).unwrap(), old_identity());
    }

    #[test]
    fn an_identity_reads_back_as_written() {
        let identity = three_signers();
        assert_eq!(
            GuideIdentity::from_xmp(&packet(&identity)).unwrap(),
            identity
        );
    }

    /// pyHanko rewrites the packet when it signs: simple values become attributes, and a
    /// structured value an `rdf:Description` inside its `rdf:li`.
    #[test]
    fn signers_in_the_form_pyhanko_rewrites_them_into() {
        let rewritten = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
            <rdf:Description xmlns:ns0=\"urn:mus:guide:1.0/\" xmlns:ns1=\"urn:mus:guide:1.0/signer/\" rdf:about=\"\" \
            ns0:guideId=\"2027-1A2B3C4D\" ns0:leader=\"Åse Ærø &amp; Co\" ns0:manager=\"Bodil &lt;Kjærgård&gt; &quot;B&quot;\" \
            ns0:unit=\"\" ns0:level=\"chef\" ns0:focus=\"saet-retning,opdyrk-potentialer\" ns0:dialogueDate=\"2027-01-15\" \
            ns0:framework=\"soenderborg 2024\" ns0:employeeId=\"17-å\"><ns0:signers><rdf:Seq>\
            <rdf:li><rdf:Description ns1:slot=\"underskrift.leder.underskrift\" ns1:role=\"leader\" ns1:label=\"Leder\" ns1:name=\"Åse Ærø &amp; Co\"/></rdf:li>\
            <rdf:li><rdf:Description ns1:slot=\"underskrift.leders-leder.underskrift\" ns1:role=\"manager\" ns1:label=\"Leders leder\" ns1:name=\"Bodil &lt;Kjærgård&gt; &quot;B&quot;\"/></rdf:li>\
            <rdf:li><rdf:Description ns1:slot=\"underskrift.tr.underskrift\" ns1:role=\"other\" ns1:label=\"Tillidsrepræsentant\" ns1:name=\"Tove Ræv\"/></rdf:li>\
            </rdf:Seq></ns0:signers></rdf:Description></rdf:RDF></x:xmpmeta>";
        assert_eq!(GuideIdentity::from_xmp(rewritten).unwrap(), three_signers());
    }

    #[test]
    fn every_property_and_signer_field_is_declared_in_the_extension_schema() {
        let text = packet(&three_signers());
        let xml = roxmltree::Document::parse(&text).unwrap();
        // A property is an element or, for a simple value, an attribute.
        let values = |namespace: &str, name: &str| -> Vec<String> {
            xml.descendants()
                .filter(|n| n.is_element())
                .flat_map(|n| {
                    let element = n.has_tag_name((namespace, name)).then(|| text_of(n));
                    element
                        .into_iter()
                        .chain(n.attribute((namespace, name)).map(str::to_string))
                })
                .collect()
        };
        let declared = values("http://www.aiim.org/pdfa/ns/property#", "name");
        let fields = values("http://www.aiim.org/pdfa/ns/field#", "name");
        let used = |namespace: &str| -> Vec<String> {
            let mut names: Vec<String> = xml
                .descendants()
                .filter(|n| n.is_element())
                .flat_map(|n| {
                    let element = (n.tag_name().namespace() == Some(namespace))
                        .then(|| n.tag_name().name().to_string());
                    let attributes = n
                        .attributes()
                        .filter(|a| a.namespace() == Some(namespace))
                        .map(|a| a.name().to_string());
                    element.into_iter().chain(attributes).collect::<Vec<_>>()
                })
                .collect();
            names.sort();
            names.dedup();
            names
        };
        assert_eq!(used(NAMESPACE).len(), 10, "{:?}", used(NAMESPACE));
        for property in used(NAMESPACE) {
            assert!(
                declared.contains(&property),
                "mus:{property} is not declared"
            );
        }
        assert_eq!(used(SIGNER_NAMESPACE).len(), 4);
        for field in used(SIGNER_NAMESPACE) {
            assert!(fields.contains(&field), "musSigner:{field} is not declared");
        }
        assert_eq!(
            values("http://www.aiim.org/pdfa/ns/type#", "namespaceURI"),
            [SIGNER_NAMESPACE]
        );
        assert_eq!(
            values("http://www.aiim.org/pdfa/ns/type#", "type"),
            ["Signer"]
        );
        let signers_type = xml
            .descendants()
            .find(|n| {
                n.attribute(("http://www.aiim.org/pdfa/ns/property#", "name")) == Some("signers")
            })
            .and_then(|n| n.attribute(("http://www.aiim.org/pdfa/ns/property#", "valueType")));
        assert_eq!(signers_type, Some("Seq Signer"));
    }

    #[test]
    fn a_missing_or_bad_property_is_named() {
        let error = |packet: &str| GuideIdentity::from_xmp(packet).unwrap_err().to_string();
        let no_id = OLD.replace("<mus:guideId>2027-1A2B3C4D</mus:guideId>", "");
        assert_eq!(
            error(&no_id),
            "not a guide made by mus: its XMP metadata has no mus:guideId (namespace urn:mus:guide:1.0/)"
        );
        let bad_date = OLD.replace("2027-01-15", "15.01.2027");
        assert_eq!(
            error(&bad_date),
            "not a guide made by mus: mus:dialogueDate '15.01.2027' is not a date (YYYY-MM-DD)"
        );
        let other_namespace = OLD.replace("urn:mus:guide:1.0/", "urn:other:1.0/");
        assert!(error(&other_namespace).contains("has no mus:guideId"));
    }

    #[test]
    fn a_bad_signer_is_named() {
        let error = |from: &str, to: &str| {
            let text = packet(&three_signers());
            assert!(text.contains(from), "{from}");
            GuideIdentity::from_xmp(&text.replacen(from, to, 1))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error("musSigner:role=\"other\"", "musSigner:role=\"tr\""),
            "not a guide made by mus: signer 3 in mus:signers has the role 'tr'; valid roles are leader, manager and other"
        );
        assert_eq!(
            error(
                "musSigner:slot=\"underskrift.leders-leder.underskrift\"",
                ""
            ),
            "not a guide made by mus: signer 2 in mus:signers has no slot (the signature field's name)"
        );
        assert_eq!(
            error("underskrift.tr.underskrift", "underskrift.leder.underskrift"),
            "not a guide made by mus: mus:signers names the slot 'underskrift.leder.underskrift' twice"
        );
        let text = packet(&three_signers());
        let start = text.find("<mus:signers>").unwrap();
        let end = text.find("</mus:signers>").unwrap();
        let bag = format!("{}<mus:signers><rdf:Bag/>{}", &text[..start], &text[end..]);
        assert_eq!(
            GuideIdentity::from_xmp(&bag).unwrap_err().to_string(),
            "not a guide made by mus: mus:signers is not a list of signers (an rdf:Seq)"
        );
    }

    #[test]
    fn differences_name_the_manager_the_employee_id_and_the_signers() {
        let old = old_identity();
        let new = three_signers();
        let (was, now) = old.differences(&new);
        assert_eq!(
            was,
            "no manager, no employee id, signers Leder Åse Ærø & Co (leader, underskrift.leder.underskrift); \
             Leders leder (no name) (manager, underskrift.leders-leder.underskrift)"
        );
        assert_eq!(
            now,
            "manager Bodil <Kjærgård> \"B\", employee id 17-å, signers Leder Åse Ærø & Co (leader, underskrift.leder.underskrift); \
             Leders leder Bodil <Kjærgård> \"B\" (manager, underskrift.leders-leder.underskrift); \
             Tillidsrepræsentant Tove Ræv (other, underskrift.tr.underskrift)"
        );
        assert_eq!(new.differences(&new), (String::new(), String::new()));
        // Another leader in a guide without listed signers is one difference, not two.
        let relabelled = GuideIdentity {
            signers: RequiredSigner::defaults("Mallory Madsen"),
            leader: "Mallory Madsen".into(),
            ..old.clone()
        };
        assert_eq!(
            old.differences(&relabelled),
            ("Åse Ærø & Co".into(), "Mallory Madsen".into())
        );
        // Likewise when only the leader property is changed in a guide that lists them.
        let relabelled = GuideIdentity {
            leader: "Mallory Madsen".into(),
            ..new.clone()
        };
        assert_eq!(
            new.differences(&relabelled),
            ("Åse Ærø & Co".into(), "Mallory Madsen".into())
        );
        // A changed signer is named.
        let mut renamed = new.clone();
        renamed.signers[2].name = "Mallory Madsen".into();
        let (was, now) = new.differences(&renamed);
        assert!(was.ends_with("; Tillidsrepræsentant Tove Ræv (other, underskrift.tr.underskrift)"));
        assert!(now
            .ends_with("; Tillidsrepræsentant Mallory Madsen (other, underskrift.tr.underskrift)"));
    }
}
