"""The card's HTML page printed to PDF by a headless Chromium (Debian's ``chromium``; never a
downloaded browser). Optional: without the browser a ``.pdf`` output is exit 5, naming it."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from clearance.errors import BackendUnavailableError

HINT = "PDF output needs a Chromium executable (Debian: apt-get install chromium)"


def html_to_pdf(html: str, chromium: Path, timeout: float = 120.0) -> bytes:
    """``html`` (a self-contained page: no script, nothing fetched) printed by ``chromium``."""
    if not (chromium.is_file() and os.access(chromium, os.X_OK)):
        raise BackendUnavailableError("chromium", f"{HINT}; none at {chromium}")
    with tempfile.TemporaryDirectory(prefix="clearance-pdf-") as tmp:
        page, out = Path(tmp) / "card.html", Path(tmp) / "card.pdf"
        page.write_text(html, "utf-8")
        args = [
            str(chromium),
            "--headless",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        # Chromium's sandbox refuses to start as root; the page is ours and runs no script
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        try:
            done = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BackendUnavailableError(
                "chromium", f"{HINT}; it failed ({type(exc).__name__})"
            ) from None
        if not out.is_file() or out.stat().st_size == 0:
            raise BackendUnavailableError(
                "chromium", f"{HINT}; it wrote no PDF (exit {done.returncode})"
            )
        return out.read_bytes()
