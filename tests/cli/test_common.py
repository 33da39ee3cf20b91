"""The output helper every command writes through, and the stderr line writer."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli import _common
from clearance.cli._common import check_outputs, say, write_atomic, write_outputs
from clearance.cli.app import app
from clearance.errors import InputError

runner = CliRunner()


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "users.csv"
    data.write_text("id,email\n1,jane.doe@example.com\n2,john@example.org\n")
    return data


def _special(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = tmp_path / "target.txt"
    target.write_text("keep me\n")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    # A device node of our own (never /dev/null: code that replaces outputs would replace it).
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        device = Path("/dev/null")  # only root may mknod; others cannot replace /dev/null
    return {"fifo": fifo, "symlink": link, "device": device, "folder": tmp_path}


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device", "folder", "missing folder"])
def test_output_that_is_not_a_regular_file_is_refused(kind: str, tmp_path: Path) -> None:
    paths = {**_special(tmp_path), "missing folder": tmp_path / "nope" / "r.json"}
    path = paths[kind]
    with pytest.raises(InputError) as info:
        write_atomic(path, "report\n")
    assert info.value.exit_code == 3 and str(path) in str(info.value)
    # nothing replaced: the FIFO is still a FIFO, the link still points at its untouched target
    assert stat.S_ISFIFO(paths["fifo"].lstat().st_mode)
    assert stat.S_ISCHR(paths["device"].lstat().st_mode)
    assert paths["symlink"].is_symlink() and (tmp_path / "target.txt").read_text() == "keep me\n"
    assert not (tmp_path / "nope").exists()


def test_dash_writes_to_stdout(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(_data(tmp_path)), "-f", "json", "-o", "-", "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["findings"] == 1
    assert not (tmp_path / "-").exists()
    detect = runner.invoke(app, ["detect", str(_data(tmp_path)), "-o", "-"])
    assert detect.exit_code == 0 and detect.stdout.count('"id"') == 3


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_reports_keep_the_umask(mask: int, tmp_path: Path) -> None:
    old = os.umask(mask)
    try:
        result = runner.invoke(
            app, ["scan", str(_data(tmp_path)), "-f", "json", "-o", "r.json", "-q"]
        )
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o666 & ~mask


def test_replacing_a_report_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text("old\n")
    path.chmod(0o640)
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n" and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_no_output_replaced_unless_every_one_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.md"
    a.write_text("old a\n")
    b.write_text("old b\n")
    # a bad path among them: refused before anything is written
    with pytest.raises(InputError):
        write_outputs([(a, "new a\n"), (tmp_path / "nope" / "c.md", "c\n"), (b, "new b\n")])
    # a write that fails half-way (disk full): the others stay as they were, no temp file left
    from clearance.io import outputs

    real = outputs._write_temp

    def full(path: Path, text: str, mode: int) -> str:
        if path == b:
            raise OSError(28, "No space left on device")
        return real(path, text, mode)

    monkeypatch.setattr(outputs, "_write_temp", full)
    with pytest.raises(InputError) as info:
        write_outputs([(a, "new a\n"), (b, "new b\n")])
    assert str(b) in str(info.value) and "No space left" in str(info.value)
    assert a.read_text() == "old a\n" and b.read_text() == "old b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.md"]


def test_audit_checks_every_output_before_replacing_any(tmp_path: Path) -> None:
    data = _data(tmp_path)
    old = tmp_path / "audit.json"
    old.write_text("previous audit\n")
    (tmp_path / "folder.md").mkdir()
    result = runner.invoke(
        app, ["audit", str(data), "-o", str(old), "-o", str(tmp_path / "folder.md"), "-q"]
    )
    assert result.exit_code == 3, result.output
    assert str(tmp_path / "folder.md") in result.stderr
    assert old.read_text() == "previous audit\n"


def test_check_outputs_refuses_the_same_path_twice(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="given twice"):
        check_outputs([tmp_path / "a.json", tmp_path / "." / "a.json"])


def test_unwritable_folder_is_refused(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(InputError, match="not writable"):
            write_atomic(folder / "r.json", "x\n")
    finally:
        folder.chmod(0o755)


def test_say_escapes_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    say("skipped \x1b[31mred\x1b]8;;http://x\x07y\x1b]8;;\x07\u202e.csv: binary")
    err = capsys.readouterr().err
    assert err == "skipped \\x1b[31mred\\x1b]8;;http://x\\x07y\\x1b]8;;\\x07\\u202e.csv: binary\n"


def test_error_line_is_one_line_and_escaped(tmp_path: Path) -> None:
    data = tmp_path / "a\nerror: none\x1b[2J.txt"
    result = runner.invoke(app, ["detect", str(data)], color=True)
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr
    assert "a\\nerror: none\\x1b[2J.txt: no such file" in result.stderr


def test_progress_labels_from_data_are_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, markup=False, emoji=False, width=120)
    monkeypatch.setattr(_common, "err", console)
    with _common.progress("scanning", unit="rows") as advance:
        advance(5, label="\x1b]8;;http://x\x1b\\users:phone:[bold].csv")
    out = buf.getvalue()
    assert "\x1b]8;;http://x" not in out and "\\x1b]8;;http://x" in out
    assert ":phone:" in out and "[bold]" in out


class _Backend:
    """A model that answers every prompt with the same text (no torch)."""

    name = "fake"
    supports_logprobs = False
    calls = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def close(self) -> None:
        pass

    def generate(self, prompts: list[str], **kwargs: object) -> list[list[object]]:
        from clearance.llm.backend_protocol import Generation

        _Backend.calls += 1
        n = int(kwargs.get("n", 1))  # type: ignore[call-overload]
        return [[Generation("nothing to see\n") for _ in range(n)] for _ in prompts]

    def score(self, prompts: list[str], continuations: list[str], **kwargs: object) -> list[float]:
        from clearance.errors import BackendUnavailableError

        raise BackendUnavailableError(self.name, "cannot score")


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "settings.py").write_text('API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\n')
    return corpus


def test_llm_audit_writes_every_report_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("clearance.llm.backends.OpenAICompatibleBackend", _Backend)
    corpus = _corpus(tmp_path)
    old = tmp_path / "report.json"
    old.write_text("previous\n")
    (tmp_path / "incident.md").mkdir()
    argv = ["llm", "audit", "--corpus", str(corpus), "--untargeted", "0"]
    argv += ["--endpoint", "http://127.0.0.1:9/v1", "--endpoint-model", "m"]
    refused = runner.invoke(app, [*argv, "-o", str(old), "-o", str(tmp_path / "incident.md")])
    assert refused.exit_code == 3 and "incident.md: is a folder" in refused.stderr
    assert old.read_text() == "previous\n" and _Backend.calls == 0  # refused before probing
    (tmp_path / "incident.md").rmdir()
    outs = [old, tmp_path / "incident.md", tmp_path / "report.html"]
    done = runner.invoke(app, [*argv, *(a for p in outs for a in ("-o", str(p))), "-q"])
    assert done.exit_code == 0, done.output
    assert json.loads(old.read_text())["summary"]["extracted"] == 0
    assert all(p.stat().st_size > 0 for p in outs)


def test_fairness_checks_reasons_out_before_the_audit(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    pytest.importorskip("fairlearn")
    pytest.importorskip("skops")
    report = tmp_path / "fairness.json"
    report.write_text("previous\n")
    result = runner.invoke(
        app,
        [
            "fairness",
            "--data",
            str(tmp_path / "not-read.csv"),
            "-o",
            str(report),
            "--reasons-out",
            str(tmp_path / "missing" / "reasons.csv"),
        ],
    )
    assert result.exit_code == 3, result.output
    assert "reasons.csv: the folder" in result.stderr and "does not exist" in result.stderr
    assert report.read_text() == "previous\n"


def test_a_closed_stdout_is_not_an_internal_error(tmp_path: Path) -> None:
    """`clearance rules | head -1`: the reader goes away; the command ends quietly with 141
    (128 + SIGPIPE, as a shell reports a tool killed by it), never 70 or a traceback."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "clearance", "rules"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "CLEARANCE_KEY": "k"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before it writes: its first write meets a closed pipe
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert err == ""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 2.0}, "--threshold 2.0: must be between 0 and 1"),
        ({"entities": "EMAIL_ADDRESS, NOPE"}, "--entities: unknown entity type(s) NOPE; known: "),
        ({"ner": "bogus"}, "--ner 'bogus': expected spacy:PATH_OR_NAME, hf:PATH or gliner:PATH"),
    ],
)
def test_detection_options_refused_by_the_library_name_the_option(
    options: dict[str, object], message: str
) -> None:
    from clearance.cli._common import detection_settings
    from clearance.errors import PolicyError

    with pytest.raises(PolicyError) as exc:
        detection_settings(**options)  # type: ignore[arg-type]
    assert str(exc.value).startswith(message)


