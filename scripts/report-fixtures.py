#!/usr/bin/env python3
"""The fictional municipality behind `mus archive report` and `mus archive plans`
(tests/report.rs, README): a roster of 32 leaders in three units and two levels, and the
answers 30 of them gave, filled into their guides with pypdf. Used by
scripts/make-report-fixtures.sh.

    python3 scripts/report-fixtures.py roster ROSTER.csv
    python3 scripts/report-fixtures.py fill MANIFEST.json GUIDE_DIR OUT_DIR TRUTH.json
    python3 scripts/report-fixtures.py sign TO_SIGN KEY_DIR FILLED_DIR OUT_DIR

`roster` writes the roster (CSV as Danish Excel saves it). `fill` fills every guide the
batch made for a leader who has had the dialogue, writes OUT_DIR/<file>, prints one line
per guide to sign (`file leader-cert manager-cert`), and writes TRUTH.json: what was
filled in, per guide — the independent truth the tests recompute the report from.

Everything is drawn from one seeded generator, so the same script gives the same roster,
answers and truth on every machine. Needs pypdf, and pyHanko to sign.
"""
import json
import random
import sys

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

SEED = 2027
PRINCIPLES = [
    "saet-retning",
    "faa-foelgeskab",
    "udvis-handlekraft",
    "skab-sammenhaengskraft",
    "opdyrk-potentialer",
]
# Unit, manager, how many leaders; the third unit is too small for its profile to be shown.
UNITS = [
    ("Dagtilbud Nord", "Henrik Bæk", 15),
    ("Skole og Fritid", "Anne-Grethe Holm", 14),
    ("Rådhusets Stab", "Tim Hansen", 3),
]
FIRST = [
    "Mette", "Søren", "Åse", "Jens", "Lone", "Bo", "Karen", "Mads", "Inger", "Niels",
    "Birgitte", "Ole", "Hanne", "Peter", "Susanne", "Lars", "Dorthe", "Anders", "Pia",
    "Morten", "Tove", "Kasper", "Rikke", "Henrik", "Lise", "Torben", "Nanna", "Jørgen",
    "Camilla", "Erik", "Signe", "Frederik",
]
LAST = [
    "Søgaard", "Ærø", "Holm", "Kristensen", "Dahl", "Bæk", "Møller", "Østergaard", "Lund",
    "Kjær", "Brøndum", "Fogh", "Winther", "Skov", "Højer", "Vestergaard", "Thorsen",
    "Mølgaard", "Krogh", "Damgaard", "Lykke", "Bøgh", "Nørgaard", "Friis", "Juhl", "Aagaard",
    "Bach", "Storm", "Kvist", "Ravn", "Sand", "Engholm",
]
GOALS = [
    ("Styrke den fælles retning i teamet", "Månedlige møder om «retning»", "Lederen selv",
     "1. juni 2027"),
    # A cell typed with a line break: it must reach the plans' CSV as one.
    ("Lære at uddelegere", "Lederuddannelse, to moduler\nmed opfølgning", "HR og lederen",
     "Efteråret 2027"),
    ("Bedre overblik over økonomien", "Kursus i budgetstyring", "Økonomiafdelingen",
     "31. marts 2027"),
    ("Mere sparring med andre ledere", "Netværksgruppe hver anden måned", "Lederen selv",
     "Løbende"),
    ("Skabe ro om forandringen", "Fælles plan for omlægningen", "Lederen og MED-udvalget",
     "1. september 2027"),
    ("+ mere tid til faglig ledelse", "Ugentlig tid i kalenderen", "Lederen selv",
     "Straks"),
]


def people():
    """The 32 leaders, in roster order: name, level, focus, manager, unit, date, id."""
    rng = random.Random(SEED)
    names = [f"{f} {l}" for f, l in zip(FIRST, rng.sample(LAST, len(LAST)))]
    rows, i = [], 0
    for unit, manager, count in UNITS:
        for _ in range(count):
            level = "leder-af-ledere" if rng.random() < 0.35 else "leder-af-medarbejdere"
            focus = sorted(rng.sample(range(5), rng.choice([3, 4])))
            day = 11 + i % 17
            rows.append({
                "name": names[i],
                "level": level,
                "focus": [PRINCIPLES[p] for p in focus],
                "manager": manager,
                "unit": unit,
                "date": f"2027-{1 + i % 2:02d}-{day:02d}",
                "id": str(40100 + 7 * i),
            })
            i += 1
    return rows


# Who has had no dialogue (no guide archived), and whose guide is not signed: by roster row.
MISSING = {5, 19}
UNSIGNED = {8, 22, 27}
EMPTY_PLAN = {2, 11, 16, 24, 30}
# In the 3-leader unit, one manager leaves one principle all unrated: the managers' figures
# of that principle then rest on 2 leaders, the self-ratings on 3 (`--min-group 3`).
UNRATED_BY_MANAGER = (29, "udvis-handlekraft")


def roster(path):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write("Navn;Rolle;Fokus;Leder;Afdeling;Dato;Medarbejdernr\r\n")
        for p in people():
            f.write(";".join([p["name"], p["level"], ", ".join(p["focus"]), p["manager"],
                              p["unit"], p["date"], p["id"]]) + "\r\n")


