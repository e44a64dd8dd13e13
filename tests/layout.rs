//! Layout of real guides with the real fonts: nothing outside the margins, no heading
//! alone at the foot of a page, long compounds inside their boxes.

mod common;

use mus::base::fonts::FontSet;
use mus::compose::guide::{Guide, People};
use mus::compose::templates::Templates;
use mus::layout::theme::{CONTENT_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, PAGE_WIDTH};
use mus::layout::{Document, FontStyle, Item, Measure};
use mus::model::framework::Framework;

fn layout_all_levels() -> Vec<(String, Document)> {
    let framework = Framework::builtin().unwrap();
    let templates = Templates::builtin().unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
    framework
        .levels
        .iter()
        .map(|level| {
            let guide = Guide {
                framework: &framework,
                level,
                focus: framework.principles.iter().collect(),
                people: People {
                    name: "Marie-Louise Skovgaard-Kristoffersen Østergård".into(),
                    manager: "Łukasz Øster-Ågård".into(),
                    unit: "Børne- og Uddannelsesforvaltningens Sundhedsplejeordning".into(),
                    employee_id: None,
                },
                date,
                created: 0,
                form: true,
                previous: None,
            };
            (
                level.id.clone(),
                guide.layout(&templates, FontSet::builtin()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn no_text_runs_outside_the_margins() {
    let fonts = FontSet::builtin();
    for (level, doc) in layout_all_levels() {
        for (p, page) in doc.pages.iter().enumerate() {
            for item in &page.items {
                if let Item::Text {
                    x,
                    y,
                    size,
                    style,
                    text,
                    ..
                } = item
                {
                    let right = x + fonts.width(*style, text, *size);
                    assert!(
                        *x >= MARGIN_LEFT - 0.01,
                        "{level} p{}: '{text}' starts at {x}",
                        p + 1
                    );
                    assert!(
                        right <= PAGE_WIDTH - MARGIN_RIGHT + 0.5,
                        "{level} p{}: '{text}' ends at {right}",
                        p + 1
                    );
                    assert!(
                        *y >= MARGIN_TOP && *y <= doc.height - 30.0,
                        "{level} p{}: '{text}' at y {y}",
                        p + 1
                    );
                }
            }
        }
    }
}

#[test]
fn no_heading_stands_alone_at_the_bottom_of_a_page() {
    for (level, doc) in layout_all_levels() {
        for (p, page) in doc.pages.iter().enumerate() {
            // The last body text on the page (the footer sits below the content area).
            let last = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text {
                        y,
                        size,
                        style,
                        text,
                        ..
                    } if *y <= CONTENT_BOTTOM => Some((*y, *size, *style, text)),
                    _ => None,
                })
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, size, style, text)) = last {
                let is_heading = style == FontStyle::Bold && size >= 11.5;
                assert!(
                    !is_heading,
                    "{level} page {}: heading '{text}' ends the page",
                    p + 1
                );
            }
        }
    }
}

#[test]
fn every_guide_ends_with_plan_and_signatures_together() {
    for (level, doc) in layout_all_levels() {
        let texts = doc.page_texts();
        let last = texts.last().unwrap();
        assert!(
            last.contains("Underskrifter") && last.contains("Leders leder"),
            "{level}: {last}"
        );
        let printed_name = doc.pages.last().unwrap().items.iter().any(|i| {
            matches!(i, Item::Field { name, kind: mus::layout::FieldKind::Text { value, .. }, .. }
                if &**name == "underskrift.leder.navn" && value.contains("Skovgaard"))
        });
        assert!(
            printed_name,
            "{level}: the printed name is a field in the signature block"
        );
    }
}

/// Last year's plan and its status questions stand together: the printed table (its
/// rows kept together) and the first "Aftale 1: Hvordan er det gået?" with its choice
/// never fall on separate pages, wherever the table's end falls.
#[test]
fn last_years_plan_table_stays_with_its_status_questions() {
    let framework = Framework::builtin().unwrap();
    let templates = Templates::builtin().unwrap();
    let fixture = common::fixture("previous/signed.pdf");
    let last_year = mus::archive::answers::read(&std::fs::read(fixture).unwrap()).unwrap();
    let level = framework.level("leder-af-medarbejdere").unwrap();
    let words = "Styrke den fælles retning i hverdagen med faste aftaler og opfølgning ";
    let page_of = |doc: &Document, wanted: &dyn Fn(&str) -> bool| {
        doc.pages
            .iter()
            .position(|p| {
                p.items
                    .iter()
                    .any(|i| matches!(i, Item::Text { text, .. } if wanted(text)))
            })
            .unwrap()
    };
    let mut layouts = 0;
    for rows in 1..=3u32 {
        for length in (10..=230).step_by(11) {
            let mut carried = last_year.clone();
            carried.plan = (1..=rows)
                .map(|row| mus::archive::answers::PlanRow {
                    row,
                    maal: words
                        .repeat(4)
                        .chars()
                        .take(length)
                        .collect::<String>()
                        .trim()
                        .to_string(),
                    handling: "Møder".into(),
                    hvem: format!("Q{row}"),
                    frist: "1. juni".into(),
                    opfoelgning: String::new(),
                })
                .collect();
            let guide = Guide {
                framework: &framework,
                level,
                focus: framework.principles.iter().take(2).collect(),
                people: People {
                    name: "Mette Søgaard".into(),
                    manager: "Henrik Bæk".into(),
                    unit: "Dagtilbud Nord".into(),
                    employee_id: None,
                },
                date: chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
                created: 0,
                form: true,
                previous: Some(&carried),
            };
            let doc = guide.layout(&templates, FontSet::builtin()).unwrap();
            let header = page_of(&doc, &|t| t == "Handling");
            let last_row = page_of(&doc, &|t| t == format!("Q{rows}"));
            let question = page_of(&doc, &|t| t.starts_with("Aftale 1"));
            let status = page_of(&doc, &|t| t.starts_with("nået"));
            assert_eq!(
                (header, last_row, question),
                (question, question, status),
                "{rows} rows, goals of {length} characters: table header p{}, last row p{}, \
                 'Aftale 1' p{}, its choice p{}",
                header + 1,
                last_row + 1,
                question + 1,
                status + 1
            );
            layouts += 1;
        }
    }
    assert_eq!(layouts, 63);
}

/// Every guide of every level, with the long names above and with the README's example
/// names (whose guide for `direktion` showed the fault on pages 5 and 11).
fn layout_all_levels_both_names() -> Vec<(String, Document)> {
    let framework = Framework::builtin().unwrap();
    let templates = Templates::builtin().unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
    let mut out = layout_all_levels();
    for level in &framework.levels {
        let guide = Guide {
            framework: &framework,
            level,
            focus: framework.principles.iter().collect(),
            people: People {
                name: "Łukasz Øster-Ågård".into(),
                manager: "Bodil Kjærgård".into(),
                unit: "Dagtilbud Nord".into(),
                employee_id: None,
            },
            date,
            created: 0,
            form: true,
            previous: None,
        };
        let doc = guide.layout(&templates, FontSet::builtin()).unwrap();
        out.push((format!("{} (example names)", level.id), doc));
    }
    out
}

/// Regression: a rating row that ended a page left its reflection questions for the next
/// page (`--role direktion`, pages 5 and 11), and poppler then read the footer into the
/// row. An expectation's scale now stays with its first question.
#[test]
fn a_rating_row_never_ends_a_page_without_its_first_question() {
    for (level, doc) in layout_all_levels_both_names() {
        for (p, page) in doc.pages.iter().enumerate() {
            let names: Vec<&str> = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Field { name, .. } => Some(&**name),
                    _ => None,
                })
                .collect();
            let scales = page.items.iter().filter_map(|i| match i {
                Item::Field {
                    name,
                    kind: mus::layout::FieldKind::Radio { .. },
                    ..
                } => Some(name),
                _ => None,
            });
            for name in scales {
                // The scale's groups are `<principle>.forventning<n>.<rater>`; its first
                // question is `<principle>.forventning<n>.refleksion`.
                let Some((expectation, _)) = name.rsplit_once('.') else {
                    continue;
                };
                if !expectation
                    .rsplit('.')
                    .next()
                    .unwrap()
                    .starts_with("forventning")
                {
                    continue;
                }
                let question = format!("{expectation}.refleksion");
                assert!(
                    names.contains(&question.as_str()),
                    "{level} page {}: the rating row of {expectation} ends the page; \
                     its question {question} is on another page",
                    p + 1
                );
            }
        }
    }
}
