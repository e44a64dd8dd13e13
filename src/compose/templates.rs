//! The guide's wording and structure: handlebars templates that render the guide's
//! markup. Built in by default, overridable file by file with `--templates DIR`.

use std::path::{Path, PathBuf};

use handlebars::Handlebars;
use serde::Serialize;

use crate::base::error::Error as BaseError;
use crate::compose::error::{Error, Result};
use crate::compose::markup;

/// The built-in templates, as (file name, text). `guide.md.hbs` is the entry point; the
/// others are partials it includes by their stem (`{{> principle}}`): a section that
/// repeats (a principle, a topic) and the guide's longer sections, so a folder of one's
/// own templates can replace one and keep the rest.
///
/// Short templates also compile quicker: handlebars finds every token's line and column
/// by counting from its template's start (pest's `Position::line_col`), so compiling a
/// template costs about the square of its length. With the guide in one file of 3.6 KB,
/// compiling the templates was 31 % of a cold `mus guide`'s instructions; 24 % in
/// sections, and less again without their opening comments (`compiled_text`). A
/// partial has its price when rendered: handlebars copies its context, for one at the
/// guide's top level the whole guide's. So only the two long sections stand apart
/// (BENCHMARKS.md, "The cold guide: templates in sections, no huge pages").
pub const BUILTIN: &[(&str, &str)] = &[
    ("guide.md.hbs", include_str!("../../templates/guide.md.hbs")),
    ("about.md.hbs", include_str!("../../templates/about.md.hbs")),
    (
        "follow-up.md.hbs",
        include_str!("../../templates/follow-up.md.hbs"),
    ),
    ("topic.md.hbs", include_str!("../../templates/topic.md.hbs")),
    (
        "principle.md.hbs",
        include_str!("../../templates/principle.md.hbs"),
    ),
];

const EXTENSION: &str = ".md.hbs";
const ENTRY: &str = "guide";
/// The section only a guide that follows up last year's renders.
const FOLLOW_UP: &str = "follow-up.md.hbs";

/// A compiled set of templates, ready to render guides.
pub struct Templates {
    registry: Handlebars<'static>,
    /// Where each template came from, for messages.
    origins: Vec<(String, String)>,
}

impl Templates {
    /// The built-in templates only.
    pub fn builtin() -> Result<Templates> {
        Templates::builtin_for(true)
    }

    /// The built-in templates a guide needs: without `follow_up`, all but the section of
    /// last year's plan (`follow-up.md.hbs`), which only a guide that follows up last
    /// year's renders (`{{> follow-up}}` is inside `{{#if previous}}`). A single guide
    /// made from nothing need not compile it: a fifth of the templates' text, whose
    /// compiling was a quarter of a cold `mus guide` (BENCHMARKS.md, "Batch memory flat,
    /// the cold guide lighter"). Your own folder's templates are compiled all at once, so
    /// a mistake in any is told before any guide is made ([`Templates::from_dir`]).
    pub fn builtin_for(follow_up: bool) -> Result<Templates> {
        Templates::from_sources(
            BUILTIN
                .iter()
                .filter(|(file, _)| follow_up || *file != FOLLOW_UP)
                .map(builtin_source),
        )
    }

