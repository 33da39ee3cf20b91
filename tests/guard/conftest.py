"""The guard needs the llm extra (starlette, httpx, uvicorn, regex): skipped without it."""

from __future__ import annotations

from pathlib import Path

import pytest

for _module in ("starlette", "httpx", "uvicorn", "regex"):
    pytest.importorskip(_module, reason="the llm extra is not installed (clearance[llm])")


@pytest.fixture(scope="session")
def inventory_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.guard._upstream import make_inventory

    return make_inventory(tmp_path_factory.mktemp("inventory"))


@pytest.fixture(scope="session")
def redactor(inventory_file: Path):  # type: ignore[no-untyped-def]
    from tests.guard._upstream import make_redactor

    return make_redactor(inventory_file)
