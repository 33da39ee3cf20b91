"""``scripts/demo`` run with a stand-in ``python3`` (no install): its last lines say how to run
clearance from a new shell, where ``.venv/bin`` is not on PATH."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Stand-in python3: `-m venv .venv` makes a .venv whose python accepts anything and whose
# clearance prints one line, as the real demo would.
_PYTHON3 = """#!/usr/bin/env bash
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/usr/bin/env bash\\nexit 0\\n' > "$3/bin/python"
  printf '#!/usr/bin/env bash\\necho "clearance $*"\\n' > "$3/bin/clearance"
  chmod +x "$3/bin/python" "$3/bin/clearance"
fi
"""


def test_demo_ends_by_saying_how_to_run_clearance(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "demo", repo / "scripts" / "demo")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python3"
    fake.write_text(_PYTHON3)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", str(repo / "scripts" / "demo")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "clearance demo --out clearance-demo"
    tail = "\n".join(lines[-4:])
    assert f". {repo}/.venv/bin/activate" in tail
    assert f"{repo}/.venv/bin/clearance --help" in tail


def test_readme_says_how_to_run_clearance_after_the_demo() -> None:
    setup = (REPO / "README.md").read_text().split("## Commands", 1)[0]
    assert ". .venv/bin/activate" in setup and ".venv/bin/clearance" in setup
    assert "on purpose" in setup
