//! What a screen reader needs besides the structure tree (issue 12), read back from the
//! PDF with lopdf: every field has a tooltip (`/TU`) that says what a sighted reader sees
//! beside it, every page has `/Tabs /S`, and the outline lists the H2 sections in order.
//! On the README's example, `--role direktion`, the custom framework in `examples/`, a
//! `--previous` guide and `--no-form`.

mod common;

use std::path::{Path, PathBuf};

use common::pdf::resolve;
use common::{guide, mus, EXAMPLE_FRAMEWORK, PEOPLE};
use lopdf::{decode_text_string, Document, Object, ObjectId};
use mus::model::framework::Framework;

/// The guides the "done when" names: (what, file, the H2 sections it must have).
fn guides(dir: &Path) -> Vec<(&'static str, PathBuf, Vec<String>)> {
    let builtin = Framework::builtin().unwrap();
    let custom = Framework::from_path(Path::new(EXAMPLE_FRAMEWORK)).unwrap();
    // The templates' sections around the focus principles, in order.
    let sections = |principles: Vec<&str>| -> Vec<String> {
        ["Om samtalen", "Samtalens indledning"]
            .into_iter()
            .chain(principles)
            .chain([
                "Din udvikling og vejen frem",
                "Udviklingsplan",
                "Underskrifter",
            ])
            .map(str::to_string)
            .collect()
    };
    let name = |f: &Framework, id: &str| f.principle(id).unwrap().name.clone();
    let example_focus = [
        name(&builtin, "saet-retning"),
        name(&builtin, "opdyrk-potentialer"),
    ];
    let all_builtin: Vec<String> = builtin.principles.iter().map(|p| p.name.clone()).collect();
    let all_custom: Vec<String> = custom.principles.iter().map(|p| p.name.clone()).collect();
    let example = [
        &["--role", "leder-af-medarbejdere"][..],
        &["--focus", "saet-retning", "--focus", "opdyrk-potentialer"],
        &PEOPLE,
    ]
    .concat();
    let previous = common::fixture("previous/signed.pdf");
    let after = [
        &["--role", "leder-af-medarbejdere"][..],
        &["--focus", "saet-retning,opdyrk-potentialer"],
        &["--name", "Mette Søgaard", "--manager", "Henrik Bæk"],
        &[
            "--unit",
            "Dagtilbud Nord",
            "--previous",
            previous.to_str().unwrap(),
        ],
    ]
    .concat();
    let custom_level = custom.levels[0].id.clone();
    vec![
        (
            "example",
            guide(dir, "example.pdf", &example),
            sections(example_focus.iter().map(String::as_str).collect()),
        ),
        (
            "direktion",
            guide(
                dir,
                "direktion.pdf",
                &[&["--role", "direktion"][..], &PEOPLE].concat(),
            ),
            sections(all_builtin.iter().map(String::as_str).collect()),
        ),
        (
            "custom framework",
            guide(
                dir,
                "custom.pdf",
                &[
                    &["--framework", EXAMPLE_FRAMEWORK, "--role", &custom_level][..],
                    &PEOPLE,
                ]
                .concat(),
            ),
            sections(all_custom.iter().map(String::as_str).collect()),
        ),
        (
            "--previous",
            guide(dir, "previous.pdf", &after),
            sections(example_focus.iter().map(String::as_str).collect()),
        ),
        (
            "--no-form",
            guide(dir, "print.pdf", &[&example[..], &["--no-form"]].concat()),
            sections(example_focus.iter().map(String::as_str).collect()),
        ),
    ]
}

/// A dictionary's `/TU`, decoded, or "" without one.
fn tooltip(doc: &Document, dict: &lopdf::Dictionary) -> String {
    dict.get(b"TU")
        .map(|t| decode_text_string(resolve(doc, t)).unwrap())
        .unwrap_or_default()
}

/// Text as compared with page text: no white space, no hyphens (layout hyphenates at
/// line ends), lower case (the title block's labels are printed in capitals).
fn squeeze(text: &str) -> String {
    common::squeeze_soft(text)
        .chars()
        .flat_map(char::to_lowercase)
        .collect()
}

/// The parts of a tooltip between `:`, `,`, `(`, `)` and `…` that are visible labels (a
/// question, an expectation, a rater, a column, a printed name): all but the words the
/// templates join them with ("af forventning 1", "række 3", "1 til 5", "status").
fn label_parts(tooltip: &str) -> Vec<String> {
    let shape = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect::<String>()
            .replace("##", "#")
    };
    tooltip
        .split([':', ',', '(', ')', '…'])
        .map(str::trim)
        .map(|part| {
            // "Din vurdering af forventning 1": the rater is shown, the number is the
            // list item's.
            match part.rfind(" af forventning ") {
                Some(at) if shape(&part[at..]) == " af forventning #" => &part[..at],
                _ => part,
            }
        })
        .filter(|part| {
            !part.is_empty()
                && ![
                    "# til #",
                    "#–#",
                    "#",
                    "række #",
                    "Aftale #",
                    "status",
                    "kommentar",
                ]
                .contains(&shape(part).as_str())
        })
        .map(str::to_string)
        .collect()
}