    /// The built-in templates with every `*.md.hbs` in `dir` replacing the one of the same
    /// name (or adding a new partial).
    pub fn from_dir(dir: &Path) -> Result<Templates> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut own: Vec<(String, String, String)> = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| Error::io(dir, e))?.path();
            let Some(file) = path
                .file_name()
                .and_then(|f| f.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            if file.ends_with(EXTENSION) {
                let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                own.push((file, path.display().to_string(), text));
            }
        }
        if own.is_empty() {
            return Err(Error::TemplateOther {
                file: dir.display().to_string(),
                message: format!("the folder has no *{EXTENSION} templates"),
            });
        }
        own.sort();
        // A file that replaces nothing and that no template includes would be silently
        // ignored: a misspelt name ("Guide.md.hbs", "principal.md.hbs") must be an error.
        for (file, origin, _) in &own {
            let name = file.trim_end_matches(EXTENSION);
            let builtin = BUILTIN.iter().any(|(f, _)| f == file);
            let included = own
                .iter()
                .map(|(_, _, t)| t.as_str())
                .chain(BUILTIN.iter().map(|(_, t)| *t))
                .any(|t| {
                    t.contains(&format!("{{{{> {name}}}}}"))
                        || t.contains(&format!("{{{{>{name}}}}}"))
                });
            if !builtin && !included {
                return Err(Error::TemplateOther {
                    file: origin.clone(),
                    message: format!(
                        "replaces no built-in template ({}) and no template includes it with {{{{> {name}}}}}",
                        BUILTIN.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ")
                    ),
                });
            }
        }
        let mut sources: Vec<(String, String, String)> = BUILTIN
            .iter()
            .filter(|(file, _)| !own.iter().any(|(f, _, _)| f == file))
            .map(builtin_source)
            .collect();
        sources.extend(own);
        Templates::from_sources(sources.into_iter())
    }

    fn from_sources(sources: impl Iterator<Item = (String, String, String)>) -> Result<Templates> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        // Partials must not be indented: four spaces of indentation is a code block.
        registry.set_prevent_indent(true);
        registry.register_escape_fn(markup::escape);
        // `{{inc @index}}`: 1-based numbers for field names and questions.
        handlebars::handlebars_helper!(inc: |x: u64| x + 1);
        registry.register_helper("inc", Box::new(inc));
        // `{{short text}}`: text cut at a word to 80 characters, for field tooltips.
        // A final full stop goes: a tooltip continues after it ("…feedback, 1 til 5").
        handlebars::handlebars_helper!(short: |s: String| crate::layout::tooltip::shorten(s.trim_end_matches('.'), 80));
        registry.register_helper("short", Box::new(short));
        let mut origins = Vec::new();
        for (file, origin, text) in sources {
            let name = file.trim_end_matches(EXTENSION).to_string();
            registry
                .register_template_string(&name, text)
                .map_err(|e| {
                    let (line, column) = e.pos().unwrap_or((0, 0));
                    Error::Template {
                        file: origin.clone(),
                        line,
                        column,
                        message: e.reason().to_string(),
                    }
                })?;
            origins.push((name, origin));
        }
        if let Some(cycle) = inclusion_cycle(&registry) {
            let file = origins
                .iter()
                .find(|(n, _)| *n == cycle[0])
                .map_or_else(|| cycle[0].clone(), |(_, o)| o.clone());
            return Err(Error::TemplateOther {
                file,
                message: format!("includes itself: {}", cycle.join(" → ")),
            });
        }
        Ok(Templates { registry, origins })
    }

    /// The built-in templates compiled as they are written, their opening comments too.
    #[cfg(test)]
    pub fn builtin_as_written() -> Result<Templates> {
        let texts = BUILTIN.iter().map(|(file, text)| {
            // Every built-in template opens with a comment for the people who edit it.
            assert_ne!(compiled_text(text), *text, "{file}");
            (file.to_string(), file.to_string(), text.to_string())
        });
        Templates::from_sources(texts)
    }

    /// Whether the template `name` (its file's stem) is compiled.
    #[cfg(test)]
    pub fn has(&self, name: &str) -> bool {
        self.registry.has_template(name)
    }

    /// Renders the guide's markup from `context`.
    pub fn render<T: Serialize>(&self, context: &T) -> Result<String> {
        self.registry.render(ENTRY, context).map_err(|e| {
            let name = e.template_name.clone().unwrap_or_else(|| ENTRY.to_string());
            let file = self
                .origins
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(name, |(_, o)| o.clone());
            Error::Template {
                file,
                line: e.line_no.unwrap_or(0),
                column: e.column_no.unwrap_or(0),
                message: match e.reason() {
                    handlebars::RenderErrorReason::MissingVariable(Some(name)) => {
                        format!("the template uses '{name}', which the guide does not have")
                    }
                    other => other.to_string(),
                },
            }
        })
    }
}

