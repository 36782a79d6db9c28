"""Project paths, from this file's place in the repository.

Installed with a plain ``pip install`` (not ``-e``), the package is not inside the
repository: ``IN_REPOSITORY`` is False and ``PROCESSED`` does not exist; ``toolkit.load``
then takes its folder from ``folder=`` or the ``OGI_DATA`` environment variable.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IN_REPOSITORY = (ROOT / "pyproject.toml").is_file()
DATA_ENV = "OGI_DATA"  # environment variable: the processed folder toolkit.load() reads
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
CORRECTIONS = ROOT / "data" / "corrections.csv"
