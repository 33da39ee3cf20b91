"""The scan report the registry and scan renderer tests share: a table and a source file with
a PII value and a secret, scanned with the key tests/conftest.py sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.privacy import Fingerprinter
from clearance.scan import scan_paths

FP = Fingerprinter(b"test-key-0123456789")  # the key tests/conftest.py sets


@pytest.fixture
def report(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "t.csv").write_text("id,email,note\n1,jane.doe@example.com,call (212) 555-0187\n")
    (tmp_path / "app.py").write_text('TOKEN = "ghp_8sXq2ZrT6vN1mKpL0aYwC3dE5fG7hJ9kQbRt"\n')
    return scan_paths([tmp_path], fingerprinter=FP)
