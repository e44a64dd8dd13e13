//! The built-in framework against its source document: every expectation and every
//! principle paragraph stands in the source (after the listed corrections), under the
//! assignment recorded in the file.

use mus::model::framework::Framework;

const SOURCE: &str = include_str!("fixtures/ledelsesgrundlag.txt");

/// The source as running text: hyphenation at line ends joined, bullets and white space
/// folded, and the framework's listed spelling corrections applied.
fn source_text(framework: &Framework) -> String {
    let mut text = String::new();
    let lines: Vec<&str> = SOURCE.lines().map(str::trim).collect();
    for line in lines {
        let line = line.trim_start_matches('•').trim();
        if line.is_empty() {
            continue;
        }
        // "kom-\nmuner" is one word; "Bo Smith-\nudvalget" and "leder- og" keep the hyphen
        // in the framework's spelling, so joining without it is the only ambiguous case.
        if text.ends_with('-') && line.starts_with(|c: char| c.is_lowercase()) {
            text.pop();
        } else if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(line);
    }
    let mut text = fold(&text);
    for c in &framework.notes.corrections {
        let original = fold(&c.original);
        assert!(
            text.contains(&original),
            "correction '{}' → '{}': the original is not in the source",
            c.original,
            c.corrected
        );
        text = text.replace(&original, &fold(&c.corrected));
    }
    text
}

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_level_has_its_expectations_under_the_recorded_principles() {
    let framework = Framework::builtin().unwrap();
    let principles: Vec<&str> = framework.principles.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        principles,
        [
            "saet-retning",
            "faa-foelgeskab",
            "udvis-handlekraft",
            "skab-sammenhaengskraft",
            "opdyrk-potentialer"
        ]
    );
    let counts: Vec<(&str, Vec<usize>)> = framework
        .levels
        .iter()
        .map(|l| {
            (
                l.id.as_str(),
                principles
                    .iter()
                    .map(|p| l.expectations.iter().filter(|e| e.principle == *p).count())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("direktion", vec![3, 3, 3, 3, 3]),
            ("chef", vec![3, 2, 3, 2, 3]),
            ("leder-af-ledere", vec![4, 3, 2, 2, 2]),
            ("leder-af-medarbejdere", vec![2, 4, 3, 3, 5]),
        ]
    );
    let total: usize = framework.levels.iter().map(|l| l.expectations.len()).sum();
    assert_eq!(total, 58);
    assert_eq!(
        framework
            .levels
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        [
            "Direktionen",
            "Chefer",
            "Leder af ledere",
            "Leder af medarbejdere"
        ]
    );
}

#[test]
fn expectations_and_descriptions_are_faithful_to_the_source() {
    let framework = Framework::builtin().unwrap();
    let source = source_text(&framework);
    for level in &framework.levels {
        for e in &level.expectations {
            assert!(
                source.contains(&fold(&e.text)),
                "{}: not in the source: {}",
                level.id,
                e.text
            );
        }
    }
    for p in &framework.principles {
        for paragraph in &p.description {
            assert!(
                source.contains(&fold(paragraph)),
                "{}: not in the source: {paragraph}",
                p.id
            );
        }
    }
    // Within each level the expectations keep the source's (row) order.
    for level in &framework.levels {
        let mut cursor = 0;
        for e in &level.expectations {
            let at = source[cursor..].find(&fold(&e.text));
            assert!(
                at.is_some(),
                "{}: '{}' is out of the source's order",
                level.id,
                e.text
            );
            cursor += at.unwrap() + e.text.len().min(1);
        }
    }
}

#[test]
fn the_typos_named_in_the_notes_are_corrected_and_listed() {
    let framework = Framework::builtin().unwrap();
    let json = mus::model::framework::BUILTIN_JSON;
    for typo in ["vison", "tendendser", "kreativiten", "borgerene"] {
        assert!(
            framework
                .notes
                .corrections
                .iter()
                .any(|c| c.original.contains(typo)),
            "correction of '{typo}' not listed"
        );
        let in_text = framework
            .levels
            .iter()
            .flat_map(|l| &l.expectations)
            .any(|e| e.text.contains(typo));
        assert!(!in_text, "'{typo}' is still in an expectation");
    }
    assert!(!json.contains("personpolitiske værdier\""));
    assert!(!framework.notes.judgements.is_empty());
}

#[test]
fn every_expectation_has_two_questions_and_every_principle_some() {
    let framework = Framework::builtin().unwrap();
    for level in &framework.levels {
        for e in &level.expectations {
            for q in [&e.self_question, &e.manager_question] {
                assert!(q.ends_with('?') && q.len() > 20, "{}: {q}", level.id);
            }
        }
    }
    for p in &framework.principles {
        assert!((2..=3).contains(&p.questions.len()), "{}", p.id);
    }
    assert_eq!(
        framework
            .values
            .iter()
            .map(|v| v.id.as_str())
            .collect::<Vec<_>>(),
        ["dialog", "anerkendelse", "samarbejde", "engagement"]
    );
    let topics: Vec<&str> = framework.topics.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(topics, ["opfoelgning", "trivsel", "udvikling", "stoette"]);
}

/// The built-in framework, changed by `edit`, as `mus framework check` reads it.
fn problems_after(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<String> {
    let mut json: serde_json::Value =
        serde_json::from_str(mus::model::framework::BUILTIN_JSON).unwrap();
    edit(&mut json);
    match Framework::from_json(&json.to_string(), "f.json") {
        Ok(_) => Vec::new(),
        Err(mus::model::error::Error::FrameworkInvalid { problems, .. }) => problems,
        Err(other) => panic!("{other}"),
    }
}

/// Issue 11: a topic id equal to a principle id passed `framework check`, and `guide` then
/// failed blaming the templates (two answer fields named `saet-retning.spm1`). Topic and
/// principle ids name the guide's answer fields together, beside the guide's own field
/// groups (samtale, plan, underskrift).
#[test]
fn check_catches_ids_that_would_name_the_same_fields() {
    let problems = problems_after(|f| {
        f["topics"][1]["id"] = "saet-retning".into();
        f["topics"][2]["id"] = "underskrift".into();
    });
    assert_eq!(
        problems,
        [
            "topics[1].id: 'saet-retning' is also the id of principles[0]; principles and topics name the guide's answer fields (saet-retning.spm1), so their ids must differ",
            "topics[2].id: 'underskrift' names one of the guide's own field groups (samtale, plan, underskrift); choose another id",
        ]
    );
}

/// Issue 11: characters the fonts lack (emoji, CJK) or control characters (BEL) in a
/// framework text passed `check` and failed later, or were dropped. `check` names the
/// item and the character.
#[test]
fn check_names_characters_the_guide_cannot_print() {
    let problems = problems_after(|f| {
        f["topics"][0]["intro"] = "Hvordan går det? 😀".into();
        f["principles"][1]["questions"][0] = "Hvad betyder 信任 for dig?".into();
        f["levels"][0]["expectations"][3]["text"] = "Du ringer\u{7} med klokken".into();
        f["core_task"] = "Borgeren\u{1b}[31m".into();
    });
    assert_eq!(
        problems,
        [
            "core_task: contains the control character U+001B; remove it",
            "principles[1].questions[0]: the character '信' (U+4FE1) is not in the guide's fonts (NotoSans-Regular)",
            "levels[0].expectations[3].text: contains the control character U+0007; remove it",
            "topics[0].intro: the character '😀' (U+1F600) is not in the guide's fonts (NotoSans-Regular)",
        ]
    );
}
