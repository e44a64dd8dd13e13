//! The framework in the terminal: `mus framework list` and `mus framework show`, readable
//! without a PDF viewer.

use crate::layout::blocks::Span;
use crate::layout::wrap::wrap;
use crate::layout::{FixedWidth, FontStyle};
use crate::model::framework::{Framework, Level, Principle};

/// Text is wrapped to this many columns.
const COLUMNS: usize = 88;

/// The levels and principles with their ids.
pub fn list(framework: &Framework) -> String {
    let mut out = format!(
        "{}: {} {}\n\n",
        framework.organisation, framework.name, framework.version
    );
    out.push_str("Levels (--role):\n");
    for level in &framework.levels {
        out.push_str(&format!(
            "  {:<24} {} ({} expectations)\n",
            level.id,
            level.name,
            level.expectations.len()
        ));
    }
    out.push_str("\nPrinciples (--focus):\n");
    for principle in &framework.principles {
        out.push_str(&format!("  {:<24} {}\n", principle.id, principle.name));
    }
    out
}

/// A level's expectations and questions under the chosen principles.
pub fn level(framework: &Framework, level: &Level, focus: &[&Principle]) -> String {
    let mut out = format!(
        "{} — {}: {} {}\n",
        level.name, framework.organisation, framework.name, framework.version
    );
    let mut number = 0;
    for principle in focus {
        out.push_str(&format!(
            "\n{}\n{}\n",
            principle.name.to_uppercase(),
            "=".repeat(principle.name.chars().count())
        ));
        out.push_str(&wrapped(&principle.summary, "", ""));
        out.push_str("\nExpectations:\n");
        for e in level
            .expectations
            .iter()
            .filter(|e| e.principle == principle.id)
        {
            number += 1;
            out.push_str(&wrapped(&e.text, &format!("{number:>3}. "), "     "));
            out.push_str(&wrapped(
                &e.self_question,
                "     Leader's reflection: ",
                "     ",
            ));
            out.push_str(&wrapped(
                &e.manager_question,
                "     Manager's view: ",
                "     ",
            ));
        }
        out.push_str("\nQuestions:\n");
        for q in &principle.questions {
            out.push_str(&wrapped(q, "   - ", "     "));
        }
    }
    out
}

/// `text` wrapped to [`COLUMNS`], the first line after `first`, the rest after `rest`.
fn wrapped(text: &str, first: &str, rest: &str) -> String {
    let width = COLUMNS - first.chars().count().max(rest.chars().count());
    // FixedWidth makes every character half an em wide: at size 2 a character is 1 unit.
    let lines = wrap(
        &[Span::new(text, FontStyle::Regular)],
        &FixedWidth,
        2.0,
        width as f32,
    );
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        out.push_str(if i == 0 { first } else { rest });
        out.push_str(&line.text());
        out.push('\n');
    }
    out
}
