#!/usr/bin/env python3
"""Writes OpenCV's COLORMAP_JET lookup table (what pytorch-grad-cam's show_cam_on_image uses) as
src/main/resources/e2kd/explain/jet-lut.txt: 256 lines 'r g b' (8-bit, RGB order), line i for
gray value i. Needs OpenCV for Python (Debian: python3-opencv)."""
import pathlib

import cv2
import numpy as np

lut = cv2.applyColorMap(np.arange(256, dtype=np.uint8).reshape(1, 256), cv2.COLORMAP_JET)[0]
out = pathlib.Path(__file__).resolve().parent.parent / "src/main/resources/e2kd/explain/jet-lut.txt"
out.write_text("".join(f"{r} {g} {b}\n" for b, g, r in lut.tolist()))
print(f"wrote {out} with OpenCV {cv2.__version__}")
