//! `mus archive`'s command line resolved: the archive folder (`--archive` or
//! `MUS_ARCHIVE`), trust anchors loaded, the year chosen. Nothing below the command line
//! sees clap types.

use std::path::{Path, PathBuf};

pub use crate::app::archive::current_year;
use crate::cli::args::{ArchiveArgs, ArchiveCommand};
use crate::config::source_date_epoch;
use crate::error::{Error, Result};
use crate::signature::{self, TrustAnchor};

/// The environment variable that names the archive folder when `--archive` does not.
pub const ARCHIVE_ENV: &str = "MUS_ARCHIVE";

/// What `mus archive` is to do, and where.
pub struct ArchiveConfig {
    pub dir: PathBuf,
    pub task: Task,
}

pub enum Task {
    Add {
        files: Vec<PathBuf>,
        allow_unsigned: bool,
        anchors: Vec<TrustAnchor>,
    },
    List {
        year: Option<i32>,
        unit: Option<String>,
        json: bool,
    },
    Status {
        roster: PathBuf,
        sheet: Option<String>,
        year: i32,
        csv: Option<CsvOutput>,
    },
    Plans {
        year: Option<i32>,
        unit: Option<String>,
        csv: CsvOutput,
        include_unsigned: bool,
    },
    Report {
        roster: PathBuf,
        sheet: Option<String>,
        year: i32,
        unit: Option<String>,
        output: PathBuf,
        csv: Option<PathBuf>,
        min_group: usize,
        /// Seconds since the Unix epoch: the report's date (SOURCE_DATE_EPOCH, else now).
        created: i64,
    },
    Verify {
        anchors: Vec<TrustAnchor>,
    },
    Rebuild {
        anchors: Vec<TrustAnchor>,
    },
}

/// Where `status` writes its CSV.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvOutput {
    Stdout,
    File(PathBuf),
}

impl ArchiveConfig {
    pub fn from_args(args: &ArchiveArgs) -> Result<ArchiveConfig> {
        let dir = archive_dir(
            args.archive.as_deref(),
            std::env::var_os(ARCHIVE_ENV).map(PathBuf::from),
        )?;
        let task = match &args.command {
            ArchiveCommand::Add {
                files,
                allow_unsigned,
                trust,
            } => Task::Add {
                files: files.clone(),
                allow_unsigned: *allow_unsigned,
                anchors: anchors(trust)?,
            },
            ArchiveCommand::List { year, unit, json } => Task::List {
                year: *year,
                unit: unit.clone(),
                json: *json,
            },
            ArchiveCommand::Status {
                roster,
                sheet,
                year,
                csv,
            } => Task::Status {
                roster: roster.clone(),
                sheet: sheet.clone(),
                year: match year {
                    Some(y) => *y,
                    None => current_year(source_date_epoch()?),
                },
                csv: csv.as_deref().map(csv_output),
            },
            ArchiveCommand::Plans {
                year,
                unit,
                csv,
                include_unsigned,
            } => Task::Plans {
                year: *year,
                unit: unit.clone(),
                csv: csv_output(csv),
                include_unsigned: *include_unsigned,
            },
            ArchiveCommand::Report {
                roster,
                sheet,
                year,
                unit,
                output,
                csv,
                min_group,
            } => {
                let epoch = source_date_epoch()?;
                Task::Report {
                    roster: roster.clone(),
                    sheet: sheet.clone(),
                    year: match year {
                        Some(y) => *y,
                        None => current_year(epoch),
                    },
                    unit: unit.clone(),
                    output: output.clone(),
                    csv: csv.clone(),
                    min_group: *min_group as usize,
                    created: epoch.unwrap_or_else(|| chrono::Utc::now().timestamp()),
                }
            }
            ArchiveCommand::Verify { trust } => Task::Verify {
                anchors: anchors(trust)?,
            },
            ArchiveCommand::Rebuild { trust } => Task::Rebuild {
                anchors: anchors(trust)?,
            },
        };
        Ok(ArchiveConfig { dir, task })
    }
}

/// `-` is standard output.
fn csv_output(path: &Path) -> CsvOutput {
    if path == Path::new("-") {
        CsvOutput::Stdout
    } else {
        CsvOutput::File(path.to_path_buf())
    }
}

/// `--archive`, else `MUS_ARCHIVE`; an empty value counts as none.
pub fn archive_dir(option: Option<&Path>, env: Option<PathBuf>) -> Result<PathBuf> {
    option
        .map(Path::to_path_buf)
        .or(env)
        .filter(|p| !p.as_os_str().is_empty())
        .ok_or(Error::NoArchive)
}

fn anchors(files: &[PathBuf]) -> Result<Vec<TrustAnchor>> {
    let mut all = Vec::new();
    for file in files {
        all.extend(signature::load_trust_anchors(file)?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_wins_over_the_environment_and_neither_is_an_error() {
        assert_eq!(
            archive_dir(Some(Path::new("a")), Some("b".into())).unwrap(),
            PathBuf::from("a")
        );
        assert_eq!(
            archive_dir(None, Some("b".into())).unwrap(),
            PathBuf::from("b")
        );
        assert!(matches!(
            archive_dir(None, Some("".into())),
            Err(Error::NoArchive)
        ));
        assert!(matches!(archive_dir(None, None), Err(Error::NoArchive)));
    }

    #[test]
    fn the_year_follows_source_date_epoch() {
        assert_eq!(current_year(Some(1_800_000_000)), 2027);
    }
}
