//! The command line speaks English (issue 18, point 8): help, messages and errors. Danish
//! is for the guide, the report and the words that are data (roles, principles, roster
//! columns), which the help may quote.

mod common;

use common::mus;

/// Danish words that only Danish prose uses (none of them is a role, a principle or a
/// column name, nor an English word).
const DANISH: &[&str] = &[
    "og",
    "ikke",
    "til",
    "af",
    "med",
    "er",
    "en",
    "et",
    "den",
    "det",
    "der",
    "som",
    "på",
    "fra",
    "eller",
    "skal",
    "kan",
    "hvis",
    "ud",
    "ved",
    "uden",
    "alle",
    "hver",
    "fejl",
    "forbereder",
    "ledere",
    "samtaleguide",
    "samtaleguides",
];

/// The Danish prose words of `text`, as written or starting a sentence: words are split at
/// white space and punctuation but not at hyphens, so an id like `leder-af-medarbejdere` is
/// one (data) word, and a name in capitals (the MED committee) is not prose.
fn danish_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| {
            let mut chars = w.chars();
            let lowered: String = chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or_default();
            DANISH.contains(&lowered.as_str())
        })
        .map(String::from)
        .collect()
}

/// The help of `path` (`mus PATH… --help`), and the subcommands it lists.
fn help(path: &[String]) -> (String, Vec<String>) {
    let out = mus().args(path).arg("--help").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut commands = Vec::new();
    let mut in_commands = false;
    for line in text.lines() {
        if line == "Commands:" {
            in_commands = true;
        } else if in_commands && line.starts_with("  ") && !line.starts_with("   ") {
            // A command's line; a wrapped description goes on further in.
            let name = line.split_whitespace().next().unwrap();
            if name != "help" {
                commands.push(name.to_string());
            }
        } else if in_commands && !line.starts_with(' ') {
            in_commands = false;
        }
    }
    (text, commands)
}

#[test]
fn the_help_of_mus_and_of_every_subcommand_is_english() {
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    while let Some(path) = todo.pop() {
        let (text, commands) = help(&path);
        seen += 1;
        let first = text.lines().next().unwrap();
        assert!(
            !first.contains(['æ', 'ø', 'å', 'Æ', 'Ø', 'Å']) && danish_words(first).is_empty(),
            "mus {} --help starts in Danish: {first}",
            path.join(" ")
        );
        for line in text.lines() {
            let words = danish_words(line);
            assert!(
                words.is_empty(),
                "mus {} --help has Danish prose ({}): {line}",
                path.join(" "),
                words.join(", ")
            );
        }
        for command in commands {
            let mut next = path.clone();
            next.push(command);
            todo.push(next);
        }
    }
    // mus, its seven commands, and the commands of framework, templates and archive.
    assert!(seen >= 15, "only {seen} help texts were read");
}

#[test]
fn the_first_line_of_mus_help_says_what_mus_does_in_english() {
    let (text, _) = help(&[]);
    assert!(
        text.starts_with("Prepares leaders for their development dialogue (MUS/LUS)"),
        "{text}"
    );
}

#[test]
fn the_framework_in_the_terminal_has_english_labels_around_danish_data() {
    let out = mus()
        .args(["framework", "show", "--role", "chef", "--focus", "retning"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for label in ["Expectations:", "Questions:", "Leader's reflection: "] {
        assert!(text.contains(label), "no {label:?}: {text}");
    }
    for label in [
        "Forventninger:",
        "Spørgsmål:",
        "Din refleksion:",
        "Lederens blik:",
    ] {
        assert!(!text.contains(label), "{label:?}: {text}");
    }
    // The framework's own words stay Danish.
    assert!(text.contains("SÆT RETNING"), "{text}");
}

#[test]
fn errors_and_hints_are_english() {
    let out = mus()
        .args(["guide", "--role", "leder-af-led", "-o", "-"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.starts_with("error: "), "{err}");
    assert!(danish_words(&err).is_empty(), "{err}");
}
