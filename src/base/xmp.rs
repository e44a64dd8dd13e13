//! Writing XMP for the guide's metadata packet: escaping, and the PDF/A extension schema
//! that describes properties outside the predefined schemas (ISO 19005-2, 6.6.2.3). Not
//! the packet itself (`pdf::pdfa`) nor the guide's own properties (`identity`).
//!
//! Every guide carries the packet unfiltered (PDFium drops a deflated one's `/Filter`
//! when it saves), so its bytes count in full. Simple values are therefore written as
//! attributes (`<rdf:li pdfaProperty:name="guideId" …/>`) rather than elements: the same
//! RDF, the compact form XMP toolkits (Adobe's, exempi, pyHanko) write themselves, and
//! about half the bytes. Descriptions are short; they are for people, and a validator
//! only asks that they exist.

/// Text escaped for an XML attribute value or element content.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Whether a property is the document's content (`External`) or made by the tool that
/// wrote it (`Internal`), as a PDF/A extension schema must say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Internal,
    External,
}

/// One property of an extension schema, or one field of a structured value type (whose
/// category is not given).
#[derive(Debug, Clone, Copy)]
pub struct Property {
    pub name: &'static str,
    /// A PDF/A value type: `Text`, `Integer`, `Date`, … or `Seq` / `Bag` of one, or a
    /// value type the schema declares.
    pub value_type: &'static str,
    pub category: Category,
    pub description: &'static str,
}

/// A structured value type an extension schema declares (`pdfaType`).
#[derive(Debug, Clone, Copy)]
pub struct ValueType {
    pub name: &'static str,
    pub namespace: &'static str,
    pub prefix: &'static str,
    pub description: &'static str,
    pub fields: &'static [Property],
}

/// One schema of an extension schema container.
///
/// Another schema is added the same way, e.g. PDF/UA's identification:
/// `Schema { name: "PDF/UA ID", namespace: "http://www.aiim.org/pdfua/ns/id/",
/// prefix: "pdfuaid", properties: &[Property { name: "part", value_type: "Integer",
/// category: Category::Internal, description: "PDF/UA part" }], value_types: &[] }`.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    pub name: &'static str,
    pub namespace: &'static str,
    pub prefix: &'static str,
    pub properties: &'static [Property],
    pub value_types: &'static [ValueType],
}

impl Schema {
    /// The schema as an `rdf:li` of the `pdfaExtension:schemas` bag. Uses the prefixes
    /// `pdfaSchema`, `pdfaProperty`, `pdfaType` and `pdfaField`, which PDF/A prescribes
    /// and the enclosing element declares.
    pub fn to_xmp(&self) -> String {
        let mut out = format!(
            "<rdf:li rdf:parseType=\"Resource\"><pdfaSchema:schema>{}</pdfaSchema:schema>\
             <pdfaSchema:namespaceURI>{}</pdfaSchema:namespaceURI>\
             <pdfaSchema:prefix>{}</pdfaSchema:prefix>\n<pdfaSchema:property><rdf:Seq>\n",
            escape(self.name),
            escape(self.namespace),
            escape(self.prefix)
        );
        for p in self.properties {
            let category = match p.category {
                Category::Internal => "internal",
                Category::External => "external",
            };
            out.push_str(&format!(
                "<rdf:li pdfaProperty:name=\"{}\" pdfaProperty:valueType=\"{}\" \
                 pdfaProperty:category=\"{category}\" pdfaProperty:description=\"{}\"/>\n",
                escape(p.name),
                escape(p.value_type),
                escape(p.description)
            ));
        }
        out.push_str("</rdf:Seq></pdfaSchema:property>");
        if !self.value_types.is_empty() {
            out.push_str("\n<pdfaSchema:valueType><rdf:Seq>\n");
            for t in self.value_types {
                out.push_str(&format!(
                    "<rdf:li rdf:parseType=\"Resource\"><pdfaType:type>{}</pdfaType:type>\
                     <pdfaType:namespaceURI>{}</pdfaType:namespaceURI>\
                     <pdfaType:prefix>{}</pdfaType:prefix>\
                     <pdfaType:description>{}</pdfaType:description>\n<pdfaType:field><rdf:Seq>\n",
                    escape(t.name),
                    escape(t.namespace),
                    escape(t.prefix),
                    escape(t.description)
                ));
                for f in t.fields {
                    out.push_str(&format!(
                        "<rdf:li pdfaField:name=\"{}\" pdfaField:valueType=\"{}\" \
                         pdfaField:description=\"{}\"/>\n",
                        escape(f.name),
                        escape(f.value_type),
                        escape(f.description)
                    ));
                }
                out.push_str("</rdf:Seq></pdfaType:field></rdf:li>\n");
            }
            out.push_str("</rdf:Seq></pdfaSchema:valueType>");
        }
        out.push_str("</rdf:li>\n");
        out
    }
}

/// The `rdf:Description` holding the extension schema container for `schemas`.
pub fn extension_schemas(schemas: &[String]) -> String {
    format!(
        "<rdf:Description rdf:about=\"\" \
         xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
         xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
         xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\" \
         xmlns:pdfaType=\"http://www.aiim.org/pdfa/ns/type#\" \
         xmlns:pdfaField=\"http://www.aiim.org/pdfa/ns/field#\">\
         <pdfaExtension:schemas><rdf:Bag>\n{}</rdf:Bag></pdfaExtension:schemas></rdf:Description>\n",
        schemas.concat()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [Property; 1] = [Property {
        name: "slot",
        value_type: "Text",
        category: Category::External,
        description: "Field \"name\"",
    }];

    #[test]
    fn a_schema_is_one_bag_entry_with_its_properties_and_value_types_as_attributes() {
        let schema = Schema {
            name: "test",
            namespace: "urn:test/",
            prefix: "t",
            properties: &[Property {
                name: "a",
                value_type: "Seq T",
                category: Category::Internal,
                description: "A & B",
            }],
            value_types: &[ValueType {
                name: "T",
                namespace: "urn:test/t/",
                prefix: "tt",
                description: "T",
                fields: &FIELDS,
            }],
        };
        let xml = format!(
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">{}</rdf:RDF>",
            extension_schemas(&[schema.to_xmp()])
        );
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let property = |ns: &str, name: &str| {
            doc.descendants()
                .filter_map(|n| n.attribute((ns, name)))
                .collect::<Vec<_>>()
        };
        let p = "http://www.aiim.org/pdfa/ns/property#";
        let f = "http://www.aiim.org/pdfa/ns/field#";
        assert_eq!(property(p, "name"), ["a"]);
        assert_eq!(property(p, "valueType"), ["Seq T"]);
        assert_eq!(property(p, "category"), ["internal"]);
        assert_eq!(property(p, "description"), ["A & B"]);
        assert_eq!(property(f, "name"), ["slot"]);
        assert_eq!(property(f, "description"), ["Field \"name\""]);
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.is_element() && n.children().all(|c| c.is_text()))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            texts,
            ["test", "urn:test/", "t", "T", "urn:test/t/", "tt", "T"]
        );
    }
}
