"""clearance.guard.sse: SSE bytes split anywhere (inside framing, inside a multi-byte character)
are rewritten with every other field kept; what cannot be passed on safely is a StreamFault."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.guard.scanner import Redactor
from clearance.guard.sse import ChunkRewriter, SseDecoder, StreamFault, redact_completion
from tests.guard._upstream import GITHUB, KNOWN, SECRETS, chat_chunk, chat_stream, sse_bytes


def _run(redactor: Redactor, raw: bytes, cuts: list[int]) -> list[str]:
    decoder, rewriter = SseDecoder(), ChunkRewriter(redactor)
    edges = [0, *sorted(set(c for c in cuts if 0 < c < len(raw))), len(raw)]
    out = []
    for a, b in itertools.pairwise(edges):
        out += [rewriter.rewrite(d) for d in decoder.feed(raw[a:b])]
    out += [rewriter.rewrite(d) for d in decoder.close()]
    return out


def _text(events: list[str]) -> str:
    parts = []
    for e in events:
        if e != "[DONE]":
            for c in json.loads(e)["choices"]:
                parts.append(c.get("delta", {}).get("content") or c.get("text") or "")
    return "".join(parts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text_cuts=st.lists(st.integers(1, 200), max_size=25),
    byte_cuts=st.lists(st.integers(1, 3000), max_size=60),
)
def test_byte_splits_anywhere_never_leak(
    redactor: Redactor, text_cuts: list[int], byte_cuts: list[int]
) -> None:
    copy = "x" + GITHUB[1:20] + "Q" + GITHUB[21:]  # a near-copy: no rule matches it
    text = f"Sure — here you go: {GITHUB} and the password {KNOWN} 😀 漢字, or {copy} end."
    events = _run(redactor, chat_stream(text, text_cuts), byte_cuts)
    assert events[-1] == "[DONE]"
    got = _text(events)
    assert got == (
        "Sure — here you go: [REDACTED:github_token] and the password [REDACTED:secret] 😀 漢字, "
        "or [REDACTED:github_token] end."
    )
    for secret in SECRETS:
        assert all(secret[i : i + 8] not in got for i in range(len(secret) - 7))
    first = json.loads(events[0])
    assert first["id"] == "chatcmpl-1" and first["system_fingerprint"] == "fp_x"


def test_choices_are_buffered_apart_and_flushed_at_their_finish(redactor: Redactor) -> None:
    half = len(GITHUB) // 2
    events = [
        chat_chunk("a " + GITHUB[:half], index=0),
        chat_chunk("b " + GITHUB[:half], index=1),
        chat_chunk(GITHUB[half:] + " x", index=1),
        chat_chunk(GITHUB[half:] + " y", index=0),
        chat_chunk(index=0, finish="stop"),
        chat_chunk(index=1, finish="length"),
        json.dumps({"id": "chatcmpl-1", "choices": [], "usage": {"total_tokens": 9}}),
        "[DONE]",
    ]
    out = _run(redactor, sse_bytes(events), [])
    per: dict[int, str] = {0: "", 1: ""}
    for e in out[:-2]:
        for c in json.loads(e)["choices"]:
            per[c["index"]] += c["delta"].get("content") or ""
    assert per == {0: "a [REDACTED:github_token] y", 1: "b [REDACTED:github_token] x"}
    assert json.loads(out[-2])["usage"] == {"total_tokens": 9} and out[-1] == "[DONE]"


def test_tool_call_arguments_and_completions_text_are_scanned(redactor: Redactor) -> None:
    call = {
        "id": "c",
        "object": "chat.completion.chunk",
        "choices": [
            {
                "index": 0,
                "delta": {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "t",
                            "function": {"name": "f", "arguments": '{"k": "' + GITHUB[:10]},
                        }
                    ]
                },
                "finish_reason": None,
            }
        ],
    }
    rest = {
        "choices": [
            {
                "index": 0,
                "delta": {
                    "tool_calls": [{"index": 0, "function": {"arguments": GITHUB[10:] + '"}'}}]
                },
                "finish_reason": "tool_calls",
            }
        ]
    }
    out = _run(redactor, sse_bytes([json.dumps(call), json.dumps(rest), "[DONE]"]), [7, 99])
    args = "".join(
        tc["function"].get("arguments", "")
        for e in out[:-1]
        for tc in json.loads(e)["choices"][0]["delta"].get("tool_calls", [])
    )
    assert args == '{"k": "[REDACTED:github_token]"}'
    assert json.loads(out[0])["choices"][0]["delta"]["tool_calls"][0]["function"]["name"] == "f"
    text = {
        "id": "x",
        "object": "text_completion",
        "choices": [
            {"index": 0, "text": KNOWN, "finish_reason": "stop", "logprobs": {"tokens": [KNOWN]}}
        ],
    }
    got = json.loads(_run(redactor, sse_bytes([json.dumps(text)]), [])[0])["choices"][0]
    assert got["text"] == "[REDACTED:secret]" and got["logprobs"] is None


def test_non_streaming_answer_is_redacted_in_place(redactor: Redactor) -> None:
    body = {
        "id": "x",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": f"k={GITHUB}"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"n": 1},
    }
    hits = redact_completion(redactor, body)
    assert body["choices"][0]["message"]["content"] == "k=[REDACTED:github_token]"
    assert body["usage"] == {"n": 1} and [h.rule for h in hits] == ["github-pat"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"data: {not json\n\n", "upstream_malformed"),
        (b"data: [1, 2]\n\n", "upstream_malformed"),
        (b'data: {"error": {"message": "boom"}}\n\n', "upstream_error"),
        (b"data: \xff\xfe\n\n", "upstream_malformed"),
        (b'data: {"choices": "x"}\n\n', "upstream_malformed"),
    ],
)
def test_garbage_is_a_fault(redactor: Redactor, raw: bytes, code: str) -> None:
    with pytest.raises(StreamFault) as err:
        _run(redactor, raw, [])
    assert err.value.code == code


def test_done_while_text_is_held_is_a_fault(redactor: Redactor) -> None:
    raw = sse_bytes([chat_chunk("the key " + GITHUB[:20]), "[DONE]"])
    with pytest.raises(StreamFault):
        _run(redactor, raw, [])


@settings(max_examples=60, deadline=None)
@given(
    breaks=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=8, max_size=8),
    cuts=st.lists(st.integers(1, 120), max_size=30),
)
def test_line_breaks_of_any_kind_split_anywhere(breaks: list[str], cuts: list[int]) -> None:
    b = breaks
    raw = (
        f": comment{b[0]}data: one{b[1]}data: two{b[2] * 2}"  # ``\r`` then ``\n`` would be one
        f"event: x{b[4]}data: {'z' * 50}{b[5] * 2}data: [DONE]{b[7]}"
    ).encode()
    decoder = SseDecoder()
    edges = [0, *sorted(set(c for c in cuts if 0 < c < len(raw))), len(raw)]
    events = [e for x, y in itertools.pairwise(edges) for e in decoder.feed(raw[x:y])]
    events += decoder.close()
    assert events == ["one\ntwo", "z" * 50, "[DONE]"]


def test_a_megabyte_event_in_small_pieces_is_read_once() -> None:
    raw = b"data: " + b"x" * 2_000_000 + b"\n\n"
    decoder = SseDecoder()
    events = [e for i in range(0, len(raw), 4096) for e in decoder.feed(raw[i : i + 4096])]
    assert events == ["x" * 2_000_000]


@pytest.mark.parametrize(
    "piece",
    [b"x" * 65_536, b"data: " + b"y" * 65_530 + b"\n"],  # a line without end; data lines, no blank
)
def test_an_endless_event_is_a_fault_at_the_size_limit_not_unbounded_memory(piece: bytes) -> None:
    from clearance.guard.sse import MAX_EVENT_CHARS

    decoder = SseDecoder()
    fed = 0
    with pytest.raises(StreamFault) as fault:
        while fed <= 2 * MAX_EVENT_CHARS:
            decoder.feed(piece)
            fed += len(piece)
    assert fault.value.code == "upstream_malformed"
    assert fed <= MAX_EVENT_CHARS + len(piece)  # ended as soon as it passed the limit
