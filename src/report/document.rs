//! The report's pages: Danish text as document blocks (laid out as the guide's are) and
//! the charts as fragments, paginated together on A4 with the guide's footer; then the
//! guide's PDF writer (PDF/A-2b), without a guide identity.

use crate::base::fonts::FontSet;
use crate::compose::guide::danish_date;
use crate::layout::blocks::{Block, Span};
use crate::layout::{
    self, theme, Document, FontStyle, Footer, Fragment, Item, Mark, Measure, Role, Structure,
};
use crate::pdf::{self, Metadata};
use crate::report::error::Result;

use super::charts::{self, Swatch};
use super::csv::ALL;
use super::figures::{Cell, Completion, Figures, Group, Order, Series, Shown, Tally};

fn paragraph(text: &str) -> Block {
    Block::Paragraph {
        spans: vec![Span::new(text, FontStyle::Regular)],
    }
}

fn heading(level: u8, text: &str) -> Block {
    Block::Heading {
        level,
        spans: vec![Span::new(text, FontStyle::Regular)],
    }
}

/// The report laid out. `created` is the report's date (seconds since the epoch).
pub fn layout(figures: &Figures, order: &Order, created: i64, m: &dyn Measure) -> Document {
    let date = chrono::DateTime::from_timestamp(created, 0)
        .unwrap_or_default()
        .date_naive();
    let who = figures.unit.as_deref().unwrap_or("alle enheder");
    let mut frags: Vec<Fragment> = Vec::new();
    let mut s = Structure::default();
    let text = |blocks: &[Block], frags: &mut Vec<Fragment>, s: &mut Structure| {
        frags.extend(layout::fragments(blocks, m, s));
    };

    text(
        &[
            heading(
                1,
                &format!("MUS {} – rapport til MED-udvalget", figures.year),
            ),
            Block::Fields {
                rows: vec![
                    ("aar".into(), "År".into(), figures.year.to_string()),
                    ("enhed".into(), "Enheder".into(), capitalise(who)),
                    (
                        "liste".into(),
                        "Lederliste".into(),
                        file_name(&figures.roster),
                    ),
                    ("dato".into(), "Udarbejdet".into(), danish_date(date)),
                ],
                name: None,
                editable: Vec::new(),
            },
            paragraph(&format!(
                "Rapporten viser, hvem der har holdt deres MUS/LUS i {}, hvem der har en \
                 skriftlig udviklingsplan, og – anonymiseret – hvordan lederne vurderer sig \
                 selv, og hvordan deres egen leder vurderer dem, på ledelsesgrundlagets \
                 principper. Tallene kommer fra samtaleguides i arkivet, holdt op mod \
                 lederlisten; kun underskrevne guides tæller som gennemført.",
                figures.year
            )),
            heading(2, "1. Gennemførelse"),
            paragraph(
                "Pr. enhed: ledere på listen, underskrevne guides i arkivet, guides der ikke \
                 er underskrevet, og ledere uden guide. En leder har en udviklingsplan, når \
                 den underskrevne guide har mindst én udfyldt række i udviklingsplanen. \
                 Rapporten nævner enheder, ikke personer; hvem der mangler, viser »mus \
                 archive status«.",
            ),
        ],
        &mut frags,
        &mut s,
    );
    let mut rows: Vec<Vec<String>> = figures.completion.iter().map(completion_row).collect();
    let total = figures.unit.is_none().then_some(&figures.total);
    if let Some(t) = total {
        rows.push(completion_row(t));
    }
    text(
        &[Block::Table {
            columns: [
                "Enhed",
                "Ledere",
                "Underskrevet",
                "Ikke underskrevet",
                "Mangler",
                "Med plan",
            ]
            .iter()
            .map(|c| (String::new(), c.to_string()))
            .collect(),
            widths: vec![2.4, 0.9, 1.3, 1.75, 1.0, 1.3],
            cells: rows,
            rows: 0,
            name: None,
            tooltip: None,
        }],
        &mut frags,
        &mut s,
    );
    frags.push(Fragment {
        height: 0.0,
        space_before: 14.0,
        keep_with_next: true,
        ..Fragment::default()
    });
    let bars = charts::completion(&figures.completion, total, m);
    for (bar, c) in bars.into_iter().zip(figures.completion.iter().chain(total)) {
        frags.push(figure(&mut s, bar, completion_alt(c)));
    }
    frags.push(artifact(charts::legend(
        &[
            ("Underskrevet", Swatch::Solid),
            ("Ikke underskrevet", Swatch::Hatched),
            ("Mangler", Swatch::Open),
        ],
        m,
    )));
    if figures.unmatched > 0 {
        text(
            &[paragraph(&format!(
                "Arkivet har desuden {} guide{} fra {}, som ingen på lederlisten svarer til; de \
                 er ikke talt med.",
                figures.unmatched,
                if figures.unmatched == 1 { "" } else { "s" },
                figures.year
            ))],
            &mut frags,
            &mut s,
        );
    }

    // The profile starts on a page of its own: the anonymised part stands apart.
    frags.push(Fragment {
        page_break: true,
        ..Fragment::default()
    });
    let hidden = |why: Shown| {
        figures
            .cells
            .iter()
            .flat_map(|c| c.shown)
            .filter(|s| *s == why)
            .count()
    };
    let (too_few, complementary) = (hidden(Shown::TooFew), hidden(Shown::Complementary));
    let mut suppression = format!(
        "Et tal bygget på færre end {min} ledere vises ikke (»for få til at vise«). Det \
         gælder selvvurderingerne, leders leders vurderinger og forskellen hver for sig, \
         talt i de ledere, der står bag netop det tal; forskellen vises kun, hvor begge \
         vurderinger vises. Skjules et tal i en opdeling (pr. niveau eller pr. enhed), \
         skjules også det samme tal for de næstmindste grupper, indtil de skjulte tilsammen \
         bygger på mindst {min} ledere – så intet skjult tal kan regnes ud ved at trække de \
         viste fra totalen. I denne rapport er {too_few} tal skjult, fordi for få ledere \
         står bag, og {complementary} af den grund.",
        min = figures.min_group,
    );
    if figures.unit.is_some() {
        suppression.push_str(
            " Rapporten for én enhed viser enhedens felter, som den samlede rapport viser dem, \
             så to rapporter ikke kan trækkes fra hinanden.",
        );
    }
    text(
        &[
            heading(2, "2. Ledelsesprofil (anonymiseret)"),
            paragraph(
                "I samtaleguiden vurderer lederen sig selv fra 1 til 5 ved hver forventning i \
                 årets fokus, og lederens egen leder giver sin vurdering. Her er fordelingen \
                 af alle vurderinger pr. princip – for alle ledere, pr. niveau og pr. enhed. \
                 Søjlernes højde er andelen af vurderingerne, på samme skala i alle felter \
                 (en tynd linje for hver 10 %); tallet over søjlen er antallet. \
                 Forskellen er selvvurdering minus leders leders vurdering, ved de \
                 forventninger begge har vurderet (positiv: lederen vurderer sig selv højere). \
                 n er antallet af ledere bag hvert tal. Kun underskrevne guides tæller; ingen \
                 navne og ingen fritekst indgår.",
            ),
            Block::Callout {
                paragraphs: vec![vec![
                    Span::new("Små grupper vises ikke. ", FontStyle::Bold),
                    Span::new(suppression, FontStyle::Regular),
                ]],
            },
        ],
        &mut frags,
        &mut s,
    );
    frags.push(artifact(charts::legend(
        &[
            ("Selvvurdering", Swatch::Solid),
            ("Leders leders vurdering", Swatch::Hatched),
        ],
        m,
    )));
    if figures.principles.is_empty() {
        text(
            &[paragraph(&format!(
                "Ingen underskrevne guides fra {} har vurderinger endnu.",
                figures.year
            ))],
            &mut frags,
            &mut s,
        );
    }
    let scale = charts::profile_scale(&figures.cells);
    for p in &figures.principles {
        let cells: Vec<(&super::figures::Cell, String)> = figures
            .cells
            .iter()
            .filter(|c| &c.principle == p)
            .map(|c| {
                let label = match &c.group {
                    Group::All => "Alle ledere".to_string(),
                    Group::Level(l) => order.level_name(l),
                    Group::Unit(u) => u.clone(),
                };
                (c, label)
            })
            .collect();
        if cells.is_empty() {
            continue;
        }
        let name = order.principle_name(p);
        let mut h = layout::fragments(&[heading(3, &name)], m, &mut s);
        if let Some(last) = h.last_mut() {
            last.keep_with_next = true;
        }
        frags.extend(h);
        let rows = charts::panels(&cells, scale, m);
        for (row, panels) in rows.into_iter().zip(cells.chunks(charts::PANELS_PER_ROW)) {
            let alt = panels
                .iter()
                .map(|(cell, label)| panel_alt(&name, label, cell))
                .collect::<Vec<_>>()
                .join(" ");
            frags.push(figure(&mut s, row, alt));
        }
    }

    let footer = Footer {
        left: format!("MUS {} · rapport til MED-udvalget", figures.year),
        center: String::new(),
        right: "Side {page} af {pages}".into(),
    };
    let mut pages = layout::paginate(frags);
    let count = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        theme::footer(page, &footer, i + 1, count, m);
    }
    Document {
        width: theme::PAGE_WIDTH,
        height: theme::PAGE_HEIGHT,
        pages,
        signatures: Vec::new(),
        structure: s,
    }
}

