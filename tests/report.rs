//! `mus archive report` and `mus archive plans` on the test archive of
//! tests/fixtures/report (scripts/make-report-fixtures.sh: 32 leaders on the roster in
//! three units, one of 3 leaders, and two levels; 30 guides filled in with pypdf, 27 of
//! them signed with pyHanko). Every figure is recomputed here from truth.json — what the
//! fixture script filled in — and compared with the CSV, the PDF's text and the bars the
//! PDF draws.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use lopdf::{Document, Object};
use serde_json::Value;

use mus::report::charts::{
    COMPLETION_BAR_HEIGHT, COMPLETION_BAR_MAX, PROFILE_BAR_WIDTH, PROFILE_FULL_HEIGHT,
};

const MIN: usize = 5;
/// The built-in framework's principles and levels, in its order, with their names.
const PRINCIPLES: [(&str, &str); 5] = [
    ("saet-retning", "Sæt retning"),
    ("faa-foelgeskab", "Få følgeskab"),
    ("udvis-handlekraft", "Udvis handlekraft"),
    ("skab-sammenhaengskraft", "Skab sammenhængskraft"),
    ("opdyrk-potentialer", "Opdyrk potentialer"),
];
const LEVELS: [(&str, &str); 2] = [
    ("leder-af-ledere", "Leder af ledere"),
    ("leder-af-medarbejdere", "Leder af medarbejdere"),
];
const SMALL_UNIT: &str = "Rådhusets Stab";

fn mus() -> Command {
    let mut cmd = Command::cargo_bin("mus").unwrap();
    cmd.env("SOURCE_DATE_EPOCH", "1803000000");
    cmd
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report")
}

fn roster() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/rapport/ledere.csv")
}

fn truth() -> &'static Value {
    static TRUTH: OnceLock<Value> = OnceLock::new();
    TRUTH.get_or_init(|| {
        serde_json::from_slice(&std::fs::read(fixtures().join("truth.json")).unwrap()).unwrap()
    })
}

