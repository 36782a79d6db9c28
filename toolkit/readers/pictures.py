"""Pictures inside documents (DOCX media, HTML ``data:`` images): tables pasted as
images, read by OCR (``ocr.read_pages``) and put in the text where they stand.

A picture under ``MIN_SIDE`` pixels either way is an icon or a logo, not a table,
and is passed over. At most ``MAX_PICTURES`` pictures are read per document, none
over ``MAX_PIXELS`` (checked before decoding). Every other picture is listed in
``details["images"]``: read, with its OCR confidence, or not, and why not.

>>> data_uri("data:image/gif;base64,R0lGOD lh"), data_uri("http://example.org/table.png")
(b'GIF89a', None)
"""
from __future__ import annotations

import base64
import binascii
import io
import re
from urllib.parse import unquote_to_bytes

import numpy as np
from PIL import Image, UnidentifiedImageError

from toolkit.readers import Document, GridTable
from toolkit.readers.pages import to_document

MIN_SIDE = 100  # pixels: a smaller picture is an icon or a logo
MAX_PICTURES = 10  # read by OCR per document; the rest are listed as not read
MAX_PIXELS = 40_000_000  # a larger picture is not decoded
_DATA_URI = re.compile(r"^\s*data:([^,;]*)((?:;[^,;]*)*),(.*)$", re.S | re.I)


class Pictures:
    """The pictures of one document, read in document order; ``details()`` lists them."""

    def __init__(self):
        self.listed: list[dict] = []

    def read(self, name: str, data: bytes | None, why_not: str = "") -> Document | None:
        """The picture's lines and grids (locations "picture ``name``, …"), or ``None``
        when it is an icon or cannot be read (then listed with ``why_not`` or the cause)."""
        if data is None:
            return self._not_read(name, why_not)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            return self._not_read(name, f"more than {MAX_PIXELS / 1e6:.0f} megapixels: not decoded")
        except (UnidentifiedImageError, OSError) as error:
            return self._not_read(name, f"not a picture that can be decoded ({error})")
        width, height = image.size
        if min(width, height) < MIN_SIDE:
            return None
        if width * height > MAX_PIXELS:
            return self._not_read(name, f"{width}×{height} pixels, more than {MAX_PIXELS / 1e6:.0f} megapixels: not decoded")
        if sum(entry["ocr"] for entry in self.listed) >= MAX_PICTURES:
            return self._not_read(name, f"more than {MAX_PICTURES} pictures in the document: not read")
        try:
            gray = np.asarray(_on_white(image))
        except (OSError, ValueError) as error:
            return self._not_read(name, f"not a picture that can be decoded ({error})")
        from toolkit.readers import ocr  # OpenCV and the OCR models load only for a picture to read

        blocks, found = ocr.read_pages([(1, gray)])
        read = to_document(blocks, format="image", extractor=ocr.engine_name())
        self.listed.append({
            "image": name, "pixels": [width, height], "ocr": True, "deskew_degrees": found["deskew_degrees"][0],
            "mean_confidence": read.details.get("mean_confidence"), "min_confidence": read.details.get("min_confidence"),
            "low_confidence_cells": [{**cell, "at": f"picture {name}, {cell['at']}"}
                                     for cell in read.details.get("low_confidence_cells", [])],
        })
        return Document(text=read.text, format=read.format, extractor=read.extractor, grids=read.grids,
                        locations=tuple(f"picture {name}, {at}" for at in read.locations))

    def details(self) -> dict:
        """``images`` (each picture listed), and the OCR engine when any was read."""
        if not self.listed:
            return {}
        from toolkit.readers import ocr

        read = any(entry["ocr"] for entry in self.listed)
        return {"images": self.listed, **({"ocr": True, "ocr_engine": ocr.engine_name()} if read else {})}

    def _not_read(self, name: str, why: str) -> None:
        self.listed.append({"image": name, "ocr": False, "why": why})


def splice(read: Document, lines: list, where: list, grids: list) -> None:
    """Append a picture's reading to a reader's lines, their locations and its
    grids (their line numbers shifted to the lines' new place)."""
    offset = len(lines)
    lines += read.text.splitlines()
    where += read.locations
    grids += [GridTable(grid.rows, tuple(None if n is None else n + offset for n in grid.lines)) for grid in read.grids]


def data_uri(src: str) -> bytes | None:
    """The bytes a ``data:`` URI holds (base64 or percent-encoded), ``None`` for any other URI."""
    match = _DATA_URI.match(src)
    if match is None:
        return None
    if ";base64" in match.group(2).lower():
        try:
            return base64.b64decode(re.sub(r"\s+", "", match.group(3)))
        except (binascii.Error, ValueError):
            return b""
    return unquote_to_bytes(match.group(3))


def _on_white(image: Image.Image) -> Image.Image:
    """The (first frame of the) picture in grey, transparent parts white."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image.convert("RGBA"))
    return image.convert("L")
