//! Line breaking of one unbroken word of 1,000 to 100,000 characters (issue 11: a framework
//! text with a 10,000-character word took 6 s, 200,000 never finished). The time per
//! character must stay flat: line breaking is linear in the text.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use mus::base::fonts::FontSet;
use mus::base::fonts::FontStyle;
use mus::layout::blocks::Span;
use mus::layout::wrap::wrap;

/// A word without spaces that Danish hyphenation still finds syllables in, so both the
/// hyphenated and the forced breaks are exercised.
fn long_word(chars: usize) -> String {
    "sammenhængskraftudviklingsmedarbejder"
        .chars()
        .cycle()
        .take(chars)
        .collect()
}

fn long_words(c: &mut Criterion) {
    let fonts = FontSet::builtin();
    let mut group = c.benchmark_group("wrap/long-word");
    group.sample_size(10);
    for chars in [1_000, 10_000, 100_000] {
        let spans = [Span::new(long_word(chars), FontStyle::Regular)];
        group.throughput(Throughput::Elements(chars as u64));
        group.bench_with_input(BenchmarkId::from_parameter(chars), &spans, |b, spans| {
            b.iter(|| wrap(spans, fonts, 10.0, 481.0))
        });
    }
    group.finish();
}

criterion_group!(benches, long_words);
criterion_main!(benches);
