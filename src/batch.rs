//! `mus batch`: one guide per row of an HR roster, validated in full before anything is
//! written, made in parallel, with a manifest HR keeps.

use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{self, clean, slug};
use crate::error::{Error, Result};
use crate::fonts::FontSet;
use crate::framework::Framework;
use crate::guide::{Guide, People};
use crate::roster::{Column, Roster, Row};
use crate::templates::Templates;

/// The manifest's file names in the output folder.
pub const MANIFEST_JSON: &str = "manifest.json";
pub const MANIFEST_CSV: &str = "manifest.csv";

/// Everything `mus batch` needs, resolved.
pub struct BatchConfig {
    pub roster: Roster,
    pub framework: Framework,
    pub templates: Templates,
    pub out_dir: PathBuf,
    /// For rows without a date.
    pub default_date: NaiveDate,
    /// `SOURCE_DATE_EPOCH`, when set: the creation time of every guide.
    pub epoch: Option<i64>,
    pub jobs: Option<usize>,
    pub keep_going: bool,
    pub dry_run: bool,
    pub quiet: bool,
    pub form: bool,
}

/// One valid roster row: the guide it asks for and the file it goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub row: usize,
    pub id: String,
    pub people: People,
    pub level: String,
    pub focus: Vec<String>,
    pub date: NaiveDate,
    pub file: String,
}

/// A line of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub row: usize,
    pub id: String,
    pub name: String,
    pub role: String,
    pub focus: Vec<String>,
    pub manager: String,
    pub unit: String,
    pub date: String,
    pub file: String,
    pub guide_id: String,
    pub sha256: String,
    pub bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub mus_version: String,
    pub roster: String,
    pub framework: String,
    pub guides: Vec<Record>,
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Written(Record),
    Unchanged(Record),
    Failed { row: usize, message: String },
}

/// The tally printed at the end.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    /// Temporary files of an interrupted earlier run, removed before this one.
    pub stale_removed: usize,
    pub written: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub seconds: f64,
}

/// Accepted date forms: ISO and the Danish day-first forms.
const DATE_FORMATS: [&str; 4] = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"];

/// Parses a roster date (`2027-01-15`, `15-01-2027`, `15.01.2027`, `15/1/2027`). The
/// whole cell must be the date: anything after it (`15.01.2027 eller 16.01`) is refused,
/// except a valid time of day, which Excel may add to a date cell (`2027-01-15 00:00:00`,
/// `2027-01-15T09:30`).
pub fn parse_roster_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    if let Some(time) = time {
        let valid = ["%H:%M:%S%.f", "%H:%M"]
            .iter()
            .any(|f| chrono::NaiveTime::parse_from_str(time, f).is_ok());
        if !valid {
            return None;
        }
    }
    DATE_FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(date, f).ok())
}

impl BatchConfig {
    /// Checks every row against the framework and the fonts. Returns the valid entries,
    /// with file names assigned, and every problem, located as `file:row: column: …`.
    pub fn validate(&self) -> (Vec<Entry>, Vec<String>) {
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        for row in &self.roster.rows {
            match self.entry(row) {
                Ok(entry) => entries.push(entry),
                Err(mut p) => problems.append(&mut p),
            }
        }
        assign_file_names(&mut entries);
        (entries, problems)
    }

