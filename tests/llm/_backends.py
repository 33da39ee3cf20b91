"""Inputs shared by the tests of the local model backend and of serving it over HTTP."""

from __future__ import annotations

PROMPTS = ["hello", "the quick brown fox", "api_key =", "password: hunter2 and then some more"]


def long_prompt(words: int = 400) -> str:
    return " ".join(["the quick brown fox jumps over the lazy dog"] * (words // 9)) + " api_key ="
