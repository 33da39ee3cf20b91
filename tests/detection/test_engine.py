"""The engine on texts other tools hand it: strings Polars cannot take as they are."""

from __future__ import annotations

from clearance.detection.engine import Engine


def test_a_lone_surrogate_is_read_as_a_replacement_character_offsets_kept() -> None:
    # json.loads("\"\\ud800\"") and files read with surrogateescape give such strings; Polars
    # (UTF-8) refuses them, and the batch used to fail with UnicodeEncodeError
    texts = ["Zoë \ud800 mail zoe@example.org", "ana@example.com"]
    found = Engine(workers=1).detect_batch(texts)
    assert [(m.entity, m.start, m.end) for m in found[0]][-1] == ("EMAIL_ADDRESS", 11, 26)
    assert [(m.entity, m.start, m.end) for m in found[1]] == [("EMAIL_ADDRESS", 0, 15)]
