//! End-to-end tests: run the `mus` binary, read the PDFs back with lopdf, check content.

mod common;

use std::path::Path;

use common::{example_guide, mus, pdf, squeeze, stderr_of, EXAMPLE_FRAMEWORK};
use lopdf::{Document, Object};
use mus::model::framework::Framework;

fn builtin() -> Framework {
    Framework::builtin().unwrap()
}

/// A terminal form field as read back: its type, value, widgets and their appearances.
#[derive(Debug, Default)]
struct FormField {
    kind: String,
    value: String,
    flags: i64,
    /// Per widget: the names of its normal appearances (`[]` for a single stream).
    widgets: Vec<Vec<String>>,
}

/// Every terminal field of the PDF's form, by full name, walking `/Kids` from `/Fields`.
fn form_fields(path: &Path) -> std::collections::BTreeMap<String, FormField> {
    let doc = Document::load(path).unwrap();
    let catalog = doc.catalog().unwrap();
    let form = match catalog.get(b"AcroForm").unwrap() {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        Object::Dictionary(d) => d,
        _ => panic!("no form"),
    };
    assert!(form.get(b"NeedAppearances").is_err(), "no NeedAppearances");
    let mut out = std::collections::BTreeMap::new();
    fn walk(
        doc: &Document,
        id: lopdf::ObjectId,
        prefix: &str,
        out: &mut std::collections::BTreeMap<String, FormField>,
    ) {
        let dict = doc.get_dictionary(id).unwrap();
        let name = format!(
            "{prefix}{}",
            dict.get(b"T")
                .map(|t| pdf::string(doc, t))
                .unwrap_or_default()
        );
        let kids: Vec<lopdf::ObjectId> = dict
            .get(b"Kids")
            .and_then(Object::as_array)
            .map(|k| k.iter().map(|o| o.as_reference().unwrap()).collect())
            .unwrap_or_default();
        match dict.get(b"FT") {
            Ok(ft) => {
                let mut field = FormField {
                    kind: pdf::string(doc, ft),
                    value: dict
                        .get(b"V")
                        .map(|v| pdf::string(doc, v))
                        .unwrap_or_default(),
                    flags: dict.get(b"Ff").and_then(Object::as_i64).unwrap_or(0),
                    widgets: Vec::new(),
                };
                let widgets = if kids.is_empty() { vec![id] } else { kids };
                for w in widgets {
                    let widget = doc.get_dictionary(w).unwrap();
                    assert_eq!(
                        widget.get(b"Subtype").unwrap().as_name().unwrap(),
                        b"Widget",
                        "{name}"
                    );
                    assert_eq!(
                        widget.get(b"F").unwrap().as_i64().unwrap() & 4,
                        4,
                        "{name}: printable"
                    );
                    let ap = widget
                        .get(b"AP")
                        .unwrap_or_else(|_| panic!("{name}: no appearance"))
                        .as_dict()
                        .unwrap();
                    assert_eq!(ap.len(), 1, "{name}: PDF/A wants only /N");
                    let normal = ap.get(b"N").unwrap();
                    let states = match normal {
                        Object::Dictionary(states) => states
                            .iter()
                            .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
                            .collect(),
                        Object::Reference(r) => {
                            assert!(
                                doc.get_object(*r).unwrap().as_stream().is_ok(),
                                "{name}: appearance is a stream"
                            );
                            Vec::new()
                        }
                        _ => panic!("{name}: bad appearance"),
                    };
                    field.widgets.push(states);
                }
                assert!(
                    out.insert(name.clone(), field).is_none(),
                    "duplicate field {name}"
                );
            }
            Err(_) => {
                for kid in kids {
                    walk(doc, kid, &format!("{name}."), out);
                }
            }
        }
    }
    for top in form.get(b"Fields").unwrap().as_array().unwrap() {
        walk(&doc, top.as_reference().unwrap(), "", &mut out);
    }
    out
}

fn expectations<'a>(
    framework: &'a Framework,
    level: &str,
    principle: Option<&str>,
) -> Vec<&'a str> {
    framework
        .level(level)
        .unwrap()
        .expectations
        .iter()
        .filter(|e| principle.is_none_or(|p| e.principle == p))
        .map(|e| e.text.as_str())
        .collect()
}

