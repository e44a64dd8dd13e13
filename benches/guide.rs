//! In-process benchmarks: one guide end to end, and its stages (layout, PDF writing), so
//! guides per second per core and where the time goes can be read off one run.
//!
//! Whole-process (cold) timings are taken with hyperfine: `scripts/bench.sh`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

// The allocator the `mus` binary uses, so the numbers are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use mus::base::fonts::FontSet;
use mus::compose::guide::{Guide, People};
use mus::compose::templates::Templates;
use mus::model::framework::Framework;

fn guides(c: &mut Criterion) {
    let framework = Framework::builtin().unwrap();
    let templates = Templates::builtin().unwrap();
    let fonts = FontSet::builtin();
    let date = chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
    let guide = |focus: &[&str], form: bool| Guide {
        framework: &framework,
        level: framework.level("leder-af-medarbejdere").unwrap(),
        focus: framework.resolve_focus(focus).unwrap(),
        people: People {
            name: "Łukasz Øster-Ågård".into(),
            manager: "Bodil Kjærgård".into(),
            unit: "Dagtilbud Nord".into(),
            employee_id: None,
        },
        date,
        created: 0,
        form,
        previous: None,
    };
    let two = guide(&["saet-retning", "opdyrk-potentialer"], false);
    let two_form = guide(&["saet-retning", "opdyrk-potentialer"], true);
    let all = guide(&[], false);
    for (label, g) in [
        ("two-principles", &two),
        ("two-principles --form", &two_form),
        ("all-principles", &all),
    ] {
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
    group.bench_function("render/two-principles-form", |b| {
        b.iter(|| two_form.render(&templates, fonts).unwrap())
    });
    group.bench_function("render/all-principles", |b| {
        b.iter(|| all.render(&templates, fonts).unwrap())
    });
    group.bench_function("layout/two-principles", |b| {
        b.iter(|| two.layout(&templates, fonts).unwrap())
    });
    let meta = two.metadata(vec![1, 2, 3]);
    // Making the guide in process (layout, then writing) tagged and untagged: issue 12's
    // budget for tagging is a fifth of this.
    for (label, g) in [("two-principles", &two), ("two-principles-form", &two_form)] {
        for tagged in [false, true] {
            let options = mus::pdf::Options {
                pdf_a: true,
                tagged,
            };
            let name = if tagged {
                format!("make/{label}")
            } else {
                format!("make/{label}-untagged")
            };
            group.bench_function(name, |b| {
                b.iter(|| {
                    let layout = g.layout(&templates, fonts).unwrap();
                    mus::pdf::write_as(&layout, fonts, &meta, options).unwrap()
                })
            });
        }
    }
    // The same guide laid out without and with the form, written without and with
    // PDF/A and tags: the differences are what the form, PDF/A and tagging cost.
    let plain = two.layout(&templates, fonts).unwrap();
    let with_form = two_form.layout(&templates, fonts).unwrap();
    let options = |pdf_a, tagged| mus::pdf::Options { pdf_a, tagged };
    for (label, layout, options) in [
        ("plain", &plain, options(false, false)),
        ("pdf-a-untagged", &plain, options(true, false)),
        ("pdf-a", &plain, options(true, true)),
        ("pdf-a+form-untagged", &with_form, options(true, false)),
        ("pdf-a+form", &with_form, options(true, true)),
    ] {
        let bytes = mus::pdf::write_as(layout, fonts, &meta, options).unwrap();
        eprintln!("pdf-write/{label}: {} bytes", bytes.len());
        group.bench_function(format!("pdf-write/{label}"), |b| {
            b.iter(|| mus::pdf::write_as(layout, fonts, &meta, options).unwrap())
        });
    }
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
