"""The match record: no value in its repr, and it survives the trip to and from a worker."""

from __future__ import annotations

import pickle

from clearance.detection.engine import Engine


def test_pickled_match_keeps_every_field_and_hides_the_value() -> None:
    text = "card 4111 1111 1111 1111 for jane.doe@example.com"
    matches = Engine().detect(text)
    assert len(matches) == 2
    for m in matches:
        back = pickle.loads(pickle.dumps(m))
        assert back == m and back is not m
        assert (back.value, back.raw_score, back.severity) == (m.value, m.raw_score, m.severity)
        assert back.value not in repr(back)
