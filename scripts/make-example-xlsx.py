"""Regenerates examples/afdeling.xlsx from examples/afdeling.csv (the same roster as an
Excel workbook). Run from the repository root: pip install openpyxl && python3 scripts/make-example-xlsx.py"""
import csv
import datetime
from openpyxl import Workbook

with open("examples/afdeling.csv", encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f, delimiter=";"))
book = Workbook()
sheet = book.active
sheet.title = "Ledere"
for r, row in enumerate(rows, start=1):
    for c, value in enumerate(row, start=1):
        cell = sheet.cell(row=r, column=c)
        # Dates as real Excel dates, the way HR systems export them.
        if r > 1 and rows[0][c - 1] == "Dato" and value:
            for fmt in ("%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
                try:
                    cell.value = datetime.datetime.strptime(value, fmt)
                    cell.number_format = "DD-MM-YYYY"
                    break
                except ValueError:
                    pass
        elif r > 1 and rows[0][c - 1] == "Medarbejdernr" and value.isdigit():
            cell.value = int(value)
        else:
            cell.value = value
book.properties.creator = "mus"
book.properties.created = datetime.datetime(2027, 1, 1)
book.properties.modified = datetime.datetime(2027, 1, 1)
book.save("examples/afdeling.xlsx")
