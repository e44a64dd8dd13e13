//! `mus archive add|list|status|plans|report|verify|rebuild` on the command line: the
//! resolved arguments ([`config`]) handed to [`crate::app::archive`], and what it returns
//! told — results on standard output; refusals, notes and summaries on standard error.

pub mod config;

use std::path::Path;

use crate::app::archive::{self as ops, AddOptions, Adding, Verdict};
use crate::app::error::Result;
use crate::app::Input;
use crate::archive::status::StatusReport;
use crate::archive::stored::StoredRole;
use crate::archive::ArchivedGuide;
use crate::base::files::write_stdout;
use config::{ArchiveConfig, CsvOutput, Task};

/// Said once per run when signers are not checked against trust anchors.
pub const TRUST_NOTE: &str = "note: signatures are checked to be intact, but their signers are \
    not verified against a trust anchor (give --trust FILE.pem to verify them)";

/// Runs one archive command; the exit status is 0 when all is well, 1 when some file was
/// refused or `verify` found a problem.
pub fn run(config: &ArchiveConfig) -> Result<u8> {
    let dir = config.dir.as_path();
    match &config.task {
        Task::Add {
            files,
            allow_unsigned,
            anchors,
        } => {
            // Half a guide left by Ctrl-C is personal data nobody would find.
            crate::base::files::remove_temporary_files_on_signal();
            let options = AddOptions {
                allow_unsigned: *allow_unsigned,
                anchors: anchors.clone(),
            };
            let mut adding = ops::start_adding(dir, options)?;
            if adding.stale_removed > 0 {
                eprintln!(
                    "mus archive add: removed {} temporary file{} an interrupted add left in {}",
                    adding.stale_removed,
                    if adding.stale_removed == 1 { "" } else { "s" },
                    dir.display()
                );
            }
            if let Some(mode) = adding.open_to_others {
                eprintln!(
                    "warning: {} is open to others (mode {mode:04o}); the archive holds personal \
                     data: chmod 700 it",
                    dir.display()
                );
            }
            if anchors.is_empty() {
                eprintln!("{TRUST_NOTE}");
            }
            add(&mut adding, files)
        }
        Task::List { year, unit, json } => {
            let filter = ops::ListFilter {
                year: *year,
                unit: unit.clone(),
            };
            list(&ops::list(dir, &filter)?, *json)
        }
        Task::Status {
            roster,
            sheet,
            year,
            csv,
        } => {
            let request = ops::StatusRequest {
                roster: Input::Path(roster.clone()),
                sheet: sheet.clone(),
                year: *year,
            };
            status(&ops::status(dir, &request)?, csv.as_ref())
        }
        Task::Plans {
            year,
            unit,
            csv,
            include_unsigned,
        } => {
            let request = ops::PlansRequest {
                year: *year,
                unit: unit.clone(),
                include_unsigned: *include_unsigned,
            };
            plans(&ops::plans(dir, &request)?, csv, *include_unsigned)
        }
        Task::Report {
            roster,
            sheet,
            year,
            unit,
            output,
            csv,
            min_group,
            created,
        } => {
            let request = ops::ReportRequest {
                roster: Input::Path(roster.clone()),
                sheet: sheet.clone(),
                year: *year,
                unit: unit.clone(),
                min_group: *min_group,
                created: *created,
            };
            report(&ops::report(dir, &request)?, *year, output, csv.as_deref())
        }
        Task::Rebuild { anchors } => {
            crate::base::files::remove_temporary_files_on_signal();
            if anchors.is_empty() {
                eprintln!("{TRUST_NOTE}");
            }
            rebuild(dir, anchors)
        }
        Task::Verify { anchors } => verify(dir, anchors),
    }
}