/// Removes the folders earlier runs of these tests left in the target's temp folder
/// (named `report-…-<pid>`), when their process is gone.
fn remove_stale_folders() {
    let Ok(entries) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix("report-")
            .and_then(|n| n.rsplit('-').next());
        if let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) {
            if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// The fixtures archived once for all tests (signed and unsigned).
fn archive() -> &'static Path {
    static ARCHIVE: OnceLock<PathBuf> = OnceLock::new();
    ARCHIVE.get_or_init(|| {
        remove_stale_folders();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("report-archive-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        files.sort();
        assert_eq!(files.len(), 30);
        mus()
            .args(["archive", "--archive"])
            .arg(&dir)
            .args(["add", "--allow-unsigned"])
            .args(&files)
            .assert()
            .code(0);
        dir
    })
}

/// A temp folder of the test's own.
fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `mus archive report`, returns (pdf path, csv path).
fn report(name: &str, extra: &[&str]) -> (PathBuf, PathBuf) {
    let dir = out_dir(name);
    let (pdf, csv) = (dir.join("rapport.pdf"), dir.join("rapport.csv"));
    mus()
        .args(["archive", "--archive"])
        .arg(archive())
        .args(["report", "--roster"])
        .arg(roster())
        .args(["--year", "2027", "-o"])
        .arg(&pdf)
        .arg("--csv")
        .arg(&csv)
        .args(extra)
        .assert()
        .code(0);
    (pdf, csv)
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// A number as the report writes it: decimal comma, no "-0".
fn decimal(v: f64, places: usize) -> String {
    let s = format!("{v:.places$}");
    let s = if s.trim_start_matches(['-', '0', '.']).is_empty() {
        s.trim_start_matches('-').to_string()
    } else {
        s
    };
    s.replace('.', ",")
}

// --- The independent recomputation -------------------------------------------------------

#[derive(Default, Clone, Debug)]
struct Counted {
    leaders: usize,
    own: [u32; 5],
    manager: [u32; 5],
    gap: (i64, u32),
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Group<'a> {
    All,
    Level(&'a str),
    Unit(&'a str),
}

fn units() -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    for p in truth()["roster"].as_array().unwrap() {
        let u = p["unit"].as_str().unwrap().to_string();
        if !units.contains(&u) {
            units.push(u);
        }
    }
    units
}

fn signed_guides() -> impl Iterator<Item = &'static Value> {
    truth()["guides"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["signed"].as_bool().unwrap())
}

/// The ratings of one principle in one group, from what was filled in.
fn count(principle: &str, group: Group) -> Counted {
    let mut c = Counted::default();
    for g in signed_guides() {
        let inside = match group {
            Group::All => true,
            Group::Level(l) => g["level"] == l,
            Group::Unit(u) => g["unit"] == u,
        };
        let ratings: Vec<&Value> = g["ratings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["principle"] == principle)
            .collect();
        if !inside || ratings.is_empty() {
            continue;
        }
        c.leaders += 1;
        let mut by_number: BTreeMap<u64, (Option<i64>, Option<i64>)> = BTreeMap::new();
        for r in ratings {
            let score = r["score"].as_i64().unwrap();
            let entry = by_number.entry(r["number"].as_u64().unwrap()).or_default();
            if r["rater"] == "leader" {
                c.own[(score - 1) as usize] += 1;
                entry.0 = Some(score);
            } else {
                c.manager[(score - 1) as usize] += 1;
                entry.1 = Some(score);
            }
        }
        for (own, manager) in by_number.values() {
            if let (Some(a), Some(b)) = (own, manager) {
                c.gap.0 += a - b;
                c.gap.1 += 1;
            }
        }
    }
    c
}

/// The groups of a principle in the report's order, each with its counts and whether it
/// may be shown: fewer than MIN leaders hide a cell, and in each breakdown the smallest
/// shown cells are hidden too until the hidden ones hold at least MIN leaders together.
fn profile(principle: &str) -> Vec<(Group<'static>, Counted, bool)> {
    let units: &'static [String] = Box::leak(units().into_boxed_slice());
    let mut cells: Vec<(Group, Counted, bool)> = std::iter::once(Group::All)
        .chain(LEVELS.iter().map(|(l, _)| Group::Level(l)))
        .chain(units.iter().map(|u| Group::Unit(u.as_str())))
        .map(|g| {
            let c = count(principle, g);
            let shown = c.leaders == 0 || c.leaders >= MIN;
            (g, c, shown)
        })
        .collect();
    for level_partition in [true, false] {
        loop {
            let members: Vec<usize> = (0..cells.len())
                .filter(|&i| match cells[i].0 {
                    Group::Level(_) => level_partition,
                    Group::Unit(_) => !level_partition,
                    Group::All => false,
                })
                .filter(|&i| cells[i].1.leaders > 0)
                .collect();
            let hidden: usize = members
                .iter()
                .filter(|&&i| !cells[i].2)
                .map(|&i| cells[i].1.leaders)
                .sum();
            if hidden == 0 || hidden >= MIN {
                break;
            }
            let Some(&smallest) = members
                .iter()
                .filter(|&&i| cells[i].2)
                .min_by_key(|&&i| (cells[i].1.leaders, i))
            else {
                break;
            };
            cells[smallest].2 = false;
        }
    }
    cells
}

fn mean(counts: &[u32; 5]) -> Option<f64> {
    let n: u32 = counts.iter().sum();
    (n > 0).then(|| {
        counts
            .iter()
            .enumerate()
            .map(|(i, c)| (i as f64 + 1.0) * f64::from(*c))
            .sum::<f64>()
            / f64::from(n)
    })
}

/// Completion per unit and in total: leaders, signed, unsigned, missing, with a plan.
fn completion() -> Vec<(String, [usize; 5])> {
    let guides = truth()["guides"].as_array().unwrap();
    let mut out = Vec::new();
    let all = units();
    for unit in all.iter().map(Some).chain([None]) {
        let inside = |u: &Value| unit.is_none_or(|unit| u == unit.as_str());
        let leaders = truth()["roster"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| inside(&p["unit"]))
            .count();
        let mine: Vec<&Value> = guides.iter().filter(|g| inside(&g["unit"])).collect();
        let signed = mine.iter().filter(|g| g["signed"] == true).count();
        let unsigned = mine.len() - signed;
        let with_plan = mine
            .iter()
            .filter(|g| g["signed"] == true && !g["plan"].as_array().unwrap().is_empty())
            .count();
        out.push((
            unit.cloned().unwrap_or_else(|| "Alle".into()),
            [
                leaders,
                signed,
                unsigned,
                leaders - signed - unsigned,
                with_plan,
            ],
        ));
    }
    out
}

// --- The tests ---------------------------------------------------------------------------

#[test]
fn the_csv_holds_exactly_the_recomputed_figures() {
    let (_, csv) = report("csv", &[]);
    let rows = csv_rows(&csv);
    assert_eq!(rows[0], ["Enhed", "Niveau", "Princip", "Mål", "Værdi", "n"]);
    let got: BTreeMap<(String, String, String, String), (String, String)> = rows[1..]
        .iter()
        .map(|r| {
            (
                (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()),
                (r[4].clone(), r[5].clone()),
            )
        })
        .collect();
    assert_eq!(got.len(), rows.len() - 1, "no figure twice");

    let mut want = BTreeMap::new();
    for (unit, [leaders, signed, unsigned, missing, plan]) in completion() {
        let n = leaders.to_string();
        for (measure, value) in [
            ("ledere", leaders.to_string()),
            ("underskrevet", signed.to_string()),
            ("ikke_underskrevet", unsigned.to_string()),
            ("mangler", missing.to_string()),
            ("med_plan", plan.to_string()),
            (
                "andel_med_plan_pct",
                decimal(100.0 * plan as f64 / leaders as f64, 1),
            ),
        ] {
            want.insert(
                (unit.clone(), "Alle".into(), String::new(), measure.into()),
                (value, n.clone()),
            );
        }
    }
    for (id, name) in PRINCIPLES {
        for (group, c, shown) in profile(id) {
            let (unit, level) = match group {
                Group::All => ("Alle".to_string(), "Alle".to_string()),
                Group::Level(l) => (
                    "Alle".into(),
                    LEVELS.iter().find(|(k, _)| *k == l).unwrap().1.to_string(),
                ),
                Group::Unit(u) => (u.to_string(), "Alle".into()),
            };
            let key = |m: &str| (unit.clone(), level.clone(), name.to_string(), m.to_string());
            if !shown {
                want.insert(key("for_få_til_at_vise"), (String::new(), String::new()));
                continue;
            }
            let n = c.leaders.to_string();
            for i in 0..5 {
                want.insert(
                    key(&format!("selv_{}", i + 1)),
                    (c.own[i].to_string(), n.clone()),
                );
                want.insert(
                    key(&format!("leders_leder_{}", i + 1)),
                    (c.manager[i].to_string(), n.clone()),
                );
            }
            let d = |v: Option<f64>| v.map_or_else(String::new, |v| decimal(v, 2));
            want.insert(key("selv_gns"), (d(mean(&c.own)), n.clone()));
            want.insert(key("leders_leder_gns"), (d(mean(&c.manager)), n.clone()));
            let gap = (c.gap.1 > 0).then(|| c.gap.0 as f64 / f64::from(c.gap.1));
            want.insert(key("forskel_gns"), (d(gap), n.clone()));
        }
    }
    assert_eq!(got, want);
    // The fixtures make the report worth reading: some of both kinds of hiding, and a
    // negative mean gap that stays a number for Excel.
    assert!(got.keys().any(|k| k.3 == "for_få_til_at_vise"));
    assert!(got
        .iter()
        .any(|(k, v)| k.3 == "forskel_gns" && v.0.starts_with('-')));
}

#[test]
fn the_small_unit_is_hidden_and_cannot_be_derived_from_the_totals() {
    let (_, csv) = report("small", &[]);
    let rows = csv_rows(&csv);
    let mut hidden_somewhere = false;
    for (_, name) in PRINCIPLES {
        let of = |unit: &str| -> Vec<&Vec<String>> {
            rows.iter()
                .filter(|r| r[0] == unit && r[1] == "Alle" && r[2] == name)
                .collect()
        };
        // The 3-leader unit: only the line that says it is not shown, without an n.
        let small = of(SMALL_UNIT);
        assert!(
            small.len() <= 1
                && small
                    .iter()
                    .all(|r| r[3] == "for_få_til_at_vise" && r[4].is_empty() && r[5].is_empty()),
            "{name}: {small:?}"
        );
        if small.is_empty() {
            continue;
        }
        hidden_somewhere = true;
        // Whatever the total minus the shown units leaves is at least MIN leaders.
        let n = |unit: &str| -> Option<usize> {
            of(unit)
                .iter()
                .find(|r| r[3] == "selv_1")
                .map(|r| r[5].parse().unwrap())
        };
        let total = n("Alle").expect("the total is shown");
        let shown: usize = units().iter().filter_map(|u| n(u)).sum();
        assert!(
            total - shown >= MIN,
            "{name}: total {total} − shown units {shown} would give a group under {MIN}"
        );
        // And the distribution itself cannot be had by subtraction: some other unit is
        // hidden with it.
        let others_hidden = units()
            .iter()
            .filter(|u| u.as_str() != SMALL_UNIT)
            .filter(|u| of(u).iter().any(|r| r[3] == "for_få_til_at_vise"))
            .count();
        assert!(others_hidden >= 1, "{name}");
    }
    assert!(hidden_somewhere);

    // The unit's own report shows what the whole report shows for it: nothing.
    let (_, csv) = report("small-unit", &["--unit", "raadhusets stab"]);
    let rows = csv_rows(&csv);
    let profile: Vec<&Vec<String>> = rows[1..].iter().filter(|r| !r[2].is_empty()).collect();
    assert!(!profile.is_empty());
    assert!(
        profile.iter().all(|r| r[3] == "for_få_til_at_vise"),
        "{profile:?}"
    );
    // A larger unit's report keeps the complementary hiding of the whole report.
    let (_, whole) = report("whole-for-unit", &[]);
    let whole = csv_rows(&whole);
    let (_, csv) = report("big-unit", &["--unit", "Skole og Fritid"]);
    let part: BTreeSet<Vec<String>> = csv_rows(&csv)[1..]
        .iter()
        .filter(|r| !r[2].is_empty())
        .cloned()
        .collect();
    let from_whole: BTreeSet<Vec<String>> = whole[1..]
        .iter()
        .filter(|r| r[0] == "Skole og Fritid" && !r[2].is_empty())
        .cloned()
        .collect();
    assert_eq!(part, from_whole);
}

/// Each page's text, squeezed of white space.
fn page_texts(pdf: &Path) -> Vec<String> {
    let doc = Document::load(pdf).unwrap();
    doc.get_pages()
        .keys()
        .map(|&p| doc.extract_text(&[p]).unwrap())
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{AD}')
        .collect()
}

#[test]
fn the_pdf_text_has_the_figures_and_the_profile_pages_no_names() {
    let (pdf, _) = report("text", &[]);
    let pages = page_texts(&pdf);
    let all = squeeze(&pages.concat());
    for (unit, [leaders, signed, unsigned, missing, plan]) in completion() {
        let unit = if unit == "Alle" { "I alt".into() } else { unit };
        let row = format!(
            "{unit}{leaders}{signed}{unsigned}{missing}{plan}({}%)",
            decimal(100.0 * plan as f64 / leaders as f64, 0)
        );
        assert!(all.contains(&squeeze(&row)), "{row}");
    }
    let start = pages
        .iter()
        .position(|p| p.contains("Ledelsesprofil"))
        .unwrap();
    let anonymised = squeeze(&pages[start..].concat());
    let mut hidden = 0;
    for (id, _) in PRINCIPLES {
        for (_, c, shown) in profile(id) {
            if !shown {
                hidden += 1;
                continue;
            }
            if c.leaders == 0 {
                continue;
            }
            let line = format!(
                "Gns.: selv {} · leders leder {}",
                decimal(mean(&c.own).unwrap(), 2),
                decimal(mean(&c.manager).unwrap(), 2)
            );
            assert!(anonymised.contains(&squeeze(&line)), "{line}");
            assert!(anonymised.contains(&squeeze(&format!("n = {} ledere", c.leaders))));
        }
    }
    // One per hidden panel, and once where the report explains it.
    assert_eq!(anonymised.matches("forfåtilatvise").count(), hidden + 1);
    // No names and no free text in the anonymised part.
    for p in truth()["roster"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        let last = name.rsplit(' ').next().unwrap();
        assert!(!anonymised.contains(&squeeze(name)), "{name}");
        assert!(!anonymised.contains(&squeeze(last)), "{last}");
    }
    assert!(!squeeze(&pages.concat()).contains("HEMMELIGT"));
    for manager in ["Henrik Bæk", "Anne-Grethe Holm", "Tim Hansen"] {
        assert!(!all.contains(&squeeze(manager)), "{manager}");
    }
}

/// Rectangles a page fills: (fill colour, x, y, width, height) in drawing order.
fn filled_rects(doc: &Document, page: lopdf::ObjectId) -> Vec<([f32; 3], [f32; 4])> {
    let content = doc.get_and_decode_page_content(page).unwrap();
    let num = |o: &Object| match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => panic!("{o:?}"),
    };
    let mut fill = [0.0; 3];
    let mut pending = None;
    let mut out = Vec::new();
    for op in content.operations {
        match op.operator.as_str() {
            "rg" => {
                fill = [
                    num(&op.operands[0]),
                    num(&op.operands[1]),
                    num(&op.operands[2]),
                ]
            }
            "re" => {
                pending = Some([
                    num(&op.operands[0]),
                    num(&op.operands[1]),
                    num(&op.operands[2]),
                    num(&op.operands[3]),
                ])
            }
            "f" | "B" | "f*" | "B*" => {
                if let Some(r) = pending.take() {
                    out.push((fill, r));
                }
            }
            "S" | "n" => pending = None,
            _ => {}
        }
    }
    out
}

fn near(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.02
}

const SOLID: [f32; 3] = [0.03, 0.32, 0.44];
const HATCHED: [f32; 3] = [0.90, 0.95, 0.97];
const OPEN: [f32; 3] = [1.0, 1.0, 1.0];

fn same(a: [f32; 3], b: [f32; 3]) -> bool {
    (0..3).all(|i| near(a[i], b[i]))
}

#[test]
fn the_bars_the_pdf_draws_match_the_figures() {
    let (pdf, _) = report("bars", &[]);
    let doc = Document::load(&pdf).unwrap();
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();

    // Completion, page 1: per unit and in total, signed, unsigned and missing segments
    // side by side, on one scale.
    let expected = completion();
    let most = expected.iter().map(|(_, c)| c[0]).max().unwrap() as f32;
    let scale = COMPLETION_BAR_MAX / most;
    // Per bar (by its y), its segments: (fill, width).
    type Segments = Vec<([f32; 3], f32)>;
    let mut bars: Vec<(f32, Segments)> = Vec::new();
    for (fill, [_, y, w, h]) in filled_rects(&doc, pages[0]) {
        if !near(h, COMPLETION_BAR_HEIGHT) {
            continue;
        }
        match bars.last_mut() {
            Some((by, segs)) if near(*by, y) => segs.push((fill, w)),
            _ => bars.push((y, vec![(fill, w)])),
        }
    }
    let got: Vec<Segments> = bars.into_iter().map(|(_, s)| s).collect();
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for (segs, (unit, [_, signed, unsigned, missing, _])) in got.iter().zip(&expected) {
        let want: Segments = [(SOLID, signed), (HATCHED, unsigned), (OPEN, missing)]
            .into_iter()
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| (c, *n as f32 * scale))
            .collect();
        assert_eq!(segs.len(), want.len(), "{unit}: {segs:?}");
        for ((gc, gw), (wc, ww)) in segs.iter().zip(&want) {
            assert!(
                same(*gc, *wc) && near(*gw, *ww),
                "{unit}: {segs:?} vs {want:?}"
            );
        }
    }

    // The profile: per shown cell, per rating 1–5, the self-rating bar (solid) and the
    // manager's (hatched), each as high as its share of the rater's ratings.
    let mut got = Vec::new();
    for &page in &pages[1..] {
        for (fill, [_, _, w, h]) in filled_rects(&doc, page) {
            if near(w, PROFILE_BAR_WIDTH) && (same(fill, SOLID) || same(fill, HATCHED)) {
                got.push((same(fill, SOLID), h));
            }
        }
    }
    // One scale for all panels: the largest share shown, up to the next 10 %.
    let shown: Vec<Counted> = PRINCIPLES
        .iter()
        .flat_map(|(id, _)| profile(id))
        .filter(|(_, c, shown)| *shown && c.leaders > 0)
        .map(|(_, c, _)| c)
        .collect();
    let share = |counts: &[u32; 5], i: usize| counts[i] as f32 / counts.iter().sum::<u32>() as f32;
    let top = shown
        .iter()
        .flat_map(|c| (0..5).flat_map(move |i| [share(&c.own, i), share(&c.manager, i)]))
        .fold(0.0f32, f32::max);
    let scale = (top * 10.0 - 1e-4).ceil() / 10.0;
    assert!(scale > 0.3 && scale <= 1.0, "{scale}");
    let mut want = Vec::new();
    for c in &shown {
        for i in 0..5 {
            for (solid, counts) in [(true, &c.own), (false, &c.manager)] {
                if counts[i] > 0 {
                    want.push((solid, PROFILE_FULL_HEIGHT * share(counts, i) / scale));
                }
            }
        }
    }
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert!(g.0 == w.0 && near(g.1, w.1), "{got:?}\n{want:?}");
    }
}

