"""The dataset audit report as one self-contained HTML file with inline SVG charts: nothing
scripted or fetched, every value from the report escaped (:mod:`clearance.reports.html`)."""

from __future__ import annotations

from itertools import pairwise

from clearance.audit.report import (
    AnonymityResult,
    AuditReport,
    CheckRun,
    ConsentResult,
    RetentionResult,
)
from clearance.core.findings import Finding
from clearance.reports.audit_facts import (
    CATEGORIES,
    DECISIONS,
    SEVERITIES,
    bins,
    by_category,
    checks_line,
    consent_table,
    control_title,
    controls_of,
    findings_table,
    gate_line,
    not_ran,
    ordered,
    pct,
    ratio,
    rules_of,
    tables_table,
)
from clearance.reports.css import AUDIT_CSS
from clearance.reports.html import Html, join, lines, page, review_signoff, tag
from clearance.reports.html import code as _code
from clearance.reports.html import e as _e
from clearance.reports.html import empty as _empty
from clearance.reports.html import items as _items
from clearance.reports.html import kv as _kv
from clearance.reports.html import section as _section
from clearance.reports.html import table as _html_table
from clearance.reports.svg.charts import Bar, Marker, Segment, needs_log, svg_bar_chart


def _html_header(report: AuditReport) -> Html:
    p, s = report.policy, report.summary
    policy = _kv(
        [
            ("Purpose", _e(p.purpose)),
            ("Policy profile", _e(p.profile)),
            ("k-anonymity threshold (k)", _e(p.k)),
            ("l-diversity threshold (l)", _e(p.l)),
            ("Reference date", _e(p.reference_date)),
            ("Policy source", _code(p.source)),
            ("Subject key", _code(p.subject_key) if p.subject_key else "none found"),
            ("Tool", _e(f"{report.tool} {report.version} (report schema {report.schema_version})")),
        ]
    )
    gate = tag(
        '<p class="gate {}"><span class="badge {}">{}</span> {}</p>',
        s.gate,
        s.gate,
        s.gate.upper(),
        gate_line(report),
    )
    overview = tag("<p>{} table(s), {} row(s), {} finding(s).</p>", s.tables, s.rows, s.findings)
    return lines(
        [
            Html("<header>"),
            Html("<h1>clearance dataset audit</h1>"),
            policy,
            gate,
            overview,
            Html("</header>"),
        ]
    )


def _html_severity(report: AuditReport) -> Html:
    s = report.summary
    bars = [Bar(sev, (Segment(n, f"sev-{sev}"),)) for sev, n in ordered(s.by_severity, SEVERITIES)]
    chart = svg_bar_chart("Findings by severity", bars, axis="findings")
    cats = _html_table(
        ["category", "findings"],
        ([_e(c), str(n)] for c, n in ordered(s.by_category, CATEGORIES)),
        num=(1,),
    )
    return _section("severity", "Findings by severity and category", chart, cats)


def _html_tables(report: AuditReport) -> Html:
    if not report.tables:
        return _section("tables", "Tables", _empty("No tables were audited."))
    return _section("tables", "Tables", tables_table(report).html())


def _html_findings(report: AuditReport) -> Html:
    if not report.findings:
        return _section("findings", "Findings", _empty("No findings."))
    return _section("findings", "Findings", findings_table(report).html())


def _html_guidance_one(category: str, found: list[Finding]) -> Html:
    rules = []
    for f in rules_of(found):
        why = tag("<br>Why it matters: {}", f.why) if f.why else ""
        rules.append(
            tag(
                "<li><strong>{}</strong> ({}){}<br>Remediation: {}</li>",
                f.rule,
                f.entity,
                why,
                f.remediation,
            )
        )
    controls = join(
        tag("<li>{}: {}</li>", _code(c), control_title(c)) for c, _ in controls_of(found)
    )
    out = [tag("<h3>{} ({} finding(s))</h3>", category, len(found)), Html("<ul>"), *rules]
    out.append(Html("</ul>"))
    return lines(out + ([tag("<p>Controls:</p><ul>{}</ul>", controls)] if controls else []))


def _html_guidance(report: AuditReport) -> Html:
    groups = by_category(report.findings)
    if not groups:
        return _section("guidance", "Guidance by category", _empty("No findings, no guidance."))
    return _section(
        "guidance", "Guidance by category", *(_html_guidance_one(c, fs) for c, fs in groups)
    )


