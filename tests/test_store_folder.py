"""toolkit.load() and connect() find the processed tables: a folder argument, the OGI_DATA
environment variable, the repository's data/processed; otherwise an error that says how."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import toolkit
from toolkit import store

from conftest import ROOT


@pytest.fixture
def folder(tmp_path):
    """A processed folder with one table, as ``python -m toolkit extract --out`` leaves it."""
    out = tmp_path / "processed"
    out.mkdir()
    pd.DataFrame({"report": ["a"], "not_held_share": [0.25]}).to_parquet(out / "panel.parquet")
    store.build_database(out)
    return out


@pytest.fixture
def installed_elsewhere(tmp_path, monkeypatch):
    """As after a plain ``pip install``: no data/processed beside the package, OGI_DATA unset."""
    monkeypatch.delenv("OGI_DATA", raising=False)
    monkeypatch.setattr(store, "PROCESSED", tmp_path / "site-packages" / "data" / "processed")
    monkeypatch.setattr(store, "IN_REPOSITORY", False)


def test_a_folder_argument_and_its_older_name(folder):
    assert toolkit.load("panel", folder=folder)["not_held_share"].tolist() == [0.25]
    assert toolkit.load("panel", folder)["report"].tolist() == ["a"]
    assert list(toolkit.load(processed=folder)) == ["panel"]  # the older keyword keeps working
    with toolkit.connect(folder=folder) as con:
        assert con.execute("select not_held_share from panel").fetchone() == (0.25,)
    with pytest.raises(TypeError, match="once"):
        toolkit.load("panel", folder=folder, processed=folder)


def test_the_environment_variable_points_at_the_data(folder, installed_elsewhere, monkeypatch):
    monkeypatch.setenv("OGI_DATA", str(folder))
    assert toolkit.load("panel")["not_held_share"].tolist() == [0.25]
    with toolkit.connect() as con:
        assert con.execute("select count(*) from panel").fetchone() == (1,)


def test_the_folder_argument_wins_over_the_environment_variable(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("OGI_DATA", str(tmp_path / "elsewhere"))
    assert len(toolkit.load("panel", folder=folder)) == 1


def test_nothing_found_says_how_to_point_at_the_data(installed_elsewhere):
    for call in (lambda: toolkit.load("panel"), lambda: toolkit.connect()):
        with pytest.raises(store.DataNotFound) as error:
            call()
        message = str(error.value)
        assert 'folder="path/to/data/processed"' in message and "OGI_DATA=" in message
        assert "not inside the repository" in message
    assert issubclass(store.DataNotFound, FileNotFoundError)


def test_a_wrong_folder_or_an_empty_one_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("OGI_DATA", str(tmp_path / "typo"))
    with pytest.raises(store.DataNotFound, match=r"OGI_DATA is .*typo, which is not a folder"):
        toolkit.load("panel")
    (tmp_path / "empty").mkdir()
    with pytest.raises(store.DataNotFound, match=r"no tables \(\*\.parquet\) in .*empty"):
        toolkit.load("panel", folder=tmp_path / "empty")
    with pytest.raises(store.DataNotFound, match="no database ogi.duckdb"):
        toolkit.connect(tmp_path / "empty")


def test_a_missing_table_is_a_readable_key_error(folder):
    with pytest.raises(KeyError) as error:
        toolkit.load("pannel", folder=folder)
    assert str(error.value).startswith("no table 'pannel' in ") and str(error.value).endswith("there are: panel")


def test_the_package_outside_the_repository_reads_ogi_data(folder, tmp_path):
    """The package copied away from the repository (as pip installs it, into site-packages):
    with OGI_DATA it loads the tables; without, it says how to point at them."""
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "toolkit", site / "toolkit", ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import toolkit\n"
            "try:\n    print(len(toolkit.load('panel')))\n"
            "except FileNotFoundError as error:\n    print('ERROR', error)\n")
    env = {k: v for k, v in os.environ.items() if k not in ("OGI_DATA", "PYTHONPATH")}

    def run(**extra):
        return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                              env={**env, "PYTHONPATH": str(site), **extra}, check=True).stdout

    assert run(OGI_DATA=str(folder)) == "1\n"
    without = run()
    assert without.startswith("ERROR no processed data") and "OGI_DATA" in without and "folder=" in without
