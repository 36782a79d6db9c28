"""To cite: the licence, CITATION.cff and the changelog agree with the package."""
from __future__ import annotations

import re
import tomllib

import yaml

import toolkit

from conftest import ROOT

CFF_KEYS = {  # the top-level keys of the Citation File Format 1.2.0 schema
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers", "keywords",
    "license", "license-url", "message", "preferred-citation", "references", "repository", "repository-artifact",
    "repository-code", "title", "type", "url", "version",
}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_citation_file_is_cff_1_2_0_with_the_packages_version_and_licence():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert {"cff-version", "message", "title", "authors"} <= set(citation) <= CFF_KEYS
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == toolkit.__version__ == _project()["version"]
    assert citation["license"] == _project()["license"]["text"] == "MIT"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", citation["date-released"])
    assert all("name" in author or "family-names" in author for author in citation["authors"])


def test_licence_and_data_note_are_there():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    note = (ROOT / "DATA-LICENSE.md").read_text(encoding="utf-8")
    assert "public records" in note and "data/raw" in note


def test_changelog_has_an_unreleased_section_and_one_for_this_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## \[([^\]]+)\]", changelog, flags=re.MULTILINE)
    assert sections[0] == "Unreleased" and toolkit.__version__ in sections
    assert "grant_rate_incl_partial" in changelog and "data version" in changelog