    fn entry(&self, row: &Row) -> std::result::Result<Entry, Vec<String>> {
        let mut problems = Vec::new();
        let at = |column: Column, message: String| {
            format!(
                "{}:{}: {}: {message}",
                self.roster.origin,
                row.number,
                row.header(column)
            )
        };
        let fonts = FontSet::builtin();
        let mut text = |column: Column| -> String {
            let value = Some(row.get(column).to_string());
            match clean(row.header(column), &value)
                .and_then(|v| fonts.check_coverage(row.header(column), &v).map(|_| v))
            {
                Ok(v) => v,
                Err(e) => {
                    let message = e.to_string();
                    let message = message
                        .strip_prefix(&format!("{}: ", row.header(column)))
                        .unwrap_or(&message)
                        .to_string();
                    problems.push(at(column, message));
                    String::new()
                }
            }
        };
        let people = People {
            name: text(Column::Name),
            manager: text(Column::Manager),
            unit: text(Column::Unit),
        };
        let id = text(Column::Id);
        if people.name.is_empty() && row.get(Column::Name).is_empty() {
            problems.push(at(
                Column::Name,
                "is empty; every row needs the leader's name".into(),
            ));
        }
        let level = match self.framework.resolve_level(row.get(Column::Role)) {
            Ok(level) => level.id.clone(),
            Err(e) => {
                problems.push(at(Column::Role, unknown(&e, row.get(Column::Role))));
                String::new()
            }
        };
        let mut focus = Vec::new();
        for part in row
            .get(Column::Focus)
            .split([',', ';', '|'])
            .filter(|p| !p.trim().is_empty())
        {
            match self.framework.resolve_principle(part) {
                Ok(p) if !focus.contains(&p.id) => focus.push(p.id.clone()),
                Ok(_) => {}
                Err(e) => problems.push(at(Column::Focus, unknown(&e, part.trim()))),
            }
        }
        // Framework order, as `mus guide` has it.
        focus.sort_by_key(|id| self.framework.principles.iter().position(|p| &p.id == id));
        let date = match row.get(Column::Date) {
            "" => self.default_date,
            text => match parse_roster_date(text)
                .filter(|d| (1900..=2999).contains(&chrono::Datelike::year(d)))
            {
                Some(d) => d,
                None => {
                    problems.push(at(
                        Column::Date,
                        format!("'{text}' is not a valid date — use 2027-01-15, 15-01-2027, 15.01.2027 or 15/1/2027"),
                    ));
                    self.default_date
                }
            },
        };
        if problems.is_empty() {
            Ok(Entry {
                row: row.number,
                id,
                people,
                level,
                focus,
                date,
                file: String::new(),
            })
        } else {
            Err(problems)
        }
    }

    /// The guide an entry asks for.
    pub fn guide<'f>(&'f self, entry: &Entry) -> Guide<'f> {
        let date = entry.date;
        Guide {
            framework: &self.framework,
            level: self.framework.level(&entry.level).expect("validated"),
            focus: if entry.focus.is_empty() {
                self.framework.principles.iter().collect()
            } else {
                entry
                    .focus
                    .iter()
                    .filter_map(|id| self.framework.principle(id))
                    .collect()
            },
            people: entry.people.clone(),
            date,
            created: config::creation_time(date, self.epoch),
            form: self.form,
        }
    }

    /// Makes every guide, writes what changed, and the manifest. Rows that fail are
    /// reported through `report` as they happen.
    pub fn produce(
        &self,
        entries: &[Entry],
        report: &(dyn Fn(&str) + Sync),
    ) -> Result<(Vec<Outcome>, Summary)> {
        let started = Instant::now();
        create_private_dir(&self.out_dir)?;
        // Refused before any guide is written, so a run stops whole, not half done.
        for file in [MANIFEST_JSON, MANIFEST_CSV] {
            check_own_manifest(&self.out_dir.join(file))?;
        }
        crate::output::remove_temporary_files_on_signal();
        let stale_removed = crate::output::remove_stale_temporary_files(&self.out_dir)?;
        let previous = read_manifest(&self.out_dir);
        let ours: BTreeSet<String> = previous
            .iter()
            .flat_map(|m| m.guides.iter().map(|r| r.file.clone()))
            .collect();

        let bar = progress_bar(entries.len() as u64, self.quiet);
        // Each job waits for its file to reach the disk (fsync); two per core keep the
        // cores busy meanwhile.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs.unwrap_or(2 * cores))
            .build()
            .map_err(|e| Error::Value {
                option: "--jobs".into(),
                message: e.to_string(),
            })?;
        let outcomes: Vec<Outcome> = pool.install(|| {
            entries
                .par_iter()
                .map(|entry| {
                    let outcome = self.produce_one(entry, &ours);
                    if let Outcome::Failed { message, .. } = &outcome {
                        bar.suspend(|| report(message));
                    }
                    bar.inc(1);
                    outcome
                })
                .collect()
        });
        bar.finish_and_clear();

        let records: Vec<Record> = outcomes
            .iter()
            .filter_map(|o| match o {
                Outcome::Written(r) | Outcome::Unchanged(r) => Some(r.clone()),
                Outcome::Failed { .. } => None,
            })
            .collect();
        let manifest = Manifest {
            mus_version: env!("CARGO_PKG_VERSION").into(),
            roster: Path::new(&self.roster.origin).file_name().map_or_else(
                || self.roster.origin.clone(),
                |f| f.to_string_lossy().into_owned(),
            ),
            framework: format!(
                "{} {} {}",
                self.framework.organisation, self.framework.name, self.framework.version
            ),
            guides: records,
        };
        write_if_changed(
            &self.out_dir.join(MANIFEST_JSON),
            (serde_json::to_string_pretty(&manifest).expect("serializes") + "\n").as_bytes(),
        )?;
        write_if_changed(&self.out_dir.join(MANIFEST_CSV), &manifest_csv(&manifest))?;

        let mut summary = Summary {
            stale_removed,
            seconds: started.elapsed().as_secs_f64(),
            ..Summary::default()
        };
        for o in &outcomes {
            match o {
                Outcome::Written(_) => summary.written += 1,
                Outcome::Unchanged(_) => summary.unchanged += 1,
                Outcome::Failed { .. } => summary.failed += 1,
            }
        }
        Ok((outcomes, summary))
    }

    fn produce_one(&self, entry: &Entry, ours: &BTreeSet<String>) -> Outcome {
        let failed = |message: String| Outcome::Failed {
            row: entry.row,
            message: format!("{}:{}: {message}", self.roster.origin, entry.row),
        };
        let guide = self.guide(entry);
        let rendered = match guide.render(&self.templates, FontSet::builtin()) {
            Ok(r) => r,
            Err(e) => return failed(e.to_string()),
        };
        let sha256 = crate::output::sha256_hex(&rendered.pdf);
        let record = Record {
            row: entry.row,
            id: entry.id.clone(),
            name: entry.people.name.clone(),
            role: entry.level.clone(),
            focus: guide.focus.iter().map(|p| p.id.clone()).collect(),
            manager: entry.people.manager.clone(),
            unit: entry.people.unit.clone(),
            date: entry.date.to_string(),
            file: entry.file.clone(),
            guide_id: rendered.id.clone(),
            sha256,
            bytes: rendered.pdf.len(),
        };
        let path = self.out_dir.join(&entry.file);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => {
                if std::fs::read(&path).is_ok_and(|old| old == rendered.pdf) {
                    return Outcome::Unchanged(record);
                }
                if !ours.contains(&entry.file) {
                    return failed(format!(
                        "{} exists and was not written by mus; it is left as it is (move it away to make this guide)",
                        entry.file
                    ));
                }
            }
            Ok(_) => {
                return failed(format!(
                    "{} exists and is not a regular file; it is left as it is",
                    entry.file
                ))
            }
            Err(_) => {}
        }
        // Checked above to be no link; replace_file also never follows one made since.
        match crate::output::replace_file(&path, &rendered.pdf) {
            Ok(()) => Outcome::Written(record),
            Err(e) => failed(e.to_string()),
        }
    }
}

