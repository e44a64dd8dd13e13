//! The command line, as clap types. No logic: `config` resolves these into what the
//! rest of the program works with.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Forbereder ledere til MUS/LUS: en samtaleguide i PDF ud fra et ledelsesgrundlag.
///
/// mus takes a leader's level and this year's focus principles, pulls the matching
/// expectations from the framework (built in: Sønderborg Kommune's Ledelsesgrundlag) and
/// makes a PDF conversation guide with reflection questions, answer space, a development
/// plan and signature fields.
#[derive(Debug, Parser)]
#[command(name = "mus", version, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make the PDF conversation guide for one leader.
    Guide(GuideArgs),
    /// Make a guide for every leader in an HR roster (CSV, Excel or JSON).
    Batch(BatchArgs),
    /// List, show, export and check frameworks.
    #[command(subcommand)]
    Framework(FrameworkCommand),
    /// Export the built-in templates for customisation.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Args)]
pub struct GuideArgs {
    /// The leader's level: direktion, chef, leder-af-ledere, leder-af-medarbejdere (or its
    /// Danish name).
    #[arg(long, short = 'r')]
    pub role: String,
    /// A focus principle for this year's dialogue; repeat it or separate with commas.
    /// Without it, all principles are included.
    #[arg(long, short = 'f')]
    pub focus: Vec<String>,
    /// The leader's name.
    #[arg(long)]
    pub name: Option<String>,
    /// The leader's own manager.
    #[arg(long)]
    pub manager: Option<String>,
    /// The leader's unit (enhed, afdeling).
    #[arg(long)]
    pub unit: Option<String>,
    /// The date of the dialogue, YYYY-MM-DD [default: today, or SOURCE_DATE_EPOCH].
    #[arg(long)]
    pub date: Option<String>,
    #[command(flatten)]
    pub source: SourceArgs,
    /// A folder of templates that replace the built-in ones (see `mus templates export`).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Make a print-only guide: no form fields and no signature fields. By default the
    /// guide is a fillable PDF form (text fields for answers, radio buttons for scales)
    /// with two signature fields.
    #[arg(long)]
    pub no_form: bool,
    /// The default since the form became standard; kept so older scripts still run.
    #[arg(long, hide = true, conflicts_with = "no_form")]
    pub form: bool,
    /// Where to write the PDF; `-` for standard output [default: named after the leader
    /// and the date].
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The roster: CSV (as Excel saves it, `;`/`,`/tab, UTF-8 or Windows-1252), an Excel
    /// workbook (.xlsx) or a JSON array. Columns by header: navn, rolle, fokus, leder,
    /// enhed, dato, id (or name, role, focus, manager, unit, date).
    pub roster: PathBuf,
    /// The folder the guides and the manifest go into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    /// The date of the dialogue for rows without one, YYYY-MM-DD [default: today].
    #[arg(long)]
    pub date: Option<String>,
    /// The Excel sheet to read [default: the first].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    #[command(flatten)]
    pub source: SourceArgs,
    /// A folder of templates that replace the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// How many guides to make at once [default: two per core].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Make the valid rows even when some rows are bad (exit status 1).
    #[arg(long)]
    pub keep_going: bool,
    /// Check the roster and show what would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// No progress bar and no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Make print-only guides: no form fields and no signature fields (see `mus guide
    /// --no-form`).
    #[arg(long)]
    pub no_form: bool,
    /// The default since the form became standard; kept so older scripts still run.
    #[arg(long, hide = true, conflicts_with = "no_form")]
    pub form: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct SourceArgs {
    /// A framework file to use instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub framework: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum FrameworkCommand {
    /// List the levels and principles with their ids.
    List {
        #[command(flatten)]
        source: SourceArgs,
    },
    /// Print a level's expectations and questions in the terminal.
    Show {
        #[arg(long, short = 'r')]
        role: String,
        #[arg(long, short = 'f')]
        focus: Vec<String>,
        #[command(flatten)]
        source: SourceArgs,
    },
    /// Print the framework's JSON, a starting point for your own.
    Export {
        #[command(flatten)]
        source: SourceArgs,
        /// Write to FILE instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Validate a framework file and report every problem.
    Check {
        /// The framework file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Write the built-in templates into DIR.
    Export {
        /// The folder to write into (created if missing).
        dir: PathBuf,
    },
}