fn add(adding: &mut Adding, files: &[std::path::PathBuf]) -> Result<u8> {
    let (mut accepted, mut unchanged, mut refused) = (0, 0, 0);
    let mut unsigned_only = false;
    for file in files {
        let shown = file.display();
        match adding.add(&Input::Path(file.clone()))? {
            Verdict::Unreadable(reason) => {
                eprintln!("refused: {reason}");
                refused += 1;
            }
            Verdict::Accepted(g) => {
                accepted += 1;
                write_stdout(
                    format!(
                        "accepted: {shown} → {} (guide {} version {}, {})\n",
                        g.path,
                        g.guide_id,
                        g.version,
                        g.status.as_str()
                    )
                    .as_bytes(),
                )?;
            }
            Verdict::Unchanged(g) => {
                unchanged += 1;
                write_stdout(
                    format!(
                        "unchanged: {shown} is archived already as {} (guide {} version {})\n",
                        g.path, g.guide_id, g.version
                    )
                    .as_bytes(),
                )?;
            }
            Verdict::Refused(r) => {
                refused += 1;
                unsigned_only |= r.unsigned_only();
                eprintln!("refused: {shown}: {}", r.reason);
            }
        }
    }
    if unsigned_only {
        eprintln!(
            "hint: a guide signed on paper (or only partly signed) is archived as unsigned with \
             --allow-unsigned"
        );
    }
    eprintln!(
        "mus archive add: {} file{} — {accepted} accepted, {unchanged} unchanged, {refused} refused → {}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        adding.dir().display()
    );
    Ok(if refused > 0 { 1 } else { 0 })
}

fn list(guides: &[ArchivedGuide], json: bool) -> Result<u8> {
    if json {
        let text = serde_json::to_string_pretty(guides).expect("serializes") + "\n";
        write_stdout(text.as_bytes())?;
    } else if guides.is_empty() {
        eprintln!("mus archive list: no archived guide matches");
    } else {
        write_stdout(list_table(guides).as_bytes())?;
    }
    Ok(0)
}

fn status(report: &StatusReport, csv: Option<&CsvOutput>) -> Result<u8> {
    match csv {
        Some(CsvOutput::Stdout) => {
            write_stdout(&report.csv())?;
            eprintln!("{}", report.summary());
        }
        Some(CsvOutput::File(path)) => {
            write_stdout(status_table(report).as_bytes())?;
            crate::base::files::write_atomic(path, &report.csv())?;
            eprintln!("wrote {}", path.display());
        }
        None => write_stdout(status_table(report).as_bytes())?,
    }
    Ok(0)
}

fn plans(plans: &ops::Plans, csv: &CsvOutput, include_unsigned: bool) -> Result<u8> {
    let summary = format!(
        "mus archive plans: {} plan row{} from {} {}guide{}",
        plans.lines.len(),
        if plans.lines.len() == 1 { "" } else { "s" },
        plans.guides,
        if include_unsigned { "" } else { "signed " },
        if plans.guides == 1 { "" } else { "s" },
    );
    match csv {
        CsvOutput::Stdout => write_stdout(&plans.csv)?,
        CsvOutput::File(path) => crate::base::files::write_atomic(path, &plans.csv)?,
    }
    eprintln!("{summary}");
    Ok(0)
}

fn report(made: &ops::ReportMade, year: i32, output: &Path, csv: Option<&Path>) -> Result<u8> {
    crate::base::files::write_atomic(output, &made.pdf)?;
    eprintln!("wrote {}", output.display());
    if let Some(path) = csv {
        crate::base::files::write_atomic(path, &made.csv)?;
        eprintln!("wrote {}", path.display());
    }
    let t = &made.figures.total;
    eprintln!(
        "mus archive report: MUS {year}: {} leaders — {} signed, {} unsigned, {} missing; \
         {} with a plan",
        t.leaders, t.signed, t.unsigned, t.missing, t.with_plan
    );
    Ok(0)
}

fn rebuild(dir: &Path, anchors: &[crate::signature::TrustAnchor]) -> Result<u8> {
    let rebuilt = ops::rebuild(dir, anchors)?;
    for (path, reason) in &rebuilt.refused {
        eprintln!("not indexed: {path}: {reason}");
    }
    eprintln!(
        "mus archive rebuild: {} guide{} indexed, {} refused → {}",
        rebuilt.indexed,
        if rebuilt.indexed == 1 { "" } else { "s" },
        rebuilt.refused.len(),
        rebuilt.index.display()
    );
    Ok(if rebuilt.refused.is_empty() { 0 } else { 1 })
}

