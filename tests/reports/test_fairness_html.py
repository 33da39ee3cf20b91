"""The fairness report's renderers (JSON, Markdown, HTML) on a hand-made report, also used by
tests/e2e/test_fairness_html_browser.py: two attributes
(one derived by a value map, one by age bins) and their intersection with an insufficient group,
bootstrap intervals, comparisons with one significant gap, curves, proxies with one flagged,
adverse-action reasons and a failing verdict. One group name is hostile HTML."""

from __future__ import annotations

import re
from html import escape, unescape

import pytest

from clearance.fairness.curves import GroupCurves
from clearance.fairness.models import Comparison, Disparity, GroupMetrics, Interval, Proxy, Verdict
from clearance.fairness.notes import DerivationNote, PreparationNotes
from clearance.fairness.report import (
    FairnessReport,
    FairnessSettings,
    ModelSummary,
    ReasonSummary,
)
from clearance.reports.fairness_html import render_fairness_html
from clearance.reports.fairness_markdown import render_fairness_markdown
from clearance.reports.json_report import render_json as render_fairness_json
from clearance.reports.registry import formats, render
from clearance.reports.svg.charts import Bar, Segment, add_error_bars, svg_bar_chart
from tests.reports.golden_files import assert_golden
from tests.reports.html_check import parse as _parse

EVIL = "<script>alert(1)</script>"
SMALL = "female & 65+"


def _iv(low: float, high: float) -> Interval:
    return Interval(low=low, high=high)


def _group(
    attribute: str,
    group: str,
    count: int,
    sel: float,
    tpr: float,
    fpr: float,
    *,
    sufficient: bool = True,
    auc: float | None = 0.8,
    ci: bool = True,
) -> GroupMetrics:
    intervals = (
        {
            "selection_rate": _iv(sel - 0.04, sel + 0.04),
            "true_positive_rate": _iv(tpr - 0.05, tpr + 0.03),
            "false_positive_rate": _iv(max(0.0, fpr - 0.06), fpr + 0.06),
        }
        if ci
        else {}
    )
    return GroupMetrics(attribute=attribute, group=group, count=count, sufficient=sufficient,
                        base_rate=round(sel - 0.02, 3), selection_rate=sel,
                        true_positive_rate=tpr, false_positive_rate=fpr,
                        true_negative_rate=round(1 - fpr, 3), false_negative_rate=round(1 - tpr, 3),
                        precision=0.81, accuracy=0.78, roc_auc=auc,
                        expected_calibration_error=0.031, calibration_in_the_large=-0.012,
                        ci=intervals)  # fmt: skip


def _comparison(
    metric: str, group: str, reference: str, diff: float, p: float, adj: float, *, significant: bool
) -> Comparison:
    return Comparison(metric=metric, group=group, reference=reference, difference=diff,
                      ratio=round(1 + diff, 3), test="fisher", p_value=p, p_value_adjusted=adj,
                      significant=significant, ci=_iv(diff - 0.05, diff + 0.05))  # fmt: skip


def _curves(attribute: str, group: str, bend: float) -> GroupCurves:
    roc = [(0.0, 0.0), (0.1, 0.3 + bend), (0.3, 0.6 + bend), (0.6, 0.85), (1.0, 1.0)]
    calibration = [(0.15, 0.1 + bend, 40), (0.45, 0.5, 80), (0.8, 0.75 - bend, 60)]
    return GroupCurves(attribute=attribute, group=group, roc=roc, calibration=calibration)


