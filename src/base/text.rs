//! Matching what a person types ("Leder af ledere", "sæt retning", "følgeskab") to a
//! framework id, and naming the closest valid id when nothing matches.

use crate::base::error::Error;

/// One thing that can be named: its canonical id and every other name it answers to.
pub struct Candidate<'a> {
    pub id: &'a str,
    pub names: Vec<&'a str>,
}

/// Folds a name to the form it is compared in: lower case, trimmed, Danish letters
/// spelled out the way Danes write them without æ/ø/å (æ→ae, ø→oe, å→aa), and any run
/// of spaces, underscores or hyphens as one hyphen.
pub fn normalize(input: &str) -> String {
    fold(input, |c| match c {
        'æ' => Some("ae"),
        'ø' => Some("oe"),
        'å' => Some("aa"),
        _ => None,
    })
}

/// The looser folding people also type on keyboards without æ/ø/å: "sat retning",
/// "fa folgeskab".
fn normalize_plain(input: &str) -> String {
    fold(input, |c| match c {
        'æ' => Some("a"),
        'ø' => Some("o"),
        'å' => Some("a"),
        _ => None,
    })
}

fn fold(input: &str, danish: impl Fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_dash = false;
    for c in input.trim().chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() || c == '-' || c == '_' || c == '/' {
            pending_dash = !out.is_empty();
            continue;
        }
        if pending_dash {
            out.push('-');
            pending_dash = false;
        }
        match danish(c) {
            Some(s) => out.push_str(s),
            None => match c {
                'é' | 'è' | 'ê' | 'ë' => out.push('e'),
                'á' | 'à' | 'â' | 'ä' => out.push('a'),
                'ó' | 'ò' | 'ô' | 'ö' => out.push('o'),
                'ü' | 'ú' | 'ù' | 'û' => out.push('u'),
                'í' | 'ì' | 'î' | 'ï' => out.push('i'),
                _ => out.push(c),
            },
        }
    }
    out
}

/// Every form a name is compared in.
pub fn keys(name: &str) -> [String; 2] {
    [normalize(name), normalize_plain(name)]
}

/// Resolves `input` to the id of one candidate.
///
/// Every id, name and alias is compared in both foldings, so "Sæt retning", "saet-retning",
/// "sat retning" and "SÆT RETNING" all name `saet-retning`.
pub fn resolve<'a>(
    kind: &'static str,
    input: &str,
    candidates: &[Candidate<'a>],
) -> Result<&'a str, Error> {
    let wanted = [normalize(input), normalize_plain(input)];
    for candidate in candidates {
        let hit = std::iter::once(candidate.id)
            .chain(candidate.names.iter().copied())
            .any(|name| {
                let keys = [normalize(name), normalize_plain(name)];
                keys.iter().any(|k| wanted.contains(k))
            });
        if hit {
            return Ok(candidate.id);
        }
    }
    Err(Error::UnknownId {
        kind,
        input: input.to_string(),
        closest: closest(&wanted[0], candidates).map(str::to_string),
        valid: candidates.iter().map(|c| c.id.to_string()).collect(),
    })
}

/// The candidate whose id, name or alias is fewest edits away from `wanted`; a candidate
/// that contains what was typed as a whole word ("medarbejdere") comes first.
fn closest<'a>(wanted: &str, candidates: &[Candidate<'a>]) -> Option<&'a str> {
    if wanted.len() >= 4 {
        let containing = candidates.iter().find(|c| {
            std::iter::once(c.id)
                .chain(c.names.iter().copied())
                .any(|n| normalize(n).split('-').any(|word| word == wanted))
        });
        if let Some(c) = containing {
            return Some(c.id);
        }
    }
    candidates
        .iter()
        .flat_map(|c| {
            std::iter::once(c.id)
                .chain(c.names.iter().copied())
                .map(move |name| (strsim::damerau_levenshtein(wanted, &normalize(name)), c.id))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, id)| id)
}

/// Safe ASCII for file names, Danish letters spelled the Danish way (Ø → oe, Å → aa).
pub fn slug(text: &str) -> String {
    let mut spelled = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'æ' | 'Æ' => spelled.push_str("ae"),
            'ø' | 'Ø' => spelled.push_str("oe"),
            'å' | 'Å' => spelled.push_str("aa"),
            _ => spelled.push(c),
        }
    }
    let ascii = deunicode::deunicode(&spelled).to_lowercase();
    let mut out = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    out.chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Vec<Candidate<'static>> {
        vec![
            Candidate {
                id: "direktion",
                names: vec!["Direktionen"],
            },
            Candidate {
                id: "leder-af-ledere",
                names: vec!["Leder af ledere"],
            },
        ]
    }

    #[test]
    fn folds_danish_letters_both_ways() {
        assert_eq!(normalize("  Sæt   Retning "), "saet-retning");
        assert_eq!(normalize("Få_følgeskab"), "faa-foelgeskab");
        assert_eq!(normalize_plain("Få følgeskab"), "fa-folgeskab");
    }

    #[test]
    fn names_and_ids_resolve() {
        assert_eq!(
            resolve("role", "LEDER AF LEDERE", &levels()).unwrap(),
            "leder-af-ledere"
        );
        assert_eq!(
            resolve("role", "direktionen", &levels()).unwrap(),
            "direktion"
        );
    }

    #[test]
    fn a_word_of_a_name_points_to_it() {
        match resolve("role", "ledere", &levels()) {
            Err(Error::UnknownId { closest, .. }) => {
                assert_eq!(closest.as_deref(), Some("leder-af-ledere"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_typo_names_the_closest() {
        match resolve("role", "leder-af-ledre", &levels()) {
            Err(Error::UnknownId { closest, valid, .. }) => {
                assert_eq!(closest.as_deref(), Some("leder-af-ledere"));
                assert_eq!(valid, vec!["direktion", "leder-af-ledere"]);
            }
            other => panic!("expected UnknownId, got {other:?}"),
        }
    }
}
