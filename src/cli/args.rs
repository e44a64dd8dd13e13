//! The command line, as clap types. No logic: the rest of [`crate::cli`] resolves these
//! into the requests of [`crate::app`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Prepares leaders for their development dialogue (MUS/LUS): a PDF conversation guide
/// from a leadership framework.
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
    /// Keep signed guides: add them, list them, see who is missing, verify the archive.
    Archive(ArchiveArgs),
    /// Serve the guide, the batch and the archive as web pages (in Danish) from this
    /// machine.
    Serve(ServeArgs),
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
    /// Last year's guide, filled in and signed: its development plan opens this guide
    /// (with a status and a comment per agreement), and its ratings stand beside the
    /// expectations in focus both years. Only the plan and the ratings are carried over.
    #[arg(long, value_name = "FILE.pdf")]
    pub previous: Option<PathBuf>,
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
    /// How many guides to make at once [default: one per core].
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
    /// The archive (see `mus archive`) of last year's guides: each row's guide follows up
    /// the leader's newest archived guide from an earlier year, found by employee id,
    /// else by name and unit. Rows with no or several candidates are reported.
    #[arg(long, value_name = "ARCHIVE_DIR")]
    pub previous: Option<PathBuf>,
    /// The default since the form became standard; kept so older scripts still run.
    #[arg(long, hide = true, conflicts_with = "no_form")]
    pub form: bool,
}

#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// The archive folder [default: the environment variable MUS_ARCHIVE].
    #[arg(long, global = true, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    #[command(subcommand)]
    pub command: ArchiveCommand,
}

#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Archive signed guides: each file is checked to be a guide made by mus with both
    /// signature fields signed, then stored read-only and recorded in the index.
    Add {
        /// The guides (PDF) to archive.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Also archive a guide whose signature fields are empty or missing (signed on
        /// paper, or partly signed); it is recorded as unsigned.
        #[arg(long)]
        allow_unsigned: bool,
        /// Certificates (PEM) signers must chain to; repeat for more files. Without it,
        /// signatures are checked to be intact but signers are not verified.
        #[arg(long, value_name = "FILE.pem")]
        trust: Vec<PathBuf>,
    },
    /// List the archived guides, one line each.
    List {
        /// Only guides of this year's dialogues.
        #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1900..=2999))]
        year: Option<i32>,
        /// Only guides of this unit (compared ignoring case and æ/ø/å spelling).
        #[arg(long, value_name = "UNIT")]
        unit: Option<String>,
        /// Print JSON for programs.
        #[arg(long)]
        json: bool,
    },
    /// Who on a roster has a signed guide archived for the year, who an unsigned one, and
    /// who is missing.
    Status {
        /// The roster (CSV, Excel or JSON, as for `mus batch`) or a batch manifest.json.
        #[arg(long, value_name = "FILE")]
        roster: PathBuf,
        /// The Excel sheet to read [default: the first].
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// The year of the dialogues [default: this year, or SOURCE_DATE_EPOCH's].
        #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1900..=2999))]
        year: Option<i32>,
        /// Also write the status as CSV (opens in Excel) to FILE; `-` for standard output
        /// instead of the table.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// The agreed development plans, for HR's competence-development budget: per plan row
    /// the leader, unit, level, year, goal, action, who and deadline, as CSV for Excel.
    /// Only the plan leaves the guides; signed guides only, unless --include-unsigned.
    Plans {
        /// Only guides of this year's dialogues [default: every year].
        #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1900..=2999))]
        year: Option<i32>,
        /// Only guides of this unit (compared ignoring case and æ/ø/å spelling).
        #[arg(long, value_name = "UNIT")]
        unit: Option<String>,
        /// Where to write the CSV; `-` for standard output.
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
        /// Also the plans of guides that are not signed (marked so in the Status column).
        #[arg(long)]
        include_unsigned: bool,
    },
    /// The report to the MED committee, as a PDF: completion per unit (who has had the
    /// dialogue, who has a plan) and the anonymised leadership profile (self-ratings and
    /// managers' ratings per principle), with groups under --min-group leaders suppressed.
    Report {
        /// The roster (CSV, Excel or JSON, as for `mus batch`) or a batch manifest.json.
        #[arg(long, value_name = "FILE")]
        roster: PathBuf,
        /// The Excel sheet to read [default: the first].
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// The year of the dialogues [default: this year, or SOURCE_DATE_EPOCH's].
        #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1900..=2999))]
        year: Option<i32>,
        /// Only this unit's leaders (compared ignoring case and æ/ø/å spelling).
        #[arg(long, value_name = "UNIT")]
        unit: Option<String>,
        /// Where to write the PDF.
        #[arg(long, short = 'o', value_name = "FILE.pdf")]
        output: PathBuf,
        /// Also write the figures as CSV (long format, for Excel) to FILE.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// The fewest leaders a profile figure may be built from; smaller groups are not
        /// shown (nor derivable from the totals).
        #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
        min_group: u32,
    },
    /// Re-hash every archived file, re-check its signatures, and find files that are
    /// missing, changed, or not in the index.
    Verify {
        /// Certificates (PEM) signers must chain to; repeat for more files.
        #[arg(long, value_name = "FILE.pem")]
        trust: Vec<PathBuf>,
    },
    /// Re-create the index from the archived files, when it is missing, empty or damaged:
    /// every PDF in the folder is read again and judged by today's rules (guides whose
    /// signatures are in order are recorded as signed, others as unsigned; files the rules
    /// refuse are named and left out). The old index is kept as index.sqlite.bak.
    Rebuild {
        /// Certificates (PEM) signers must chain to; repeat for more files.
        #[arg(long, value_name = "FILE.pem")]
        trust: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The archive folder the archive page (/arkiv) works on; without it there is no
    /// archive page.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// The address and port to listen on. Any address other than a loopback one
    /// (127.0.0.1, ::1) requires --token-file.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8717")]
    pub listen: std::net::SocketAddr,
    /// Open the front page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// A file holding the login token (created with a new random token if missing). With
    /// it every visitor logs in with the token first; it is required on a network address.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Another name this machine is reached by (e.g. mus.kommune.local); the server
    /// refuses requests that name a host it does not know. Repeat for more names.
    #[arg(long, value_name = "NAME")]
    pub host: Vec<String>,
    #[command(flatten)]
    pub source: SourceArgs,
    /// A folder of templates that replace the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Certificates (PEM) signers of archived guides must chain to; repeat for more files.
    #[arg(long, value_name = "FILE.pem")]
    pub trust: Vec<PathBuf>,
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
