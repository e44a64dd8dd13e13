"""Writes a deterministic, realistic roster of N leaders (semicolon CSV, UTF-8 with BOM,
CRLF) for benchmarks: python3 scripts/make-roster.py 1000 > roster-1000.csv

With --distinct every leader is a different person: each name gets a suffix of three
letters of its own (up to 17,576 rows), so nothing that names the leader repeats."""
import sys

distinct = "--distinct" in sys.argv[1:]
args = [a for a in sys.argv[1:] if a != "--distinct"]

FIRST = ["Søren", "Mette", "Åse", "Jørgen", "Birthe", "Ærling", "Kirsten", "Bjørn", "Hanne", "Rasmus",
         "Maja", "Frederik", "Łukasz", "Eleni", "Dmitrij", "Aylin", "Mohammed", "Ngoc Anh", "Ingrid", "Thomas"]
LAST = ["Østergård", "Kjærgaard", "Sørensen", "Ærø", "Nielsen", "Bæk", "Holm", "Lindqvist", "Dahl",
        "Møller-Andersen", "Kowalski", "Papadopoulou", "Yılmaz", "Nguyen", "Jensen", "Christiansen"]
ROLES = ["Leder af medarbejdere"] * 6 + ["Leder af ledere"] * 3 + ["Chef"] * 2 + ["Direktionen"]
FOCUS = ["Sæt retning; Opdyrk potentialer", "følgeskab, handlekraft", "", "Skab sammenhængskraft",
         "retning|følgeskab", "potentialer"]
UNITS = ["Dagtilbud Nord", "Skoler Syd", "Ældreplejen Vest", "Teknik og Miljø", "Børn og Familie",
         "Jobcenter", "Sundhedsplejen", "Kultur og Fritid"]

n = int(args[0]) if args else 1000
if distinct and n > 26 ** 3:
    sys.exit("--distinct makes at most 17,576 rows")
lines = ["Navn;Rolle;Fokus;Leder;Afdeling;Dato;Medarbejdernr"]
for i in range(n):
    name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
    if distinct:
        letters = "abcdefghijklmnopqrstuvwxyz"
        name += " " + letters[i % 26] + letters[(i // 26) % 26] + letters[i // 676]
    manager = f"{FIRST[(i + 3) % len(FIRST)]} {LAST[(i + 5) % len(LAST)]}"
    date = f"{1 + i % 28:02d}-{1 + (i // 28) % 3:02d}-2027"
    cells = [name, ROLES[i % len(ROLES)], FOCUS[i % len(FOCUS)], manager,
             UNITS[i % len(UNITS)], date, str(100000 + i)]
    lines.append(";".join(f'"{c}"' if ";" in c else c for c in cells))
sys.stdout.buffer.write(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
