"""A classroom's way in: `make lab`, the conda environment, and README steps that run the
same commands as the Makefile."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib

import pytest
import yaml

from conftest import ROOT

MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def classroom() -> str:
    """The README's "In a classroom" section."""
    match = re.search(r"^## In a classroom\n(.*?)(?=^## )", README, flags=re.S | re.M)
    assert match, "README has no 'In a classroom' section"
    return match.group(1)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_starts_jupyterlab_on_the_notebooks_from_the_venv():
    alone = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}  # not under `make test`
    make = ["make", "--no-print-directory"]
    dry = subprocess.run([*make, "-n", "lab"], cwd=ROOT, env=alone, capture_output=True, text=True, check=True).stdout
    assert dry.strip().splitlines()[-1] == ".venv/bin/python -m jupyter lab notebooks"
    helps = subprocess.run([*make, "help"], cwd=ROOT, env=alone, capture_output=True, text=True, check=True).stdout
    assert re.search(r"^lab\t", helps, flags=re.M)
    assert "lab" in re.search(r"^\.PHONY:(.*)$", MAKEFILE, flags=re.M).group(1).split()
    assert re.search(r"^lab: \$\(INSTALLED\)", MAKEFILE, flags=re.M)


def test_the_conda_environment_installs_this_package_from_pyproject():
    pip = next(d["pip"] for d in ENVIRONMENT["dependencies"] if isinstance(d, dict))
    assert pip == ["-e .[dev]"]
    python = next(d for d in ENVIRONMENT["dependencies"] if isinstance(d, str) and d.startswith("python="))
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert requires == ">=3.11" and tuple(map(int, python.split("=")[1].split("."))) >= (3, 11)
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["dev"]
    assert any(d.startswith("ipykernel") for d in dev)  # the notebooks' kernel


def test_the_classroom_steps_create_activate_extract_and_open_the_notebooks():
    text = classroom()
    assert "conda env create -f environment.yml" in text
    assert f"conda activate {ENVIRONMENT['name']}" in text
    assert "jupyter lab notebooks" in text
    assert "macOS" in text and "Windows" in text
    assert "OGI_DATA" in text and 'folder="path/to/data/processed"' in text


def test_the_classroom_builds_data_without_make_with_the_makefiles_own_commands():
    sample = re.search(r"^SAMPLE := \$\(addprefix data/raw/,(.*?)\)$", MAKEFILE, flags=re.M | re.S).group(1)
    files = " ".join(f"data/raw/{name}" for name in sample.replace("\\\n", " ").split())
    recipe = re.search(r"^extract:.*?\n((?:\t.*\n)+)", MAKEFILE, flags=re.M).group(1)
    commands = re.findall(r"^\t\$\(BIN\)/python (-m toolkit extract .*?)(?:;.*)?$", recipe, flags=re.M)
    assert len(commands) == 2
    text = classroom()
    for command in commands:
        expected = "python " + command.replace("$(SAMPLE)", files).strip()
        assert expected in " ".join(text.split()), expected
