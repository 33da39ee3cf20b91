"""OpenAI streaming (server-sent events): parsing the upstream's bytes and rewriting its chunks.

:class:`SseDecoder` turns bytes, split anywhere (inside a line, inside a multi-byte character),
into the ``data`` of complete events. :class:`ChunkRewriter` rewrites each chunk's generated text
in place through one :class:`~clearance.guard.scanner.StreamScanner` per choice and per tool-call
argument string (``choices[i].delta.content`` for chat, ``choices[i].text`` for completions,
``choices[i].delta.tool_calls[j].function.arguments``), keeping every other field; at a choice's
``finish_reason`` its scanners release what they hold, in that same chunk. The usage chunk (no
choices) and ``[DONE]`` pass through. A chunk that is not a JSON object, carries an ``error`` or
ends the stream while text is still held raises :class:`StreamFault`: the caller ends the
client's stream with :func:`error_event`, never with unscanned text.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from typing import Any

from clearance.guard.scanner import Hit, Redactor, StreamScanner

DONE = "[DONE]"
MAX_EVENT_CHARS = 4 * 1024 * 1024
"""An event (or a line without end) longer than this is malformed: the stream is ended."""
_BREAK = re.compile(r"[\r\n]")


class StreamFault(Exception):
    """The upstream stream cannot be passed on safely. ``code`` goes to the client."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def error_body(message: str, kind: str, code: str) -> dict[str, Any]:
    """The OpenAI error shape."""
    return {"error": {"message": message, "type": kind, "code": code}}


def error_event(message: str, kind: str, code: str) -> bytes:
    return frame(json.dumps(error_body(message, kind, code)))


def frame(data: str) -> bytes:
    """One SSE event carrying ``data`` (a JSON text has no newline)."""
    return f"data: {data}\n\n".encode()


@dataclass
class SseDecoder:
    """Bytes in, event data out (``data:`` lines joined by newlines; comments, ``event``,
    ``id`` and ``retry`` fields are dropped: OpenAI streams carry everything in ``data``)."""

    _decoder: Any = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8")("strict"))
    _text: str = ""
    _data: list[str] = field(default_factory=list)
    _size: int = 0
    _scan: int = 0

    def feed(self, chunk: bytes) -> list[str]:
        try:
            self._text += self._decoder.decode(chunk)
        except UnicodeDecodeError:
            raise StreamFault("upstream_malformed", "upstream stream is not UTF-8") from None
        events: list[str] = []
        text = self._text
        pos = 0  # the start of the line being read
        while True:
            # ``_scan``: no line break before it (an event of megabytes arriving in many
            # pieces is searched once, not again from its start at every piece)
            m = _BREAK.search(text, max(pos, self._scan))
            if m is None:
                self._scan = len(text)
                break
            cut = m.start()
            if text[cut] == "\r":
                if cut + 1 == len(text):  # maybe the first half of ``\r\n``: wait for more
                    self._scan = cut
                    break
                nxt = cut + 2 if text[cut + 1] == "\n" else cut + 1
            else:
                nxt = cut + 1
            line = text[pos:cut]
            pos = self._scan = nxt
            if line == "":
                if self._data:
                    events.append("\n".join(self._data))
                    self._data, self._size = [], 0
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            if name == "data":
                value = value.removeprefix(" ")
                self._data.append(value)
                self._size += len(value)
        if pos:
            self._text = text[pos:]
            self._scan -= pos
        if len(self._text) + self._size > MAX_EVENT_CHARS:
            raise StreamFault("upstream_malformed", "upstream event over the size limit")
        return events

    def close(self) -> list[str]:
        """At the end of the bytes: a last event not followed by a blank line still counts;
        a truncated multi-byte character or line is malformed."""
        try:
            self._text += self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise StreamFault("upstream_malformed", "upstream stream is not UTF-8") from None
        events = self.feed(b"\n\n") if (self._text or self._data) else []
        return events


