from __future__ import annotations

from pathlib import Path

import pytest

from clearance.dp.query import MAX_QUERY_BYTES, load_query
from clearance.errors import PolicyError
from tests.dp.conftest import write


def test_a_list_is_the_releases(tmp_path: Path) -> None:
    q = load_query(write(tmp_path / "q.yaml", "- {kind: count, epsilon: 0.5}\n"))
    assert [r.kind for r in q.releases] == ["count"] and q.contributions == 1


def test_json_is_read_too(tmp_path: Path) -> None:
    q = load_query(write(tmp_path / "q.json", '{"releases": [{"kind": "count", "epsilon": 1}]}'))
    assert q.releases[0].epsilon == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- {kind: count, epsilon: 0}", "releases.0.epsilon"),
        ("- {kind: count, epsilon: -1}", "releases.0.epsilon"),
        ("- {kind: count, epsilon: .nan}", "releases.0.epsilon"),
        ("- {kind: median, epsilon: 1}", "releases.0.kind"),
        ("- {kind: sum, epsilon: 1}", "needs 'column'"),
        ("- {kind: count, epsilon: 1, mechanism: gaussian}", "needs delta > 0"),
        ("- {kind: count, epsilon: 1, delta: 0.1}", "delta goes with mechanism: gaussian"),
        ("- {kind: histogram, column: a, epsilon: 1}", "either 'bins'"),
        ("- {kind: histogram, column: a, epsilon: 1, bins: [3, 1]}", "ascending"),
        ("- {kind: count, epsilon: 1, group_by: {r: []}}", "at least one key"),
        ("- {kind: count, epsilon: 1, group_by: {r: [a, a]}}", "declared twice"),
        ("- {kind: quantile, column: a, epsilon: 1, quantiles: [1.5]}", "[0, 1]"),
        ("- {kind: count, epsilon: 1, colour: red}", "unknown key"),
        ("{releases: []}", "releases"),
        ("bounds: {a: {lower: 5, upper: 1}}\nreleases: [{kind: count, epsilon: 1}]", "bounds.a"),
    ],
)
def test_bad_query_names_the_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path / "q.yaml", text + "\n")
    with pytest.raises(PolicyError) as err:
        load_query(path)
    message = str(err.value)
    assert message.startswith(str(path)) and expected in message and "\n" not in message


def test_too_many_cells_refused(tmp_path: Path) -> None:
    keys = ", ".join(str(i) for i in range(400))
    text = f"- {{kind: count, epsilon: 1, group_by: {{a: [{keys}], b: [{keys}]}}}}\n"
    with pytest.raises(PolicyError, match="160,000 cells"):
        load_query(write(tmp_path / "q.yaml", text))


def test_huge_query_file_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("# " + "x" * MAX_QUERY_BYTES + "\n")
    with pytest.raises(PolicyError, match="limited to"):
        load_query(path)


def test_empty_and_missing_query_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="empty"):
        load_query(write(tmp_path / "q.yaml", ""))
    with pytest.raises(PolicyError, match="cannot read"):
        load_query(tmp_path / "missing.yaml")


def test_release_hash_is_canonical(tmp_path: Path) -> None:
    a = load_query(write(tmp_path / "a.yaml", "- {kind: count, epsilon: 1, name: n}\n"))
    b = load_query(write(tmp_path / "b.yaml", "- {name: n, epsilon: 1.0, kind: count}\n"))
    c = load_query(write(tmp_path / "c.yaml", "- {name: n, epsilon: 2, kind: count}\n"))
    assert a.releases[0].sha256() == b.releases[0].sha256() != c.releases[0].sha256()