/// `unknown role 'x' — did you mean 'y'?` from a matching error.
fn unknown(e: &Error, input: &str) -> String {
    match e {
        Error::UnknownId { kind, valid, .. } if input.is_empty() => {
            format!("is empty; the {kind}s are: {}", valid.join(", "))
        }
        Error::UnknownId {
            kind,
            closest: Some(c),
            ..
        } => format!("unknown {kind} '{input}' — did you mean '{c}'?"),
        other => other.to_string(),
    }
}

/// File names: `<name>-<role>-<date>.pdf` in safe ASCII; leaders who would share a name
/// are told apart by their id, else by their row.
pub fn assign_file_names(entries: &mut [Entry]) {
    let stem = |e: &Entry| {
        let name = slug(&e.people.name);
        let name = if name.is_empty() {
            "uden-navn".to_string()
        } else {
            name
        };
        format!("{name}-{}-{}", e.level, e.date)
    };
    let mut count: HashMap<String, usize> = HashMap::new();
    for e in entries.iter() {
        *count.entry(stem(e)).or_default() += 1;
    }
    let mut taken = BTreeSet::new();
    for e in entries.iter_mut() {
        let base = stem(e);
        let mut name = if count[&base] > 1 {
            let id = slug(&e.id);
            if id.is_empty() {
                format!("{base}-raekke-{}", e.row)
            } else {
                format!("{base}-{id}")
            }
        } else {
            base
        };
        if !taken.insert(safe_file_stem(&name)) {
            name = format!("{name}-raekke-{}", e.row);
            taken.insert(safe_file_stem(&name));
        }
        e.file = format!("{}.pdf", safe_file_stem(&name));
    }
}

