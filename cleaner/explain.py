"""Explain one page: what the cleaner saw and what each rule did to it.

`explain_page` cleans a page with the real engine (`Cleaner.run` with a
trace) and lays out what the engine recorded as it ran: every line the text
phases started from (the page's non-blank lines for a text page, the
rendered body lines for an HTML page) marked kept, removed (with the rule
id) or changed (with the inline pieces removed and their rule ids); for an
HTML page also the nodes the node rules dropped, and which layout picked
the body (and the layouts that did not match, with why) or why the generic
extractor ran. Nothing is replayed: the lines
put together again must give the engine's output, and `consistent` says so.

`render` turns an Explanation into rich Text lines (styled; a console that is
not a terminal prints them plain) and `to_dict` into JSON-ready data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.text import Text

from .api import Cleaner
from .page import CHANGED, GENERIC_LAYOUT, HTML, JOINED, KEPT, REMOVED, SITE_BODY, TEXT_LINES, LineFate, Removal
from .phases import PHASES

#: How long a dropped node's text is shown in the terminal view.
NODE_TEXT_CHARS = 100


@dataclass
class Placed:
    """An inline piece removed from a line, and where it stands in the line."""

    rule_id: str
    text: str
    start: int | None  # where it stands in the line's text; None when not there verbatim
    replacement: str = ""  # what the rule put in its place (its `replace`; a joined fragment: that fragment)
    phase: str = "strip_inline"  # the phase that made the change


@dataclass
class Row:
    """One line as the text phases saw it, and what became of it."""

    number: int  # 1-based: the input line (text page) or the rendered line (HTML page)
    text: str  # whitespace-normalised, as the rules matched it
    status: str  # KEPT, REMOVED, CHANGED or JOINED
    rules: list[str] = field(default_factory=list)  # the rule(s) that removed or changed it
    phase: str | None = None  # the phase that removed the whole line
    pieces: list[Placed] = field(default_factory=list)  # inline pieces removed (CHANGED, or REMOVED by strip_inline)
    output: str | None = None  # the line in the cleaned text (KEPT, CHANGED)
    recovered: bool = False  # a piece only a glued duplicate line held, put back as its own line
    into: int | None = None  # JOINED: the line it was joined into


@dataclass
class Explanation:
    source: str  # the page's file name, or "<stdin>"
    kind: str  # "text" or "html"
    site: str | None
    site_source: str | None  # "option", "url", "folder", "signature" or None
    rule_file: str | None  # the site's rule file, None when only generic rules ran
    site_rules_off: bool  # the site has a rule file, left out (Cleaner(site_rules=False))
    url: str | None
    url_from_page: bool  # the URL is the one the HTML page declares (canonical / og:url)
    extractor: str  # "text", "site-body", "generic" or "generic-large"
    layout: str | None  # HTML: the layout that recognised the page, or "generic"
    layouts_tried: list[str]  # HTML: the site's layouts that did not match, and why
    confidence: float | None  # the generic path: its estimate of its token F1
    candidates: list  # the generic path: its candidate extractions (extract.Candidate)
    body_note: str  # HTML: which layout and body, or why none and what the generic extractor did
    node_drops: list[Removal]
    rows: list[Row]
    text: str  # the cleaned text
    consistent: bool  # the rows put together give `text`

    @property
    def body_rule(self) -> str | None:
        """The layout whose body was rendered (None on the generic path)."""
        return self.layout if self.extractor == SITE_BODY else None

    @property
    def detected_by(self) -> str:
        return self.site_source or "none"

    def counts(self) -> Counter:
        return Counter(row.status for row in self.rows)

    def fired(self) -> Counter:
        fired: Counter = Counter(r.rule_id for r in self.node_drops)
        for row in self.rows:
            fired.update(p.rule_id for p in row.pieces)
            if row.status == REMOVED:
                fired.update(r for r in row.rules if all(p.rule_id != r for p in row.pieces))
        return fired

    def by_phase(self) -> dict[str, Counter]:
        """Lines and nodes removed, per phase (registry order), by rule."""
        counts: dict[str, Counter] = {}
        for r in self.node_drops:
            counts.setdefault(r.phase, Counter())[r.rule_id] += 1
        for row in self.rows:
            for piece in row.pieces:
                counts.setdefault(piece.phase, Counter())[piece.rule_id] += 1
            whole = [r for r in row.rules if all(p.rule_id != r for p in row.pieces)]
            if row.status == REMOVED and row.phase and whole:
                counts.setdefault(row.phase, Counter()).update(whole)
        order = [f"html.{p.kind}" for p in PHASES.phases("html")] + [p.kind for p in PHASES.phases("text")]
        return {phase: counts[phase] for phase in sorted(counts, key=lambda p: order.index(p) if p in order else len(order))}


def explain_page(
    cleaner: Cleaner,
    page: str | bytes,
    *,
    kind: str | None = None,
    source: str = "<page>",
    url: str | None = None,
    site: str | None = None,
    path=None,
) -> Explanation:
    """Clean `page` (HTML or text, sniffed when `kind` is None) with a trace, and lay the trace out."""
    outcome = cleaner.clean_page(page, kind=kind, source=source, url=url, site=site, path=path, trace=True)
    html = outcome.kind == HTML
    site_file = cleaner.site_file(outcome.site)
    rows = [_row(fate) for fate in outcome.trace.lines]
    output = [row.output for row in rows if row.output is not None]
    return Explanation(
        source=source,
        kind=outcome.kind or "text",
        site=outcome.site,
        site_source=outcome.site_source,
        rule_file=_shown_path(site_file.path) if site_file is not None else None,
        site_rules_off=not cleaner.site_rules and outcome.site in cleaner.rules.sites,
        url=outcome.url,
        url_from_page=html and url is None and outcome.url is not None,
        extractor=outcome.extractor if html else TEXT_LINES,
        layout=outcome.layout,
        layouts_tried=list(outcome.layouts_tried),
        confidence=outcome.confidence,
        candidates=list(outcome.candidates),
        body_note=outcome.reason if html else "",
        node_drops=list(outcome.trace.nodes),
        rows=rows,
        text=outcome.text,
        consistent="\n".join(output) == outcome.text,
    )


def _shown_path(path: Path) -> str:
    """A path relative to the working folder when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _row(fate: LineFate) -> Row:
    return Row(fate.number, fate.text, fate.status, list(fate.rules), fate.phase, _place(fate), fate.output, fate.recovered,
               fate.into)


