//! The screen reader's view of a guide: the structure tree read back from the PDF with
//! lopdf, and the page content checked against it (every MCID has its element and every
//! element's MCID is on its page, every drawing operator is marked content or an
//! artifact, every widget sits in a `Form` element).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::{mus, root, PEOPLE};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

/// A guide for Łukasz as `extra` arguments say.
fn guide(dir: &Path, file: &str, extra: &[&str]) -> Vec<u8> {
    common::read(&common::guide(dir, file, &[&PEOPLE[..], extra].concat()))
}

/// The example guide: two principles in focus, with the form (9 pages).
fn example(dir: &Path) -> Vec<u8> {
    guide(
        dir,
        "example.pdf",
        &[
            "--role",
            "leder-af-medarbejdere",
            "--focus",
            "saet-retning,opdyrk-potentialer",
        ],
    )
}

/// One structure element as read back.
#[derive(Debug)]
struct Element {
    role: String,
    depth: usize,
    id: ObjectId,
    alt: Option<String>,
    scope: Option<String>,
    /// Widgets (OBJR) directly in it.
    widgets: Vec<ObjectId>,
    children: Vec<usize>,
}

/// What the tree says and what the pages hold.
#[derive(Debug, Default)]
struct Tagged {
    /// Pre-order: reading order.
    elements: Vec<Element>,
    /// (page, MCID) → element object, from the tree.
    tree_mcids: BTreeMap<(ObjectId, i64), ObjectId>,
    /// (page, MCID) from the pages' content.
    page_mcids: BTreeSet<(ObjectId, i64)>,
    /// Drawing operators outside any marked content, per page.
    unmarked: Vec<(usize, String)>,
    /// The pages with pagination artifacts.
    footers: BTreeSet<usize>,
}

