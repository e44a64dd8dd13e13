//! In-process benchmarks: one guide end to end, and its stages (layout, PDF writing), so
//! guides per second per core and where the time goes can be read off one run.
//!
//! Whole-process (cold) timings are taken with hyperfine: `scripts/bench.sh`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mus::fonts::FontSet;
use mus::framework::Framework;
use mus::guide::{Guide, People};
use mus::templates::Templates;

fn guides(c: &mut Criterion) {
    let framework = Framework::builtin().unwrap();
    let templates = Templates::builtin().unwrap();
    let fonts = FontSet::builtin();
    let date = chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
    let guide = |focus: &[&str]| Guide {
        framework: &framework,
        level: framework.level("leder-af-medarbejdere").unwrap(),
        focus: framework.resolve_focus(focus).unwrap(),
        people: People {
            name: "Łukasz Øster-Ågård".into(),
            manager: "Bodil Kjærgård".into(),
            unit: "Dagtilbud Nord".into(),
        },
        date,
        created: 0,
    };
    let two = guide(&["saet-retning", "opdyrk-potentialer"]);
    let all = guide(&[]);
    for (label, g) in [("two-principles", &two), ("all-principles", &all)] {
        let rendered = g.render(&templates, fonts).unwrap();
        eprintln!(
            "{label}: {} pages, {} bytes",
            rendered.pages,
            rendered.pdf.len()
        );
    }

    let mut group = c.benchmark_group("guide");
    group.throughput(Throughput::Elements(1));
    group.bench_function("render/two-principles", |b| {
        b.iter(|| two.render(&templates, fonts).unwrap())
    });
    group.bench_function("render/all-principles", |b| {
        b.iter(|| all.render(&templates, fonts).unwrap())
    });
    group.bench_function("layout/two-principles", |b| {
        b.iter(|| two.layout(&templates, fonts).unwrap())
    });
    let document = two.layout(&templates, fonts).unwrap();
    let meta = mus::pdf::Metadata {
        title: "t".into(),
        author: "a".into(),
        subject: "s".into(),
        keywords: vec![],
        creator: "mus".into(),
        language: "da-DK".into(),
        created: 0,
        key: vec![1, 2, 3],
        properties: vec![],
    };
    // The same document without its form fields: the difference is what the form costs.
    let mut without_fields = document.clone();
    for page in &mut without_fields.pages {
        page.items
            .retain(|i| !matches!(i, mus::layout::Item::Field { .. }));
    }
    group.bench_function("pdf-write/two-principles-without-form", |b| {
        b.iter(|| mus::pdf::write(&without_fields, fonts, &meta).unwrap())
    });
    eprintln!(
        "two-principles: {} bytes with the form, {} without",
        mus::pdf::write(&document, fonts, &meta).unwrap().len(),
        mus::pdf::write(&without_fields, fonts, &meta)
            .unwrap()
            .len()
    );
    group.bench_function("pdf-write/two-principles", |b| {
        b.iter(|| mus::pdf::write(&document, fonts, &meta).unwrap())
    });
    group.finish();

    c.bench_function("setup/framework-and-templates", |b| {
        b.iter(|| (Framework::builtin().unwrap(), Templates::builtin().unwrap()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = guides
}
criterion_main!(benches);
