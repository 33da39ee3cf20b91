"""Plant known values, run every command and format, and assert none of them comes back out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.e2e.pipeline import PLANTED


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clearance", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_no_planted_value_in_any_output(tmp_path: Path) -> None:
    data = tmp_path / "in"
    data.mkdir()
    (data / "people.csv").write_text(
        "name,email,card,ssn,iban,phone\n"
        f'{PLANTED["name"]},{PLANTED["email"]},{PLANTED["card"]},{PLANTED["ssn"]},{PLANTED["iban"]},"{PLANTED["phone"]}"\n'
    )
    (data / "notes.txt").write_text(
        f"Ticket from {PLANTED['name']}: SSN {PLANTED['ssn']}, key {PLANTED['aws']}\n"
        f"export GITHUB_TOKEN={PLANTED['github']}\n"
    )
    (data / "docs.jsonl").write_text(
        json.dumps({"id": 1, "text": f"mail {PLANTED['email']}"}) + "\n"
    )
    (data / "broken.csv").write_text(f'a,b\n"{PLANTED["ssn"]},1\n')
    out = tmp_path / "out"
    out.mkdir()  # an output under a missing folder is refused (exit 3), never created
    runs = [
        _run("scan", str(data), "-f", fmt, "-o", str(out / f"r.{fmt}"), cwd=tmp_path)
        for fmt in ("json", "sarif", "markdown", "terminal")
    ]
    runs.append(_run("scan", str(data), cwd=tmp_path))
    runs.append(_run("detect", str(data / "notes.txt"), "-o", str(out / "d.jsonl"), cwd=tmp_path))
    runs.append(_run("detect", str(data / "docs.jsonl"), cwd=tmp_path))
    (data / "reviews.jsonl").write_text(
        json.dumps({"name": PLANTED["name"], "text": f"I am {PLANTED['name']}, {PLANTED['email']}"})
        + "\n"
    )
    audit_outputs = [f"--output={out / name}" for name in ("a.json", "a.md", "a.html")]
    runs.append(_run("audit", str(data), *audit_outputs, cwd=tmp_path))
    runs.append(
        _run("audit", "--db", f"postgresql://u:{PLANTED['ssn']}@127.0.0.1:9/x", cwd=tmp_path)
    )
    texts = [r.stdout + r.stderr for r in runs] + [p.read_text() for p in out.iterdir()]
    assert any("EMAIL_ADDRESS" in t for t in texts)
    for text in texts:
        for kind, value in PLANTED.items():
            assert value not in text, f"{kind} leaked"
            assert value.replace(" ", "") not in text, f"{kind} leaked"
    assert {p.name for p in out.iterdir()} >= {"a.json", "a.md", "a.html"}
    # each run ends as documented, never an internal error: the scans skip broken.csv (3), the
    # detections succeed (0), the audit's gate fails (1), the database is unreachable (6)
    expected = [3, 3, 3, 3, 3, 0, 0, 1, 6]
    assert [r.returncode for r in runs] == expected, [r.stderr for r in runs]
