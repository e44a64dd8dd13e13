"""Regenerates src/pdf/sRGB.icc: the sRGB profile LittleCMS builds (through Pillow), 588
bytes, "No copyright, use freely". It is the output intent of every guide (PDF/A-2b).
Run from the repository root: pip install pillow && python3 scripts/make-srgb-icc.py"""
from PIL import ImageCms

profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
with open("src/pdf/sRGB.icc", "wb") as f:
    f.write(profile.tobytes())
