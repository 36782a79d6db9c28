"""Project paths, from this file's place in the repository."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
CORRECTIONS = ROOT / "data" / "corrections.csv"
