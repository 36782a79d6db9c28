"""Scans (.png, .jpg, .tif, and PDF pages without a text layer), read by OCR.

RapidOCR reads the text with the models shipped in its wheel (nothing is
downloaded). Ruled tables are found in the image itself: long horizontal and
vertical strokes (OpenCV), each cell a region they enclose, so merged cells stay
one cell. An OCR box goes to the cell holding its centre; other boxes make the
prose lines. A multi-frame image (TIFF) is one page per frame; a long image
(pages stacked, as reports circulate on social media) is one tall page, read a
page-high piece at a time. A page fed askew (a few degrees either way) is
first turned level (``deskewed``): ``details["deskew_degrees"]`` says by how much.

A table cell without Chinese text is a value cell: its ink is read again with
the recogniser restricted to the characters of numbers and blank markers
(``VALUE_CHARS``), so that "0" is not weighed against "O"; its confidence is the
lowest probability of any of its characters within that alphabet. A value cell
read below ``MIN_CONFIDENCE``, or not as a clean number or blank marker, is
emitted as ``UNREADABLE_CELL``: the mapping step leaves it null with a note, and
``details["low_confidence_cells"]`` says where, what was read and how surely.

The engine's answers (text boxes of a piece of page, the value cells re-read) are
kept on disk when the environment variable ``OGI_OCR_CACHE`` names a folder (the
tests set it), and served again only for the same pixels, engine and code
(``ocr_cache``); everything else here runs on every reading.
"""
from __future__ import annotations

import io
import json
import re
import unicodedata
import warnings
from functools import cache
from importlib.metadata import version
from pathlib import Path
from statistics import median

import cv2
import numpy as np
from PIL import Image

from toolkit.errors import DamagedFile, ImageTooLarge
from toolkit.readers import Document, ocr_cache
from toolkit.readers.grid import UNREADABLE_CELL
from toolkit.readers.pages import Grid, Line, to_document
from toolkit.readers.pictures import UNDECODABLE

MIN_CONFIDENCE = 0.9
VALUE_CHARS = "0123456789.,-+/—"
PDF_DPI = 150  # pages of an image-only PDF are rendered at this resolution
MAX_RENDER_PIXELS = 40_000_000  # a PDF page is rendered within this many pixels (A4 at 150 dpi: 2.1 M)
MIN_DPI = 72  # a page that fits MAX_RENDER_PIXELS only below this resolution is not rendered
MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS  # an image frame larger than this (89 M) is not decoded
MAX_FRAMES = 50  # frames of a multi-frame image (TIFF) read; the rest are skipped with a note
MAX_WIDTH = 1300  # wider images are scaled down first (pixels): about 150 dpi for A4
INK_SHARE = 0.004  # a cell interior darker than this share holds something
BATCH = 16  # value cells recognised together
DETECTION_SIDE = 1280  # text is found on pieces scaled to at most this many pixels
SKEW_LIMIT = 4.0  # degrees searched either way for the angle a page was fed askew
SKEW_STEP = 0.1
MIN_SKEW = 0.15  # pages askew by less are read as they are (degrees)
SKEW_WIDTH = 640  # the angle is searched on the ink scaled to this width (pixels)
_CJK = re.compile(r"[\u3400-\u9fff]")
_VALUE = re.compile(r"^(?:[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?|[-—/]{1,2}|无)$")


