"""A non-editable install carries problems, rubrics, prompts and reference sheets inside the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    [wheel] = out.glob("mockint-*.whl")
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    return target


def test_wheel_contains_the_content(installed_wheel: Path) -> None:
    content = installed_wheel / "mockint" / "_content"
    assert len(list((content / "problems").glob("*.toml"))) >= 24
    assert (content / "rubrics" / "system-design.toml").exists()
    assert list((content / "prompts").glob("*.md"))
    assert (content / "reference" / "concepts.toml").exists()


def test_installed_package_finds_its_content(installed_wheel: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(installed_wheel), "MOCKINT_HOME": str(tmp_path)}
    code = (
        "import json, mockint, mockint.content.loader as L;"
        "lib = L.load_library();"
        "print(json.dumps({'file': mockint.__file__, 'root': str(L.builtin_root()),"
        " 'problems': len(lib.problems), 'errors': [str(i) for i in lib.errors]}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(done.stdout)
    assert info["file"].startswith(str(installed_wheel))
    assert info["root"].startswith(str(installed_wheel))
    assert info["problems"] >= 24 and info["errors"] == []