/// Every widget of every page: (page number, widget id, page text squeezed).
fn widgets(doc: &Document) -> Vec<(u32, ObjectId, String)> {
    let mut out = Vec::new();
    for (number, page) in doc.get_pages() {
        let text = squeeze(&doc.extract_text(&[number]).unwrap());
        let dict = doc.get_dictionary(page).unwrap();
        let Ok(annots) = dict.get(b"Annots") else {
            continue;
        };
        for annot in resolve(doc, annots).as_array().unwrap() {
            let id = annot.as_reference().unwrap();
            let a = doc.get_dictionary(id).unwrap();
            if a.get(b"Subtype").and_then(Object::as_name).ok() == Some(&b"Widget"[..]) {
                out.push((number, id, text.clone()));
            }
        }
    }
    out
}

#[test]
fn every_field_is_named_by_what_a_sighted_reader_sees_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    for (what, path, _) in guides(dir.path()) {
        assert_fields_named(what, &path);
    }
}

/// Regression guard for custom templates: without any `tooltip:` line, every field is
/// still named by the text before it.
#[test]
fn a_custom_template_without_tooltip_lines_still_names_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("mine");
    mus()
        .args(["templates", "export"])
        .arg(&templates)
        .assert()
        .success();
    let mut removed = 0;
    for entry in std::fs::read_dir(&templates).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("tooltip:"))
            .collect();
        removed += text.lines().count() - kept.len();
        std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    }
    assert!(
        removed >= 2,
        "the built-in templates name their scales and plan"
    );
    let previous = common::fixture("previous/signed.pdf");
    let path = guide(
        dir.path(),
        "mine.pdf",
        &[
            &["--templates", templates.to_str().unwrap()][..],
            &["--role", "leder-af-medarbejdere", "--focus", "saet-retning"],
            &PEOPLE,
            &["--previous", previous.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_fields_named("templates without tooltip lines", &path);
    // A scale is named by the expectation it rates, not by last year's ratings between.
    let doc = Document::load(&path).unwrap();
    let groups: Vec<String> = widgets(&doc)
        .iter()
        .filter_map(|(_, id, _)| {
            let parent = doc.get_dictionary(*id).unwrap().get(b"Parent").ok()?;
            let group = doc.get_dictionary(parent.as_reference().unwrap()).unwrap();
            group.has(b"FT").then(|| tooltip(&doc, group))
        })
        .collect();
    assert!(
        groups.iter().any(|t| t.starts_with(
            "Din vurdering: 1. Giver tydelige udmeldinger omkring politiske visioner"
        )),
        "{groups:?}"
    );
    assert!(
        !groups.iter().any(|t| t.contains("Sidste år")),
        "{groups:?}"
    );
}

/// Every widget of the guide at `path` has a tooltip that names labels its page (or a
/// page before) shows; a print-only guide has no widgets.
fn assert_fields_named(what: &str, path: &Path) {
    {
        let doc = Document::load(path).unwrap();
        let widgets = widgets(&doc);
        let prose: Vec<String> = doc
            .get_pages()
            .keys()
            .map(|n| squeeze(&doc.extract_text(&[*n]).unwrap()))
            .collect();
        if what == "--no-form" {
            assert!(
                widgets.is_empty(),
                "{what}: a print-only guide has no fields"
            );
            return;
        }
        assert!(widgets.len() > 50, "{what}: only {} widgets", widgets.len());
        for (page, id, text) in &widgets {
            let widget = doc.get_dictionary(*id).unwrap();
            let own = tooltip(&doc, widget);
            assert!(
                !own.trim().is_empty(),
                "{what} p{page}: widget {id:?} has no /TU"
            );
            // A radio button's field is its group: one tooltip for the group, and each
            // button says it and its own label.
            let group = widget
                .get(b"Parent")
                .ok()
                .map(|p| doc.get_dictionary(p.as_reference().unwrap()).unwrap())
                .filter(|p| p.has(b"FT"));
            let field = match group {
                Some(group) => {
                    let named = tooltip(&doc, group);
                    assert!(
                        !named.is_empty() && own.starts_with(&format!("{named}: ")),
                        "{what} p{page}: button '{own}' of group '{named}'"
                    );
                    named
                }
                None => own,
            };
            // Each label is shown on the field's page, or above it (a goal of last
            // year's plan, whose table may end the page before); one at least beside it.
            let labels = label_parts(&field);
            let so_far = prose[..*page as usize].concat();
            assert!(
                labels.iter().any(|l| text.contains(&squeeze(l))),
                "{what} p{page}: the tooltip '{field}' names nothing its page shows"
            );
            for label in &labels {
                assert!(
                    so_far.contains(&squeeze(label)),
                    "{what} p{page}: the tooltip '{field}' names '{label}', which the guide does not show"
                );
            }
            assert!(
                field.chars().count() <= mus::layout::tooltip::MAX_CHARS,
                "{what}: '{field}'"
            );
        }
    }
}

#[test]
fn the_example_guides_tooltips_word_for_word() {
    let dir = tempfile::tempdir().unwrap();
    let (_, path, _) = guides(dir.path()).remove(0);
    let doc = Document::load(&path).unwrap();
    let mut by_name = std::collections::BTreeMap::new();
    for (_, id, _) in widgets(&doc) {
        // The fully qualified name, from the widget up.
        let mut parts = Vec::new();
        let mut at = Some(id);
        let mut named = String::new();
        while let Some(i) = at {
            let d = doc.get_dictionary(i).unwrap();
            if let Ok(t) = d.get(b"T") {
                parts.push(decode_text_string(t).unwrap());
                if named.is_empty() {
                    named = tooltip(&doc, d);
                }
            }
            at = d.get(b"Parent").ok().map(|p| p.as_reference().unwrap());
        }
        parts.reverse();
        by_name.insert(parts.join("."), named);
    }
    for (name, want) in [
        (
            "saet-retning.forventning1.leder",
            "Din vurdering af forventning 1: Giver tydelige udmeldinger omkring politiske \
             visioner, retning og rammer samt …, 1 til 5",
        ),
        (
            "saet-retning.forventning1.refleksion",
            "Din refleksion: Hvordan sikrer du, at dine medarbejdere kender retningen, \
             rammerne og dine forventninger til opgaveløsningen?",
        ),
        (
            "opdyrk-potentialer.forventning5.leders-leder",
            "Lederens vurdering af forventning 5: Giver konstruktiv feedback, 1 til 5",
        ),
        ("plan.3.frist", "Udviklingsplan, række 3, Frist"),
        (
            "underskrift.leder.underskrift",
            "Underskrift: Leder, Łukasz Øster-Ågård",
        ),
        ("underskrift.leders-leder.dato", "Dato, Leders leder"),
        ("samtale.samtalens-dato", "Samtalens dato"),
    ] {
        assert_eq!(by_name.get(name).map(String::as_str), Some(want), "{name}");
    }
}

#[test]
fn every_page_tabs_in_structure_order_and_the_outline_is_the_h2_sections() {
    let dir = tempfile::tempdir().unwrap();
    for (what, path, sections) in guides(dir.path()) {
        let doc = Document::load(&path).unwrap();
        let pages = doc.get_pages();
        assert!(
            (9..=15).contains(&pages.len()),
            "{what}: {} pages",
            pages.len()
        );
        for (number, page) in &pages {
            let tabs = doc.get_dictionary(*page).unwrap().get(b"Tabs");
            assert_eq!(
                tabs.and_then(Object::as_name).ok(),
                Some(&b"S"[..]),
                "{what} p{number}"
            );
        }
        let catalog = doc.catalog().unwrap();
        let outlines = doc
            .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
            .unwrap();
        let mut titles = Vec::new();
        let mut at = outlines
            .get(b"First")
            .ok()
            .map(|f| f.as_reference().unwrap());
        while let Some(id) = at {
            let item = doc.get_dictionary(id).unwrap();
            let title = decode_text_string(item.get(b"Title").unwrap()).unwrap();
            // The entry opens the page the heading is on.
            let dest = item.get(b"Dest").unwrap().as_array().unwrap();
            let page = dest[0].as_reference().unwrap();
            let number = pages.iter().find(|(_, p)| **p == page).unwrap().0;
            let text = squeeze(&doc.extract_text(&[*number]).unwrap());
            assert!(
                text.contains(&squeeze(&title)),
                "{what}: '{title}' is not on page {number}"
            );
            titles.push(title);
            at = item.get(b"Next").ok().map(|n| n.as_reference().unwrap());
        }
        assert_eq!(titles, sections, "{what}");
        assert_eq!(
            outlines.get(b"Count").unwrap().as_i64().unwrap(),
            sections.len() as i64
        );
    }
}
