"""Prompt-side scanning: what a client sends to the model, scanned before it leaves the proxy.

A developer who pastes a key into the assistant hands it to the model's provider, its logs and
perhaps a later training set. With ``prompts: redact`` in the guard's config the request's text
(chat ``messages[].content``, as a string or as ``text`` parts, an assistant's tool-call
``arguments``, and a completion's ``prompt``, a string or a list) goes through the same
:class:`~clearance.guard.scanner.Redactor` as the answers: every match becomes
``[REDACTED:<type>]`` before the request is forwarded, and each is an incident with the action
``prompt-redacted``. ``prompts: log`` records the incidents and forwards the request unchanged;
``off`` (the default) scans nothing. Other fields are forwarded as they came.
"""

from __future__ import annotations

from typing import Any

from clearance.guard.scanner import Hit, Redactor


def scan_request(body: dict[str, Any], redactor: Redactor) -> tuple[dict[str, Any], list[Hit]]:
    """``body`` with its text redacted (a new dict; ``body`` is left as it was), and the hits."""
    hits: list[Hit] = []

    def clean(text: Any) -> Any:
        if not isinstance(text, str) or not text:
            return text
        out, found = redactor.redact(text)
        hits.extend(found)
        return out

    new = dict(body)
    if isinstance(body.get("messages"), list):
        new["messages"] = [_message(m, clean) for m in body["messages"]]
    prompt = body.get("prompt")
    if isinstance(prompt, str):
        new["prompt"] = clean(prompt)
    elif isinstance(prompt, list):
        new["prompt"] = [clean(p) for p in prompt]
    return new, hits


def _message(message: Any, clean: Any) -> Any:
    if not isinstance(message, dict):
        return message
    out = dict(message)
    content = message.get("content")
    if isinstance(content, str):
        out["content"] = clean(content)
    elif isinstance(content, list):
        out["content"] = [
            {**part, "text": clean(part["text"])}
            if isinstance(part, dict) and isinstance(part.get("text"), str)
            else part
            for part in content
        ]
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        out["tool_calls"] = [_tool_call(c, clean) for c in calls]
    return out


def _tool_call(call: Any, clean: Any) -> Any:
    if not isinstance(call, dict) or not isinstance(call.get("function"), dict):
        return call
    function = call["function"]
    if not isinstance(function.get("arguments"), str):
        return call
    return {**call, "function": {**function, "arguments": clean(function["arguments"])}}