/// A chart is a figure: its bars, rules and numbers are its content, and its alternative
/// text says in words what the bars show, for whoever cannot see them.
fn figure(s: &mut Structure, mut chart: Fragment, alt: String) -> Fragment {
    let node = s.add(Role::Figure, Structure::DOCUMENT);
    s.nodes[node].alt = Some(alt);
    chart.items.insert(0, Item::Mark(Mark::Content(node)));
    chart
}

/// A legend only repeats what every figure's alternative text says.
fn artifact(mut legend: Fragment) -> Fragment {
    legend.items.insert(0, Item::Mark(Mark::Artifact));
    legend
}

fn completion_alt(c: &Completion) -> String {
    format!(
        "{}: {} ledere, {} underskrevet, {} ikke underskrevet, {} mangler; {} med \
         udviklingsplan ({} %).",
        c.unit,
        c.leaders,
        c.signed,
        c.unsigned,
        c.missing,
        c.with_plan,
        super::csv::decimal(c.plan_share(), 0)
    )
}

fn panel_alt(principle: &str, label: &str, cell: &Cell) -> String {
    if cell.hidden() {
        return format!("{principle}, {label}: for få til at vise.");
    }
    let t = &cell.tally;
    let mean = |v: Option<f64>| v.map_or("–".to_string(), |v| super::csv::decimal(v, 2));
    let rater = |series: Series, name: &str, c: &[u32; 5]| {
        if !cell.shows(series) {
            return format!("{name}: for få til at vise.");
        }
        let counts = c
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}: {n}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "{name}, n = {}: {counts}; gennemsnit {}.",
            t.behind(series),
            mean(Tally::mean(c))
        )
    };
    let gap = if cell.shows(Series::Gap) {
        format!(
            "Forskel, n = {}: {}.",
            t.behind(Series::Gap),
            mean(t.mean_gap())
        )
    } else {
        "Forskel: for få til at vise.".to_string()
    };
    format!(
        "{principle}, {label}. {} {} {gap}",
        rater(Series::Own, "Selvvurdering", &t.own),
        rater(Series::Manager, "Leders leders vurdering", &t.manager),
    )
}

