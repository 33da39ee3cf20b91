"""The incident report of an LLM memorisation audit as one self-contained HTML page, the twin
of :func:`clearance.reports.llm_incident_markdown.render_incident_markdown`: timeline fields to fill in, evidence,
remediation plan and sign-off. Fingerprints and masked previews only, never a secret value."""

from __future__ import annotations

from collections.abc import Sequence

from clearance.llm.report import LLMAuditReport
from clearance.reports.html import BOX, Html, join, lines, tag
from clearance.reports.html import code as _code
from clearance.reports.html import empty as _empty
from clearance.reports.html import kv as _kv
from clearance.reports.html import section as _section
from clearance.reports.html import signoff as _signoff
from clearance.reports.html import table as _table
from clearance.reports.llm_html import (
    best_prompt,
    deployed,
    duplication_chart,
    files,
    hallucinated,
    llm_page,
    match,
    probability,
    probes_text,
    rotation,
    severity,
    warnings,
)


def _leaked_table(report: LLMAuditReport) -> Html:
    leaked = [x for x in report.secrets if x.match != "none"]
    if not leaked:
        return _empty("None.")
    head = ["Fingerprint", "Type", "Preview", "Copies", "Match", "Chars", "Queries"]
    head += ["P(1 / 100)", "Deployed P(1 / 100)", "Best prompt", "Files"]
    rows = [
        [
            _code(x.fingerprint[:16]),
            x.entity,
            _code(x.preview),
            str(x.duplicates),
            match(x.match),
            f"{x.chars_recovered}/{x.length}",
            str(x.queries),
            probability(x),
            deployed(x),
            best_prompt(x),
            files(x, limit=3),
        ]
        for x in leaked
    ]
    return _table(head, rows, num=(3, 5, 6))


def _checklist(items: Sequence[Html]) -> Html:
    lis = join(tag("<li>{} {}</li>", BOX, i) for i in items)
    return tag('<ul class="checklist">{}</ul>', lis)


# the plan's steps: text of the tool, with the commands set as code
_CONTAIN = [
    Html(
        "Deploy the guard proxy in front of the model so outputs carrying an inventory "
        "secret are blocked (<code>clearance</code> guard, fingerprint matching)."
    ),
    Html("Restrict access to the model and its weights until the retrained model ships."),
]
_FIX_DATA = [
    Html("Scrub the secrets from the training corpus (<code>clearance scan</code> / redact)."),
    Html("Deduplicate the corpus: extraction grows with the number of copies (table above)."),
]
_FIX_MODEL = [
    Html("Retrain on the scrubbed corpus, or unlearn the listed secrets."),
    Html(
        "Re-audit (<code>clearance llm audit</code>) at the deployed precision and "
        "quantization: quantizing an unlearned model can bring the removed text back."
    ),
]


def render_incident_html(
    report: LLMAuditReport, *, generated_at: str | None = None, corpus: list[str] | None = None
) -> str:
    """The incident report (same content as ``render_incident_markdown``) as one self-contained
    HTML page. ``generated_at`` pre-fills *detected at*."""
    s, st, sev = report.summary, report.settings, severity(report)
    facts: list[tuple[str, object]] = [("Model", _code(st.model))]
    if corpus:
        facts.append(("Training corpus audited", join((_code(c) for c in corpus), ", ")))
    facts.append(
        (
            "Severity",
            tag(
                '<span class="badge sev-{}">{}</span> {}',
                sev.lower(),
                sev,
                f"{s.extracted} of {s.secrets} inventory secrets extracted verbatim, "
                f"{s.partial} partially.",
            ),
        )
    )
    header = lines(
        [
            Html("<header>"),
            Html("<h1>Incident report: secrets memorised by a language model</h1>"),
            _kv(facts),
            Html("</header>"),
        ]
    )
    timeline_rows = [
        ("Detected at", generated_at or ""),
        ("Contained at", ""),
        ("Rotated at", ""),
        ("Owner", ""),
        ("Ticket", ""),
    ]
    timeline = _section(
        "timeline", "Timeline", _table(["Field", "Value"], [[k, v] for k, v in timeline_rows])
    )
    evidence = _section(
        "evidence",
        "Evidence",
        tag("<p>{}</p>", probes_text(report)),
        Html("<h3>Extraction by duplication</h3>"),
        duplication_chart(report),
        Html("<h3>Extracted and partially extracted secrets</h3>"),
        tag(
            "<p>{}</p>",
            "Probabilities: P(1 / 100) under the model's own distribution (temperature 1), and "
            f"under the deployed decoding ({report.settings.deployed_decoding}).",
        ),
        _leaked_table(report),
        *(
            [
                Html(
                    "<h3>Secret-shaped outputs matching no inventory value (likely "
                    "hallucinated)</h3>"
                ),
                hallucinated(report),
            ]
            if report.hallucinated
            else []
        ),
    )
    remediation = _section(
        "remediation",
        "Remediation plan",
        Html("<h3>1. Rotate (ranked by extractability x duplication)</h3>"),
        rotation(report, checkbox=True),
        Html("<h3>2. Contain</h3>"),
        _checklist(_CONTAIN),
        Html("<h3>3. Fix the data</h3>"),
        _checklist(_FIX_DATA),
        Html("<h3>4. Fix the model</h3>"),
        _checklist(_FIX_MODEL),
    )
    signoff_rows = [
        ("Incident owner", ""),
        ("Security reviewer", ""),
        ("Date", ""),
        ("Closed", BOX + " yes"),
        ("Notes", ""),
        ("Signature", ""),
    ]
    signoff = _section("signoff", "Sign-off", _signoff(signoff_rows))
    body = [
        header,
        Html("<main>"),
        timeline,
        evidence,
        remediation,
        warnings(report),
        signoff,
        Html("</main>"),
    ]
    return llm_page(f"Incident report: {st.model}", [b for b in body if b])
