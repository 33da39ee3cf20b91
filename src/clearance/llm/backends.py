"""Loading a model backend for ``clearance llm``: what the leakage probes generate from and
score with.

Two backends implement the :class:`~clearance.llm.backend_protocol.ModelBackend` protocol:
:class:`~clearance.llm.hf_backend.HuggingFaceBackend` (a local model run with ``transformers``)
and :class:`~clearance.llm.openai_backend.OpenAICompatibleBackend` (a server speaking the OpenAI
HTTP API). :func:`load_backend` builds either from a spec string: ``hf:PATH[#GGUF_FILE]`` or
``openai:URL#MODEL``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from clearance.errors import InputError
from clearance.llm.backend_protocol import ModelBackend
from clearance.llm.hf_backend import HuggingFaceBackend
from clearance.llm.http_transport import mask_url
from clearance.llm.model_target import EndpointModel, LocalModel, ModelTarget
from clearance.llm.openai_backend import OpenAICompatibleBackend

__all__ = ["load_backend", "open_local", "opened"]


def load_backend(spec: str, **options: Any) -> ModelBackend:
    """A backend from a spec string; ``options`` go to its constructor.

    * ``hf:PATH`` or ``hf:PATH#FILE.gguf``: :class:`HuggingFaceBackend` (``PATH`` may also be the
      ``.gguf`` file itself);
    * ``openai:URL#MODEL``: :class:`OpenAICompatibleBackend`, e.g.
      ``openai:http://localhost:8000/v1#Qwen/Qwen2.5-0.5B``.
    """
    kind, sep, rest = spec.partition(":")
    if sep and kind == "hf" and rest:
        path, hash_, gguf = rest.partition("#")
        return HuggingFaceBackend(path, gguf_file=gguf if hash_ and gguf else None, **options)
    if sep and kind == "openai" and rest:
        url, hash_, model = rest.rpartition("#")
        if not hash_ or not url or not model:
            raise InputError(
                mask_url(rest), "an openai: backend needs the model name: openai:URL#MODEL"
            )
        if not url.startswith(("http://", "https://")):
            raise InputError(mask_url(url), "the endpoint URL must start with http:// or https://")
        return OpenAICompatibleBackend(url, model=model, **options)
    shown = f"{kind}:…" if sep else "<backend spec>"
    raise InputError(shown, "unknown backend: use hf:PATH[#FILE.gguf] or openai:URL#MODEL")


def open_local(model: LocalModel) -> ModelBackend:
    """The backend of a local model (loaded on first use)."""
    return HuggingFaceBackend(model.path, gguf_file=model.gguf_file)


def open_endpoint(model: EndpointModel) -> OpenAICompatibleBackend:
    """The backend of an endpoint (no request made yet); close it when done."""
    return OpenAICompatibleBackend(
        model.url, model=model.model, timeout=model.request_timeout, deadline_s=model.deadline_s
    )


@contextmanager
def opened(target: ModelTarget) -> Iterator[ModelBackend]:
    """The backend of ``target``; an endpoint's pooled connections are closed on exit."""
    if isinstance(target, LocalModel):
        yield open_local(target)
        return
    backend = open_endpoint(target)
    try:
        yield backend
    finally:
        backend.close()