def fairness_report() -> FairnessReport:
    sex_groups = [
        _group("sex", "male", 620, 0.62, 0.81, 0.32),
        _group("sex", "female", 540, 0.47, 0.70, 0.21),
        _group("sex", EVIL, 40, 0.55, 0.75, 0.30),
    ]
    age_groups = [
        _group("age_group", "<25", 210, 0.41, 0.66, 0.18),
        _group("age_group", "25-64", 880, 0.58, 0.78, 0.28),
        _group("age_group", "65+", 110, 0.52, 0.74, 0.25),
    ]
    inter = "sex & age_group"
    inter_groups = [
        _group(inter, "male & 25-64", 460, 0.64, 0.82, 0.33),
        _group(inter, "female & 25-64", 420, 0.51, 0.73, 0.23),
        _group(inter, SMALL, 12, 0.25, 0.5, 0.1, sufficient=False, auc=None, ci=False),
    ]
    sex = Disparity(
        attribute="sex", reference="male", reference_rule="largest group",
        metrics={"demographic_parity_difference": 0.15, "demographic_parity_ratio": 0.758,
                 "equalized_odds_difference": 0.11, "equal_opportunity_difference": 0.11,
                 "average_odds_difference": 0.11, "predictive_parity_difference": 0.02,
                 "auc_gap": 0.03, "calibration_gap": 0.01},
        ci={"demographic_parity_difference": _iv(0.09, 0.21),
            "demographic_parity_ratio": _iv(0.67, 0.85)},
        comparisons=[
            _comparison("selection_rate", "female", "male", -0.15, 0.00002, 0.00012,
                        significant=True),
            _comparison("true_positive_rate", "female", "male", -0.11, 0.004, 0.02,
                        significant=True),
            _comparison("selection_rate", EVIL, "male", -0.07, 0.38, 1.0, significant=False),
        ],
    )  # fmt: skip
    age = Disparity(
        attribute="age_group", reference="25-64", reference_rule="policy",
        metrics={"demographic_parity_difference": 0.17, "demographic_parity_ratio": 0.707,
                 "auc_gap": None},
        ci={"demographic_parity_difference": _iv(0.1, 0.24)},
        comparisons=[
            _comparison("selection_rate", "<25", "25-64", -0.17, 0.03, 0.09, significant=False),
            _comparison("selection_rate", "65+", "25-64", -0.06, 0.3, 0.6, significant=False),
        ],
    )  # fmt: skip
    intersection = Disparity(
        attribute=inter, reference="male & 25-64", reference_rule="largest group",
        metrics={"demographic_parity_difference": 0.13, "demographic_parity_ratio": 0.797},
        comparisons=[_comparison("selection_rate", "female & 25-64", "male & 25-64", -0.13,
                                 0.01, 0.05, significant=False)],
        insufficient_groups=[SMALL],
    )  # fmt: skip
    curves = [
        _curves("sex", "female", 0.0), _curves("sex", "male", 0.05), _curves("sex", EVIL, 0.1),
        _curves("age_group", "25-64", 0.0), _curves("age_group", "65+", 0.04),
        _curves("age_group", "<25", 0.08),
        _curves(inter, "female & 25-64", 0.0), _curves(inter, SMALL, 0.1),
        GroupCurves(attribute=inter, group="male & 25-64", roc=[], calibration=[(0.5, 0.5, 5)]),
    ]  # fmt: skip
    derivations = [
        DerivationNote(name="sex", source="gender_code", kind="map",
                       definition=["1 -> male", "2 -> female", "9 -> " + EVIL]),
        DerivationNote(name="age_group", source="age", kind="bins",
                       definition=["[-inf, 25) -> <25", "[25, 65) -> 25-64", "[65, inf) -> 65+"]),
    ]  # fmt: skip
    notes = PreparationNotes(
        rows_in=1230, rows_used=1200, target="credit_granted", label_values=["no", "yes"],
        favourable="yes", sensitive=["sex", "age_group"], derivations=derivations,
        missing="drop", missing_counts={"sex": 30, "age_group": 0}, rows_dropped=30,
        predictions_from="model", scores_from="model", model_kind="sklearn",
        features=["income", "postcode", "tenure"],
        lines=["Label 'credit_granted': 'yes' is favourable (1), 'no' unfavourable (0); "
               "1230 row(s) read.",
               "Derived 'age_group' from 'age' (bins): [-inf, 25) -> <25; [25, 65) -> 25-64; "
               "[65, inf) -> 65+.",
               "30 row(s) with a missing 'sex' dropped."],
    )  # fmt: skip
    return FairnessReport(
        version="0.1.0",
        data=notes,
        model=ModelSummary(source="models/credit.skops", kind="sklearn",
                           warnings=["the model was fitted with scikit-learn 1.4; 1.5 loaded it"]),
        settings=FairnessSettings(min_group_size=30, alpha=0.05, correction="holm", bootstrap=1000,
                                  seed=7, intersections=True, demographic_parity_ratio_min=0.8,
                                  reference={"age_group": "25-64"}),
        by_group=sex_groups + age_groups + inter_groups,
        overall=_group("overall", "all", 1200, 0.55, 0.77, 0.27),
        disparities=[sex, age, intersection],
        proxies=[
            Proxy(feature="postcode", attribute="sex", mutual_information=0.0213, auc=0.71,
                  flagged=True),
            Proxy(feature="income", attribute="age_group", mutual_information=0.0041, auc=0.55,
                  flagged=False),
        ],
        reasons=[
            ReasonSummary(attribute="sex", group="female", denied=286,
                          top_reasons=[("Income too low", 150), ("Short credit history", 90)]),
            ReasonSummary(attribute="sex", group="male", denied=236,
                          top_reasons=[("Short credit history", 120), ("Income too low", 80)]),
            ReasonSummary(attribute="age_group", group="<25", denied=124,
                          top_reasons=[("Short credit history", 100)]),
        ],
        curves=curves,
        verdict=Verdict(
            passed=False,
            reasons=[
                "sex: demographic parity ratio 0.758 < 0.8 (four-fifths rule)",
                "age_group: demographic parity ratio 0.707 < 0.8 (four-fifths rule)",
                "sex: selection_rate of female differs from male by -0.150 "
                "(adjusted p = 0.00012 < 0.05)",
                "sex: true_positive_rate of female differs from male by -0.110 "
                "(adjusted p = 0.02 < 0.05)",
            ],
            thresholds={"demographic_parity_ratio": 0.8, "alpha": 0.05},
        ),
        warnings=["sex & age_group: 1 group(s) below 30 records reported as insufficient data"],
    )  # fmt: skip