#[test]
fn the_example_guide_has_the_name_and_exactly_the_focus_expectations() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = example_guide(dir.path(), "guide.pdf");
    let text = squeeze(&pdf::page_texts(&pdf).concat());
    assert!(
        text.contains(&squeeze("Łukasz Øster-Ågård")),
        "name missing"
    );
    assert!(text.contains(&squeeze("Bodil Kjærgård")));
    assert!(text.contains(&squeeze("Dagtilbud Nord")));
    let fields = form_fields(&pdf);
    assert_eq!(
        fields["samtale.samtalens-dato"].value, "15. januar 2027",
        "the dialogue date is a field"
    );
    assert_eq!(fields["underskrift.leder.navn"].value, "Łukasz Øster-Ågård");
    assert_eq!(
        fields["underskrift.leders-leder.navn"].value,
        "Bodil Kjærgård"
    );
    let framework = builtin();
    for principle in ["saet-retning", "opdyrk-potentialer"] {
        let wanted = expectations(&framework, "leder-af-medarbejdere", Some(principle));
        assert!(!wanted.is_empty());
        for e in wanted {
            assert!(text.contains(&squeeze(e)), "missing expectation: {e}");
        }
    }
    for principle in [
        "faa-foelgeskab",
        "udvis-handlekraft",
        "skab-sammenhaengskraft",
    ] {
        for e in expectations(&framework, "leder-af-medarbejdere", Some(principle)) {
            assert!(
                !text.contains(&squeeze(e)),
                "expectation outside the focus: {e}"
            );
        }
    }
}

#[test]
fn every_level_without_focus_has_every_expectation_of_that_level() {
    let dir = tempfile::tempdir().unwrap();
    let framework = builtin();
    for level in &framework.levels {
        let out = dir.path().join(format!("{}.pdf", level.id));
        mus()
            .args(["guide", "--role", &level.id, "--date", "2027-03-01", "-o"])
            .arg(&out)
            .assert()
            .success();
        let text = squeeze(&pdf::page_texts(&out).concat());
        assert_eq!(
            level.expectations.len(),
            expectations(&framework, &level.id, None).len()
        );
        for e in &level.expectations {
            assert!(
                text.contains(&squeeze(&e.text)),
                "{}: missing {}",
                level.id,
                e.text
            );
        }
        for principle in &framework.principles {
            assert!(
                text.contains(&squeeze(&principle.description[0])),
                "{}: description",
                principle.id
            );
        }
    }
}

#[test]
fn the_same_command_twice_gives_byte_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = std::fs::read(example_guide(dir.path(), "a.pdf")).unwrap();
    let b = std::fs::read(example_guide(dir.path(), "b.pdf")).unwrap();
    assert!(a == b, "the two PDFs differ");
}

#[test]
fn many_guides_in_one_process_are_deterministic() {
    use mus::base::fonts::FontSet;
    use mus::compose::guide::{Guide, People};
    use mus::compose::templates::Templates;
    let framework = builtin();
    let templates = Templates::builtin().unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
    let make = |name: &str, level: &str| {
        let guide = Guide {
            framework: &framework,
            level: framework.level(level).unwrap(),
            focus: framework
                .resolve_focus(&["retning", "potentialer"])
                .unwrap(),
            people: People {
                name: name.into(),
                manager: "Bodil Kjærgård".into(),
                unit: "Dagtilbud Nord".into(),
                employee_id: None,
            },
            date,
            created: date.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp(),
            form: true,
            previous: None,
        };
        guide.render(&templates, FontSet::builtin()).unwrap().pdf
    };
    let first = make("Łukasz Øster-Ågård", "leder-af-medarbejdere");
    for i in 0..5 {
        make(&format!("Anden Leder {i}"), "chef");
    }
    let again = make("Łukasz Øster-Ågård", "leder-af-medarbejdere");
    assert!(
        first == again,
        "a guide changed after other guides were made in the process"
    );

    // ... and it is the same file the command line writes.
    let dir = tempfile::tempdir().unwrap();
    let cli = std::fs::read(example_guide(dir.path(), "cli.pdf")).unwrap();
    assert!(cli == first, "library and command line disagree");
}