def read(path: Path, data: bytes) -> Document:
    """Read an image file: every frame is a page, decoded one at a time; at most ``MAX_FRAMES``."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageTooLarge(path, f"the image is too large to decode ({error})") from error
        except UNDECODABLE as error:
            if isinstance(error, ValueError) and "too large" in str(error).lower():  # a PNG text chunk bomb
                raise ImageTooLarge(path, f"the image holds more than is decoded ({error})") from error
            raise DamagedFile(path, f"the image cannot be decoded ({error})") from error
        frames = _Frames(path, image)
        blocks, found = read_pages(frames)
    details = {"pages": frames.count, **_details(), **found}
    if frames.skipped:
        details["notes"] = [f"the image has more than {MAX_FRAMES} frames: only the first {MAX_FRAMES} were read"]
    return to_document(blocks, format="image", extractor=engine_name(), details=details)


class _Frames:
    """The frames of an image, each decoded in grey only when it is read (a TIFF of many
    pages is never decoded whole); ``count`` frames read, ``skipped`` when more were left."""

    def __init__(self, path: Path, image: Image.Image):
        self.path, self.image, self.count, self.skipped = path, image, 0, False

    def __iter__(self):
        for number in range(1, MAX_FRAMES + 2):
            try:
                self.image.seek(number - 1)
            except EOFError:
                return
            except UNDECODABLE as error:
                raise DamagedFile(self.path, f"frame {number} of the image cannot be decoded ({error})") from error
            if number > MAX_FRAMES:
                self.skipped = True
                return
            _check_size(self.path, self.image, number)
            try:
                gray = np.asarray(self.image.convert("L"))
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
                raise ImageTooLarge(self.path, f"the image is too large to decode ({error})") from error
            except UNDECODABLE as error:
                raise DamagedFile(self.path, f"the image cannot be decoded ({error})") from error
            self.count = number
            yield number, gray


def _check_size(path: Path, image: Image.Image, number: int) -> None:
    """Refuse, before decoding, a frame of more than ``MAX_IMAGE_PIXELS`` (Pillow checks only the first)."""
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise ImageTooLarge(path, f"frame {number} is {width:,}×{height:,} pixels, more than "
                                  f"{MAX_IMAGE_PIXELS / 1e6:.0f} megapixels: not decoded")


def read_pdf_pages(data: bytes, numbers: list[int], path: Path | str = "") -> tuple[list, dict]:
    """Blocks of the given (1-based) PDF pages, rendered and read by OCR, and the OCR details.
    A page is rendered at ``PDF_DPI``, or lower to stay within ``MAX_RENDER_PIXELS``; one that
    would then fall under ``MIN_DPI`` is refused (``ImageTooLarge``) before anything is rendered."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        scales = {}
        for n in numbers:
            width, height = document[n - 1].get_size()  # points
            scale = min(PDF_DPI / 72, (MAX_RENDER_PIXELS / max(width * height, 1)) ** 0.5)
            if scale < MIN_DPI / 72:
                raise ImageTooLarge(path, f"page {n} is {width / 72:,.0f}×{height / 72:,.0f} inches: more than "
                                          f"{MAX_RENDER_PIXELS / 1e6:.0f} megapixels at {MIN_DPI} dpi, not rendered")
            scales[n] = scale
        rendered = ((n, np.asarray(document[n - 1].render(scale=scales[n], grayscale=True).to_pil().convert("L")))
                    for n in numbers)
        blocks, found = read_pages(rendered)
    finally:
        document.close()
    return blocks, {**_details(), "ocr_pages": numbers, **found}


def read_pages(pages) -> tuple[list, dict]:
    """Blocks of (page number, grey uint8 image) pairs, each page scaled to at most
    ``MAX_WIDTH`` and turned level first, and the angle each page was turned by."""
    blocks, angles = [], []
    for number, gray in pages:
        if gray.shape[1] > MAX_WIDTH:
            height = max(1, round(gray.shape[0] * MAX_WIDTH / gray.shape[1]))
            gray = cv2.resize(gray, (MAX_WIDTH, height), interpolation=cv2.INTER_AREA)
        gray, angle = deskewed(gray)
        blocks += page_blocks(gray, number)
        angles.append(angle)
    return blocks, {"deskew_degrees": angles}