@dataclass
class ChunkRewriter:
    """The scanners of one streamed response, keyed by (choice, part)."""

    redactor: Redactor
    _scanners: dict[tuple[int, str, int], StreamScanner] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)

    def _scanner(self, key: tuple[int, str, int]) -> StreamScanner:
        scanner = self._scanners.get(key)
        if scanner is None:
            scanner = self._scanners[key] = self.redactor.stream()
        return scanner

    def _feed(self, key: tuple[int, str, int], text: str) -> str:
        scanner = self._scanner(key)
        before = len(scanner.hits)
        out = scanner.feed(text)
        self.hits.extend(scanner.hits[before:])
        return out

    def _finish(self, key: tuple[int, str, int]) -> str:
        scanner = self._scanners.pop(key)
        before = len(scanner.hits)
        out = scanner.finish()
        self.hits.extend(scanner.hits[before:])
        return out

    @property
    def holding(self) -> bool:
        return any(s.held for s in self._scanners.values())

    def rewrite(self, data: str) -> str:
        """The event data to send for the upstream's ``data``."""
        if data.strip() == DONE:
            if self.holding:  # [DONE] before a finish_reason: the text ended without one
                raise StreamFault("upstream_malformed", "upstream ended a choice without finish")
            return DONE
        try:
            chunk = json.loads(data)
        except ValueError:
            raise StreamFault(
                "upstream_malformed", "upstream sent an event that is not JSON"
            ) from None
        if not isinstance(chunk, dict):
            raise StreamFault("upstream_malformed", "upstream sent an event that is not an object")
        if "error" in chunk:
            raise StreamFault("upstream_error", "upstream reported an error mid-stream")
        choices = chunk.get("choices")
        if choices is None:
            return data  # the usage chunk, or another chunk without generated text
        if not isinstance(choices, list):
            raise StreamFault("upstream_malformed", "upstream chunk has no list of choices")
        for pos, choice in enumerate(choices):
            if not isinstance(choice, dict):
                raise StreamFault("upstream_malformed", "upstream choice is not an object")
            self._rewrite_choice(choice, pos)
        return json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))

    def _rewrite_choice(self, choice: dict[str, Any], pos: int) -> None:
        index = choice.get("index", pos)
        if not isinstance(index, int):
            raise StreamFault("upstream_malformed", "upstream choice index is not an integer")
        if choice.get("logprobs") is not None:
            choice["logprobs"] = None  # its tokens spell the text out: never passed on
        if isinstance(choice.get("text"), str):
            choice["text"] = self._feed((index, "text", 0), choice["text"])
        delta = choice.get("delta")
        if isinstance(delta, dict):
            for name in ("content", "refusal", "reasoning_content"):
                if isinstance(delta.get(name), str):
                    delta[name] = self._feed((index, name, 0), delta[name])
            calls = delta.get("tool_calls")
            if isinstance(calls, list):
                for j, call in enumerate(calls):
                    fn = call.get("function") if isinstance(call, dict) else None
                    if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                        slot = call.get("index", j)
                        slot = slot if isinstance(slot, int) else j
                        fn["arguments"] = self._feed((index, "tool", slot), fn["arguments"])
        if choice.get("finish_reason") is not None:
            self._flush_choice(choice, index)

    def _flush_choice(self, choice: dict[str, Any], index: int) -> None:
        for key in sorted(k for k in self._scanners if k[0] == index):
            rest = self._finish(key)
            if not rest:
                continue
            _, part, slot = key
            if part == "text":
                choice["text"] = str(choice.get("text") or "") + rest
                continue
            delta = choice.setdefault("delta", {})
            if not isinstance(delta, dict):
                raise StreamFault("upstream_malformed", "upstream delta is not an object")
            if part == "tool":
                calls = delta.setdefault("tool_calls", [])
                calls.append({"index": slot, "function": {"arguments": rest}})
            else:
                delta[part] = str(delta.get(part) or "") + rest


def redact_completion(redactor: Redactor, body: dict[str, Any]) -> list[Hit]:
    """Redacts a non-streaming answer in place (chat ``message.content`` and tool-call
    arguments, completion ``text``); the hits."""
    hits: list[Hit] = []

    def clean(text: str) -> str:
        out, found = redactor.redact(text)
        hits.extend(found)
        return out

    for choice in body.get("choices") or []:
        if not isinstance(choice, dict):
            continue
        if choice.get("logprobs") is not None:
            choice["logprobs"] = None  # its tokens spell the text out: never passed on
        if isinstance(choice.get("text"), str):
            choice["text"] = clean(choice["text"])
        message = choice.get("message")
        if isinstance(message, dict):
            for name in ("content", "refusal", "reasoning_content"):
                if isinstance(message.get(name), str):
                    message[name] = clean(message[name])
            for call in message.get("tool_calls") or []:
                fn = call.get("function") if isinstance(call, dict) else None
                if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                    fn["arguments"] = clean(fn["arguments"])
    return hits