def _entity_bars(report: AuditReport) -> list[Bar]:
    bars = []
    for c in report.columns:
        for entity, n in sorted(c.matches.items(), key=lambda kv: (-kv[1], kv[0])):
            where = f"{c.table}.{c.column}" if c.table is not None else f"{c.file}:{c.column}"
            kind = c.kind.replace("_", " ")
            note = f"{n} rows ({ratio(n, c.rows)}), {kind}"
            detail = f"{n} of {c.rows} rows ({ratio(n, c.rows)}), {kind} column"
            bars.append(Bar(f"{where} · {entity}", (Segment(n, f"kind-{c.kind}"),), note, detail))
    return bars


def _html_entities(report: AuditReport) -> Html:
    bars = _entity_bars(report)
    if not bars:
        return _section(
            "entities", "Entities per column", _empty("No entity matched in any column.")
        )
    legend = [
        ("kind-entity", "entity column"),
        ("kind-free_text", "free text"),
        ("kind-other", "other"),
    ]
    chart = svg_bar_chart(
        "Rows with a match, per entity and column", bars, legend=legend, axis="rows with a match"
    )
    return _section("entities", "Entities per column", chart)


def _class_buckets(a: AnonymityResult) -> list[tuple[int, int, int]]:
    """(lowest size, highest size, classes): one bucket per size when few, else 1-2-5 ranges
    split at k so the k line falls on a bucket edge."""
    hist = sorted(a.class_size_histogram)
    if len(hist) <= 20:
        return [(size, size, n) for size, n in hist]
    biggest, edges, step = hist[-1][0], {a.k_threshold}, 1
    while step <= biggest:
        edges.update(e for e in (step, 2 * step, 5 * step) if e <= biggest)
        step *= 10
    bounds = sorted(edges)
    ranges = [(lo, nxt - 1) for lo, nxt in pairwise(bounds)] + [(bounds[-1], biggest)]
    return [
        (lo, hi, sum(n for size, n in hist if lo <= size <= hi)) for lo, hi in ranges if lo <= hi
    ]


def _anonymity_chart(a: AnonymityResult) -> Html:
    buckets = _class_buckets(a)
    if not buckets:
        return _empty("No equivalence classes.")
    bars = [
        Bar(
            str(lo) if lo == hi else f"{lo}–{hi}",
            (Segment(n, "below" if hi < a.k_threshold else "above"),),
            f"{n} classes",
        )
        for lo, hi, n in buckets
    ]
    at = next((i for i, (lo, _, _) in enumerate(buckets) if lo >= a.k_threshold), len(buckets))
    return svg_bar_chart(
        f"Equivalence class sizes of {a.table}",
        bars,
        columns=True,
        log=needs_log(n for _, _, n in buckets),
        marker=Marker(at, f"k = {a.k_threshold}"),
        legend=[("below", "classes below k"), ("above", "classes at or above k")],
        axis="x: class size; y: number of classes",
    )


def _html_anonymity_one(a: AnonymityResult, l_threshold: int) -> Html:
    verdict = "meets" if a.k >= a.k_threshold else "below"
    pairs = [
        ("Quasi-identifiers", join((_code(q) for q in a.quasi_identifiers), ", ")),
        ("k", _e(f"{a.k} ({verdict} the threshold k = {a.k_threshold})")),
        ("Rows / classes", _e(f"{a.rows} / {a.classes}")),
        ("Records below k", _e(f"{a.records_below_k} ({pct(a.share_below_k)})")),
        ("Unique records", _e(a.unique_records)),
        ("Sample uniqueness", _e(pct(a.sample_uniqueness))),
        (
            "Prosecutor risk (max / average)",
            _e(f"{pct(a.prosecutor_risk_max)} / {pct(a.prosecutor_risk_avg)}"),
        ),
    ]
    pairs += [
        (f"l-diversity of {attr}", _e(f"l = {lv} (threshold l = {l_threshold})"))
        for attr, lv in sorted(a.l_diversity.items())
    ]
    return lines([tag("<h3>{}</h3>", _code(a.table)), _anonymity_chart(a), _kv(pairs)])


def _html_anonymity(report: AuditReport) -> Html:
    title = "Anonymity: k-anonymity and l-diversity"
    if not report.anonymity:
        return _section("anonymity", title, _empty("No anonymity measurement in this audit."))
    return _section(
        "anonymity", title, *(_html_anonymity_one(a, report.policy.l) for a in report.anonymity)
    )


def _retention_chart(r: RetentionResult) -> Html:
    age_bins = bins(r)
    if not age_bins:
        return _empty("No parseable timestamps.")
    bars = [
        Bar(
            f"{lo}–{hi} d",
            (Segment(n, "expired" if lo >= r.limit_days else "kept"),),
            f"{n} records",
        )
        for lo, hi, n in age_bins
    ]
    at = float(len(age_bins))
    for i, (lo, hi, _) in enumerate(age_bins):
        if r.limit_days < hi:
            at = i + max(0.0, (r.limit_days - lo) / (hi - lo)) if hi > lo else float(i)
            break
    return svg_bar_chart(
        f"Record age of {r.table}.{r.column}",
        bars,
        columns=True,
        log=needs_log(n for _, _, n in age_bins),
        marker=Marker(at, f"retention limit {r.limit_days} d"),
        legend=[("kept", "within the limit"), ("expired", "past the limit")],
        axis="x: record age in days; y: records",
    )