def deskewed(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The page turned level (white where the turn uncovers the canvas), and by
    how many degrees it was askew (counter-clockwise; 0.0 when left as it is)."""
    angle = skew_degrees(_ink(gray))
    if abs(angle) <= MIN_SKEW:
        return gray, 0.0
    height, width = gray.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    cos, sin = abs(turn[0, 0]), abs(turn[0, 1])
    size = (round(height * sin + width * cos), round(height * cos + width * sin))
    turn[:, 2] += ((size[0] - width) / 2, (size[1] - height) / 2)
    return cv2.warpAffine(gray, turn, size, flags=cv2.INTER_LINEAR, borderValue=255), angle


def skew_degrees(ink: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise, within ``SKEW_LIMIT``) under which the
    rules and text lines are level: the one whose ink profile along the rows is
    sharpest, searched in ``SKEW_STEP`` steps on the ink scaled down."""
    if ink.shape[1] > SKEW_WIDTH:
        height = max(1, round(ink.shape[0] * SKEW_WIDTH / ink.shape[1]))
        ink = cv2.resize(ink, (SKEW_WIDTH, height), interpolation=cv2.INTER_AREA)
    ys, xs = np.nonzero(ink)
    if ys.size < 2 * ink.shape[1]:  # about two lines of ink: nothing to level
        return 0.0
    weights = ink[ys, xs].astype(np.float64)
    xs = xs - ink.shape[1] / 2
    angles = np.arange(-SKEW_LIMIT, SKEW_LIMIT + SKEW_STEP / 2, SKEW_STEP)
    sharpness = []
    for angle in angles:
        rows = np.round(ys + xs * np.tan(np.radians(angle)))
        profile = np.bincount((rows - rows.min()).astype(np.int64), weights=weights)
        sharpness.append(profile @ profile)
    return round(float(angles[int(np.argmax(sharpness))]), 1)


def page_blocks(gray: np.ndarray, page: int) -> list:
    """One upright page image (grey, uint8) to prose lines and table grids."""
    ink = _ink(gray)
    boxes = _ocr(gray, ink)
    text_height = median([b[3] - b[1] for b in boxes]) if boxes else 20
    blocks, used = [], set()
    for top, cells in _tables(ink, text_height):
        grid, inside = _grid(page, top, cells, boxes, gray, ink, text_height)
        blocks.append(grid)
        used |= inside
    return blocks + _lines(page, [b for i, b in enumerate(boxes) if i not in used])


def _ink(gray: np.ndarray) -> np.ndarray:
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def _ocr(gray: np.ndarray, ink: np.ndarray) -> list[tuple]:
    """OCR boxes as (x0, y0, x1, y1, text, score), read a page-high piece at a time."""
    boxes = []
    for start, stop in _pieces(ink):
        found = _remembered("text", [gray[start:stop]], {}, _find_text)  # DETECTION_SIDE: in the engine's configuration
        texts = json.loads(found["texts"].tobytes())
        boxes += [(x0, y0 + start, x1, y1 + start, unicodedata.normalize("NFKC", text), score)
                  for (x0, y0), (x1, y1), text, score in
                  zip(found["corners"].min(axis=1), found["corners"].max(axis=1), texts, found["scores"].tolist())]
    return boxes


def _find_text(pieces: list[np.ndarray]) -> dict[str, np.ndarray]:
    """RapidOCR on one piece of a page: each text box's four corners, its text (JSON, as
    bytes) and its score."""
    result = _engine()(np.dstack([pieces[0]] * 3))
    found = result.boxes is not None
    return {"corners": result.boxes if found else np.zeros((0, 4, 2), np.float32),
            "texts": np.frombuffer(json.dumps(list(result.txts) if found else []).encode(), np.uint8),
            "scores": np.array([float(score) for score in result.scores] if found else [], np.float64)}


def _remembered(kind: str, arrays: list[np.ndarray], parameters: dict, compute) -> dict[str, np.ndarray]:
    """``compute(arrays)``, the engine's answer: kept on disk when ``OGI_OCR_CACHE`` names a
    folder (``ocr_cache``), unless ``_engine`` or ``compute`` is not this module's own (a
    test's stand-in), whose answers are neither kept nor served."""
    if _engine is not _ENGINE or compute is not _OWN.get(kind):
        return compute(arrays)
    return ocr_cache.remembered(kind, arrays, parameters, compute, _engine())


def _pieces(ink: np.ndarray) -> list[tuple[int, int]]:
    """Rows of a long image cut into pieces about a page high (width × √2), each
    cut in a band without ink, so that no line of text or table is cut."""
    height, page = ink.shape[0], int(ink.shape[1] * 2 ** 0.5)
    blank = np.flatnonzero(np.count_nonzero(ink, axis=1) == 0)
    cuts, start = [], 0
    while height - start > 1.25 * page:
        inside = blank[(blank > start + page // 2) & (blank <= start + page)]
        after = blank[blank > start + page]
        cut = inside[-1] if inside.size else after[0] if after.size else height
        cuts.append((start, cut))
        start = cut
    return cuts + [(start, height)] if start < height else cuts


def _tables(ink: np.ndarray, text_height: float) -> list[tuple[int, list]]:
    """Ruled tables: (top, cell boxes), a cell being a region enclosed by rules."""
    along = cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(3 * text_height), 10), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(int(1.3 * text_height), 10)))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, along) | cv2.morphologyEx(ink, cv2.MORPH_OPEN, down)
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(rules)
    tables = []
    for x, y, w, h, _ in stats[1:count]:
        if w < 10 * text_height or h < 2 * text_height:
            continue
        n, _, cells, _ = cv2.connectedComponentsWithStats(255 - rules[y:y + h, x:x + w], connectivity=4)
        found = [(x + cx, y + cy, x + cx + cw, y + cy + ch) for cx, cy, cw, ch, _ in cells[1:n]
                 if cx > 0 and cy > 0 and cx + cw < w and cy + ch < h and min(cw, ch) > text_height / 3]
        if len(found) > 1:
            tables.append((y, found))
    return tables