def _place(fate: LineFate) -> list[Placed]:
    """Find each removed piece in the line (the first free occurrence)."""
    taken: list[tuple[int, int]] = []
    placed = []
    for piece in fate.pieces:
        start = None
        pos = fate.text.find(piece.text) if piece.text else -1
        while pos >= 0:
            end = pos + len(piece.text)
            if all(end <= a or pos >= b for a, b in taken):
                start = pos
                taken.append((pos, end))
                break
            pos = fate.text.find(piece.text, pos + 1)
        placed.append(Placed(piece.rule_id, piece.text, start, piece.replacement, piece.phase))
    return placed


# -- output ------------------------------------------------------------------

STATUS_STYLE = {KEPT: "green", REMOVED: "bold red", CHANGED: "yellow", JOINED: "cyan"}
LABEL = {KEPT: "KEPT", REMOVED: "REMOVED", CHANGED: "CHANGED", JOINED: "JOINED"}
RULE_STYLE = "magenta"
PIECE_STYLE = "red strike"


def _short(text: str, limit: int = NODE_TEXT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def header(expl: Explanation) -> list[Text]:
    site = expl.site or "none (generic rules only)"
    if expl.site_rules_off:
        site += " (its rule file is not used (site rules off): generic rules only)"
    elif expl.site and not expl.rule_file:
        site += " (no rule file: generic rules only)"
    lines = [
        Text.assemble(("page: ", "bold"), f"{expl.source} ({expl.kind})"),
        Text.assemble(("site: ", "bold"), (site, "cyan"), f"; detected by: {expl.detected_by}"),
    ]
    if expl.rule_file:
        lines.append(Text.assemble(("rules: ", "bold"), expl.rule_file))
    url = expl.url or "none"
    if expl.url_from_page:
        url += " (declared by the page)"
    lines.append(Text.assemble(("url: ", "bold"), url))
    lines.append(Text.assemble(("extractor: ", "bold"), expl.extractor))
    if expl.kind == "html":
        lines.append(Text.assemble(("layout: ", "bold"), (expl.layout or GENERIC_LAYOUT, "cyan")))
    return lines


def _row_text(row: Row, width: int) -> Text:
    number = f"{row.number}{'+' if row.recovered else ''}".rjust(width)
    line = Text()
    line.append(f"{number} ", style="dim")
    line.append(LABEL[row.status].ljust(8), style=STATUS_STYLE[row.status])
    if row.status == JOINED:
        line.append(f"into line {row.into} ", style="dim")
        line.append(" ".join(row.rules), style=RULE_STYLE)
        line.append("  ")
        line.append(row.text, style="dim")
        return line
    if row.status == REMOVED and not row.pieces:
        line.append(" ".join(row.rules), style=RULE_STYLE)
        line.append("  ")
        # a glued duplicate repeats the page: its start is enough to know it
        line.append(_short(row.text) if row.phase == "duplicates" else row.text, style="dim")
        return line
    if not row.pieces:
        line.append(row.text)
        return line
    placed = sorted((p for p in row.pieces if p.start is not None), key=lambda p: p.start)
    cursor = 0
    for piece in placed:
        line.append(row.text[cursor : piece.start])
        _append_piece(line, piece)
        cursor = piece.start + len(piece.text)
    line.append(row.text[cursor:])
    for piece in row.pieces:  # pieces not found verbatim: a rule matched across an earlier removal
        if piece.start is None:
            line.append(" ")
            _append_piece(line, piece)
    return line


def _append_piece(line: Text, piece: Placed) -> None:
    if piece.text:  # a joined fragment removes nothing: only what it puts in shows
        line.append("[-", style="red")
        line.append(piece.text, style=PIECE_STYLE)
        line.append("-]", style="red")
    if piece.replacement.strip():
        line.append("{+" + piece.replacement + "+}", style="green")
    line.append("{" + piece.rule_id + "}", style=RULE_STYLE)


def render(expl: Explanation) -> list[Text]:
    """The explanation as printable lines: header, node drops, body, lines, summary."""
    out = header(expl)
    if expl.kind == "html":
        out.append(Text(""))
        out.append(Text.assemble(("body: ", "bold"), expl.body_note))
        if expl.layouts_tried:
            out.append(Text("layouts that did not match:", style="bold"))
            out.extend(Text(f"  {why}") for why in expl.layouts_tried)
        if expl.candidates:
            out.append(Text.assemble(("candidates: ", "bold"), ", ".join(
                f"{c.name} {c.score:.2f}{' (chosen)' if c.chosen else ''} {c.chars} chars" for c in expl.candidates)))
        if expl.confidence is not None:
            out.append(Text.assemble(("confidence: ", "bold"), f"{expl.confidence:.2f} (the extraction's estimated token F1)"))
        where = "inside the body" if expl.body_rule else "from the page"
        out.append(Text(f"nodes dropped {where} ({len(expl.node_drops)}):", style="bold"))
        for r in expl.node_drops:
            line = Text("  ")
            line.append(r.rule_id, style=RULE_STYLE)
            line.append(f" {r.phase.removeprefix('html.')}: ")
            line.append(_short(r.text) or "(no text)", style="dim")
            out.append(line)
    out.append(Text(""))
    out.append(Text("rendered lines:" if expl.kind == "html" else "lines (blank lines not shown):", style="bold"))
    width = max((len(str(row.number)) + 1 for row in expl.rows), default=2)
    out.extend(_row_text(row, width) for row in expl.rows)
    out.append(Text(""))
    counts = expl.counts()
    summary = f"{len(expl.rows)} lines: {counts[KEPT]} kept, {counts[CHANGED]} changed, {counts[REMOVED]} removed"
    if counts[JOINED]:
        summary += f", {counts[JOINED]} joined into an earlier line"
    if expl.kind == "html":
        summary += f"; {len(expl.node_drops)} nodes dropped"
    out.append(Text(summary, style="bold"))
    fired = expl.fired()
    if fired:
        out.append(Text("rules: " + ", ".join(f"{rule} {n}" for rule, n in fired.most_common())))
    for phase, rules in expl.by_phase().items():
        out.append(Text(f"  {phase}: " + ", ".join(f"{rule} {n}" for rule, n in rules.most_common()), style="dim"))
    if any(row.recovered for row in expl.rows):
        out.append(Text("N+: a piece that only a glued duplicate of the page held, put back as its own line", style="dim"))
    return out


def to_dict(expl: Explanation) -> dict:
    """The explanation as JSON-ready data (the same content as `render`)."""
    return {
        "page": expl.source,
        "kind": expl.kind,
        "site": expl.site,
        "detected_by": expl.detected_by,
        "rule_file": expl.rule_file,
        "url": expl.url,
        "url_from_page": expl.url_from_page,
        "extractor": expl.extractor,
        "layout": expl.layout,
        "layouts_tried": expl.layouts_tried,
        "confidence": expl.confidence,
        "candidates": [{"name": c.name, "score": c.score, "chars": c.chars, "chosen": c.chosen} for c in expl.candidates],
        "body_rule": expl.body_rule,
        "body": expl.body_note or None,
        "node_drops": [{"rule": r.rule_id, "phase": r.phase, "text": r.text} for r in expl.node_drops],
        "lines": [
            {
                "line": row.number,
                "status": row.status,
                "text": row.text,
                "rules": row.rules,
                "phase": row.phase,
                "pieces": [
                    {"rule": p.rule_id, "text": p.text, "start": p.start, **({"replacement": p.replacement} if p.replacement.strip() else {})}
                    for p in row.pieces
                ],
                "output": row.output,
                "recovered": row.recovered,
                **({"into": row.into} if row.status == JOINED else {}),
            }
            for row in expl.rows
        ],
        "fired": dict(expl.fired().most_common()),
        "phases": {phase: dict(rules.most_common()) for phase, rules in expl.by_phase().items()},
        "text": expl.text,
        "consistent": expl.consistent,
    }
