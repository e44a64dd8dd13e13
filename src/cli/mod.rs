//! The command line: arguments ([`args`], clap types only) resolved into the requests of
//! [`crate::app`], the operations called, their results printed — results on standard
//! output; notes, refusals and summaries on standard error — and the exit code chosen:
//! 0 success, 1 a batch or archive command finished but something was refused or failed,
//! 2 usage or fatal error. Nothing below this module prints or sees clap types.

pub mod archive;
pub mod args;
pub mod batch;
pub mod guide;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::app;
use crate::app::error::{Error, Result};
use crate::base::files;

pub use args::*;

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
    match cli.command {
        Command::Guide(args) => guide::run(&args).map(|()| 0),
        Command::Batch(args) => batch::run(&args),
        Command::Archive(args) => archive::run(&archive::config::ArchiveConfig::from_args(&args)?),
        Command::Framework(command) => framework(command).map(|()| 0),
        Command::Templates(TemplatesCommand::Export { dir }) => {
            for path in app::templates::export(&dir)? {
                eprintln!("wrote {}", path.display());
            }
            Ok(0)
        }
        Command::Serve(args) => crate::serve::run(crate::serve::ServeConfig::from_options(
            &serve_options(args),
        )?)
        .map(|()| 0),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "mus", &mut out);
            files::write_stdout(&out).map(|()| 0).map_err(Into::into)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| Error::io("<stdout>", e))?;
            files::write_stdout(&out).map(|()| 0).map_err(Into::into)
        }
    }
}

fn framework(command: FrameworkCommand) -> Result<()> {
    match command {
        FrameworkCommand::List { source } => print(&app::framework::list(framework_path(&source))?),
        FrameworkCommand::Show {
            role,
            focus,
            source,
        } => print(&app::framework::show(
            framework_path(&source),
            &role,
            &focus,
        )?),
        FrameworkCommand::Export { source, output } => {
            let text = app::framework::export(framework_path(&source))?;
            match output {
                Some(path) => files::write_atomic(&path, text.as_bytes()).map_err(Into::into),
                None => print(&text),
            }
        }
        FrameworkCommand::Check { file } => {
            let c = app::framework::check(&file)?;
            print(&format!(
                "ok: {}: {} {} {} — {} levels, {} principles, {} expectations\n",
                c.origin.display(),
                c.organisation,
                c.name,
                c.version,
                c.levels,
                c.principles,
                c.expectations
            ))
        }
    }
}

/// `--framework`, when given.
fn framework_path(source: &SourceArgs) -> Option<&std::path::Path> {
    source.framework.as_deref()
}

/// A path argument as the operations take a file.
fn input(path: &std::path::Path) -> app::Input {
    app::Input::Path(PathBuf::from(path))
}

fn print(text: &str) -> Result<()> {
    files::write_stdout(text.as_bytes()).map_err(Into::into)
}

/// `mus serve`'s arguments as the web front end's options.
fn serve_options(args: ServeArgs) -> crate::serve::ServeOptions {
    crate::serve::ServeOptions {
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