#[test]
fn fonts_are_embedded_and_subset_and_metadata_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::load(example_guide(dir.path(), "guide.pdf")).unwrap();
    let mut fonts = 0;
    let mut deflated_programs = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor") {
            continue;
        }
        fonts += 1;
        let name =
            String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap()).to_string();
        let (tag, base) = name.split_once('+').expect("subset tag");
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{name}"
        );
        assert!(base.starts_with("NotoSans-"), "{name}");
        let file = doc
            .get_object(dict.get(b"FontFile2").unwrap().as_reference().unwrap())
            .unwrap();
        let program = file.as_stream().unwrap().decompressed_content().unwrap();
        assert!(
            program.len() > 1000 && program.len() < 60_000,
            "{name}: {} bytes is not a subset",
            program.len()
        );
        deflated_programs.push(file.as_stream().unwrap().content.clone());
    }
    assert!(
        fonts >= 2,
        "expected regular and bold at least, found {fonts}"
    );
    // The field font's program is the one kept deflated with the source (pdf::deflate::
    // KNOWN), the same bytes as deflating it here would give (a test in pdf).
    let known = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/known/NotoSans-Regular.typed.ttf.zlib"),
    )
    .unwrap();
    assert!(deflated_programs.contains(&known));

    let info = doc
        .get_object(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap()
        .as_dict()
        .unwrap();
    let text = |key: &[u8]| {
        let Object::String(bytes, _) = info.get(key).unwrap() else {
            panic!()
        };
        match bytes.strip_prefix(&[0xFE, 0xFF]) {
            Some(utf16) => String::from_utf16(
                &utf16
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect::<Vec<_>>(),
            )
            .unwrap(),
            None => String::from_utf8(bytes.clone()).unwrap(),
        }
    };
    assert_eq!(
        text(b"Title"),
        "Samtaleguide til MUS – Łukasz Øster-Ågård – 15. januar 2027"
    );
    assert_eq!(text(b"Author"), "Łukasz Øster-Ågård");
    assert_eq!(
        text(b"Creator"),
        format!("mus {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(text(b"CreationDate"), "D:20270115000000Z");
    assert!(text(b"Subject").contains("Leder af medarbejdere"));
    assert!(text(b"Keywords").contains("Sæt retning, Opdyrk potentialer"));
    let catalog = doc.catalog().unwrap();
    let Object::String(lang, _) = catalog.get(b"Lang").unwrap() else {
        panic!()
    };
    assert_eq!(lang, b"da-DK");
}

#[test]
fn every_page_has_a_footer_with_page_count_id_and_framework() {
    let dir = tempfile::tempdir().unwrap();
    let pages = pdf::page_texts(&example_guide(dir.path(), "guide.pdf"));
    assert!(pages.len() >= 4, "{} pages", pages.len());
    for (i, page) in pages.iter().enumerate() {
        let page = squeeze(page);
        assert!(
            page.contains(&squeeze(&format!("Side {} af {}", i + 1, pages.len()))),
            "page {}",
            i + 1
        );
        assert!(page.contains("Guide2027"), "page {}", i + 1);
        assert!(
            page.contains(&squeeze("Sønderborg Kommune · Ledelsesgrundlag 1.0")),
            "page {}",
            i + 1
        );
    }
    let all = squeeze(&pages.concat());
    for part in [
        "Udviklingsplan",
        "Mål",
        "Handling",
        "Hvem",
        "Frist",
        "Opfølgning",
        "Underskrifter",
        "Kerneopgaven",
    ] {
        assert!(all.contains(part), "{part}");
    }
}

#[test]
fn an_unknown_role_exits_2_and_names_the_closest() {
    let out = mus()
        .args(["guide", "--role", "leder-af-ledre"])
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert_eq!(
        stderr,
        "error: unknown role 'leder-af-ledre'\n\
         hint: did you mean 'leder-af-ledere'? valid values: direktion, chef, leder-af-ledere, leder-af-medarbejdere\n"
    );
}

#[test]
fn an_unknown_focus_exits_2_and_names_the_closest() {
    let out = mus()
        .args(["guide", "--role", "chef", "--focus", "retning,følgskab"])
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.starts_with(
            "error: unknown principle 'følgskab'\nhint: did you mean 'faa-foelgeskab'?"
        ),
        "{stderr}"
    );
}

#[test]
fn roles_and_principles_match_danish_names_and_key_nouns() {
    let framework = builtin();
    for (input, id) in [
        ("Leder af ledere", "leder-af-ledere"),
        ("leder af medarbejdere", "leder-af-medarbejdere"),
        ("chefer", "chef"),
        ("Chef", "chef"),
        ("direktionen", "direktion"),
        ("DIREKTION", "direktion"),
    ] {
        assert_eq!(framework.resolve_level(input).unwrap().id, id, "{input}");
    }
    for (input, id) in [
        ("Sæt retning", "saet-retning"),
        ("sæt-retning", "saet-retning"),
        ("saet retning", "saet-retning"),
        ("retning", "saet-retning"),
        ("følgeskab", "faa-foelgeskab"),
        ("Få følgeskab", "faa-foelgeskab"),
        ("handlekraft", "udvis-handlekraft"),
        ("sammenhængskraft", "skab-sammenhaengskraft"),
        ("Skab sammenhaengskraft", "skab-sammenhaengskraft"),
        ("potentialer", "opdyrk-potentialer"),
        ("OPDYRK POTENTIALER", "opdyrk-potentialer"),
    ] {
        assert_eq!(
            framework.resolve_principle(input).unwrap().id,
            id,
            "{input}"
        );
    }
    let focus = framework
        .resolve_focus(&["potentialer,retning", "retning"])
        .unwrap();
    let ids: Vec<&str> = focus.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["saet-retning", "opdyrk-potentialer"],
        "framework order, no duplicates"
    );
}

#[test]
fn a_name_the_fonts_lack_is_refused_with_the_character_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let out = mus()
        .current_dir(dir.path())
        .args([
            "guide",
            "--role",
            "chef",
            "--name",
            "Wei 李",
            "--date",
            "2027-01-15",
        ])
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.starts_with("error: --name: the character '李' (U+674E) is not in the guide's fonts (NotoSans-Regular)\n"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing may be written"
    );
}

