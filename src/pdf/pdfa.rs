//! PDF/A-2b (ISO 19005-2, level B) for long-term archiving: the XMP metadata packet that
//! identifies the file and agrees with the Info dictionary, and an sRGB output intent.
//!
//! printpdf's own `A2B` conformance writes neither (no `pdfaid`, a PDF/X intent with a
//! CMYK profile), so both are added to the lopdf document here.

use lopdf::{Dictionary, Object, Stream, StringFormat};

use super::Metadata;

/// The sRGB profile LittleCMS builds (`scripts/make-srgb-icc.py`; no copyright).
const SRGB_ICC: &[u8] = include_bytes!("sRGB.icc");

/// Adds the XMP metadata stream and the output intent to the catalog.
pub fn apply(
    doc: &mut lopdf::Document,
    catalog: lopdf::ObjectId,
    meta: &Metadata,
    tagged: bool,
) -> lopdf::Result<()> {
    let mut metadata = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp(meta, tagged).into_bytes(),
    );
    // PDF/A-2 would allow a deflated metadata stream, but PDFium (Chrome, Edge) writes a
    // deflated one back without its /Filter when it saves, and the archive could no
    // longer read the guide's identity: unfiltered, it survives every client tried.
    metadata.allows_compression = false;
    let metadata_id = doc.add_object(metadata);

    let profile = Stream::new(
        Dictionary::from_iter(vec![("N", Object::Integer(3))]),
        SRGB_ICC.to_vec(),
    );
    let profile_id = doc.add_object(profile);
    let srgb = || Object::String(b"sRGB IEC61966-2.1".to_vec(), StringFormat::Literal);
    let intent = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        ("OutputConditionIdentifier", srgb()),
        ("Info", srgb()),
        (
            "RegistryName",
            Object::String(b"http://www.color.org".to_vec(), StringFormat::Literal),
        ),
        ("DestOutputProfile", Object::Reference(profile_id)),
    ]);

    let catalog = doc.get_object_mut(catalog)?.as_dict_mut()?;
    catalog.set("Metadata", Object::Reference(metadata_id));
    catalog.set(
        "OutputIntents",
        Object::Array(vec![Object::Dictionary(intent)]),
    );
    Ok(())
}

/// PDF/UA-1's identification (ISO 14289-1, 5).
const UA_DESCRIPTION: &str =
    "  <rdf:Description rdf:about=\"\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
";

/// `pdfuaid` is not among PDF/A's predefined schemas, so it is described.
const UA_SCHEMA: &str = "     <rdf:li rdf:parseType=\"Resource\">
      <pdfaSchema:schema>PDF/UA identification</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
        <rdf:li rdf:parseType=\"Resource\">
         <pdfaProperty:name>part</pdfaProperty:name>
         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
         <pdfaProperty:category>internal</pdfaProperty:category>
         <pdfaProperty:description>Part of ISO 14289</pdfaProperty:description>
        </rdf:li>
       </rdf:Seq>
      </pdfaSchema:property>
     </rdf:li>
";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `2027-01-15T00:00:00Z`, the XMP form of the Info dictionary's dates.
fn xmp_date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The XMP packet. Title, author, subject, keywords, creator tool, producer and dates are
/// the Info dictionary's, as PDF/A requires; the guide's own properties are described by
/// a PDF/A extension schema, since PDF/A admits no undescribed XMP property. A tagged
/// guide is PDF/A level A and says it is PDF/UA-1 (`pdfuaid`, described the same way).
pub fn xmp(meta: &Metadata, tagged: bool) -> String {
    let date = xmp_date(meta.created);
    let own = meta.identity.to_xmp_properties();
    let (conformance, ua, ua_schema) = if tagged {
        ("A", UA_DESCRIPTION, UA_SCHEMA)
    } else {
        ("B", "", "")
    };
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">
 <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">
  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>{conformance}</pdfaid:conformance>
  </rdf:Description>
{ua}
  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">
   <pdf:Producer>{producer}</pdf:Producer>
   <pdf:Keywords>{keywords}</pdf:Keywords>
  </rdf:Description>
  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
  </rdf:Description>
{description}  <rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\" xmlns:pdfaType=\"http://www.aiim.org/pdfa/ns/type#\" xmlns:pdfaField=\"http://www.aiim.org/pdfa/ns/field#\">
   <pdfaExtension:schemas>
    <rdf:Bag>
{extension_schema}{ua_schema}    </rdf:Bag>
   </pdfaExtension:schemas>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end=\"r\"?>",
        title = escape(&meta.title),
        author = escape(&meta.author),
        subject = escape(&meta.subject),
        language = escape(&meta.language),
        producer = escape(&meta.producer()),
        keywords = escape(&meta.keywords.join(", ")),
        creator = escape(&meta.creator),
        description = own.description,
        extension_schema = own.extension_schema,
    )
}