def _grid(page, top, cells, boxes, gray, ink, text_height) -> tuple[Grid, set]:
    """Cells to full-width rows (``None`` under a merged cell) with their text and
    score; value cells re-read (``_read_values``); doubtful ones left unread."""
    columns = _edges([c[0] for c in cells] + [c[2] for c in cells], text_height)
    rows = _edges([c[1] for c in cells] + [c[3] for c in cells], text_height)
    width = len(columns) - 1
    grid = Grid(page, top, [[None] * width for _ in rows[:-1]], "rapidocr", [[None] * width for _ in rows[:-1]])
    used, values = set(), []
    for x0, y0, x1, y1 in cells:
        r, c = _nearest(rows, y0), _nearest(columns, x0)
        inside = [i for i, b in enumerate(boxes) if x0 <= (b[0] + b[2]) / 2 <= x1 and y0 <= (b[1] + b[3]) / 2 <= y1]
        used |= set(inside)
        ordered = sorted((boxes[i] for i in inside), key=lambda b: (round((b[1] + b[3]) / 2 / text_height), b[0]))
        grid.rows[r][c] = "".join(b[4].replace(" ", "") for b in ordered)
        grid.confidence[r][c] = min((b[5] for b in ordered), default=None)
        crop = _ink_crop(gray, ink, x0, y0, x1, y1)
        if not _CJK.search(grid.rows[r][c]) and crop is not None:
            values.append((r, c, crop))
    for (r, c, _), (text, score) in zip(values, _read_values([crop for _, _, crop in values])):
        grid.rows[r][c], grid.confidence[r][c] = text, score
    for r, c in _doubtful(grid.rows, grid.confidence):
        grid.doubts.append((r, c, grid.rows[r][c], grid.confidence[r][c] or 0.0))
        grid.rows[r][c] = UNREADABLE_CELL
    return grid, used


def _doubtful(rows: list, confidence: list) -> list[tuple[int, int]]:
    """Value cells read below ``MIN_CONFIDENCE`` or not as a value, and cells read as
    words where a value stands (a value column of a row holding values)."""
    value = lambda text: bool(text and _VALUE.match(text))
    holding = [r for r, row in enumerate(rows) if any(map(value, row))]
    columns = [c for c in range(len(rows[0]))
               if 2 * sum(value(rows[r][c]) for r in holding) >= sum(bool(rows[r][c]) for r in holding) > 0]
    return [(r, c) for r in holding for c in columns
            if rows[r][c] and (not value(rows[r][c]) or (confidence[r][c] or 0) < MIN_CONFIDENCE)]