def test_detection_options_convert_to_settings(tmp_path: Path) -> None:
    from clearance.cli._common import detection_settings

    assert detection_settings().calibration == "bundled"
    assert detection_settings(calibration="None").calibration is None
    assert detection_settings(calibration="bundled").calibration == Path("bundled")  # a file
    chosen = detection_settings(entities=" email_address,, PHONE_NUMBER ", workers=3)
    assert chosen.entities == ("email_address", "PHONE_NUMBER") and chosen.workers == 3
    assert detection_settings(entities=" , ").entities is None


# -- lineage: record_run emits the recorded run's OpenLineage events --------------------------


def _lineage_files() -> list[Path]:
    folder = Path(".clearance") / "lineage"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_recorded_run_leaves_its_lineage_beside_the_store(tmp_path: Path) -> None:
    data = _data(tmp_path)
    result = runner.invoke(app, ["scan", str(data), "-f", "json", "-o", "out.json"])
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.stderr.splitlines() if x.startswith("evidence: run")]
    run_id = line.split()[2]
    start, complete = _lineage_files()
    assert start.name.endswith(f"{run_id}-1-START.json")
    assert complete.name.endswith(f"{run_id}-2-COMPLETE.json")
    event = json.loads(complete.read_text())
    assert event["job"]["name"] == "scan"
    assert [d["name"] for d in event["inputs"]] == [data.resolve().as_posix()]
    assert event["run"]["facets"]["clearance"]["findingsBySeverity"]
    for path in (start, complete):
        text = path.read_text()
        for planted in ("jane.doe@example.com", "john@example.org", "jane.doe", "john@"):
            assert planted not in text


def test_lineage_switched_off_or_without_evidence_writes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data(tmp_path)
    result = runner.invoke(app, ["scan", str(data), "-f", "json", "-o", "a.json", "--no-evidence"])
    assert result.exit_code == 0, result.output
    assert _lineage_files() == []
    monkeypatch.setenv("CLEARANCE_LINEAGE", "off")
    result = runner.invoke(app, ["scan", str(data), "-f", "json", "-o", "b.json"])
    assert result.exit_code == 0, result.output
    assert Path(".clearance/evidence.db").is_file() and _lineage_files() == []


def test_a_hanging_lineage_backend_does_not_fail_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    data = _data(tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)  # connections wait in the backlog: nothing ever answers
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        monkeypatch.setenv("CLEARANCE_LINEAGE_URL", url)
        monkeypatch.setenv("CLEARANCE_LINEAGE_TIMEOUT", "0.3")
        result = runner.invoke(app, ["scan", str(data), "-f", "json", "-o", "out.json", "-q"])
    assert result.exit_code == 0, result.output
    assert f"warning: lineage: {url}: events not sent (timed out)" in result.stderr
    assert len(_lineage_files()) == 2  # the file transport still has the run