#[test]
fn names_in_greek_and_cyrillic_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.pdf");
    mus()
        .args([
            "guide",
            "--role",
            "chef",
            "--focus",
            "retning",
            "--name",
            "Ελένη Παπαδοπούλου",
            "--manager",
            "Дмитрий Иванов",
        ])
        .args(["--date", "2027-01-15", "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = squeeze(&pdf::page_texts(&out).concat());
    assert!(
        text.contains("ΕλένηΠαπαδοπούλου") && text.contains("ДмитрийИванов"),
        "{text}"
    );
}

#[test]
fn without_output_the_file_is_named_after_leader_and_date_and_is_private() {
    let dir = tempfile::tempdir().unwrap();
    mus()
        .current_dir(dir.path())
        .args([
            "guide",
            "--role",
            "chef",
            "--name",
            "Åse Ødegård",
            "--date",
            "2027-02-01",
        ])
        .assert()
        .success();
    let path = dir.path().join("mus-aase-oedegaard-2027-02-01.pdf");
    assert!(pdf::page_texts(&path).concat().contains("Ødegård"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary files are left: {leftovers:?}"
    );
}

#[test]
fn dash_o_dash_writes_the_pdf_to_stdout() {
    let out = mus()
        .args(["guide", "--role", "chef", "--date", "2027-01-15", "-o", "-"])
        .assert()
        .success();
    let bytes = &out.get_output().stdout;
    assert!(bytes.starts_with(b"%PDF-1.7"));
    let doc = Document::load_mem(bytes).unwrap();
    assert!(doc.get_pages().len() >= 4);
}

#[test]
fn source_date_epoch_sets_the_creation_date() {
    let out = mus()
        .env("SOURCE_DATE_EPOCH", "1800000000")
        .args(["guide", "--role", "chef", "--date", "2027-01-15", "-o", "-"])
        .assert()
        .success();
    let doc = Document::load_mem(&out.get_output().stdout).unwrap();
    let info = doc
        .get_object(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap()
        .as_dict()
        .unwrap();
    assert_eq!(
        info.get(b"CreationDate").unwrap().as_str().unwrap(),
        b"D:20270115080000Z"
    );
}

#[test]
fn an_impossible_date_is_refused() {
    let out = mus()
        .args(["guide", "--role", "chef", "--date", "2027-02-30"])
        .assert()
        .code(2);
    assert_eq!(
        stderr_of(&out),
        "error: --date: '2027-02-30' is not a valid date\nhint: use YYYY-MM-DD with a year from 1900 to 2999, e.g. 2027-01-15\n"
    );
}

#[test]
fn another_organisations_framework_renders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("egeskov.pdf");
    mus()
        .args([
            "guide",
            "--framework",
            EXAMPLE_FRAMEWORK,
            "--role",
            "teamleder",
            "--name",
            "Kim Holm",
            "--date",
            "2027-05-01",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let framework = Framework::from_path(Path::new(EXAMPLE_FRAMEWORK)).unwrap();
    assert_eq!((framework.levels.len(), framework.principles.len()), (3, 4));
    let text = squeeze(&pdf::page_texts(&out).concat());
    for e in &framework.level("teamleder").unwrap().expectations {
        assert!(text.contains(&squeeze(&e.text)), "missing {}", e.text);
    }
    assert!(text.contains(&squeeze("Egeskov Forsyning · Ledelseskompas 2.1")));
    assert!(
        !text.contains("Sønderborg"),
        "nothing of the built-in framework may leak in"
    );
}

#[test]
fn framework_check_accepts_the_example_and_reports_problems_with_paths() {
    mus()
        .args(["framework", "check", EXAMPLE_FRAMEWORK])
        .assert()
        .success();

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\n  \"schema_version\": 1,\n  \"id\": \"x\"\n  \"name\": 2\n}\n",
    )
    .unwrap();
    let out = mus()
        .args(["framework", "check"])
        .arg(&broken)
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.starts_with(&format!(
            "error: {}:4:3: expected `,` or `}}`",
            broken.display()
        )),
        "{stderr}"
    );

    let mut framework: serde_json::Value =
        serde_json::from_str(mus::model::framework::BUILTIN_JSON).unwrap();
    framework["levels"][2]["expectations"][4]["principle"] = "sæt-retning".into();
    framework["principles"][1]["id"] = "saet-retning".into();
    framework["levels"][0]["expectations"][0]["text"] = " ".into();
    framework["principles"][4]["questions"] = serde_json::json!([]);
    let invalid = dir.path().join("invalid.json");
    std::fs::write(&invalid, serde_json::to_string_pretty(&framework).unwrap()).unwrap();
    let out = mus()
        .args(["framework", "check"])
        .arg(&invalid)
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    for expected in [
        "principles[1].id: duplicate id 'saet-retning' (also principles[0])",
        "levels[2].expectations[4].principle: names unknown principle 'sæt-retning'; the principles are: saet-retning, saet-retning, udvis-handlekraft, skab-sammenhaengskraft, opdyrk-potentialer",
        "levels[0].expectations[0].text: is empty",
        "principles[4].questions: is empty",
    ] {
        assert!(stderr.contains(expected), "missing '{expected}' in:\n{stderr}");
    }
}

#[test]
fn framework_export_is_a_valid_starting_point() {
    let out = mus().args(["framework", "export"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(text, mus::model::framework::BUILTIN_JSON);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.json");
    std::fs::write(&path, &text).unwrap();
    mus()
        .args(["framework", "check"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn framework_list_and_show_are_readable_in_the_terminal() {
    let out = mus().args(["framework", "list"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("leder-af-medarbejdere    Leder af medarbejdere (17 expectations)"),
        "{text}"
    );
    assert!(
        text.contains("skab-sammenhaengskraft   Skab sammenhængskraft"),
        "{text}"
    );

    let out = mus()
        .args([
            "framework",
            "show",
            "--role",
            "Leder af ledere",
            "--focus",
            "retning",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let framework = builtin();
    for e in expectations(&framework, "leder-af-ledere", Some("saet-retning")) {
        assert!(squeeze(&text).contains(&squeeze(e)), "{e}");
    }
    assert!(
        text.lines().all(|l| l.chars().count() <= 88),
        "lines are wrapped"
    );
}

#[test]
fn exported_templates_override_the_built_in_ones_and_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("tpl");
    mus()
        .args(["templates", "export"])
        .arg(&templates)
        .assert()
        .success();
    let guide = templates.join("guide.md.hbs");
    let text = std::fs::read_to_string(&guide).unwrap();
    std::fs::write(
        &guide,
        text.replace(
            "# Samtaleguide til MUS med Mening",
            "# Vores egen LUS-guide",
        ),
    )
    .unwrap();
    let out = dir.path().join("own.pdf");
    mus()
        .args([
            "guide",
            "--role",
            "chef",
            "--date",
            "2027-01-15",
            "--templates",
        ])
        .arg(&templates)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let text = squeeze(&pdf::page_texts(&out).concat());
    assert!(text.contains("VoresegenLUSguide") && !text.contains("SamtaleguidetilMUSmedMening"));

    std::fs::write(
        templates.join("topic.md.hbs"),
        "### {{title}}\n\n{{#each questions}}\n{{this}}\n",
    )
    .unwrap();
    let out = mus()
        .args(["guide", "--role", "chef", "--templates"])
        .arg(&templates)
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    let topic = templates.join("topic.md.hbs");
    assert!(
        stderr.starts_with(&format!("error: {}:", topic.display())),
        "{stderr}"
    );

    std::fs::write(templates.join("topic.md.hbs"), "### {{titel}}\n").unwrap();
    let out = mus()
        .args(["guide", "--role", "chef", "--templates"])
        .arg(&templates)
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.starts_with(&format!("error: {}:1:", topic.display())) && stderr.contains("titel"),
        "{stderr}"
    );
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    let out = mus().args(["completions", "bash"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("--focus"));
    let out = mus().arg("man").assert().success();
    let man = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(man.contains(".TH mus") && man.contains("guide"), "{man}");
}

#[test]
fn names_with_markup_characters_stay_whole_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.pdf");
    let name = "Ane | *Bo*: #1 _x_";
    mus()
        .args([
            "guide",
            "--role",
            "chef",
            "--focus",
            "retning",
            "--name",
            name,
            "--manager",
            "Per | Hansen",
        ])
        .args(["--date", "2027-01-15", "--form", "-o"])
        .arg(&out)
        .assert()
        .success();
    let pages = pdf::page_texts(&out);
    let all = squeeze(&pages.concat());
    // In the title block and under the signatures (page text beneath the printed-name
    // fields), and as the value of those fields.
    assert_eq!(all.matches(&squeeze(name)).count(), 2, "{all}");
    assert_eq!(all.matches("Per|Hansen").count(), 2, "{all}");
    let fields = form_fields(&out);
    assert_eq!(fields["underskrift.leder.navn"].value, name);
    assert_eq!(
        fields["underskrift.leders-leder.navn"].value,
        "Per | Hansen"
    );
}

#[test]
fn decomposed_names_are_composed() {
    let out = mus()
        .args([
            "guide",
            "--role",
            "chef",
            "--name",
            "A\u{30A}se Bjo\u{308}rk",
            "--date",
            "2027-01-15",
            "-o",
            "-",
        ])
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.pdf");
    std::fs::write(&path, &out.get_output().stdout).unwrap();
    assert!(pdf::page_texts(&path).concat().contains("Åse Björk"));
}

#[test]
fn an_empty_focus_is_an_error_not_all_principles() {
    let out = mus()
        .args(["guide", "--role", "chef", "--focus", " , "])
        .assert()
        .code(2);
    assert_eq!(
        stderr_of(&out),
        "error: --focus is empty: name at least one principle, or leave --focus out for all of them\n"
    );
}

#[test]
fn framework_type_errors_name_the_item_and_a_bom_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let mut framework: serde_json::Value =
        serde_json::from_str(mus::model::framework::BUILTIN_JSON).unwrap();
    framework["levels"][2]["expectations"][1]
        .as_object_mut()
        .unwrap()
        .remove("self_question");
    let path = dir.path().join("missing.json");
    std::fs::write(&path, serde_json::to_string_pretty(&framework).unwrap()).unwrap();
    let out = mus()
        .args(["framework", "check"])
        .arg(&path)
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(": levels[2].expectations[1]: missing field `self_question`"),
        "{stderr}"
    );

    let bom = dir.path().join("bom.json");
    std::fs::write(
        &bom,
        format!("\u{feff}{}", mus::model::framework::BUILTIN_JSON),
    )
    .unwrap();
    mus()
        .args(["framework", "check"])
        .arg(&bom)
        .assert()
        .success();

    let latin1 = dir.path().join("latin1.json");
    std::fs::write(&latin1, b"{\"name\": \"S\xf8nderborg\"}").unwrap();
    let out = mus()
        .args(["framework", "check"])
        .arg(&latin1)
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("is not UTF-8 text (byte 12 is not valid UTF-8); save it as UTF-8"),
        "{stderr}"
    );
}

#[test]
fn a_misnamed_template_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("principal.md.hbs"), "## {{name}}\n").unwrap();
    let out = mus()
        .args(["guide", "--role", "chef", "--templates"])
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(stderr.contains("principal.md.hbs: replaces no built-in template (guide.md.hbs, about.md.hbs, follow-up.md.hbs, topic.md.hbs, principle.md.hbs)"), "{stderr}");
}

/// A guide made to standard output with `args` after `guide`, the date and epoch fixed.
fn guide_bytes(args: &[&str]) -> Vec<u8> {
    let out = mus()
        .env("SOURCE_DATE_EPOCH", "1800000000")
        .arg("guide")
        .args(args)
        .args(["--date", "2027-01-15", "-o", "-"])
        .assert()
        .success();
    out.get_output().stdout.clone()
}

/// Issue 21: the guide's longer sections became templates of their own (`about`,
/// `follow-up`). A folder exported before, whose `guide.md.hbs` holds the whole guide,
/// makes the same guide to the byte: the new sections are partials it never includes.
#[test]
fn a_guide_template_of_one_file_from_before_the_sections_makes_the_same_guide() {
    let one_file = common::fixture("templates-one-file");
    let one_file = one_file.to_str().unwrap();
    for role in ["leder-af-medarbejdere", "direktionen"] {
        let args = ["--role", role, "--name", "Åse Ørum", "--manager", "Bo Ek"];
        let builtin = guide_bytes(&args);
        let own = guide_bytes(&[&args[..], &["--templates", one_file]].concat());
        assert!(builtin == own, "{role}: the guides differ");
    }
}

/// A folder holding one section's template replaces that section and keeps the others.
#[test]
fn a_folder_with_one_section_replaces_it_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = mus::compose::templates::BUILTIN
        .iter()
        .find(|(file, _)| *file == "about.md.hbs")
        .unwrap()
        .1;
    assert!(
        builtin.contains("## Om samtalen\n"),
        "the built-in section changed"
    );
    let own = builtin.replace(
        "## Om samtalen\n",
        "## Om vores samtale i {{leader.unit}}\n",
    );
    std::fs::write(dir.path().join("about.md.hbs"), own).unwrap();
    let templates = dir.path().to_str().unwrap();
    let out = common::guide(
        dir.path(),
        "guide.pdf",
        &[
            "--role",
            "chef",
            "--unit",
            "Dagtilbud Øst",
            "--templates",
            templates,
        ],
    );
    let text = squeeze(&pdf::page_texts(&out).concat());
    assert!(text.contains("OmvoressamtaleiDagtilbudØst"), "{text}");
    assert!(!text.contains("Omsamtalen"), "{text}");
    for kept in [
        "Voresværdier",
        "Samtalensindledning",
        "Udviklingsplan",
        "Underskrifter",
    ] {
        assert!(text.contains(kept), "{kept} is missing: {text}");
    }
}

/// Issue 11: `-o` onto a read-only file replaced it (and changed its mode). It is refused
/// like a file mus did not write. The mode bits are what counts, so the test holds when
/// run as root too (root may write any file).
#[cfg(unix)]
#[test]
fn output_onto_a_read_only_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("guide.pdf");
    std::fs::write(&target, b"signed copy").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = mus()
        .args(["guide", "--role", "chef", "-o"])
        .arg(&target)
        .assert()
        .code(2);
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {}: is read-only; mus does not replace a read-only file (make it writable, or write elsewhere)\n",
            target.display()
        )
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"signed copy");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

