"""Removes TrueType hinting, glyph names and most name records from the Noto Sans faces
in fonts/ (in place).

Hinting only matters for low-resolution screen rasterizers; PDF viewers and printers
ignore it, and it is a third of every embedded subset. Run from the repository root:
    pip install fonttools && python3 fonts/dehint.py
"""
import sys
from pathlib import Path
from fontTools.ttLib import TTFont

for path in sorted(Path(__file__).parent.glob("NotoSans-*.ttf")):
    font = TTFont(path)
    for tag in ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX", "gasp"):
        if tag in font:
            del font[tag]
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        if hasattr(glyph, "program"):
            glyph.program.fromBytecode(b"")
    maxp = font["maxp"]
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, attr, 0 if attr != "maxZones" else 1)
    # Glyph names (post format 2) and most name records are a tenth of every embedded
    # subset and read by no PDF consumer; the copyright, the names and the licence URL stay.
    font["post"].formatType = 3.0
    font["name"].names = [n for n in font["name"].names if n.nameID in (0, 1, 2, 4, 6, 14)]
    font.save(path)
    print(f"dehinted {path.name}: {path.stat().st_size} bytes", file=sys.stderr)
