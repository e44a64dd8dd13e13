"""Writes a deterministic, realistic roster of N leaders (semicolon CSV, UTF-8 with BOM,
CRLF) for benchmarks: python3 scripts/make-roster.py 1000 > roster-1000.csv"""
import sys

FIRST = ["Søren", "Mette", "Åse", "Jørgen", "Birthe", "Ærling", "Kirsten", "Bjørn", "Hanne", "Rasmus",
         "Maja", "Frederik", "Łukasz", "Eleni", "Dmitrij", "Aylin", "Mohammed", "Ngoc Anh", "Ingrid", "Thomas"]
LAST = ["Østergård", "Kjærgaard", "Sørensen", "Ærø", "Nielsen", "Bæk", "Holm", "Lindqvist", "Dahl",
        "Møller-Andersen", "Kowalski", "Papadopoulou", "Yılmaz", "Nguyen", "Jensen", "Christiansen"]
ROLES = ["Leder af medarbejdere"] * 6 + ["Leder af ledere"] * 3 + ["Chef"] * 2 + ["Direktionen"]
FOCUS = ["Sæt retning; Opdyrk potentialer", "følgeskab, handlekraft", "", "Skab sammenhængskraft",
         "retning|følgeskab", "potentialer"]
UNITS = ["Dagtilbud Nord", "Skoler Syd", "Ældreplejen Vest", "Teknik og Miljø", "Børn og Familie",
         "Jobcenter", "Sundhedsplejen", "Kultur og Fritid"]

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
lines = ["Navn;Rolle;Fokus;Leder;Afdeling;Dato;Medarbejdernr"]
for i in range(n):
    name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
    manager = f"{FIRST[(i + 3) % len(FIRST)]} {LAST[(i + 5) % len(LAST)]}"
    date = f"{1 + i % 28:02d}-{1 + (i // 28) % 3:02d}-2027"
    cells = [name, ROLES[i % len(ROLES)], FOCUS[i % len(FOCUS)], manager,
             UNITS[i % len(UNITS)], date, str(100000 + i)]
    lines.append(";".join(f'"{c}"' if ";" in c else c for c in cells))
sys.stdout.buffer.write(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