/// Windows reserves these names, whatever the extension.
const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A file stem that is safe on every system: ASCII letters, digits and `-`, no leading
/// dot, not a reserved device name, at most 120 characters.
pub fn safe_file_stem(stem: &str) -> String {
    let mut out: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out = out.trim_matches('-').to_string();
    if out.is_empty() {
        out = "guide".into();
    }
    if RESERVED.contains(&out.split('-').next().unwrap_or_default())
        && RESERVED.contains(&out.as_str())
    {
        out = format!("{out}-guide");
    }
    out.chars()
        .take(120)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

fn progress_bar(len: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} guides · {per_sec:0} · {eta} left",
        )
        .expect("a valid template"),
    );
    bar
}

fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        return if dir.is_dir() {
            Ok(())
        } else {
            Err(Error::Io {
                path: dir.to_path_buf(),
                message: "is a file, not a folder".into(),
            })
        };
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

/// The manifest an earlier run left, if any: it tells which files mus wrote. A link is
/// not read: a manifest elsewhere could claim any file in the folder as mus's.
pub fn read_manifest(dir: &Path) -> Option<Manifest> {
    let path = dir.join(MANIFEST_JSON);
    if !std::fs::symlink_metadata(&path).ok()?.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// A manifest file is replaced only if mus wrote it, as guides are: it must be a regular
/// file (a link could point outside --out-dir) that reads as mus's manifest — JSON in
/// the manifest's shape, or CSV that starts with the manifest's header.
fn check_own_manifest(path: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(_) => return Ok(()),
    };
    let refuse = |message: &str| {
        Err(Error::Io {
            path: path.to_path_buf(),
            message: message.into(),
        })
    };
    if meta.file_type().is_symlink() {
        return refuse(
            "is a symbolic link; mus never writes through one (remove it, and mus writes the manifest here)",
        );
    }
    if !meta.is_file() {
        return refuse("exists and is not a regular file; it is left as it is");
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let ours = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_slice::<Manifest>(&bytes).is_ok()
    } else {
        let header = manifest_csv(&Manifest {
            mus_version: String::new(),
            roster: String::new(),
            framework: String::new(),
            guides: Vec::new(),
        });
        bytes.starts_with(&header)
    };
    if ours {
        Ok(())
    } else {
        refuse("exists and was not written by mus; it is left as it is (move it away, and mus writes the manifest here)")
    }
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
        && std::fs::read(path).is_ok_and(|old| old == bytes)
    {
        return Ok(());
    }
    crate::output::replace_file(path, bytes)
}

/// The manifest as CSV that opens in Danish Excel: UTF-8 with BOM, `;`, CRLF.
fn manifest_csv(manifest: &Manifest) -> Vec<u8> {
    let header = [
        "Række", "Id", "Navn", "Rolle", "Fokus", "Leder", "Enhed", "Dato", "Fil", "Guide-id",
        "SHA-256",
    ]
    .map(String::from);
    let rows = manifest.guides.iter().map(|r| {
        [
            r.row.to_string(),
            r.id.clone(),
            r.name.clone(),
            r.role.clone(),
            r.focus.join(", "),
            r.manager.clone(),
            r.unit.clone(),
            r.date.clone(),
            r.file.clone(),
            r.guide_id.clone(),
            r.sha256.clone(),
        ]
    });
    crate::output::excel_csv(std::iter::once(header).chain(rows))
}

/// Resolves the command line of `mus batch`.
pub fn from_args(args: &crate::cli::BatchArgs) -> Result<BatchConfig> {
    let roster = Roster::from_path(&args.roster, args.sheet.as_deref())?;
    let framework = config::load_framework(&args.source)?;
    let templates = match &args.templates {
        Some(dir) => Templates::from_dir(dir)?,
        None => Templates::builtin()?,
    };
    let epoch = config::source_date_epoch()?;
    let default_date = config::dialogue_date(args.date.as_deref(), epoch)?;
    if args.jobs == Some(0) {
        return Err(Error::Value {
            option: "--jobs".into(),
            message: "must be at least 1".into(),
        });
    }
    Ok(BatchConfig {
        roster,
        framework,
        templates,
        out_dir: args.out_dir.clone(),
        default_date,
        epoch,
        jobs: args.jobs,
        keep_going: args.keep_going,
        dry_run: args.dry_run,
        quiet: args.quiet,
        form: !args.no_form,
    })
}