/// Issue 11: two templates that include each other overflowed the stack (SIGABRT).
#[test]
fn templates_that_include_each_other_are_an_error_naming_the_cycle() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("topic.md.hbs"),
        "### {{title}}\n{{> extra}}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("extra.md.hbs"),
        "{{#if title}}{{> topic}}{{/if}}\n",
    )
    .unwrap();
    let out = mus()
        .args(["guide", "--role", "chef", "-o", "-", "--templates"])
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    let topic = dir.path().join("topic.md.hbs");
    assert!(
        stderr.contains(&format!(
            "template {}: includes itself: topic → extra → topic",
            topic.display()
        )),
        "{stderr}"
    );
    assert!(out.get_output().stdout.is_empty());

    // A template that includes itself directly.
    std::fs::remove_file(dir.path().join("extra.md.hbs")).unwrap();
    std::fs::write(&topic, "{{> topic}}\n").unwrap();
    let out = mus()
        .args(["guide", "--role", "chef", "-o", "-", "--templates"])
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("includes itself: topic → topic"),
        "{stderr}"
    );
}

#[test]
fn templates_export_writes_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("topic.md.hbs"), "mine").unwrap();
    mus()
        .args(["templates", "export"])
        .arg(dir.path())
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing may be written"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("topic.md.hbs")).unwrap(),
        "mine"
    );
}