fn dict<'a>(doc: &'a Document, object: &'a Object) -> &'a Dictionary {
    match object {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

fn name(d: &Dictionary, key: &[u8]) -> Option<String> {
    d.get(key)
        .ok()
        .and_then(|n| n.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

fn text(object: &Object) -> String {
    let Object::String(bytes, _) = object else {
        panic!("not a string: {object:?}")
    };
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

fn read(pdf: &[u8]) -> (Document, Tagged) {
    let doc = Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let mark_info = dict(&doc, catalog.get(b"MarkInfo").expect("MarkInfo"));
    assert_eq!(
        mark_info.get(b"Marked").unwrap(),
        &Object::Boolean(true),
        "MarkInfo /Marked true"
    );
    let root_id = catalog
        .get(b"StructTreeRoot")
        .unwrap()
        .as_reference()
        .unwrap();
    let root = doc.get_dictionary(root_id).unwrap();
    let mut tagged = Tagged::default();

    // The tree, checking every element's /P.
    fn walk(doc: &Document, id: ObjectId, parent: ObjectId, depth: usize, t: &mut Tagged) -> usize {
        let e = doc.get_dictionary(id).unwrap();
        assert_eq!(
            e.get(b"P").unwrap().as_reference().unwrap(),
            parent,
            "{id:?}: /P names its parent"
        );
        let role = name(e, b"S").unwrap();
        let page = e.get(b"Pg").ok().map(|p| p.as_reference().unwrap());
        let index = t.elements.len();
        t.elements.push(Element {
            role,
            depth,
            id,
            alt: e.get(b"Alt").ok().map(text),
            scope: e
                .get(b"A")
                .ok()
                .map(|a| dict(doc, a))
                .and_then(|a| name(a, b"Scope")),
            widgets: Vec::new(),
            children: Vec::new(),
        });
        let kids = match e.get(b"K") {
            Ok(Object::Array(kids)) => kids.clone(),
            Ok(kid) => vec![kid.clone()],
            Err(_) => Vec::new(),
        };
        for kid in kids {
            match kid {
                Object::Integer(mcid) => {
                    let page = page.expect("an element with MCIDs has /Pg");
                    assert!(t.tree_mcids.insert((page, mcid), id).is_none());
                }
                Object::Reference(child) => {
                    let is_element = doc
                        .get_dictionary(child)
                        .map(|d| d.has(b"S"))
                        .unwrap_or(false);
                    assert!(is_element, "{child:?} is a structure element");
                    let c = walk(doc, child, id, depth + 1, t);
                    t.elements[index].children.push(c);
                }
                Object::Dictionary(d) => match name(&d, b"Type").as_deref() {
                    Some("MCR") => {
                        let page = d.get(b"Pg").unwrap().as_reference().unwrap();
                        let mcid = d.get(b"MCID").unwrap().as_i64().unwrap();
                        assert!(t.tree_mcids.insert((page, mcid), id).is_none());
                    }
                    Some("OBJR") => {
                        let widget = d.get(b"Obj").unwrap().as_reference().unwrap();
                        t.elements[index].widgets.push(widget);
                    }
                    other => panic!("unexpected kid {other:?}"),
                },
                other => panic!("unexpected kid {other:?}"),
            }
        }
        index
    }
    let document = root.get(b"K").unwrap().as_reference().unwrap();
    walk(&doc, document, root_id, 0, &mut tagged);
    assert_eq!(tagged.elements[0].role, "Document");

    // The pages' content.
    for (number, (_, page)) in doc.get_pages().iter().enumerate() {
        let content = Content::decode(&doc.get_page_content(*page)).unwrap();
        let mut stack: Vec<bool> = Vec::new(); // true: an artifact
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" => {
                    let tag = op.operands[0].as_name().unwrap();
                    let props = dict(&doc, &op.operands[1]);
                    if let Ok(mcid) = props.get(b"MCID") {
                        assert!(stack.is_empty(), "p{number}: MCIDs do not nest");
                        let fresh = tagged.page_mcids.insert((*page, mcid.as_i64().unwrap()));
                        assert!(fresh, "p{number}: MCID {mcid:?} used twice");
                    } else {
                        assert_eq!(tag, b"Artifact");
                        if name(props, b"Type").as_deref() == Some("Pagination") {
                            tagged.footers.insert(number);
                        }
                    }
                    stack.push(tag == b"Artifact");
                }
                "BMC" => stack.push(op.operands[0].as_name().unwrap() == b"Artifact"),
                "EMC" => {
                    stack.pop().expect("EMC closes a sequence");
                }
                "Tj" | "TJ" | "'" | "\"" | "f" | "F" | "f*" | "S" | "s" | "B" | "B*" | "b"
                | "b*" | "Do" | "sh"
                    if stack.is_empty() =>
                {
                    tagged.unmarked.push((number, op.operator.clone()))
                }
                _ => {}
            }
        }
        assert!(stack.is_empty(), "p{number}: a sequence is left open");
    }
    // The parent tree: each page's array names the element of each of its MCIDs.
    let nums = dict(&doc, root.get(b"ParentTree").unwrap())
        .get(b"Nums")
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    let parent_tree: BTreeMap<i64, Object> = nums
        .chunks(2)
        .map(|p| (p[0].as_i64().unwrap(), p[1].clone()))
        .collect();
    let mut from_parent_tree = BTreeMap::new();
    for (_, page) in doc.get_pages() {
        let key = doc
            .get_dictionary(page)
            .unwrap()
            .get(b"StructParents")
            .unwrap()
            .as_i64()
            .unwrap();
        for (mcid, element) in parent_tree[&key].as_array().unwrap().iter().enumerate() {
            from_parent_tree.insert((page, mcid as i64), element.as_reference().unwrap());
        }
    }
    assert_eq!(
        from_parent_tree, tagged.tree_mcids,
        "the parent tree and the elements' MCIDs agree"
    );
    let next = root.get(b"ParentTreeNextKey").unwrap().as_i64().unwrap();
    assert!(parent_tree.keys().all(|k| *k < next));
    // Every widget's /StructParent names the Form element that holds it.
    let holder: BTreeMap<ObjectId, &Element> = tagged
        .elements
        .iter()
        .flat_map(|e| e.widgets.iter().map(move |w| (*w, e)))
        .collect();
    for (_, page) in doc.get_pages() {
        let annots = match doc.get_dictionary(page).unwrap().get(b"Annots") {
            Ok(a) => a.as_array().unwrap().clone(),
            Err(_) => continue,
        };
        for annot in annots {
            let id = annot.as_reference().unwrap();
            let key = doc
                .get_dictionary(id)
                .unwrap()
                .get(b"StructParent")
                .expect("a widget has /StructParent")
                .as_i64()
                .unwrap();
            let element = holder.get(&id).expect("every widget is in the tree");
            assert_eq!(element.role, "Form");
            assert_eq!(parent_tree[&key].as_reference().unwrap(), element.id);
        }
    }
    (doc, tagged)
}

fn widgets(doc: &Document) -> usize {
    doc.get_pages()
        .values()
        .filter_map(|p| doc.get_dictionary(*p).unwrap().get(b"Annots").ok())
        .map(|a| a.as_array().unwrap().len())
        .sum()
}

fn roles(t: &Tagged, role: &str) -> Vec<usize> {
    (0..t.elements.len())
        .filter(|i| t.elements[*i].role == role)
        .collect()
}

/// What holds for every tagged guide.
fn check_common(doc: &Document, t: &Tagged, what: &str) {
    assert!(t.unmarked.is_empty(), "{what}: unmarked {:?}", t.unmarked);
    assert_eq!(
        t.page_mcids,
        t.tree_mcids.keys().copied().collect(),
        "{what}: every MCID on a page has its element, and every element's MCID is there"
    );
    assert_eq!(
        t.footers,
        (0..doc.get_pages().len()).collect::<BTreeSet<_>>(),
        "{what}: a pagination artifact (the footer) on every page"
    );
    let headings: Vec<&str> = t
        .elements
        .iter()
        .filter(|e| e.role.starts_with('H'))
        .map(|e| e.role.as_str())
        .collect();
    assert_eq!(headings.first(), Some(&"H1"), "{what}: {headings:?}");
    assert!(headings.iter().filter(|h| **h == "H1").count() == 1);
    // No heading skips a level on the way down.
    for pair in headings.windows(2) {
        let level = |h: &str| h[1..].parse::<u8>().unwrap();
        assert!(level(pair[1]) <= level(pair[0]) + 1, "{what}: {pair:?}");
    }
    // Lists: items with a label and a body.
    let lists = roles(t, "L");
    assert!(!lists.is_empty(), "{what}: lists");
    for l in lists {
        for &li in &t.elements[l].children {
            let kids: Vec<&str> = t.elements[li]
                .children
                .iter()
                .map(|k| t.elements[*k].role.as_str())
                .collect();
            assert_eq!(t.elements[li].role, "LI");
            assert_eq!(kids, ["Lbl", "LBody"], "{what}");
        }
    }
    // Tables: rows of cells; header cells say what they head.
    for table in roles(t, "Table") {
        for &tr in &t.elements[table].children {
            assert_eq!(t.elements[tr].role, "TR", "{what}");
            for &cell in &t.elements[tr].children {
                let c = &t.elements[cell];
                assert!(c.role == "TH" || c.role == "TD", "{what}: {}", c.role);
                assert_eq!(c.scope.is_some(), c.role == "TH", "{what}: Scope on TH");
            }
        }
    }
    // Each element's depth is its parent's plus one (the walk is pre-order).
    assert!(t.elements.iter().skip(1).all(|e| e.depth >= 1));
}

/// The roles of `element`'s children.
fn child_roles(t: &Tagged, element: usize) -> Vec<String> {
    t.elements[element]
        .children
        .iter()
        .map(|c| t.elements[*c].role.clone())
        .collect()
}

#[test]
fn the_example_guide_reads_as_a_structured_document() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = example(dir.path());
    let (doc, t) = read(&pdf);
    check_common(&doc, &t, "example");
    assert_eq!(doc.get_pages().len(), 9);

    let headings: Vec<&str> = t
        .elements
        .iter()
        .filter(|e| e.role.starts_with('H'))
        .map(|e| e.role.as_str())
        .collect();
    assert_eq!(
        headings.iter().filter(|h| **h == "H2").count(),
        7,
        "{headings:?}"
    );
    assert!(headings.iter().filter(|h| **h == "H3").count() >= 10);

    // The plan: a table whose first row is column headers.
    let plan = roles(&t, "Table")
        .into_iter()
        .find(|&table| {
            let first = t.elements[table].children[0];
            t.elements[first]
                .children
                .iter()
                .all(|c| t.elements[*c].scope.as_deref() == Some("Column"))
        })
        .expect("the development plan is a table with column headers");
    let rows = &t.elements[plan].children;
    assert!(rows.len() >= 4, "a header row and the empty rows");
    // Its empty rows' cells each hold a field.
    let last = *rows.last().unwrap();
    for &cell in &t.elements[last].children {
        assert_eq!(child_roles(&t, cell), ["Form"]);
    }
    // The facts of page 1: label headers for their rows.
    assert!(roles(&t, "TH")
        .iter()
        .any(|th| t.elements[*th].scope.as_deref() == Some("Row")));

    // The figure names what it shows and the year's focus.
    let figures = roles(&t, "Figure");
    assert_eq!(figures.len(), 1);
    let alt = t.elements[figures[0]].alt.clone().unwrap();
    assert!(alt.contains("Årets fokus: Sæt retning"), "{alt}");
    assert!(alt.contains("Opdyrk potentialer"), "{alt}");

    // The shaded box.
    assert!(!roles(&t, "BlockQuote").is_empty());

    // Every widget, the two signature fields too, is in a Form element.
    let in_tree: usize = t.elements.iter().map(|e| e.widgets.len()).sum();
    assert_eq!(in_tree, widgets(&doc));
    assert!(in_tree > 100, "{in_tree} widgets");
    let signatures: Vec<_> = t
        .elements
        .iter()
        .flat_map(|e| &e.widgets)
        .filter(|w| {
            doc.get_dictionary(**w)
                .unwrap()
                .get(b"FT")
                .map(|ft| ft.as_name().unwrap() == b"Sig")
                .unwrap_or(false)
        })
        .collect();
    assert_eq!(signatures.len(), 2);

    // A scale: a P per rater holding a Form per button.
    let rater = roles(&t, "P")
        .into_iter()
        .find(|p| child_roles(&t, *p).len() == 5)
        .expect("a rater's row of five buttons");
    assert!(child_roles(&t, rater).iter().all(|r| r == "Form"));
}

#[test]
fn the_xmp_says_pdf_ua_1_and_pdf_a_2a() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = example(dir.path());
    let doc = Document::load_mem(&pdf).unwrap();
    let id = doc
        .catalog()
        .unwrap()
        .get(b"Metadata")
        .unwrap()
        .as_reference()
        .unwrap();
    let xmp = String::from_utf8(
        doc.get_object(id)
            .unwrap()
            .as_stream()
            .unwrap()
            .content
            .clone(),
    )
    .unwrap();
    assert!(xmp.contains("xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\" pdfuaid:part=\"1\""));
    assert!(xmp.contains("pdfaid:conformance=\"A\""));
    // The extension schema describes pdfuaid, as PDF/A wants of any schema it lacks.
    assert!(xmp.contains(
        "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\
         <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    ));
    assert!(xmp.contains("pdfaProperty:name=\"part\" pdfaProperty:valueType=\"Integer\""));
}

#[test]
fn every_principle_print_only_custom_and_follow_up_guides_are_tagged_too() {
    let dir = tempfile::tempdir().unwrap();
    let direktion = guide(dir.path(), "direktion.pdf", &["--role", "direktion"]);
    let (doc, t) = read(&direktion);
    check_common(&doc, &t, "direktion");
    assert!(doc.get_pages().len() >= 14);
    let alt = t.elements[roles(&t, "Figure")[0]].alt.clone().unwrap();
    assert!(alt.contains("Årets fokus:"), "{alt}");

    let print = guide(
        dir.path(),
        "print.pdf",
        &["--role", "leder-af-medarbejdere", "--no-form"],
    );
    let (doc, t) = read(&print);
    check_common(&doc, &t, "--no-form");
    assert_eq!(widgets(&doc), 0);
    assert!(roles(&t, "Form").is_empty());

    let framework = root().join("examples/framework-egeskov.json");
    let custom = guide(
        dir.path(),
        "custom.pdf",
        &[
            "--role",
            "teamleder",
            "--framework",
            framework.to_str().unwrap(),
        ],
    );
    let (doc, t) = read(&custom);
    check_common(&doc, &t, "custom framework");
    let in_tree: usize = t.elements.iter().map(|e| e.widgets.len()).sum();
    assert_eq!(in_tree, widgets(&doc));

    let previous: PathBuf = root().join("tests/fixtures/previous/signed.pdf");
    let follow_up = guide(
        dir.path(),
        "follow-up.pdf",
        &[
            "--role",
            "leder-af-medarbejdere",
            "--previous",
            previous.to_str().unwrap(),
        ],
    );
    let (doc, t) = read(&follow_up);
    check_common(&doc, &t, "--previous");
    // Last year's plan is a table too, its first row column headers.
    let with_headers = roles(&t, "Table")
        .into_iter()
        .filter(|&table| {
            let first = t.elements[table].children[0];
            t.elements[first]
                .children
                .iter()
                .all(|c| t.elements[*c].scope.as_deref() == Some("Column"))
        })
        .count();
    assert!(with_headers >= 2, "this year's plan and last year's");
}

#[test]
fn a_custom_template_s_figure_takes_its_alt_text_and_its_markup_gets_tags() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    mus()
        .args(["templates", "export"])
        .arg(&templates)
        .assert()
        .success();
    // Every template that draws the figure gets an alt= override.
    let mut changed = 0;
    for entry in std::fs::read_dir(&templates).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains("```figure") {
            let text = text.replace(
                "```figure",
                "```figure alt='Syv cirkler om \"kerneopgaven\"'",
            );
            std::fs::write(&path, text).unwrap();
            changed += 1;
        }
    }
    assert!(changed > 0, "a template draws the figure");
    let pdf = guide(
        dir.path(),
        "custom.pdf",
        &[
            "--role",
            "leder-af-medarbejdere",
            "--templates",
            templates.to_str().unwrap(),
        ],
    );
    let (doc, t) = read(&pdf);
    check_common(&doc, &t, "custom templates");
    let figure = roles(&t, "Figure")[0];
    assert_eq!(
        t.elements[figure].alt.as_deref(),
        Some("Syv cirkler om \"kerneopgaven\"")
    );
}