/// Runs `mus batch` and returns the exit status: 0 all done, 1 some rows failed (with
/// `--keep-going`), 2 nothing written because of bad rows.
pub fn run(config: &BatchConfig) -> Result<u8> {
    let (entries, problems) = config.validate();
    for p in &problems {
        eprintln!("error: {p}");
    }
    if !problems.is_empty() {
        eprintln!(
            "hint: roles: {}; focus: {}",
            config
                .framework
                .levels
                .iter()
                .map(|l| l.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            config
                .framework
                .principles
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !problems.is_empty() && !config.keep_going {
        eprintln!(
            "mus batch: {} problem{} in {}; nothing was written (--keep-going makes the valid rows)",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            config.roster.origin
        );
        return Ok(2);
    }
    if config.dry_run {
        let mut out = String::new();
        for e in &entries {
            let focus = if e.focus.is_empty() {
                "alle".to_string()
            } else {
                e.focus.join(", ")
            };
            out.push_str(&format!(
                "{}:{}: {} · {} · {} · {} → {}\n",
                config.roster.origin,
                e.row,
                e.people.name,
                e.level,
                focus,
                e.date,
                config.out_dir.join(&e.file).display()
            ));
        }
        crate::output::write_stdout(out.as_bytes())?;
        eprintln!(
            "mus batch: dry run, {} guides would be written, {} rows have problems",
            entries.len(),
            problems.len()
        );
        return Ok(if problems.is_empty() { 0 } else { 1 });
    }
    let report = |message: &str| eprintln!("error: {message}");
    let (_, summary) = config.produce(&entries, &report)?;
    let invalid_rows = config.roster.rows.len() - entries.len();
    let failed = summary.failed + invalid_rows;
    if !config.quiet && summary.stale_removed > 0 {
        eprintln!(
            "mus batch: removed {} temporary file{} an interrupted run left in {}",
            summary.stale_removed,
            if summary.stale_removed == 1 { "" } else { "s" },
            config.out_dir.display()
        );
    }
    if !config.quiet {
        eprintln!(
            "mus batch: {} rows — {} written, {} unchanged, {} failed — {:.2} s ({:.0} guides/s) → {}",
            config.roster.rows.len(),
            summary.written,
            summary.unchanged,
            failed,
            summary.seconds,
            (summary.written + summary.unchanged) as f64 / summary.seconds.max(1e-9),
            config.out_dir.display()
        );
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_and_iso_dates() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        for text in [
            "2027-01-15",
            "15-01-2027",
            "15.01.2027",
            "15/1/2027",
            "15/01/2027",
            "2027-01-15 00:00:00",
        ] {
            assert_eq!(parse_roster_date(text), Some(d), "{text}");
        }
        assert_eq!(parse_roster_date("31-02-2027"), None);
        assert_eq!(parse_roster_date("januar"), None);
    }

    /// Issue 11: `2027-01-15T25:00` and `15.01.2027 eller 16.01` became 2027-01-15.
    #[test]
    fn dates_with_trailing_text_are_refused() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        for text in [
            "2027-01-15T25:00",
            "15.01.2027 eller 16.01",
            "2027-01-15 kl. 10",
            "2027-01-15T",
            "15-01-2027 x",
            "2027-01-15TT00:00",
        ] {
            assert_eq!(parse_roster_date(text), None, "{text}");
        }
        for text in [
            "2027-01-15T09:30",
            "2027-01-15T00:00:00.000",
            " 15.01.2027 ",
        ] {
            assert_eq!(parse_roster_date(text), Some(d), "{text}");
        }
    }

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(safe_file_stem("../../x"), "x");
        assert_eq!(safe_file_stem("con"), "con-guide");
        assert_eq!(safe_file_stem(".hidden"), "hidden");
        assert_eq!(safe_file_stem(""), "guide");
        assert_eq!(safe_file_stem(&"a".repeat(300)).len(), 120);
    }

    fn entry(row: usize, name: &str, id: &str) -> Entry {
        Entry {
            row,
            id: id.into(),
            people: People {
                name: name.into(),
                ..People::default()
            },
            level: "chef".into(),
            focus: vec![],
            date: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
            file: String::new(),
        }
    }

    #[test]
    fn namesakes_get_distinct_files() {
        let mut entries = vec![
            entry(2, "Ole Ørum", "17"),
            entry(3, "Ole Ørum", ""),
            entry(4, "Åse", ""),
            entry(5, "CON", ""),
        ];
        assign_file_names(&mut entries);
        let files: Vec<&str> = entries.iter().map(|e| e.file.as_str()).collect();
        assert_eq!(
            files,
            [
                "ole-oerum-chef-2027-01-15-17.pdf",
                "ole-oerum-chef-2027-01-15-raekke-3.pdf",
                "aase-chef-2027-01-15.pdf",
                "con-chef-2027-01-15.pdf",
            ]
        );
    }
}