fn verify(dir: &Path, anchors: &[crate::signature::TrustAnchor]) -> Result<u8> {
    // Opened before the note: a missing archive is said first.
    let archive = ops::open(dir)?;
    if anchors.is_empty() {
        eprintln!("{TRUST_NOTE}");
    }
    let verified = ops::verify_opened(&archive, anchors)?;
    // Named, but no problem: the archive is whole when that mus finishes.
    for file in &verified.in_progress {
        eprintln!("{file}");
    }
    let mut out = String::new();
    for p in &verified.problems {
        out.push_str(&format!("{p}\n"));
    }
    write_stdout(out.as_bytes())?;
    let checked = verified.checked;
    if verified.problems.is_empty() {
        eprintln!(
            "mus archive verify: {checked} file{} checked in {} — all intact",
            if checked == 1 { "" } else { "s" },
            dir.display()
        );
        Ok(0)
    } else {
        eprintln!(
            "mus archive verify: {checked} file{} checked in {} — {} problem{}",
            if checked == 1 { "" } else { "s" },
            dir.display(),
            verified.problems.len(),
            if verified.problems.len() == 1 {
                ""
            } else {
                "s"
            }
        );
        Ok(1)
    }
}

/// `mus archive status`: the summary, a line per roster row, and the archived guides of
/// the year no row matched.
fn status_table(report: &StatusReport) -> String {
    let mut rows = vec![cells(["row", "name", "unit", "status", "guide", "date"])];
    for line in &report.lines {
        let p = &line.person;
        rows.push(vec![
            p.row.to_string(),
            if p.name.is_empty() {
                "(no name)".into()
            } else {
                p.name.clone()
            },
            p.unit.clone(),
            line.standing.as_str().into(),
            line.guide
                .as_ref()
                .map_or_else(String::new, |g| format!("{} v{}", g.guide_id, g.version)),
            line.guide
                .as_ref()
                .map_or_else(String::new, |g| g.dialogue_date.clone()),
        ]);
    }
    let mut out = format!("{}\n{}", report.summary(), columns(&rows));
    if !report.unmatched.is_empty() {
        out.push_str(&format!(
            "archived for {} but not on the roster: {}\n",
            report.year,
            report
                .unmatched
                .iter()
                .map(|g| format!("{} ({}, {} v{})", g.leader, g.unit, g.guide_id, g.version))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

fn cells<const N: usize>(texts: [&str; N]) -> Vec<String> {
    texts.iter().map(|t| t.to_string()).collect()
}

/// `mus archive list`: one line per archived file.
fn list_table(guides: &[ArchivedGuide]) -> String {
    let mut rows = vec![[
        "year", "unit", "leader", "level", "guide", "version", "status", "signers",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect::<Vec<_>>()];
    for g in guides {
        // The people by name; a seal or certification marked as signing for nobody; the
        // document timestamps (their authority) left to `--json`.
        let signers: Vec<String> = g
            .signatures
            .iter()
            .filter(|s| s.role != StoredRole::DocumentTimestamp)
            .map(|s| {
                // Rows from an index made before names were kept have only the subject.
                let name = if s.signer_name.is_empty() {
                    &s.signer
                } else {
                    &s.signer_name
                };
                match s.role {
                    StoredRole::Extra => format!("{name} (for nobody)"),
                    _ => name.clone(),
                }
            })
            .collect();
        rows.push(vec![
            g.year.to_string(),
            g.unit.clone(),
            g.leader.clone(),
            g.level.clone(),
            g.guide_id.clone(),
            g.version.to_string(),
            g.status.as_str().to_string(),
            if signers.is_empty() {
                "-".into()
            } else {
                signers.join(", ")
            },
        ]);
    }
    columns(&rows)
}

/// Rows as aligned columns, two spaces apart, no trailing spaces.
pub fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            let pad = widths[i] - cell.chars().count();
            line.push_str(&" ".repeat(pad + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
