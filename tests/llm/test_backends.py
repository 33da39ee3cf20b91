"""Tests of clearance.llm.backends: opening a backend from its spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.errors import InputError
from clearance.llm.backends import load_backend
from clearance.llm.hf_backend import HuggingFaceBackend
from clearance.llm.openai_backend import OpenAICompatibleBackend


def test_load_backend_specs(tmp_path: Path) -> None:
    hf = load_backend(f"hf:{tmp_path}")
    assert isinstance(hf, HuggingFaceBackend) and hf.path == tmp_path and hf.gguf_file is None
    gguf = load_backend(f"hf:{tmp_path}#model.Q8_0.gguf", batch_size=2)
    assert isinstance(gguf, HuggingFaceBackend)
    assert gguf.gguf_file == "model.Q8_0.gguf" and gguf.batch_size == 2
    api = load_backend("openai:http://localhost:8000/v1#Qwen/Qwen2.5-0.5B", mode="chat")
    assert isinstance(api, OpenAICompatibleBackend)
    assert api.base_url == "http://localhost:8000" and api.model == "Qwen/Qwen2.5-0.5B"
    assert api.mode == "chat"
    for bad in ("openai:http://localhost:8000", "openai:localhost#m", "vllm:x", "nothing", "hf:"):
        with pytest.raises(InputError):
            load_backend(bad)