# --- tests ------------------------------------------------------------------------------------


@pytest.fixture
def report() -> FairnessReport:
    return fairness_report()


@pytest.fixture
def html(report: FairnessReport) -> str:
    return render_fairness_html(report)


def _sections(html: str) -> dict[str, str]:
    return dict(re.findall(r'<section id="([\w-]+)"[^>]*>(.*?)</section>', html, flags=re.S))


def _svgs(html: str) -> dict[str, str]:
    """Each SVG by its title (aria-label, unescaped)."""
    found = re.findall(r'<svg [^>]*aria-label="([^"]*)"[^>]*>(.*?)</svg>', html, flags=re.S)
    return {unescape(label): body for label, body in found}


def _bar_groups(svg: str) -> list[str]:
    return re.findall(r"<g><title>.*?</g>", svg, flags=re.S)


# --- HTML -------------------------------------------------------------------------------------


def test_html_is_well_formed(html: str) -> None:
    checker = _parse(html)
    assert checker.errors == []
    assert checker.stack == []
    assert checker.tags[0] == "html" and "svg" in checker.tags and "title" in checker.tags


def test_html_is_self_contained(html: str) -> None:
    checker = _parse(html)
    for needle in ("<link", "<script", "@import", "url(", "<img", "<iframe", "<object"):
        assert needle not in html.lower(), needle
    assert not [name for name, _ in checker.attrs if name in {"src", "href", "xmlns", "srcset"}]
    assert "http://" not in html and "https://" not in html
    assert not [name for name, _ in checker.attrs if name.startswith("on")]


def test_html_escapes_a_hostile_group_name(html: str) -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert EVIL not in html and "<script" not in html
    sections = _sections(html)
    assert escaped in sections["attribute-0"]  # table, chart labels, comparisons, ROC legend
    assert sections["attribute-0"].count(escaped) >= 6
    assert f"9 -&gt; {escaped}" in html  # the derivation's definition
    text = "".join(_parse(html).text)
    assert EVIL in text  # the reader sees the name as it is


def test_html_header_states_the_data_and_derivations(html: str) -> None:
    header = html.split("<header>")[1].split("</header>")[0]
    for fact in (
        "1230 read, 1200 used, 30 dropped",
        "credit_granted: yes is favourable (1), no unfavourable (0)",
        "model models/credit.skops (sklearn)",
        "the model was fitted with scikit-learn 1.4; 1.5 loaded it",
        "rows with a missing sensitive value dropped; missing per attribute: sex: 30",
        "income, postcode, tenure",
    ):
        assert fact in header, fact
    # the exact derivation definitions (the sex mapping and the age bins), as in the Markdown
    for definition in ("1 -&gt; male; 2 -&gt; female; 9 -&gt; ",
                       "[-inf, 25) -&gt; &lt;25; [25, 65) -&gt; 25-64; [65, inf) -&gt; 65+"):  # fmt: skip
        assert f"<td>{definition}" in header, definition
    assert "<code>gender_code</code>" in header and "<code>age</code>" in header