#[test]
fn the_report_is_pdf_a_deterministic_and_never_taken_for_a_guide() {
    let (a, _) = report("same-a", &[]);
    let (b, _) = report("same-b", &[]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let bytes = std::fs::read(&a).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("pdfaid:part=\"2\""),
        "no PDF/A-2 id in the XMP"
    );
    assert!(!text.contains("mus:guideId"));
    let dir = out_dir("not-a-guide");
    mus()
        .args(["archive", "--archive"])
        .arg(dir.join("arkiv"))
        .args(["add", "--allow-unsigned"])
        .arg(&a)
        .assert()
        .code(1);
}

// --- Plans ------------------------------------------------------------------------------

fn plans(extra: &[&str]) -> Vec<Vec<String>> {
    let dir = out_dir(&format!("plans{}", extra.len()));
    let csv = dir.join("planer.csv");
    mus()
        .args(["archive", "--archive"])
        .arg(archive())
        .args(["plans", "--year", "2027", "--csv"])
        .arg(&csv)
        .args(extra)
        .assert()
        .code(0);
    csv_rows(&csv)
}

/// (name, unit, row, goal, action, who, deadline) of every plan row filled in.
fn filled_plans(include_unsigned: bool) -> BTreeSet<[String; 7]> {
    truth()["guides"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| include_unsigned || g["signed"] == true)
        .flat_map(|g| {
            g["plan"].as_array().unwrap().iter().map(move |r| {
                let s = |v: &Value| v.as_str().unwrap().to_string();
                // The CSV neutralises what Excel would run as a formula.
                let excel = |v: &Value| {
                    let t = s(v);
                    if t.starts_with(['=', '+', '-', '@']) {
                        format!("'{t}")
                    } else {
                        t
                    }
                };
                [
                    s(&g["name"]),
                    s(&g["unit"]),
                    r["row"].to_string(),
                    excel(&r["maal"]),
                    excel(&r["handling"]),
                    excel(&r["hvem"]),
                    excel(&r["frist"]),
                ]
            })
        })
        .collect()
}