#[test]
fn output_into_a_missing_folder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("nodir/x.pdf");
    let out = mus()
        .args(["guide", "--role", "chef", "-o"])
        .arg(&target)
        .assert()
        .code(2);
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {}: the folder does not exist\n",
            dir.path().join("nodir").display()
        )
    );
}

#[test]
fn the_guide_identifies_itself_as_pdf_a_2a_with_matching_xmp() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::load(example_guide(dir.path(), "guide.pdf")).unwrap();
    let catalog = doc.catalog().unwrap();
    let metadata = doc
        .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap();
    // PDF/A-2 (unlike PDF/A-1) allows a deflated metadata stream; any other filter would
    // keep readers from it.
    if let Ok(filter) = metadata.dict.get(b"Filter") {
        assert_eq!(filter.as_name().unwrap(), b"FlateDecode");
    }
    let xmp = String::from_utf8(metadata.get_plain_content().unwrap()).unwrap();
    for expected in [
        "pdfaid:part=\"2\"",
        // Level A: the guide is tagged (and PDF/UA-1, tests/tagged.rs).
        "pdfaid:conformance=\"A\"",
        "pdfuaid:part=\"1\"",
        "<rdf:li xml:lang=\"x-default\">Samtaleguide til MUS – Łukasz Øster-Ågård – 15. januar 2027</rdf:li>",
        "<dc:creator><rdf:Seq><rdf:li>Łukasz Øster-Ågård</rdf:li></rdf:Seq></dc:creator>",
        "xmp:CreateDate=\"2027-01-15T00:00:00Z\"",
        "xmp:ModifyDate=\"2027-01-15T00:00:00Z\"",
        &format!("xmp:CreatorTool=\"mus {}\"", env!("CARGO_PKG_VERSION")),
        &format!("pdf:Producer=\"mus {} (printpdf)\"", env!("CARGO_PKG_VERSION")),
        "mus:guideId=\"2027-A641-2NJ2-3T0M-EHQ9\"",
        "mus:level=\"leder-af-medarbejdere\"",
        "mus:focus=\"saet-retning,opdyrk-potentialer\"",
        "mus:unit=\"Dagtilbud Nord\"",
        "mus:dialogueDate=\"2027-01-15\"",
        "mus:framework=\"soenderborg-ledelsesgrundlag 1.0\"",
        "<pdfaSchema:namespaceURI>urn:mus:guide:1.0/</pdfaSchema:namespaceURI>",
        "pdfaProperty:name=\"guideId\"",
    ] {
        assert!(xmp.contains(expected), "XMP lacks {expected}:\n{xmp}");
    }
    let footer_id = squeeze(&pdf::page_texts(&dir.path().join("guide.pdf"))[0]);
    assert!(
        footer_id.contains("Guide2027"),
        "the id in the XMP is the one in the footer"
    );
    assert!(footer_id.contains("Guide2027A6412NJ23T0MEHQ9"));

    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    let intent = intents[0].as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    let profile = doc
        .get_object(
            intent
                .get(b"DestOutputProfile")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap()
        .as_stream()
        .unwrap();
    assert_eq!(profile.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
    let icc = profile
        .decompressed_content()
        .unwrap_or_else(|_| profile.content.clone());
    assert_eq!(&icc[36..40], b"acsp");
    assert_eq!(&icc[16..20], b"RGB ", "an RGB profile");
    assert!(icc.len() < 4096, "a small profile, not printpdf's CMYK one");

    assert!(doc.trailer.get(b"Encrypt").is_err());
    assert!(
        catalog.get(b"Names").is_err() && catalog.get(b"OpenAction").is_err(),
        "no JavaScript entry points"
    );
    assert!(doc.trailer.get(b"ID").is_ok());
}

#[test]
fn every_answer_scale_plan_cell_name_and_signature_is_a_form_field() {
    let dir = tempfile::tempdir().unwrap();
    let fields = form_fields(&example_guide(dir.path(), "guide.pdf"));
    let framework = builtin();
    let level = framework.level("leder-af-medarbejdere").unwrap();
    let mut n = 0;
    for principle in ["saet-retning", "opdyrk-potentialer"] {
        for _ in level
            .expectations
            .iter()
            .filter(|e| e.principle == principle)
        {
            n += 1;
            for rater in ["leder", "leders-leder"] {
                let scale = &fields[&format!("{principle}.forventning{n}.{rater}")];
                assert_eq!(scale.kind, "Btn");
                assert_eq!(
                    scale.flags & (1 << 15),
                    1 << 15,
                    "a radio group: one choice per scale"
                );
                assert_eq!(scale.widgets.len(), 5);
                for (i, states) in scale.widgets.iter().enumerate() {
                    assert_eq!(states, &vec![(i + 1).to_string(), "Off".to_string()]);
                }
            }
            for answer in ["refleksion", "lederens-blik"] {
                let field = &fields[&format!("{principle}.forventning{n}.{answer}")];
                assert_eq!(
                    (field.kind.as_str(), field.flags & (1 << 12)),
                    ("Tx", 1 << 12),
                    "multi-line text"
                );
            }
        }
        let questions = framework.principle(principle).unwrap().questions.len();
        for q in 1..=questions {
            assert_eq!(fields[&format!("{principle}.spm{q}")].kind, "Tx");
        }
        assert!(!fields.contains_key(&format!("{principle}.spm{}", questions + 1)));
    }
    assert_eq!(n, 7);
    for topic in &framework.topics {
        for q in 1..=topic.questions.len() {
            assert_eq!(
                fields[&format!("{}.spm{q}", topic.id)].kind,
                "Tx",
                "{}",
                topic.id
            );
        }
    }
    for row in 1..=5 {
        for column in ["maal", "handling", "hvem", "frist", "opfoelgning"] {
            assert_eq!(fields[&format!("plan.{row}.{column}")].kind, "Tx");
        }
    }
    let signatures: Vec<&String> = fields
        .iter()
        .filter(|(_, f)| f.kind == "Sig")
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        signatures,
        [
            "underskrift.leder.underskrift",
            "underskrift.leders-leder.underskrift"
        ]
    );
    for party in ["leder", "leders-leder"] {
        assert_eq!(fields[&format!("underskrift.{party}.dato")].kind, "Tx");
    }
    assert!(
        !fields.keys().any(|k| k.contains("faa-foelgeskab")),
        "no fields outside the focus"
    );
}