def test_html_verdict_is_prominent_with_thresholds_and_reasons(
    report: FairnessReport, html: str
) -> None:
    header = html.split("<header>")[1].split("</header>")[0]
    verdict = re.search(r'<div class="gate verdict fail">(.*?)</div>', header, flags=re.S)
    assert verdict is not None
    body = verdict.group(1)
    assert '<span class="badge fail">FAIL</span>' in body
    assert "demographic parity ratio is &gt;= 0.8" in body
    assert "significant at alpha = 0.05 after Holm correction" in body
    for reason in report.verdict.reasons:
        assert f"<li>{escape(reason)}</li>" in body
    assert "<title>clearance fairness report: credit_granted (fail)</title>" in html


def test_html_rate_charts_have_error_bars(report: FairnessReport, html: str) -> None:
    svgs = _svgs(html)
    for attribute in ("sex", "age_group", "sex & age_group"):
        for title in ("Selection rate", "True positive rate (TPR)", "False positive rate (FPR)"):
            assert f"<h4>{escape(title)}</h4>" in html
            svg = svgs[f"{title} of {attribute} by group"]
            assert svg.startswith(f"\n<title>{escape(title)} of {escape(attribute)} by group")
            groups = _bar_groups(svg)
            assert len(groups) == 3
            # one whisker (three lines: the span and two caps) per group with an interval
            with_ci = [g for g in groups if "insufficient data" not in g]
            for g in with_ci:
                assert g.count('<line class="err"') == 3, g
    # the whisker spans the interval on the 300 px bar: male 0.62 [0.58, 0.66]
    male = _bar_groups(svgs["Selection rate of sex by group"])[0]
    assert "male (reference)" in male and "0.620 [0.580, 0.660]" in male
    spans = re.findall(r'<line class="err" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)"', male)
    x1, _, x2 = (float(v) for v in spans[0])
    track = re.findall(r'<rect class="[^"]*" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', male)
    start, full = float(track[0][0]), sum(float(w) for _, w in track)
    assert x1 == pytest.approx(start + 0.58 * full, abs=0.2)
    assert x2 == pytest.approx(start + 0.66 * full, abs=0.2)


def test_html_insufficient_group_is_labelled_and_not_ranked(html: str) -> None:
    section = _sections(html)["attribute-2"]
    svg = _svgs(section)["Selection rate of sex & age_group by group"]
    groups = _bar_groups(svg)
    small = escape(SMALL)
    # drawn last, greyed, labelled, without a whisker
    assert small in groups[-1] and all(small not in g for g in groups[:-1])
    assert 'class="insufficient"' in groups[-1] and 'class="rate' not in groups[-1]
    assert "insufficient data (n = 12), not ranked" in groups[-1]
    assert '<line class="err"' not in groups[-1]
    # the table row is greyed and tagged; no comparison or ranking mentions the group
    rows = re.findall(r"<tr[^>]*>.*?</tr>", section, flags=re.S)
    small_rows = [r for r in rows if small in r]
    assert len(small_rows) == 1 and small_rows[0].startswith('<tr class="insufficient">')
    assert "insufficient data, not ranked" in small_rows[0]
    comparisons = section.split("Comparisons with the reference group")[1].split("<h3>")[0]
    assert small not in comparisons
    assert "<p>Insufficient data (below 30 records, not ranked): <code>" in section


def test_overall_metrics_come_first_in_both_formats(report: FairnessReport, html: str) -> None:
    overall = _sections(html)["overall"]
    assert "<code>all</code>" in overall and ">1200<" in overall
    assert '0.550 <span class="ci">[0.510, 0.590]</span>' in overall  # rate and interval
    assert html.index('id="overall"') < html.index('<section id="attribute-0"')
    md = render_fairness_markdown(report)
    assert md.index("## Overall") < md.index("## Attribute")
    row = next(line for line in md.splitlines() if line.startswith("| all "))
    assert "1200" in row and "0.550 [0.510, 0.590]" in row


def test_a_report_without_overall_metrics_says_so(report: FairnessReport) -> None:
    old = report.model_copy(update={"overall": None})
    assert "No overall metrics in this report." in _sections(render_fairness_html(old))["overall"]
    assert "No overall metrics in this report." in render_fairness_markdown(old)


def test_html_marks_the_reference_group(html: str) -> None:
    section = _sections(html)["attribute-1"]
    assert "Reference group: <code>25-64</code>" in section and "(policy)" in section
    groups = _bar_groups(_svgs(section)["Selection rate of age_group by group"])
    assert "25-64 (reference)" in groups[0] and 'class="rate-ref"' in groups[0]
    assert all('class="rate-ref"' not in g for g in groups[1:])


