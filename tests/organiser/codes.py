"""What the organiser tests share: the bot's username, and reading QR codes back."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import zxingcpp
from PIL import Image, ImageDraw

BOT = "tour_innovation_bot"
SVG = "{http://www.w3.org/2000/svg}"


def decode(image: Image.Image) -> list[str]:
    """The texts of every QR code zxing-cpp finds in `image`."""
    return [result.text for result in zxingcpp.read_barcodes(image)]


def rasterise(svg: ET.Element, scale: int = 8) -> Image.Image:
    """Draw the QR path of one of our SVGs (rectangles `Mx yhWv1h-Wz`) into pixels."""
    path = svg.find(f"{SVG}path")
    assert path is not None
    view = [float(v) for v in svg.attrib["viewBox"].split()]
    shift = re.fullmatch(r"translate\(([\d.]+) 0\)", path.attrib["transform"])
    assert shift is not None
    dx = float(shift.group(1))
    image = Image.new("L", (round(view[2] * scale), round(view[3] * scale)), 255)
    draw = ImageDraw.Draw(image)
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", path.attrib["d"])
    assert runs and "".join(f"M{x} {y}h{w}v1h-{w}z" for x, y, w, _ in runs) == path.attrib["d"]
    for x, y, width, back in runs:
        assert width == back
        left = (float(x) + dx) * scale
        draw.rectangle(
            (left, int(y) * scale, left + int(width) * scale - 1, (int(y) + 1) * scale - 1), fill=0
        )
    return image
