//! `mus batch`: the arguments as a [`BatchRequest`], the roster checked and its problems
//! printed, then either the dry run's listing or the guides made under a progress bar
//! (on a terminal only), and the summary. Exit status: 0 all done, 1 some rows failed
//! (with `--keep-going`, or a dry run that found problems), 2 nothing written because of
//! bad rows.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::app::batch::{BatchReport, BatchRequest, Outcome, Progress, RosterCheck};
use crate::app::error::Result;
use crate::app::inputs::source_date_epoch;
use crate::archive::previous::Lookup;
use crate::cli::args::BatchArgs;

/// Runs `mus batch` and returns the exit status.
pub fn run(args: &BatchArgs) -> Result<u8> {
    let request = BatchRequest {
        roster: super::input(&args.roster),
        sheet: args.sheet.clone(),
        out_dir: args.out_dir.clone(),
        framework: args.source.framework.clone(),
        templates: args.templates.clone(),
        date: args.date.clone(),
        epoch: source_date_epoch()?,
        jobs: args.jobs,
        keep_going: args.keep_going,
        form: !args.no_form,
        previous: args.previous.clone(),
    };
    let (batch, mut check) = crate::app::batch::load(&request)?.validate();
    print_problems(&check);
    if !check.proceeds() {
        eprintln!(
            "mus batch: {} problem{} in {}; nothing was written (--keep-going makes the valid rows)",
            check.problems.len(),
            if check.problems.len() == 1 { "" } else { "s" },
            check.origin
        );
        return Ok(2);
    }
    // What is not found (or found twice) is said per row, in a dry run too.
    batch.follow_up(&mut check)?;
    if let Some(follow) = &check.previous {
        for (e, lookup) in check.entries.iter().zip(&follow.lookups) {
            if let Some(problem) = lookup.problem(&follow.dir) {
                eprintln!("note: {}:{}: {problem}", check.origin, e.row);
            }
        }
    }
    if args.dry_run {
        crate::base::files::write_stdout(dry_run_listing(&check, args).as_bytes())?;
        eprintln!(
            "mus batch: dry run, {} guides would be written, {} rows have problems",
            check.entries.len(),
            check.problems.len()
        );
        return Ok(if check.problems.is_empty() { 0 } else { 1 });
    }
    crate::base::files::remove_temporary_files_on_signal();
    let report = batch.run(&check, &Bar::new(check.entries.len(), args.quiet))?;
    if !args.quiet {
        print_summary(&check, &report, args);
    }
    Ok(if report.failed() > 0 { 1 } else { 0 })
}

/// Every problem, and the valid values once.
fn print_problems(check: &RosterCheck) {
    for p in &check.problems {
        eprintln!("error: {p}");
    }
    if !check.problems.is_empty() {
        eprintln!(
            "hint: roles: {}; focus: {}",
            check.roles.join(", "),
            check.principles.join(", ")
        );
    }
}

/// A line per guide that would be written (and the guide it would follow up).
fn dry_run_listing(check: &RosterCheck, args: &BatchArgs) -> String {
    let mut out = String::new();
    for (i, e) in check.entries.iter().enumerate() {
        let focus = if e.focus.is_empty() {
            "alle".to_string()
        } else {
            e.focus.join(", ")
        };
        out.push_str(&format!(
            "{}:{}: {} · {} · {} · {} → {}",
            check.origin,
            e.row,
            e.people.name,
            e.level,
            focus,
            e.date,
            args.out_dir.join(&e.file).display()
        ));
        let lookup = check.previous.as_ref().map(|f| &f.lookups[i]);
        out.push_str(&match lookup {
            None => "\n".to_string(),
            Some(Lookup::Found { path, .. }) => format!(" · follows up {}\n", path.display()),
            Some(Lookup::None) => " · no previous guide\n".to_string(),
            Some(Lookup::Several(paths)) => {
                format!(" · {} possible previous guides, none used\n", paths.len())
            }
            Some(Lookup::Unreadable { path, .. }) => {
                format!(" · previous guide {} unreadable\n", path.display())
            }
        });
    }
    out
}

fn print_summary(check: &RosterCheck, report: &BatchReport, args: &BatchArgs) {
    let summary = &report.summary;
    if summary.stale_removed > 0 {
        eprintln!(
            "mus batch: removed {} temporary file{} an interrupted run left in {}",
            summary.stale_removed,
            if summary.stale_removed == 1 { "" } else { "s" },
            args.out_dir.display()
        );
    }
    eprintln!(
        "mus batch: {} rows — {} written, {} unchanged, {} failed — {:.2} s ({:.0} guides/s) → {}",
        report.rows,
        summary.written,
        summary.unchanged,
        report.failed(),
        summary.seconds,
        (summary.written + summary.unchanged) as f64 / summary.seconds.max(1e-9),
        args.out_dir.display()
    );
    if let Some(follow) = &check.previous {
        eprintln!(
            "mus batch: --previous {}: {} guides follow up last year's, {} rows have none, {} have several candidates (none used)",
            follow.dir.display(),
            report.followed,
            check.entries.len() - report.followed - report.several,
            report.several
        );
    }
}

/// The progress bar: on a terminal, unless `--quiet`; a failed row is printed above it
/// as it happens, without tearing it.
struct Bar(ProgressBar);

impl Bar {
    fn new(len: usize, quiet: bool) -> Bar {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(ProgressBar::hidden());
        }
        let bar = ProgressBar::new(len as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} guides · {per_sec:0} · {eta} left")
                .expect("a valid template"),
        );
        Bar(bar)
    }
}

impl Progress for Bar {
    fn done(&self, outcome: &Outcome) {
        if let Outcome::Failed { message, .. } = outcome {
            self.0.suspend(|| eprintln!("error: {message}"));
        }
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