def test_html_tables_of_metrics_disparities_and_comparisons(html: str) -> None:
    section = _sections(html)["attribute-0"]
    for head in ("count", "base rate", "selection rate [95% CI]", "TPR", "FPR", "TNR", "FNR",
                 "precision", "accuracy", "AUC", "ECE", "calibration-in-the-large"):  # fmt: skip
        assert f"<th>{head}</th>" in section, head
    assert '<td class="num">0.620 <span class="ci">[0.580, 0.660]</span></td>' in section
    assert '<td class="num">-0.012</td>' in section
    assert "<td>demographic parity ratio</td>" in section
    assert '<td class="num">0.758</td><td class="num">[0.670, 0.850]</td>' in section
    significant = re.findall(r'<tr class="significant">(.*?)</tr>', section, flags=re.S)
    assert len(significant) == 2
    assert "<td>female vs male</td>" in significant[0]
    assert (
        '-0.150 <span class="ci">[-0.200, -0.100]</span>' in significant[0]
        and "<td>yes</td>" in significant[0]
    )
    assert '<td class="num">2e-05</td><td class="num">0.00012</td>' in significant[0]


def test_html_roc_and_calibration_curves(html: str) -> None:
    svgs = _svgs(html)
    for attribute in ("sex", "age_group", "sex & age_group"):
        roc = svgs[f"ROC curves of {attribute} by group"]
        calibration = svgs[f"Calibration curves of {attribute} by group"]
        for svg, diagonal in ((roc, "chance (diagonal)"), (calibration, "perfect calibration")):
            assert svg.count('class="diagonal"') == 2, attribute  # the line and its legend
            assert diagonal in svg
            assert "<polyline" in svg
        assert "false positive rate" in roc and "observed favourable rate" in calibration
    roc = svgs["ROC curves of sex by group"]
    assert roc.count('<polyline class="curve"') == 3 and "female (AUC 0.800)" in roc
    calibration = svgs["Calibration curves of sex by group"]
    assert calibration.count('<circle class="dot"') == 9
    assert "mean score 0.450, observed 0.500, n = 80" in calibration
    inter = svgs["ROC curves of sex & age_group by group"]
    assert '<g class="sx"><title>female &amp; 65+ (insufficient data)' in inter
    assert "no curve: one outcome only" in inter


def test_every_svg_is_accessible(html: str) -> None:
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 3 * 5  # three rates, ROC and calibration per attribute
    assert all('role="img"' in s and "<title>" in s and "<text" in s for s in svgs)


def test_html_proxies_reasons_settings_warnings_signoff(html: str) -> None:
    sections = _sections(html)
    flagged = re.findall(r'<tr class="flagged">(.*?)</tr>', sections["proxies"], flags=re.S)
    assert len(flagged) == 1 and "<code>postcode</code>" in flagged[0]
    assert "0.0213" in flagged[0] and 'class="tag flag"' in flagged[0]
    assert "<code>income</code>" in sections["proxies"]
    reasons = sections["reasons"]
    assert "<td>Income too low (150); Short credit history (90)</td>" in reasons
    assert '<td class="num">286</td>' in reasons
    settings = sections["settings"]
    for fact in ("<dt>Minimum group size</dt><dd>30</dd>", "<dd>0.05</dd>", "<dd>Holm</dd>",
                 "<dt>Bootstrap resamples</dt><dd>1000</dd>", "<dt>Seed</dt><dd>7</dd>"):  # fmt: skip
        assert fact in settings, fact
    assert "1 group(s) below 30 records reported as insufficient data" in sections["warnings"]
    for label in ("Reviewed by", "Role", "Date", "Decision"):
        assert f"<th>{label}</th>" in sections["signoff"]