#[test]
fn plans_lists_exactly_the_filled_plan_rows_of_the_signed_guides() {
    let rows = plans(&[]);
    assert_eq!(
        rows[0],
        [
            "År",
            "Enhed",
            "Leder",
            "Niveau",
            "Status",
            "Række",
            "Mål",
            "Handling",
            "Hvem",
            "Frist",
            "Opfølgning",
            "Guide-id"
        ]
    );
    let got: Vec<[String; 7]> = rows[1..]
        .iter()
        .map(|r| {
            assert_eq!(r[0], "2027");
            assert_eq!(r[4], "underskrevet");
            [
                r[2].clone(),
                r[1].clone(),
                r[5].clone(),
                r[6].clone(),
                r[7].clone(),
                r[8].clone(),
                r[9].clone(),
            ]
        })
        .collect();
    let unique: BTreeSet<[String; 7]> = got.iter().cloned().collect();
    assert_eq!(unique.len(), got.len(), "no row twice");
    let want = filled_plans(false);
    assert!(
        want.iter().any(|r| r[3].starts_with("'+")),
        "a formula guarded"
    );
    assert_eq!(unique, want);
    // Nothing but the plan leaves the guides.
    assert!(!rows.concat().concat().contains("HEMMELIGT"));

    let rows = plans(&["--include-unsigned"]);
    let got: BTreeSet<[String; 7]> = rows[1..]
        .iter()
        .map(|r| {
            [
                r[2].clone(),
                r[1].clone(),
                r[5].clone(),
                r[6].clone(),
                r[7].clone(),
                r[8].clone(),
                r[9].clone(),
            ]
        })
        .collect();
    assert_eq!(got, filled_plans(true));
    assert!(got.len() > want.len());
    assert!(rows[1..].iter().any(|r| r[4] == "ikke underskrevet"));
}

#[test]
fn a_unit_nobody_on_the_roster_is_in_is_an_error_naming_the_units() {
    let dir = out_dir("no-unit");
    let roster = roster();
    let out = mus()
        .args(["archive", "--archive"])
        .arg(archive())
        .args(["report", "--roster"])
        .arg(&roster)
        .args(["--year", "2027", "--unit", "Skole", "-o"])
        .arg(dir.join("r.pdf"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: --unit: no leader on {} is in the unit 'Skole'; its units: Dagtilbud Nord, \
             Rådhusets Stab, Skole og Fritid\n",
            roster.display()
        )
    );
    assert!(!dir.join("r.pdf").exists());
}
