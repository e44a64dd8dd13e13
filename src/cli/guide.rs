//! `mus guide`: the arguments as a [`GuideRequest`], the guide made, written to the file
//! (or standard output) the arguments name, and told on standard error.

use std::path::{Path, PathBuf};

use crate::app::error::Result;
use crate::app::guide::{make_guide, GuideRequest};
use crate::app::inputs::source_date_epoch;
use crate::base::files;
use crate::cli::args::GuideArgs;

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
        Some(path) if path == Path::new("-") => files::write_stdout(&guide.pdf).map_err(Into::into),
        given => {
            let path = given
                .clone()
                .unwrap_or_else(|| PathBuf::from(&guide.file_name));
            files::remove_temporary_files_on_signal();
            files::write_atomic(&path, &guide.pdf)?;
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
