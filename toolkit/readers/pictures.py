"""Pictures inside documents (DOCX media, HTML ``data:`` images): tables pasted as
images, read by OCR (``ocr.read_pages``) and put in the text where they stand.

A picture under ``MIN_SIDE`` pixels either way is an icon or a logo, not a table,
and is passed over. At most ``MAX_PICTURES`` pictures are read per document, none
over ``MAX_PIXELS`` (checked before decoding) or longer than ``MAX_ASPECT`` times
its width. Every other picture is listed in ``details["images"]`` (the first
``MAX_LISTED``): read, with its OCR confidence and the tables found, or not, and
why not. When the statistics cannot be read, ``tables_are_images`` says whether
pictures are the reason.

>>> data_uri("data:image/gif;base64,R0lGOD lh"), data_uri("http://example.org/table.png")
(b'GIF89a', None)
"""
from __future__ import annotations

import base64
import binascii
import io
import re
import struct
import warnings
from urllib.parse import unquote_to_bytes

import numpy as np
from PIL import Image, UnidentifiedImageError

from toolkit.readers import Document, GridTable
from toolkit.readers.pages import to_document

MIN_SIDE = 100  # pixels: a smaller picture is an icon or a logo
MAX_PICTURES = 10  # read by OCR per document; the rest are listed as not read
MAX_PIXELS = 40_000_000  # a larger picture is not decoded
MAX_ASPECT = 40  # a picture longer than this many times its width (or wider) is a strip, not read
MAX_LISTED = 100  # pictures listed in details; the rest are counted
NAMED_IN_MESSAGE = 5
# what decoding a damaged picture raises, besides a picture too large to decode
UNDECODABLE = (UnidentifiedImageError, OSError, ValueError, EOFError, SyntaxError, struct.error)
_DATA_URI = re.compile(r"^\s*data:([^,;]*)((?:;[^,;]*)*),(.*)$", re.S | re.I)


class Pictures:
    """The pictures of one document, read in document order; ``details()`` lists them."""

    def __init__(self):
        self.listed: list[dict] = []
        self.unlisted = 0
        self.read_by_ocr = 0

    def read(self, name: str, data: bytes | None, why_not: str = "") -> Document | None:
        """The picture's lines and grids (locations "picture ``name``, …"), or ``None``
        when it is an icon or cannot be read (then listed with ``why_not`` or the cause)."""
        if data is None:
            return self._not_read(name, why_not)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return self._not_read(name, f"more than {MAX_PIXELS / 1e6:.0f} megapixels: not decoded")
        except UNDECODABLE as error:
            return self._not_read(name, f"not a picture that can be decoded ({error})")
        width, height = image.size
        if min(width, height) < MIN_SIDE:
            return None
        if width * height > MAX_PIXELS:
            return self._not_read(name, f"{width}×{height} pixels, more than {MAX_PIXELS / 1e6:.0f} megapixels: "
                                        "not decoded")
        if max(width, height) > MAX_ASPECT * min(width, height):
            return self._not_read(name, f"{width}×{height} pixels, a strip more than {MAX_ASPECT} times longer "
                                        "than wide: not read")
        if self.read_by_ocr >= MAX_PICTURES:
            return self._not_read(name, f"more than {MAX_PICTURES} pictures in the document: not read")
        try:
            gray = np.asarray(_on_white(image))
        except UNDECODABLE as error:
            return self._not_read(name, f"not a picture that can be decoded ({error})")
        from toolkit.readers import ocr  # OpenCV and the OCR models load only for a picture to read

        self.read_by_ocr += 1
        blocks, found = ocr.read_pages([(1, gray)])
        read = to_document(blocks, format="image", extractor=ocr.engine_name())
        self._list({
            "image": name, "pixels": [width, height], "ocr": True, "tables": len(read.grids),
            "deskew_degrees": found["deskew_degrees"][0],
            "mean_confidence": read.details.get("mean_confidence"), "min_confidence": read.details.get("min_confidence"),
            "low_confidence_cells": [{**cell, "at": f"picture {name}, {cell['at']}"}
                                     for cell in read.details.get("low_confidence_cells", [])],
        })
        return Document(text=read.text, format=read.format, extractor=read.extractor, grids=read.grids,
                        locations=tuple(f"picture {name}, {at}" for at in read.locations))

    def details(self) -> dict:
        """``images`` (each picture listed, then how many more), and the OCR engine when any was read."""
        if not self.listed:
            return {}
        from toolkit.readers import ocr

        return {"images": self.listed, **({"images_not_listed": self.unlisted} if self.unlisted else {}),
                **({"ocr": True, "ocr_engine": ocr.engine_name()} if self.read_by_ocr else {})}

    def _not_read(self, name: str, why: str) -> None:
        self._list({"image": name, "ocr": False, "why": why})

    def _list(self, entry: dict) -> None:
        if len(self.listed) < MAX_LISTED:
            self.listed.append(entry)
        else:
            self.unlisted += 1


def tables_are_images(document: Document) -> str | None:
    """Why a document whose statistics could not be read failed, when it holds pictures
    not read, or read without a table: the message naming them, else ``None``."""
    listed = document.details.get("images", [])
    missed = [entry for entry in listed if not entry["ocr"] or not entry["tables"]]
    more = document.details.get("images_not_listed", 0)
    if not missed and not more:
        return None
    named = "; ".join(f"{entry['image']}: {entry['why'] if not entry['ocr'] else 'read by OCR, no table in it'}"
                      for entry in missed[:NAMED_IN_MESSAGE])
    others = len(missed) - NAMED_IN_MESSAGE + more
    count = len(missed) + more
    return (f"the statistics tables are images: {count} picture{'s' if count != 1 else ''} not read or holding "
            f"no table ({named}{f'; {others} more' if others > 0 else ''})")


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
