"""The card as PDF: its HTML printed by Debian's headless Chromium; without one, exit 5 naming
it. The printing test skips where no Chromium is installed (never downloaded)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clearance.cards.build import build_card_paths
from clearance.cards.render import render_to
from clearance.errors import BackendUnavailableError
from tests.cards.conftest import Evidence, complete_card, write_card

CHROMIUM = Path(os.environ.get("CLEARANCE_CHROMIUM") or "/usr/bin/chromium")


def test_pdf_is_printed_by_chromium(evidence: Evidence, tmp_path: Path) -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    card = build_card_paths(
        write_card(tmp_path / "c.yaml", complete_card("ecoa")), [evidence.fairness]
    )
    pdf = render_to(card, tmp_path / "card.pdf", chromium=CHROMIUM)
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-") and len(pdf) > 10_000


def test_pdf_without_chromium_is_backend_unavailable(tmp_path: Path) -> None:
    card = build_card_paths(write_card(tmp_path / "c.yaml", complete_card("ecoa")), [])
    with pytest.raises(BackendUnavailableError, match="chromium"):
        render_to(card, tmp_path / "card.pdf", chromium=tmp_path / "no-chromium")
    with pytest.raises(BackendUnavailableError, match="chromium"):
        render_to(card, tmp_path / "card.pdf")
