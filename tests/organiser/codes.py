"""What the organiser tests share: the bot's username, and reading QR codes back."""

from __future__ import annotations

import zxingcpp
from PIL import Image

BOT = "tour_innovation_bot"
SVG = "{http://www.w3.org/2000/svg}"


def decode(image: Image.Image) -> list[str]:
    """The texts of every QR code zxing-cpp finds in `image`."""
    return [result.text for result in zxingcpp.read_barcodes(image)]
