//! `mus guide`: the arguments as a [`GuideRequest`], the guide made, written to the file
//! (or standard output) the arguments name, and told on standard error.

use std::path::{Path, PathBuf};

use crate::app::guide::{make_guide, GuideRequest};
use crate::cli::args::GuideArgs;
use crate::config::source_date_epoch;
use crate::error::Result;
use crate::output;

/// Makes and writes the guide.
pub fn run(args: &GuideArgs) -> Result<()> {
    let request = GuideRequest {
        framework: args.source.framework.clone(),
        templates: args.templates.clone(),
        role: args.role.clone(),
        focus: args.focus.clone(),
        name: args.name.clone(),
        manager: args.manager.clone(),
        unit: args.unit.clone(),
        date: args.date.clone(),
        form: !args.no_form,
        previous: args.previous.as_deref().map(super::input),
        epoch: source_date_epoch()?,
    };
    let guide = make_guide(&request)?;
    if let Some(path) = &args.previous {
        for note in &guide.notes {
            eprintln!("note: {}: {note}", path.display());
        }
    }
    match &args.output {
        Some(path) if path == Path::new("-") => output::write_stdout(&guide.pdf),
        given => {
            let path = given
                .clone()
                .unwrap_or_else(|| PathBuf::from(&guide.file_name));
            output::remove_temporary_files_on_signal();
            output::write_atomic(&path, &guide.pdf)?;
            eprintln!(
                "wrote {} ({} pages, guide {})",
                path.display(),
                guide.pages,
                guide.id
            );
            Ok(())
        }
    }
}
