#!/usr/bin/env python3
"""Fills a guide's form as a leader and a manager would before signing: the development
plan (Danish text, » «, a 300-character goal), some ratings, and a reflection that must
never be carried over into next year's guide.

    python3 scripts/fill-guide.py [--plan-only] IN.pdf OUT.pdf

--plan-only fills the plan and no ratings (for guides of other levels and focus).

Needs pypdf. Used by scripts/make-previous-fixtures.sh.
"""
import sys

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

GOAL = (
    "Styrke den fælles retning i Dagtilbud Nord, så hver medarbejder kan forklare, "
    "hvordan »Sæt retning« hænger sammen med hverdagen, og bruge det, når der skal "
    "prioriteres mellem opgaver; målet følges op på hvert personalemøde og i den "
    "årlige trivselsmåling, så vi ser fremskridt og kan justere undervejs"
)
assert len(GOAL) == 300, len(GOAL)

VALUES = {
    "plan.1.maal": GOAL,
    "plan.1.handling": "Månedlige møder om «retning» med alle teams",
    "plan.1.hvem": "Åse Ærø",
    "plan.1.frist": "1. juni 2027",
    "plan.1.opfoelgning": "Ved næste MUS",
    "plan.2.maal": "Lære at uddelegere",
    "plan.2.handling": "Lederuddannelse, modul 2",
    "plan.2.hvem": "Bodil Kjærgård",
    "plan.2.frist": "Efteråret 2027",
    "saet-retning.forventning1.refleksion": "HEMMELIG REFLEKSION der aldrig må følge med",
    "opfoelgning.spm1": "HEMMELIGT SVAR der aldrig må følge med",
}
RATINGS = {
    "saet-retning.forventning1.leder": "/3",
    "saet-retning.forventning1.leders-leder": "/4",
    "saet-retning.forventning2.leder": "/5",
    "saet-retning.forventning2.leders-leder": "/2",
    # Last year's expectation 3 is under Få følgeskab: a guide without it in focus shows no
    # rating for its own expectation 3.
    "faa-foelgeskab.forventning3.leder": "/4",
}


def choose(writer, name, value):
    """Chooses a radio button the way viewers do: the group's /V is the button's name and
    each button's /AS shows it on or /Off (pypdf's own filling writes a string /V)."""
    for field in walk(writer._root_object["/AcroForm"]["/Fields"], ""):
        if field[0] == name:
            group = field[1]
            group[NameObject("/V")] = NameObject(value)
            for kid in group["/Kids"]:
                kid = kid.get_object()
                states = kid["/AP"]["/N"].keys()
                kid[NameObject("/AS")] = NameObject(value if value in states else "/Off")
            return
    raise SystemExit(f"fill-guide: no radio group {name}")


def walk(fields, parent):
    for ref in fields:
        field = ref.get_object()
        name = f"{parent}.{field['/T']}" if parent and "/T" in field else field.get("/T", parent)
        yield name, field
        if "/Kids" in field:
            yield from walk(field["/Kids"], name)


def main(src, dst, plan_only=False):
    writer = PdfWriter(clone_from=PdfReader(src))
    for page in writer.pages:
        writer.update_page_form_field_values(page, VALUES, auto_regenerate=False)
    for name, value in ({} if plan_only else RATINGS).items():
        choose(writer, name, value)
    with open(dst, "wb") as f:
        writer.write(f)


if __name__ == "__main__":
    args = sys.argv[1:]
    plan_only = "--plan-only" in args
    args = [a for a in args if a != "--plan-only"]
    main(args[0], args[1], plan_only)