#[test]
fn the_untagged_writer_writes_neither_marks_nor_a_tree() {
    use mus::base::fonts::FontSet;
    use mus::compose::guide::{Guide, People};
    use mus::compose::templates::Templates;
    use mus::model::framework::Framework;
    let framework = Framework::builtin().unwrap();
    let templates = Templates::builtin().unwrap();
    let guide = Guide {
        framework: &framework,
        level: framework.level("chef").unwrap(),
        focus: framework.resolve_focus(&["saet-retning"]).unwrap(),
        people: People {
            name: "Łukasz Øster-Ågård".into(),
            manager: "Bodil Kjærgård".into(),
            unit: "Dagtilbud Nord".into(),
            employee_id: None,
        },
        date: chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
        created: 0,
        form: true,
        previous: None,
    };
    let layout = guide.layout(&templates, FontSet::builtin()).unwrap();
    let meta = guide.metadata(vec![1]);
    let write = |tagged| {
        mus::pdf::write_as(
            &layout,
            FontSet::builtin(),
            &meta,
            mus::pdf::Options {
                pdf_a: true,
                tagged,
            },
        )
        .unwrap()
    };
    let untagged = Document::load_mem(&write(false)).unwrap();
    assert!(untagged.catalog().unwrap().get(b"StructTreeRoot").is_err());
    for page in untagged.get_pages().values() {
        let content = Content::decode(&untagged.get_page_content(*page)).unwrap();
        assert!(content
            .operations
            .iter()
            .all(|op| !["BDC", "BMC", "EMC"].contains(&op.operator.as_str())));
    }
    let (doc, t) = read(&write(true));
    check_common(&doc, &t, "chef");
}

