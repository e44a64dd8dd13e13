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

/// The report's fragments as they are made, and the structure tree they are tagged in.
struct Pages<'a> {
    m: &'a dyn Measure,
    frags: Vec<Fragment>,
    s: Structure,
}

impl Pages<'_> {
    /// Text blocks, laid out as the guide's are.
    fn text(&mut self, blocks: &[Block]) {
        self.frags
            .extend(layout::fragments(blocks, self.m, &mut self.s));
    }

    /// A chart as a figure with its alternative text.
    fn figure(&mut self, chart: Fragment, alt: String) {
        let f = figure(&mut self.s, chart, alt);
        self.frags.push(f);
    }

    fn legend(&mut self, entries: &[(&str, Swatch)]) {
        self.frags.push(artifact(charts::legend(entries, self.m)));
    }
}

/// The report laid out. `created` is the report's date (seconds since the epoch).
pub fn layout(figures: &Figures, order: &Order, created: i64, m: &dyn Measure) -> Document {
    let mut p = Pages {
        m,
        frags: Vec::new(),
        s: Structure::default(),
    };
    // One run of blocks, so that the part's heading keeps with what follows it.
    p.text(&[introduction(figures, created), completion_intro()].concat());
    completion(&mut p, figures);
    // The profile starts on a page of its own: the anonymised part stands apart.
    p.frags.push(Fragment {
        page_break: true,
        ..Fragment::default()
    });
    profile(&mut p, figures, order);

    let footer = Footer {
        left: format!("MUS {} · rapport til MED-udvalget", figures.year),
        center: String::new(),
        right: "Side {page} af {pages}".into(),
    };
    let mut pages = layout::paginate(p.frags);
    let count = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        theme::footer(page, &footer, i + 1, count, m);
    }
    Document {
        width: theme::PAGE_WIDTH,
        height: theme::PAGE_HEIGHT,
        pages,
        signatures: Vec::new(),
        structure: p.s,
    }
}

/// The title, the facts of the report and what it shows.
fn introduction(figures: &Figures, created: i64) -> Vec<Block> {
    let date = chrono::DateTime::from_timestamp(created, 0)
        .unwrap_or_default()
        .date_naive();
    let who = figures.unit.as_deref().unwrap_or("alle enheder");
    vec![
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
    ]
}

/// Part 1's heading and what its table and bars count.
fn completion_intro() -> Vec<Block> {
    vec![
        heading(2, "1. Gennemførelse"),
        paragraph(
            "Pr. enhed: ledere på listen, underskrevne guides i arkivet, guides der ikke \
             er underskrevet, og ledere uden guide. En leder har en udviklingsplan, når \
             den underskrevne guide har mindst én udfyldt række i udviklingsplanen. \
             Rapporten nævner enheder, ikke personer; hvem der mangler, viser »mus \
             archive status«.",
        ),
    ]
}

/// Part 1: who held their dialogue, per unit, as a table and as bars.
fn completion(p: &mut Pages, figures: &Figures) {
    let mut rows: Vec<Vec<String>> = figures.completion.iter().map(completion_row).collect();
    let total = figures.unit.is_none().then_some(&figures.total);
    if let Some(t) = total {
        rows.push(completion_row(t));
    }
    p.text(&[Block::Table {
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
    }]);
    p.frags.push(Fragment {
        height: 0.0,
        space_before: 14.0,
        keep_with_next: true,
        ..Fragment::default()
    });
    let bars = charts::completion(&figures.completion, total, p.m);
    for (bar, c) in bars.into_iter().zip(figures.completion.iter().chain(total)) {
        p.figure(bar, completion_alt(c));
    }
    p.legend(&[
        ("Underskrevet", Swatch::Solid),
        ("Ikke underskrevet", Swatch::Hatched),
        ("Mangler", Swatch::Open),
    ]);
    if figures.unmatched > 0 {
        p.text(&[paragraph(&format!(
            "Arkivet har desuden {} guide{} fra {}, som ingen på lederlisten svarer til; de \
             er ikke talt med.",
            figures.unmatched,
            if figures.unmatched == 1 { "" } else { "s" },
            figures.year
        ))]);
    }
}

/// Part 2: the anonymised ratings per principle, after a word on what is hidden and why.
fn profile(p: &mut Pages, figures: &Figures, order: &Order) {
    p.text(&[
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
                Span::new(suppression(figures), FontStyle::Regular),
            ]],
        },
    ]);
    p.legend(&[
        ("Selvvurdering", Swatch::Solid),
        ("Leders leders vurdering", Swatch::Hatched),
    ]);
    if figures.principles.is_empty() {
        p.text(&[paragraph(&format!(
            "Ingen underskrevne guides fra {} har vurderinger endnu.",
            figures.year
        ))]);
    }
    let scale = charts::profile_scale(&figures.cells);
    for principle in &figures.principles {
        principle_panels(p, figures, order, principle, scale);
    }
}

/// How small groups are kept out of sight, with how many numbers this report hides.
fn suppression(figures: &Figures) -> String {
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
    suppression
}

/// One principle's heading and its panels (all leaders, per level, per unit), a row of
/// panels to a figure.
fn principle_panels(p: &mut Pages, figures: &Figures, order: &Order, principle: &str, scale: f32) {
    let cells: Vec<(&super::figures::Cell, String)> = figures
        .cells
        .iter()
        .filter(|c| c.principle == principle)
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
        return;
    }
    let name = order.principle_name(principle);
    let mut h = layout::fragments(&[heading(3, &name)], p.m, &mut p.s);
    if let Some(last) = h.last_mut() {
        last.keep_with_next = true;
    }
    p.frags.extend(h);
    let rows = charts::panels(&cells, scale, p.m);
    for (row, panels) in rows.into_iter().zip(cells.chunks(charts::PANELS_PER_ROW)) {
        let alt = panels
            .iter()
            .map(|(cell, label)| panel_alt(&name, label, cell))
            .collect::<Vec<_>>()
            .join(" ");
        p.figure(row, alt);
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
