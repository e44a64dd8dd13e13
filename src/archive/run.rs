//! Running `mus archive add|list|status|verify|rebuild` and reporting to the terminal: results on
//! standard output, refusals, notes and summaries on standard error.

use crate::archive::config::{ArchiveConfig, CsvOutput, Task};
use crate::archive::status::{read_people, StatusReport};
use crate::archive::stored::StoredRole;
use crate::archive::{Added, Archive, ArchivedGuide, Policy};
use crate::error::Result;
use crate::matching::normalize;
use crate::output::write_stdout;

/// Said once per run when signers are not checked against trust anchors.
pub const TRUST_NOTE: &str = "note: signatures are checked to be intact, but their signers are \
    not verified against a trust anchor (give --trust FILE.pem to verify them)";

/// Runs one archive command; the exit status is 0 when all is well, 1 when some file was
/// refused or `verify` found a problem.
pub fn run(config: &ArchiveConfig) -> Result<u8> {
    match &config.task {
        Task::Add {
            files,
            allow_unsigned,
            anchors,
        } => {
            // Half a guide left by Ctrl-C is personal data nobody would find.
            crate::output::remove_temporary_files_on_signal();
            let mut archive = Archive::open(&config.dir, true)?;
            let removed = crate::archive::storage::remove_stale_temporary_files(&config.dir)?;
            if removed > 0 {
                eprintln!(
                    "mus archive add: removed {removed} temporary file{} an interrupted add left in {}",
                    if removed == 1 { "" } else { "s" },
                    config.dir.display()
                );
            }
            if let Some(mode) = archive.open_to_others() {
                eprintln!(
                    "warning: {} is open to others (mode {mode:04o}); the archive holds personal \
                     data: chmod 700 it",
                    config.dir.display()
                );
            }
            if anchors.is_empty() {
                eprintln!("{TRUST_NOTE}");
            }
            let policy = Policy {
                allow_unsigned: *allow_unsigned,
                anchors: anchors.clone(),
            };
            add(&mut archive, files, &policy)
        }
        Task::List { year, unit, json } => {
            let archive = Archive::open(&config.dir, false)?;
            let unit = unit.as_deref().map(normalize);
            let guides: Vec<ArchivedGuide> = archive
                .guides()?
                .into_iter()
                .filter(|g| year.is_none_or(|y| g.year == y))
                .filter(|g| unit.as_ref().is_none_or(|u| &normalize(&g.unit) == u))
                .collect();
            if *json {
                let text = serde_json::to_string_pretty(&guides).expect("serializes") + "\n";
                write_stdout(text.as_bytes())?;
            } else if guides.is_empty() {
                eprintln!("mus archive list: no archived guide matches");
            } else {
                write_stdout(list_table(&guides).as_bytes())?;
            }
            Ok(0)
        }
        Task::Status {
            roster,
            sheet,
            year,
            csv,
        } => {
            let (origin, people) = read_people(roster, sheet.as_deref())?;
            let archive = Archive::open(&config.dir, false)?;
            let report = StatusReport::from_people(&origin, people, &archive.guides()?, *year);
            match csv {
                Some(CsvOutput::Stdout) => {
                    write_stdout(&report.csv())?;
                    eprintln!("{}", report.summary());
                }
                Some(CsvOutput::File(path)) => {
                    write_stdout(report.table().as_bytes())?;
                    crate::output::write_atomic(path, &report.csv())?;
                    eprintln!("wrote {}", path.display());
                }
                None => write_stdout(report.table().as_bytes())?,
            }
            Ok(0)
        }
        Task::Plans {
            year,
            unit,
            csv,
            include_unsigned,
        } => {
            let archive = Archive::open(&config.dir, false)?;
            let lines = crate::archive::plans::plans(
                archive.dir(),
                &archive.guides()?,
                *year,
                unit.as_deref(),
                *include_unsigned,
            )?;
            let bytes = crate::archive::plans::csv(&lines);
            let guides = lines
                .iter()
                .map(|l| &l.guide.guide_id)
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            let summary = format!(
                "mus archive plans: {} plan row{} from {guides} {}guide{}",
                lines.len(),
                if lines.len() == 1 { "" } else { "s" },
                if *include_unsigned { "" } else { "signed " },
                if guides == 1 { "" } else { "s" },
            );
            match csv {
                CsvOutput::Stdout => write_stdout(&bytes)?,
                CsvOutput::File(path) => crate::output::write_atomic(path, &bytes)?,
            }
            eprintln!("{summary}");
            Ok(0)
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
            let (origin, people) = read_people(roster, sheet.as_deref())?;
            let mut units: Vec<&str> = people
                .iter()
                .map(|p| p.unit.trim())
                .filter(|u| !u.is_empty())
                .collect();
            units.sort_unstable();
            units.dedup();
            let units = units.join(", ");
            let order = crate::report::Order::builtin();
            let request = crate::report::Request {
                year: *year,
                unit: unit.as_deref(),
                min_group: *min_group,
            };
            let figures = crate::report::figures(&config.dir, &origin, people, &request, &order)?;
            if let Some(u) = unit {
                if figures.total.leaders == 0 {
                    return Err(crate::error::Error::Value {
                        option: "--unit".into(),
                        message: format!(
                            "no leader on {origin} is in the unit '{u}'; its units: {units}"
                        ),
                    });
                }
            }
            let pdf = crate::report::document::pdf(
                &figures,
                &order,
                *created,
                crate::fonts::FontSet::builtin(),
            )?;
            crate::output::write_atomic(output, &pdf)?;
            eprintln!("wrote {}", output.display());
            if let Some(path) = csv {
                crate::output::write_atomic(path, &crate::report::csv::csv(&figures, &order))?;
                eprintln!("wrote {}", path.display());
            }
            let t = &figures.total;
            eprintln!(
                "mus archive report: MUS {year}: {} leaders — {} signed, {} unsigned, {} missing; \
                 {} with a plan",
                t.leaders, t.signed, t.unsigned, t.missing, t.with_plan
            );
            Ok(0)
        }
        Task::Rebuild { anchors } => {
            crate::output::remove_temporary_files_on_signal();
            if anchors.is_empty() {
                eprintln!("{TRUST_NOTE}");
            }
            let rebuilt = crate::archive::rebuild::rebuild(&config.dir, anchors)?;
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
        Task::Verify { anchors } => {
            let archive = Archive::open(&config.dir, false)?;
            if anchors.is_empty() {
                eprintln!("{TRUST_NOTE}");
            }
            let verified = archive.verify(anchors)?;
            let (checked, problems) = (verified.checked, &verified.problems);
            // Named, but no problem: the archive is whole when that mus finishes.
            for file in &verified.in_progress {
                eprintln!("{file}");
            }
            let mut out = String::new();
            for p in problems {
                out.push_str(&format!("{p}\n"));
            }
            write_stdout(out.as_bytes())?;
            if problems.is_empty() {
                eprintln!(
                    "mus archive verify: {checked} file{} checked in {} — all intact",
                    if checked == 1 { "" } else { "s" },
                    config.dir.display()
                );
                Ok(0)
            } else {
                eprintln!(
                    "mus archive verify: {checked} file{} checked in {} — {} problem{}",
                    if checked == 1 { "" } else { "s" },
                    config.dir.display(),
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                );
                Ok(1)
            }
        }
    }
}

fn add(archive: &mut Archive, files: &[std::path::PathBuf], policy: &Policy) -> Result<u8> {
    let (mut accepted, mut unchanged, mut refused) = (0, 0, 0);
    let mut unsigned_only = false;
    for file in files {
        let shown = file.display();
        let outcome = match crate::archive::storage::read_input(file) {
            Ok(bytes) => archive.add(&bytes, policy)?,
            Err(reason) => {
                eprintln!("refused: {reason}");
                refused += 1;
                continue;
            }
        };
        match outcome {
            Added::New(g) => {
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
            Added::Unchanged(g) => {
                unchanged += 1;
                write_stdout(
                    format!(
                        "unchanged: {shown} is archived already as {} (guide {} version {})\n",
                        g.path, g.guide_id, g.version
                    )
                    .as_bytes(),
                )?;
            }
            Added::Refused(r) => {
                refused += 1;
                unsigned_only |= r.unsigned_only;
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
        archive.dir().display()
    );
    Ok(if refused > 0 { 1 } else { 0 })
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