/// Regression: text appearances were shared between equal empty fields, and a client
/// that rewrites a filled field's appearance in place (pypdf) showed the answer in all.
#[test]
fn every_text_and_signature_widget_has_its_own_appearance_stream() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::load(example_guide(dir.path(), "guide.pdf")).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0;
    for dict in doc.objects.values().filter_map(|o| o.as_dict().ok()) {
        let is_text_or_sig = matches!(
            dict.get(b"FT").and_then(Object::as_name),
            Ok(b"Tx" | b"Sig")
        );
        if dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Widget") && is_text_or_sig
        {
            let ap = dict
                .get(b"AP")
                .unwrap()
                .as_dict()
                .unwrap()
                .get(b"N")
                .unwrap()
                .as_reference()
                .unwrap();
            assert!(seen.insert(ap), "appearance {ap:?} is shared");
            count += 1;
        }
    }
    assert!(count > 50, "{count} text and signature widgets");
}

#[test]
fn with_no_form_the_values_are_printed_and_there_are_no_fields() {
    let out = mus()
        .args([
            "guide",
            "--role",
            "chef",
            "--focus",
            "retning",
            "--name",
            "Åse Holm",
            "--date",
            "2027-01-15",
            "--no-form",
            "-o",
            "-",
        ])
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.pdf");
    std::fs::write(&path, &out.get_output().stdout).unwrap();
    let text = squeeze(&pdf::page_texts(&path).concat());
    assert_eq!(
        text.matches("ÅseHolm").count(),
        2,
        "title block and signature block"
    );
    assert!(text.contains(&squeeze("15. januar 2027")));
    let doc = Document::load(&path).unwrap();
    assert!(doc.catalog().unwrap().get(b"AcroForm").is_err());
    assert!(
        doc.catalog().unwrap().get(b"Metadata").is_ok(),
        "still PDF/A"
    );
}