def _html_retention_one(r: RetentionResult) -> Html:
    pairs = [
        ("Retention limit", _e(f"{r.limit_days} days")),
        ("Rows", _e(r.rows)),
        ("Expired", _e(f"{r.expired} ({ratio(r.expired, r.rows)})")),
        ("Unparseable timestamps", _e(r.unparseable)),
        ("Missing timestamps", _e(r.missing)),
        ("Oldest record (days)", _e("" if r.oldest_age_days is None else r.oldest_age_days)),
    ]
    return lines(
        [tag("<h3>{}</h3>", _code(f"{r.table}.{r.column}")), _retention_chart(r), _kv(pairs)]
    )


def _html_retention(report: AuditReport) -> Html:
    if not report.retention:
        return _section("retention", "Retention", _empty("No retention measurement in this audit."))
    return _section("retention", "Retention", *(_html_retention_one(r) for r in report.retention))


def _consent_bar(c: ConsentResult) -> Bar:
    """Shares of the table's rows, so every table's bar is 100% long."""
    parts = (
        (c.consented, "consented"),
        (c.not_consented, "not-consented"),
        (c.no_record, "no-record"),
    )
    segments = tuple(Segment(n / c.rows if c.rows else 0.0, css) for n, css in parts)
    detail = (
        f"{c.consented} consented, {c.not_consented} not consented, {c.no_record} no record "
        f"of {c.rows} rows"
    )
    return Bar(c.table, segments, f"{ratio(c.consented, c.rows)} consented", detail)


def _html_consent(report: AuditReport) -> Html:
    if not report.consent:
        return _section(
            "consent", "Consent coverage", _empty("No consent measurement in this audit.")
        )
    legend = [
        ("consented", "consented"),
        ("not-consented", "not consented for the purpose"),
        ("no-record", "no consent record"),
    ]
    chart = svg_bar_chart(
        "Consent coverage per table",
        [_consent_bar(c) for c in report.consent],
        legend=legend,
        axis="share of rows",
    )
    return _section("consent", "Consent coverage", chart, consent_table(report).html())


def _html_controls(report: AuditReport) -> Html:
    controls = controls_of(report.findings)
    if not controls:
        return _section("controls", "Controls", _empty("No finding concerns a control."))
    rows = ([_code(c), _e(control_title(c)), str(n)] for c, n in controls)
    return _section(
        "controls", "Controls", _html_table(["control", "description", "findings"], rows, num=(2,))
    )


def _check_row(c: CheckRun) -> list[str]:
    status = tag('<span class="badge {}">{}</span>', c.status, c.status)
    return [
        _code(c.rule),
        _e(c.category),
        _e(c.table or "(dataset)"),
        status,
        str(c.findings),
        _e(c.reason),
    ]


def _html_checks(report: AuditReport) -> Html:
    if not report.checks:
        return _section("checks", "Checks", _empty("No checks were run."))
    ordered = not_ran(report) + [c for c in report.checks if c.status == "ran"]
    table = _html_table(
        ["rule", "category", "table", "status", "findings", "reason"],
        (_check_row(c) for c in ordered),
        num=(4,),
    )
    return _section("checks", "Checks", tag("<p>{}.</p>", checks_line(report)), table)


def _html_inputs(report: AuditReport) -> Html:
    skipped = (
        _html_table(["input", "reason"], ([_code(s.path), _e(s.reason)] for s in report.skipped))
        if report.skipped
        else _empty("None.")
    )
    warnings = _items(report.warnings) if report.warnings else _empty("None.")
    return lines(
        [_section("skipped", "Skipped inputs", skipped), _section("warnings", "Warnings", warnings)]
    )


def _html_signoff() -> Html:
    return _section("signoff", "Sign-off", review_signoff(DECISIONS))


def render_audit_html(report: AuditReport) -> str:
    sections = [
        _html_header(report),
        Html("<main>"),
        _html_severity(report),
        _html_tables(report),
        _html_findings(report),
        _html_guidance(report),
        _html_entities(report),
        _html_anonymity(report),
        _html_retention(report),
        _html_consent(report),
        _html_controls(report),
        _html_checks(report),
        _html_inputs(report),
        _html_signoff(),
        Html("</main>"),
    ]
    return page(f"clearance dataset audit: {report.policy.purpose}", AUDIT_CSS, sections)