/// A built-in template as `from_sources` takes it: (file, origin, text as compiled).
fn builtin_source((file, text): &(&str, &str)) -> (String, String, String) {
    (file.to_string(), file.to_string(), compiled_text(text))
}

/// A built-in template as it is compiled: without the comment that opens it, for the
/// people who edit an exported copy. A comment on lines of its own renders nothing, so
/// the guide is the same; and handlebars, which counts each token's line and column from
/// the template's start, has a fifth to a third less to count for every token
/// (compiling what a guide without `--previous` needs: 8.5 M → 6.4 M instructions). A
/// template of your own is compiled as it is, so a message's line and column are those
/// of your file.
fn compiled_text(text: &str) -> String {
    let rest = text
        .strip_prefix("{{!--")
        .and_then(|t| t.split_once("--}}\n"))
        .map_or(text, |(_, rest)| rest);
    rest.to_string()
}

/// The first chain of templates that includes itself (`topic → extra → topic`), looked for
/// from the entry point first. Handlebars follows `{{> partial}}` without a depth limit,
/// so such a chain overflows the stack instead of failing: it is refused before rendering.
/// Every cycle is refused, even one behind an `{{#if}}`: the guide's data is not nested,
/// so no recursion over it can end by itself.
fn inclusion_cycle(registry: &Handlebars<'static>) -> Option<Vec<String>> {
    let templates = registry.get_templates();
    let mut names: Vec<&String> = templates.keys().collect();
    names.sort_by_key(|n| (n.as_str() != ENTRY, n.as_str()));
    let mut done: Vec<&str> = Vec::new();
    for name in names {
        let mut path = Vec::new();
        if let Some(cycle) = visit(registry, name, &mut path, &mut done) {
            return Some(cycle);
        }
    }
    None
}

fn visit<'r>(
    registry: &'r Handlebars<'static>,
    name: &'r str,
    path: &mut Vec<&'r str>,
    done: &mut Vec<&'r str>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|n| *n == name) {
        let mut cycle: Vec<String> = path[at..].iter().map(|n| n.to_string()).collect();
        cycle.push(name.to_string());
        return Some(cycle);
    }
    if done.contains(&name) {
        return None;
    }
    let template = registry.get_template(name)?;
    path.push(name);
    let mut included = Vec::new();
    partials(template, &mut included);
    for partial in included {
        if let Some(cycle) = visit(registry, partial, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.push(name);
    None
}

/// The names of the partials `template` includes, inside blocks too. A partial named by
/// an expression (`{{> (lookup …)}}`) is not known before rendering and is left out.
fn partials<'t>(template: &'t handlebars::template::Template, out: &mut Vec<&'t str>) {
    use handlebars::template::TemplateElement as E;
    for element in &template.elements {
        match element {
            E::PartialExpression(d) | E::PartialBlock(d) => {
                if let Some(name) = d.name.as_name() {
                    out.push(name);
                }
                if let Some(t) = &d.template {
                    partials(t, out);
                }
            }
            E::HelperBlock(h) => {
                for t in h.template.iter().chain(h.inverse.iter()) {
                    partials(t, out);
                }
            }
            E::DecoratorBlock(d) => {
                if let Some(t) = &d.template {
                    partials(t, out);
                }
            }
            _ => {}
        }
    }
}

/// Writes the built-in templates into `dir` (created if missing) for customisation.
/// Existing files are not overwritten; returns the paths written.
pub fn export(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.exists() && !dir.is_dir() {
        return Err(BaseError::Io {
            path: dir.to_path_buf(),
            message: "is a file, not a folder".into(),
        }
        .into());
    }
    // Check every file before writing any, so an export is all or nothing.
    if let Some(path) = BUILTIN
        .iter()
        .map(|(file, _)| dir.join(file))
        .find(|p| p.exists())
    {
        return Err(BaseError::Io {
            path,
            message:
                "already exists; nothing was written (export into a new folder to keep your own \
                      templates safe)"
                    .into(),
        }
        .into());
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    for (file, text) in BUILTIN {
        let path = dir.join(file);
        crate::base::files::write_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
