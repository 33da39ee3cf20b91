"""Fresh-venv installs of the built wheel, one per extra (``pytest -m install``).

The wheel is built once per session from a copy of the checkout (so no ``build/`` or
``*.egg-info`` is left in it); each test makes a new virtual environment without system site
packages, installs ``clearance[EXTRA]`` from that wheel with its dependencies from the package
index (pip's cache is reused), and runs the installed ``clearance`` with ``PYTHONPATH`` removed,
so the checkout's ``src/`` can never stand in for what the wheel lacks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# One install may fetch torch (about 200 MB) on a cold cache; a command is a smoke run.
INSTALL_TIMEOUT_S = 900
COMMAND_TIMEOUT_S = 300


def _env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}
    }
    env.update(
        CLEARANCE_KEY="install-test-key-0123456789",
        CLEARANCE_WORKERS="1",  # a smoke run starts no worker processes
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
    )
    return env


@dataclass(frozen=True)
class Venv:
    """A virtual environment holding one installed extra; ``cwd`` is the test's folder."""

    path: Path
    cwd: Path

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    def run(
        self, *args: str | Path, timeout: float = COMMAND_TIMEOUT_S
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args],
            cwd=self.cwd,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def clearance(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return self.run(self.path / "bin" / "clearance", *args)

    def script(self, code: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
        done = self.run(self.python, "-c", code, *args)
        assert done.returncode == 0, done.stderr
        return done


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # named "clearance", not "src": setuptools cannot build a project folder called src
    source = tmp_path_factory.mktemp("build") / "clearance"
    shutil.copytree(
        ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    dist = source.parent / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist)]
    built = subprocess.run(
        [*command, str(source)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT_S,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (found,) = dist.glob("clearance-*.whl")
    return found


@pytest.fixture
def install(wheel: Path, tmp_path: Path) -> Callable[[str | None], Venv]:
    """``install("llm")``: a new venv with ``clearance[llm]`` alone (``None``: no extra)."""

    def make(extra: str | None) -> Venv:
        env = Venv(tmp_path / "venv", tmp_path / "work")
        env.cwd.mkdir()
        venv.EnvBuilder(with_pip=True, clear=True).create(env.path)
        requirement = f"clearance{f'[{extra}]' if extra else ''} @ {wheel.as_uri()}"
        done = env.run(
            env.python, "-m", "pip", "install", "--quiet", requirement, timeout=INSTALL_TIMEOUT_S
        )
        assert done.returncode == 0, done.stderr
        where = env.script("import clearance; print(clearance.__file__)").stdout.strip()
        assert Path(where).is_relative_to(env.path), where  # the wheel, not the checkout
        return env

    return make
