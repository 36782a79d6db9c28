"""What the OCR engine answered, kept on disk when asked (``OGI_OCR_CACHE``) and served
again only for the same pixels read by the same engine and the same code.

Reading a page by OCR is almost all model inference: RapidOCR finding and reading the
text of a piece of page, and its recogniser re-reading the value cells (``ocr``). With
the environment variable ``OGI_OCR_CACHE`` naming a folder (the test configuration sets
it to ``.pytest_cache/d/ocr``; unset or empty, nothing is kept), each answer is kept
under a key made of the input pixels (their type, shape and bytes), what the call is
(``kind`` and its parameters) and a fingerprint of everything else that decides the
answer: the versions of rapidocr, onnxruntime, OpenCV and NumPy, the bytes of the model
files and the engine's configuration (not the folder it is installed in), the machine's
architecture and the source of the toolkit's OCR modules. The toolkit's own layout code (rules, cells, confidence, doubts)
runs every time, on the answers. Answers are ``.npz`` files read without pickle; the
fingerprint names their folder, and the folders of other fingerprints are removed on
the first answer kept.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
import zipfile
from functools import cache
from importlib.metadata import version
from pathlib import Path

import numpy as np

VARIABLE = "OGI_OCR_CACHE"
PREFIX = "ocr-"  # a fingerprint's folder: ocr-<first 16 hex digits>


def folder() -> Path | None:
    """The folder ``OGI_OCR_CACHE`` names, or ``None`` (nothing kept)."""
    named = os.environ.get(VARIABLE, "").strip()
    return Path(named) if named else None


def remembered(kind: str, arrays: list[np.ndarray], parameters: dict, compute, engine) -> dict[str, np.ndarray]:
    """``compute(arrays)``'s answer (named arrays), kept and served by the key of
    ``kind``, ``parameters``, ``arrays`` and the fingerprint of ``engine``; computed and
    not kept when no folder is named."""
    root = folder()
    if root is None:
        return compute(arrays)
    stamp = fingerprint(engine)
    place = root / f"{PREFIX}{stamp[:16]}"
    digest = hashlib.sha256(json.dumps([stamp, kind, parameters], sort_keys=True).encode())
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes())
    path = place / f"{kind}-{digest.hexdigest()}.npz"
    try:
        with np.load(path, allow_pickle=False) as kept:
            return {name: kept[name] for name in kept.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):  # not kept yet, or damaged: read again
        pass
    answer = compute(arrays)
    try:
        _keep(root, place, path, answer)
    except OSError:  # a folder that cannot be written keeps nothing; the reading goes on
        pass
    return answer


def _keep(root: Path, place: Path, path: Path, answer: dict[str, np.ndarray]) -> None:
    """Write ``answer`` whole or not at all (another process may read it meanwhile)."""
    if not place.exists():
        for other in root.glob(f"{PREFIX}*"):  # answers of another engine or other code
            if other.is_dir() and other != place:
                shutil.rmtree(other, ignore_errors=True)
    place.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=place, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **answer)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@cache
def fingerprint(engine) -> str:
    """sha256 of what decides the engine's answers besides its input: library versions,
    model files, the engine's configuration, the architecture and the toolkit's OCR code."""
    from omegaconf import OmegaConf

    digest = hashlib.sha256()
    for package in ("rapidocr", "onnxruntime", "opencv-python-headless", "numpy"):
        digest.update(f"{package}=={_version(package)}\n".encode())
    digest.update(platform.machine().encode())
    models = Path(engine.cfg.Global.model_root_dir)
    for model in sorted(models.rglob("*")) if models.is_dir() else ():
        if model.is_file():
            digest.update(model.relative_to(models).as_posix().encode())
            digest.update(hashlib.sha256(model.read_bytes()).digest())
    digest.update(OmegaConf.to_yaml(engine.cfg).replace(str(models), "<models>").encode())  # not where installed
    here = Path(__file__).parent
    for source in ("ocr.py", "ocr_cache.py"):
        digest.update((here / source).read_bytes())
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return version(package)
    except Exception:  # a package installed under another name: its absence is part of the key
        return "absent"