fn completion_row(c: &super::figures::Completion) -> Vec<String> {
    vec![
        c.unit.clone(),
        c.leaders.to_string(),
        c.signed.to_string(),
        c.unsigned.to_string(),
        c.missing.to_string(),
        format!(
            "{} ({} %)",
            c.with_plan,
            super::csv::decimal(c.plan_share(), 0)
        ),
    ]
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The roster's file name, without the folders (which may name a person's home).
fn file_name(origin: &str) -> String {
    std::path::Path::new(origin)
        .file_name()
        .map_or_else(|| origin.to_string(), |f| f.to_string_lossy().into_owned())
}

/// The report as PDF/A-2b bytes.
pub fn pdf(figures: &Figures, order: &Order, created: i64, fonts: &FontSet) -> Result<Vec<u8>> {
    let document = layout(figures, order, created, fonts);
    let title = match &figures.unit {
        Some(u) => format!("MUS {} – rapport til MED-udvalget – {u}", figures.year),
        None => format!("MUS {} – rapport til MED-udvalget", figures.year),
    };
    let meta = Metadata {
        title,
        author: "mus".into(),
        subject: format!(
            "Gennemførelse og anonymiseret ledelsesprofil, MUS {} ({})",
            figures.year,
            if figures.unit.is_some() {
                "én enhed"
            } else {
                ALL
            }
        ),
        keywords: vec!["MUS".into(), "LUS".into(), "MED".into(), "rapport".into()],
        creator: format!("mus {}", env!("CARGO_PKG_VERSION")),
        language: "da-DK".into(),
        created,
        key: format!("{figures:?}").into_bytes(),
        identity: None,
    };
    Ok(pdf::write(&document, fonts, &meta)?)
}
