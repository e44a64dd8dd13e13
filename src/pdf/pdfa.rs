//! PDF/A-2b (ISO 19005-2, level B) for long-term archiving: the XMP metadata packet that
//! identifies the file and agrees with the Info dictionary, and an sRGB output intent.
//!
//! printpdf's own `A2B` conformance writes neither (no `pdfaid`, a PDF/X intent with a
//! CMYK profile), so both are added to the lopdf document here.

use lopdf::{Dictionary, Object, Stream, StringFormat};

use super::Metadata;
use crate::base::xmp::{escape, extension_schemas, Category, Property, Schema};

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

/// PDF/UA-1's identification (ISO 14289-1, 5): `pdfuaid` is not among PDF/A's
/// predefined schemas, so a tagged guide describes it in its extension schema.
const PDFUA: Schema = Schema {
    name: "PDF/UA ID",
    namespace: "http://www.aiim.org/pdfua/ns/id/",
    prefix: "pdfuaid",
    properties: &[Property {
        name: "part",
        value_type: "Integer",
        category: Category::Internal,
        description: "PDF/UA part",
    }],
    value_types: &[],
};

/// `2027-01-15T00:00:00Z`, the XMP form of the Info dictionary's dates.
fn xmp_date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The XMP packet. Title, author, subject, keywords, creator tool, producer and dates are
/// the Info dictionary's, as PDF/A requires; the guide's own properties are described by
/// a PDF/A extension schema, since PDF/A admits no undescribed XMP property. Simple values
/// are attributes and nothing is indented: the packet is stored unfiltered
/// ([`crate::base::xmp`]). A tagged document is PDF/A level A and says it is PDF/UA-1
/// (`pdfuaid`, described the same way).
pub fn xmp(meta: &Metadata, tagged: bool) -> String {
    let date = xmp_date(meta.created);
    let mut schemas = Vec::new();
    // A document that is not a guide (the archive's report) has no own properties.
    let description = match &meta.identity {
        Some(identity) => {
            let own = identity.to_xmp_properties();
            schemas.push(own.extension_schema);
            own.description
        }
        None => String::new(),
    };
    let (conformance, ua) = if tagged {
        schemas.push(PDFUA.to_xmp());
        (
            "A",
            " xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\" pdfuaid:part=\"1\"",
        )
    } else {
        ("B", "")
    };
    let extension = if schemas.is_empty() {
        String::new()
    } else {
        extension_schemas(&schemas)
    };
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">
<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" \
xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"{ua} pdfaid:part=\"2\" pdfaid:conformance=\"{conformance}\" \
dc:format=\"application/pdf\" pdf:Producer=\"{producer}\" pdf:Keywords=\"{keywords}\" \
xmp:CreatorTool=\"{creator}\" xmp:CreateDate=\"{date}\" xmp:ModifyDate=\"{date}\" xmp:MetadataDate=\"{date}\">
<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
</rdf:Description>
{description}{extension}</rdf:RDF></x:xmpmeta>
<?xpacket end=\"r\"?>",
        title = escape(&meta.title),
        author = escape(&meta.author),
        subject = escape(&meta.subject),
        language = escape(&meta.language),
        producer = escape(&meta.producer()),
        keywords = escape(&meta.keywords.join(", ")),
        creator = escape(&meta.creator),
    )
}
