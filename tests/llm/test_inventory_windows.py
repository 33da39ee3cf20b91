"""clearance.llm.inventory_windows: the keyed window fingerprints of a secret."""

from __future__ import annotations

import hashlib
import hmac

from clearance.llm.inventory_windows import (
    WINDOW_HEX,
    token_runs,
    value_windows,
    window_digester,
)
from clearance.privacy import Fingerprinter

KEY = b"windows-test-key"
SECRET = "ghp_MlcV1yq9YMd70ohrmmvwiJbnR17phDygQX5E"


def test_windows_are_keyed_truncated_hmacs_of_every_normalised_window() -> None:
    fp = Fingerprinter(KEY)
    got = value_windows(fp, SECRET)
    assert len(got) == len(SECRET) - 12 + 1 and got == sorted(got)
    want = {
        hmac.new(
            KEY, b"value-window\x00" + SECRET[i : i + 12].lower().encode(), hashlib.sha256
        ).hexdigest()[:WINDOW_HEX]
        for i in range(len(SECRET) - 11)
    }
    assert set(got) == want
    assert value_windows(Fingerprinter(b"another key"), SECRET) != got  # keyed
    assert all(SECRET[i : i + 12] not in "".join(got) for i in range(len(SECRET) - 11))
    assert window_digester(fp)(SECRET[:12].lower()).hex() in got


def test_runs_split_where_a_key_ends() -> None:
    text = "key=ghp_abc.def-ghi+jk/l== then, sk_live_x. end"
    assert [m[0] for m in token_runs(text)] == [
        "key=", "ghp_abc.def-ghi+jk/l==", "then", "sk_live_x", "end",
    ]  # fmt: skip


def test_short_values_and_dashes() -> None:
    fp = Fingerprinter(KEY)
    assert value_windows(fp, "hunter2-pass") == []  # 11 characters once normalised
    assert value_windows(fp, "plum7-Orbit-velvet-93") == value_windows(fp, "PLUM7ORBITVELVET93")
    assert value_windows(fp, "short words only, here") == []