def _ink_crop(gray, ink, x0, y0, x1, y1, margin: int = 3) -> np.ndarray | None:
    """The inked part of a cell's interior (padded), or ``None`` for a blank cell."""
    interior = ink[y0 + margin:y1 - margin, x0 + margin:x1 - margin]
    if interior.size == 0 or np.count_nonzero(interior) <= INK_SHARE * interior.size:
        return None
    ys, xs = np.nonzero(interior)
    return gray[y0 + ys.min():y0 + ys.max() + 2 * margin + 1, x0 + xs.min():x0 + xs.max() + 2 * margin + 1]


def _read_values(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Each crop read as one line within ``VALUE_CHARS``: (text, lowest character probability)."""
    if not crops:
        return []
    found = _remembered("values", crops, {"chars": VALUE_CHARS, "batch": BATCH}, _recognise_values)
    return list(zip(json.loads(found["texts"].tobytes()), found["scores"].tolist()))


def _recognise_values(crops: list[np.ndarray]) -> dict[str, np.ndarray]:
    """``_read_values``' answer: the texts (JSON, as bytes) and the scores."""
    recogniser = _engine()._load_rec_model()
    characters = recogniser.postprocess_op.character  # index 0 is the CTC blank
    allowed = np.array([0] + [i for i, ch in enumerate(characters) if ch in VALUE_CHARS])
    order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
    found = {}
    for start in range(0, len(order), BATCH):
        batch = order[start:start + BATCH]
        ratio = max(4 / 3, *(crops[i].shape[1] / crops[i].shape[0] for i in batch))
        images = np.stack([recogniser.resize_norm_img(np.dstack([crops[i]] * 3), ratio) for i in batch])
        probs = recogniser.session(images)[:, :, allowed]
        probs /= probs.sum(axis=2, keepdims=True)
        for i, line in zip(batch, probs):
            best, sure = line.argmax(axis=1), line.max(axis=1)
            keep = [t for t in range(len(best)) if best[t] != 0 and (t == 0 or best[t] != best[t - 1])]
            found[i] = ("".join(characters[allowed[best[t]]] for t in keep), float(min(sure[keep], default=0.0)))
    return {"texts": np.frombuffer(json.dumps([found[i][0] for i in range(len(crops))]).encode(), np.uint8),
            "scores": np.array([found[i][1] for i in range(len(crops))], np.float64)}


def _edges(positions: list, tolerance: float) -> list[float]:
    """Positions clustered within ``tolerance / 2``, each cluster's mean."""
    clusters: list[list] = []
    for position in sorted(positions):
        if clusters and position - clusters[-1][-1] <= tolerance / 2:
            clusters[-1].append(position)
        else:
            clusters.append([position])
    return [sum(c) / len(c) for c in clusters]


def _nearest(edges: list, position: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - position))


def _lines(page: int, boxes: list) -> list[Line]:
    """Boxes outside tables grouped into lines by vertical overlap, left to right."""
    lines: list[list] = []
    for box in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        if lines and lines[-1][-1][1] <= (box[1] + box[3]) / 2 <= lines[-1][-1][3]:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [Line(page, min(b[1] for b in line), " ".join(b[4] for b in sorted(line)), min(b[5] for b in line),
                 size=median(b[3] - b[1] for b in line), bottom=max(b[3] for b in line)) for line in lines]


@cache
def _engine():
    """RapidOCR for upright pages: every box kept (``_doubtful`` judges scores), a
    narrow minimum crop (most boxes are short numbers), one thread per process."""
    from rapidocr import RapidOCR

    return RapidOCR(params={
        "Global.log_level": "error", "Global.use_cls": False, "Global.text_score": 0.0,
        "Global.use_preprocess_img": False, "Det.limit_type": "max", "Det.limit_side_len": DETECTION_SIDE,
        "Rec.rec_img_shape": [3, 48, 64], "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    })


_ENGINE = _engine  # the engine the kept answers come from, and the code that asks it (``_remembered``)
_OWN = {"text": _find_text, "values": _recognise_values}


def engine_name() -> str:
    return f"rapidocr {version('rapidocr')} (PP-OCRv6 small, onnxruntime {version('onnxruntime')})"


def _details() -> dict:
    return {"ocr": True, "ocr_engine": engine_name(), "low_confidence_below": MIN_CONFIDENCE}