/// Page 1's content streams, decoded.
fn cover_streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let doc = Document::load_mem(pdf).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    doc.get_page_contents(page)
        .into_iter()
        .map(|id| {
            let stream = doc.get_object(id).unwrap().as_stream().unwrap();
            stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone())
        })
        .collect()
}

/// The marked-content ids of `content`, in order.
fn mcids(content: &[u8]) -> Vec<i64> {
    Content::decode(content)
        .unwrap()
        .operations
        .iter()
        .filter(|op| op.operator == "BDC")
        .filter_map(|op| {
            op.operands
                .get(1)?
                .as_dict()
                .ok()?
                .get(b"MCID")
                .ok()?
                .as_i64()
                .ok()
        })
        .collect()
}

#[test]
fn the_title_block_stands_apart_so_the_rest_of_the_cover_is_the_same_for_every_leader() {
    let dir = tempfile::tempdir().unwrap();
    let role = ["--role", "chef", "--focus", "saet-retning"];
    let a = guide(dir.path(), "a.pdf", &role);
    let b = common::read(&common::guide(
        dir.path(),
        "b.pdf",
        &[
            &role[..],
            &[
                "--name",
                "Ane Ærø",
                "--manager",
                "Søren Holm",
                "--unit",
                "Skoler Syd",
            ],
        ]
        .concat(),
    ));
    let (a, b) = (cover_streams(&a), cover_streams(&b));
    // The title block (with the heading above it), the rest of the page, the footer.
    assert_eq!((a.len(), b.len()), (3, 3));
    let text = |s: &[u8]| String::from_utf8_lossy(s).into_owned();
    assert_ne!(a[0], b[0], "the title blocks name different leaders");
    assert_eq!(text(&a[1]), text(&b[1]), "the rest of the cover is shared");
    // The marked content goes on from one stream to the next: each id once, in order.
    let ids: Vec<i64> = a.iter().flat_map(|s| mcids(s)).collect();
    assert!(
        !mcids(&a[0]).is_empty() && !mcids(&a[1]).is_empty(),
        "{ids:?}"
    );
    assert_eq!(ids, (0..ids.len() as i64).collect::<Vec<_>>());
}