def test_html_of_a_passing_report_without_scores(report: FairnessReport) -> None:
    passing = report.model_copy(
        update={
            "curves": [],
            "proxies": [],
            "reasons": [],
            "warnings": [],
            "verdict": Verdict(
                passed=True, reasons=[], thresholds={"demographic_parity_ratio": 0.8}
            ),
        }
    )
    html = render_fairness_html(passing)
    checker = _parse(html)
    assert checker.errors == [] and checker.stack == []
    assert '<span class="badge pass">PASS</span>' in html
    assert "No reason to fail" in html and "No ROC or calibration curves" in html
    sections = _sections(html)
    assert "No proxy analysis" in sections["proxies"]
    assert "No adverse-action reasons" in sections["reasons"]
    assert "None." in sections["warnings"]


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_has_the_same_content_in_tables(report: FairnessReport) -> None:
    md = render_fairness_markdown(report)
    assert "**FAIL**: Passes when every demographic parity ratio is >= 0.8" in md
    for reason in report.verdict.reasons:
        assert f"- {reason.replace('<', '&lt;')}" in md
    assert "| `sex` | `gender_code` | map | 1 -> male; 2 -> female; 9 -> &lt;script>" in md
    assert "| `age_group` | `age` | bins | [-inf, 25) -> &lt;25; [25, 65) -> 25-64; [65, inf) -> 65+ |" in md  # fmt: skip
    assert "| " + " | ".join(("male (reference)", "620", "0.600", "0.620 [0.580, 0.660]")) in md
    assert "| female & 65+ (insufficient data) | 12 |" in md
    assert "| demographic parity ratio | 0.758 | [0.670, 0.850] |" in md
    assert "| selection rate | female vs male | -0.150 [-0.200, -0.100] | 0.850 | fisher | 2e-05 | 0.00012 | yes |" in md  # fmt: skip
    assert "| `postcode` | `sex` | 0.0213 | 0.710 | **yes** |" in md
    assert "| female | 286 | Income too low (150); Short credit history (90) |" in md
    assert "- Multiple-testing correction: Holm" in md and "- Bootstrap resamples: 1000" in md
    for line in ("- Reviewed by: ", "- Role: ", "- Date: ", "- Decision: "):
        assert line in md.split("## Sign-off")[1]
    assert "<svg" not in md


def test_markdown_keeps_raw_html_out(report: FairnessReport) -> None:
    md = render_fairness_markdown(report)
    outside_code = re.sub(r"`[^`]*`", "", md)
    assert "<" not in outside_code
    assert EVIL not in md


def test_markdown_tables_are_rectangular(report: FairnessReport) -> None:
    md = render_fairness_markdown(report)
    tables: list[list[str]] = []
    previous = ""
    for line in md.splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append(line)
        previous = line
    assert len(tables) >= 10
    for table in tables:
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table}
        assert len(widths) == 1, table


# --- JSON, registry, determinism, golden files -----------------------------------------------


def test_json_round_trips(report: FairnessReport) -> None:
    text = render_fairness_json(report)
    assert text.endswith("}\n")
    assert FairnessReport.model_validate_json(text) == report


def test_a_report_read_back_renders_the_same(report: FairnessReport) -> None:
    again = FairnessReport.model_validate_json(render_fairness_json(report))
    for fmt in formats("fairness"):
        assert render(again, fmt) == render(report, fmt)


def test_registry(report: FairnessReport) -> None:
    assert formats("fairness") == ["json", "markdown", "html"]
    with pytest.raises(ValueError, match="allowed: json, markdown, html"):
        render(report, "pdf")


def test_error_bars_need_one_interval_per_bar() -> None:
    bars = [Bar("a", (Segment(0.5, "rate"), Segment(0.5, "track")))]
    svg = svg_bar_chart("t", bars)
    with pytest.raises(ValueError, match="one interval"):
        add_error_bars(svg, bars, [])
    with pytest.raises(ValueError, match="expected 2 bars"):
        add_error_bars(svg, bars * 2, [None, None])
    assert add_error_bars(svg, bars, [None]) == svg


@pytest.mark.parametrize(("name", "fmt"), [("fairness.md", "markdown"), ("fairness.html", "html")])
def test_golden(report: FairnessReport, name: str, fmt: str) -> None:
    """Regenerate with ``CLEARANCE_UPDATE_GOLDEN=1 pytest tests/reports``."""
    assert_golden(name, render(report, fmt))


def test_a_group_without_reasons_says_none_in_both_formats(report: FairnessReport) -> None:
    # one builder for both formats: the HTML printed an empty list (<ol></ol>) here
    empty = ReasonSummary(attribute="sex", group="female", denied=0, top_reasons=[])
    report = report.model_copy(update={"reasons": [empty]})
    assert "| female | 0 | none |" in render_fairness_markdown(report)
    reasons = _sections(render_fairness_html(report))["reasons"]
    assert '<td>female</td><td class="num">0</td><td>none</td>' in reasons
