//! `mus` prepares Danish municipal leaders for their development dialogue (MUS/LUS): from a
//! leadership framework, a leader's level and this year's focus principles it makes a PDF
//! conversation guide.
//!
//! The pipeline runs one way: framework + CLI → [`config`] → [`guide`] model →
//! [`templates`] (handlebars → markup) → [`markup`] (→ [`blocks`]) → [`layout`] (pages of
//! positioned items) → [`pdf`] (bytes) → [`output`] (atomic file write).

pub mod answers;
pub mod archive;
pub mod batch;
pub mod blocks;
pub mod cli;
pub mod config;
pub mod error;
pub mod fonts;
pub mod framework;
pub mod guide;
pub mod identity;
pub mod layout;
pub mod manifest;
pub mod markup;
pub mod matching;
pub mod naming;
pub mod output;
pub mod pdf;
pub mod previous;
pub mod report;
pub mod roster;
pub mod serve;
pub mod show;
pub mod signature;
pub mod templates;
pub mod tooltip;
pub mod xmp;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command, FrameworkCommand, TemplatesCommand};
use crate::config::{GuideConfig, Output};
use crate::error::{Error, Result};
use crate::fonts::FontSet;
use crate::framework::Framework;

/// Exit status for usage errors and fatal errors.
pub const EXIT_ERROR: u8 = 2;

/// Parses `args`, runs the command, prints any error with its hint, and returns the exit
/// code: 0 success, 1 a batch finished but some rows failed, 2 usage or fatal error.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Runs one parsed command line and returns its exit status.
pub fn run(cli: Cli) -> Result<u8> {
    if let Command::Batch(args) = &cli.command {
        return batch::run(&batch::from_args(args)?);
    }
    if let Command::Archive(args) = &cli.command {
        return archive::run::run(&archive::config::ArchiveConfig::from_args(args)?);
    }
    run_simple(cli).map(|()| 0)
}

fn run_simple(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Batch(_) | Command::Archive(_) => unreachable!("handled in run"),
        Command::Guide(args) => {
            let config = GuideConfig::from_args(&args)?;
            if let (Some(previous), Some(path)) = (&config.previous, &args.previous) {
                for note in previous_notes(&config, previous) {
                    eprintln!("note: {}: {note}", path.display());
                }
            }
            let guide = config.guide();
            let rendered = guide.render(&config.templates, FontSet::builtin())?;
            match &config.output {
                Output::Stdout => output::write_stdout(&rendered.pdf)?,
                Output::File(path) => {
                    output::remove_temporary_files_on_signal();
                    output::write_atomic(path, &rendered.pdf)?;
                    eprintln!(
                        "wrote {} ({} pages, guide {})",
                        path.display(),
                        rendered.pages,
                        rendered.id
                    );
                }
            }
            Ok(())
        }
        Command::Framework(FrameworkCommand::List { source }) => {
            print(&show::list(&config::load_framework(&source)?))
        }
        Command::Framework(FrameworkCommand::Show {
            role,
            focus,
            source,
        }) => {
            let framework = config::load_framework(&source)?;
            let level = framework.resolve_level(&role)?;
            let focus = framework.resolve_focus(&focus)?;
            print(&show::level(&framework, level, &focus))
        }
        Command::Framework(FrameworkCommand::Export { source, output }) => {
            let text = match &source.framework {
                Some(_) => config::load_framework(&source)?.to_json(),
                None => framework::BUILTIN_JSON.to_string(),
            };
            match output {
                Some(path) => output::write_atomic(&path, text.as_bytes()),
                None => print(&text),
            }
        }
        Command::Framework(FrameworkCommand::Check { file }) => {
            let framework = Framework::from_path(&file)?;
            let expectations: usize = framework.levels.iter().map(|l| l.expectations.len()).sum();
            print(&format!(
                "ok: {}: {} {} {} — {} levels, {} principles, {} expectations\n",
                file.display(),
                framework.organisation,
                framework.name,
                framework.version,
                framework.levels.len(),
                framework.principles.len(),
                expectations
            ))
        }
        Command::Templates(TemplatesCommand::Export { dir }) => {
            for path in templates::export(&dir)? {
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        Command::Serve(args) => serve::run(serve::ServeConfig::from_options(&serve_options(args))?),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "mus", &mut out);
            output::write_stdout(&out)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| Error::io("<stdout>", e))?;
            output::write_stdout(&out)
        }
    }
}

/// What a person may want to know before following up `previous`: that it is someone
/// else's guide, or not from before this one. Said, not refused: a leader may have
/// changed name, and a guide may be re-made.
fn previous_notes(config: &GuideConfig, previous: &answers::Carried) -> Vec<String> {
    let then = &previous.identity;
    let mut notes = Vec::new();
    let name = &config.people.name;
    if !name.is_empty() && matching::normalize(name) != matching::normalize(&then.leader) {
        notes.push(format!(
            "it is the guide of {} ({}), and this one is for {name}",
            if then.leader.is_empty() {
                "no one named"
            } else {
                &then.leader
            },
            then.guide_id
        ));
    }
    if then.dialogue_date >= config.date {
        notes.push(format!(
            "its dialogue ({}) is not before this one ({})",
            then.dialogue_date, config.date
        ));
    }
    if !previous.signed() {
        notes.push("it is not signed by everyone it names: the plan is shown as not signed".into());
    }
    notes
}

/// `mus serve`'s arguments as the web front end's options.
fn serve_options(args: cli::ServeArgs) -> serve::ServeOptions {
    serve::ServeOptions {
        listen: args.listen,
        archive: args.archive,
        open: args.open,
        token_file: args.token_file,
        hosts: args.host,
        framework: args.source.framework,
        templates: args.templates,
        trust: args.trust,
    }
}

fn print(text: &str) -> Result<()> {
    output::write_stdout(text.as_bytes())
}