def walk(fields, parent=""):
    for ref in fields:
        field = ref.get_object()
        name = f"{parent}.{field['/T']}" if parent and "/T" in field else field.get("/T", parent)
        yield name, field
        if "/Kids" in field:
            yield from walk(field["/Kids"], name)


def choose(group, value):
    """Chooses a radio button the way viewers do: the group's /V is the button's name and
    each button's /AS shows it on or /Off."""
    group[NameObject("/V")] = NameObject(value)
    for kid in group["/Kids"]:
        kid = kid.get_object()
        states = kid["/AP"]["/N"].keys()
        kid[NameObject("/AS")] = NameObject(value if value in states else "/Off")


def fill(manifest, guides, out, truth_path):
    everyone = people()
    rng = random.Random(SEED + 1)
    truth = []
    for g in json.load(open(manifest))["guides"]:
        index = g["row"] - 2  # rows as the spreadsheet numbers them: the header is row 1
        if index in MISSING:
            continue
        p = everyone[index]
        writer = PdfWriter(f"{guides}/{g['file']}", incremental=True)
        # A leader's own tendency and how the manager sees them: ratings scatter around it.
        bias = rng.choice([-1, 0, 0, 1])
        plan = []
        if index not in EMPTY_PLAN:
            for n, goal in enumerate(rng.sample(GOALS, rng.choice([1, 2, 3])), start=1):
                plan.append({"row": n, "maal": goal[0], "handling": goal[1], "hvem": goal[2],
                             "frist": goal[3]})
        values = {}
        for r in plan:
            for key in ("maal", "handling", "hvem", "frist"):
                values[f"plan.{r['row']}.{key}"] = r[key]
        # Free text the report must never show.
        values["opfoelgning.spm1"] = f"HEMMELIGT SVAR fra {p['name']}"
        for page in writer.pages:
            writer.update_page_form_field_values(page, values, auto_regenerate=False)
        ratings = []
        for name, field in walk(writer._root_object["/AcroForm"]["/Fields"]):
            parts = name.split(".")
            if len(parts) != 3 or not parts[1].startswith("forventning"):
                continue
            if parts[2] not in ("leder", "leders-leder") or "/Kids" not in field:
                continue
            # Now and then a rating is left open.
            if rng.random() < 0.08:
                continue
            base = 3 + bias + (0 if parts[2] == "leder" else rng.choice([-1, 0, 0, 0]))
            score = max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
            if parts[2] == "leders-leder" and (index, parts[0]) == UNRATED_BY_MANAGER:
                continue
            choose(field, f"/{score}")
            ratings.append({"principle": parts[0], "number": int(parts[1][11:]),
                            "rater": "leader" if parts[2] == "leder" else "manager",
                            "score": score})
        with open(f"{out}/{g['file']}", "wb") as f:
            writer.write(f)
        signed = index not in UNSIGNED
        truth.append({"file": g["file"], "name": p["name"], "unit": p["unit"],
                      "level": p["level"], "focus": p["focus"], "id": p["id"],
                      "signed": signed, "plan": plan, "ratings": ratings})
        if signed:
            print(g["file"], f"leader{index}", "manager" + str(
                [u for u, _, _ in UNITS].index(p["unit"])))
    with open(truth_path, "w", encoding="utf-8") as f:
        json.dump({"year": 2027, "roster": everyone, "missing": sorted(MISSING),
                   "guides": truth}, f, ensure_ascii=False, indent=1)
        f.write("\n")


def sign(to_sign, keys, filled, out):
    """Signs each listed guide in both fields, leader first, PAdES-style, with 6 KB of room
    for the CMS (pyHanko's CLI reserves 16 KB of hex per signature: 20 KB more per guide)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    def signer(who):
        return signers.SimpleSigner.load(f"{keys}/{who}.key", f"{keys}/{who}.pem",
                                         ca_chain_files=(f"{keys}/ca.pem",))

    for line in open(to_sign):
        file, leader, manager = line.split()
        data = open(f"{filled}/{file}", "rb").read()
        for field, who in (("underskrift.leder.underskrift", leader),
                           ("underskrift.leders-leder.underskrift", manager)):
            import io
            meta = signers.PdfSignatureMetadata(field_name=field,
                                                subfilter=SigSeedSubFilter.PADES)
            result = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta,
                                      signer(who), existing_fields_only=True,
                                      bytes_reserved=6144)
            data = result.getvalue()
        with open(f"{out}/{file}", "wb") as f:
            f.write(data)


if __name__ == "__main__":
    if sys.argv[1] == "roster":
        roster(sys.argv[2])
    elif sys.argv[1] == "fill":
        fill(*sys.argv[2:6])
    elif sys.argv[1] == "sign":
        sign(*sys.argv[2:6])
    elif sys.argv[1] == "people":  # for the certificates: index | name
        for i, p in enumerate(people()):
            print(f"{i}|{p['name']}")
    elif sys.argv[1] == "managers":
        for i, (_, manager, _) in enumerate(UNITS):
            print(f"{i}|{manager}")
    else:
        raise SystemExit(__doc__)
