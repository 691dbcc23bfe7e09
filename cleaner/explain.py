"""Explain one page: what the cleaner saw and what each rule did to it.

`explain_page` cleans a page with the real engine (Cleaner.clean_page) and
lays its record out line by line: every line the text phases started from
(the page's non-blank lines for a text page, the rendered body lines for an
HTML page) is marked kept, removed (with the rule id) or changed (with the
inline pieces removed and their rule ids). For an HTML page it also lists
the nodes the node rules dropped and says which body rule picked the body or
that the generic extractor ran.

Whole-line removals come from the engine's `removed` records; the inline
phase is replayed line by line with the same function and rules
(text.strip_inline), which tells exactly which pieces left which line. The
lines put together again must give the engine's output: `consistent` says so.

`render` turns an Explanation into rich Text lines (styled; a console that is
not a terminal prints them plain) and `to_dict` into JSON-ready data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rich.text import Text

from .api import Cleaner, CleanResult
from .rules import Rule
from .text import Line, Removal, drop_scrape_duplicates, strip_inline

#: Statuses of a line.
KEPT, REMOVED, CHANGED = "kept", "removed", "changed"
#: Whole-line phases, whose removals carry the removed line's text.
LINE_PHASES = ("duplicates", "cut_after", "drop_line")
#: How long a dropped node's text is shown in the terminal view.
NODE_TEXT_CHARS = 100


@dataclass
class Piece:
    """An inline piece removed from a line by a strip_inline rule."""

    rule_id: str
    text: str
    start: int | None  # where it stands in the line's text; None when not there verbatim
    replacement: str = ""  # what the rule put in its place (its `replace`)


@dataclass
class Row:
    """One line as the text phases saw it, and what became of it."""

    number: int  # 1-based: the input line (text page) or the rendered line (HTML page)
    text: str  # whitespace-normalised, as the rules matched it
    status: str  # KEPT, REMOVED or CHANGED
    rules: list[str] = field(default_factory=list)  # the rule(s) that removed or changed it
    phase: str | None = None  # the phase that removed the whole line
    pieces: list[Piece] = field(default_factory=list)  # inline pieces removed (CHANGED, or REMOVED by strip_inline)
    output: str | None = None  # the line in the cleaned text (KEPT, CHANGED)
    recovered: bool = False  # a piece only a glued duplicate line held, put back as its own line


@dataclass
class Explanation:
    source: str  # the page's file name, or "<stdin>"
    kind: str  # "text" or "html"
    site: str | None
    site_source: str | None  # "option", "url", "folder", "signature" or None
    rule_file: str | None  # the site's rule file, None when only generic rules ran
    url: str | None
    url_from_page: bool  # the URL is the one the HTML page declares (canonical / og:url)
    extractor: str  # "text", "site-body" or "generic"
    body_rule: str | None
    body_note: str  # HTML: which body rule matched, or why the generic extractor ran
    node_drops: list[Removal]
    rows: list[Row]
    text: str  # the cleaned text
    consistent: bool  # the rows put together give `text`

    @property
    def detected_by(self) -> str:
        return self.site_source or "none"

    def counts(self) -> Counter:
        return Counter(row.status for row in self.rows)

    def fired(self) -> Counter:
        fired: Counter = Counter(r.rule_id for r in self.node_drops)
        for row in self.rows:
            if row.status == REMOVED and not row.pieces:
                fired.update(row.rules)
            fired.update(p.rule_id for p in row.pieces)
        return fired


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
    """Clean `page` (HTML or text, sniffed when `kind` is None) and explain the result."""
    result = cleaner.clean_page(page, kind=kind, source=source, url=url, site=site, path=path)
    html = result.extractor != "text"
    site_file = cleaner.rules.sites.get(result.site) if result.site else None
    rows = _rows(cleaner, result)
    output = [row.output for row in rows if row.output is not None]
    return Explanation(
        source=source,
        kind="html" if html else "text",
        site=result.site,
        site_source=result.site_source,
        rule_file=_shown_path(site_file.path) if site_file is not None else None,
        url=result.url,
        url_from_page=html and url is None and result.url is not None,
        extractor=result.extractor,
        body_rule=result.body_rule,
        body_note=_body_note(cleaner, result) if html else "",
        node_drops=[r for r in result.removed if r.phase.startswith("html.")],
        rows=rows,
        text=result.text,
        consistent="\n".join(output) == result.text,
    )


def _shown_path(path: Path) -> str:
    """A path relative to the working folder when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _body_note(cleaner: Cleaner, result: CleanResult) -> str:
    if result.body_rule is not None:
        return f"body rule {result.body_rule} matched: its node is the article body"
    rules = cleaner.html_phases_for(result.site)["body"]
    why = f"no body rule matched exactly one node ({', '.join(r.id for r in rules)})" if rules else "no body rule for this site"
    if result.extractor == "generic-large":
        return f"{why}: the page is too big or too deep for trafilatura, so its content was rendered whole"
    return f"{why}: the generic extractor (trafilatura) ran on the pruned page"


def _rows(cleaner: Cleaner, result: CleanResult) -> list[Row]:
    """Every line the text phases saw, in order, with its fate."""
    whole: dict[tuple[int, str], list[Removal]] = defaultdict(list)
    for r in result.removed:
        if r.phase in LINE_PHASES:
            whole[(r.line, r.text)].append(r)

    def take(line: Line, phases: tuple[str, ...]) -> Removal | None:
        found = whole.get((line.number, line.text), [])
        for i, r in enumerate(found):
            if r.phase in phases:
                return found.pop(i)
        return None

    lines = result.input_lines
    # The duplicate phase (text pages only) drops lines and may put back pieces
    # that only a glued line held: replay it (a pure function) to see them.
    units = drop_scrape_duplicates(lines, []) if result.extractor == "text" else list(lines)
    unit_ids = {id(u) for u in units}
    # (line, recovered) for the lines the later phases see, or (line, its Row)
    # for a line the duplicate phase removed; in page order.
    staged: list[tuple[Line, bool | Row]] = []
    pending = iter(units)
    for ln in lines:
        if id(ln) not in unit_ids:
            r = take(ln, ("duplicates",))
            rule = r.rule_id if r else "builtin:duplicate"
            staged.append((ln, Row(ln.number, ln.text, REMOVED, [rule], "duplicates")))
            continue
        for unit in pending:
            staged.append((unit, unit is not ln))
            if unit is ln:
                break
    staged.extend((unit, True) for unit in pending)

    rows: list[Row] = []
    survivors: list[tuple[Line, Row]] = []
    for line, mark in staged:
        if isinstance(mark, Row):
            rows.append(mark)
            continue
        r = take(line, ("cut_after", "drop_line"))
        if r is not None:
            rows.append(Row(line.number, line.text, REMOVED, [r.rule_id], r.phase, recovered=mark))
        else:
            row = Row(line.number, line.text, KEPT, recovered=mark)
            rows.append(row)
            survivors.append((line, row))

    rules = cleaner.phases_for(result.site)["strip_inline"]
    later = [r for r in rules if r.scope != "first_line"]
    by_id = {r.id: r for r in rules}
    for index, (line, row) in enumerate(survivors):
        removed: list[Removal] = []
        kept = strip_inline([line], rules if index == 0 else later, removed)
        row.pieces = _place(line.text, removed, by_id)
        row.rules = list(dict.fromkeys(p.rule_id for p in row.pieces))
        if not kept:
            row.status, row.phase = REMOVED, "strip_inline"
        else:
            row.output = kept[0].text
            if row.pieces:
                row.status = CHANGED
    return rows


def _place(text: str, removed: list[Removal], rules: dict[str, Rule]) -> list[Piece]:
    """Find each removed piece in the line (the first free occurrence)."""
    taken: list[tuple[int, int]] = []
    pieces = []
    for r in removed:
        start = None
        pos = text.find(r.text) if r.text else -1
        while pos >= 0:
            end = pos + len(r.text)
            if all(end <= a or pos >= b for a, b in taken):
                start = pos
                taken.append((pos, end))
                break
            pos = text.find(r.text, pos + 1)
        replacement = ""
        rule = rules.get(r.rule_id)
        if rule is not None and rule.replace and start is not None:
            m = rule.pattern.match(text, start)
            if m is not None:
                replacement = m.expand(rule.replace)
        pieces.append(Piece(r.rule_id, r.text, start, replacement))
    return pieces


# -- output ------------------------------------------------------------------

STATUS_STYLE = {KEPT: "green", REMOVED: "bold red", CHANGED: "yellow"}
LABEL = {KEPT: "KEPT", REMOVED: "REMOVED", CHANGED: "CHANGED"}
RULE_STYLE = "magenta"
PIECE_STYLE = "red strike"


def _short(text: str, limit: int = NODE_TEXT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def header(expl: Explanation) -> list[Text]:
    site = expl.site or "none (generic rules only)"
    if expl.site and not expl.rule_file:
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
    extractor = expl.extractor
    if expl.body_rule:
        extractor += f" (body rule {expl.body_rule})"
    lines.append(Text.assemble(("extractor: ", "bold"), extractor))
    return lines


def _row_text(row: Row, width: int) -> Text:
    number = f"{row.number}{'+' if row.recovered else ''}".rjust(width)
    line = Text()
    line.append(f"{number} ", style="dim")
    line.append(LABEL[row.status].ljust(8), style=STATUS_STYLE[row.status])
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


def _append_piece(line: Text, piece: Piece) -> None:
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
        out.append(Text(f"nodes dropped ({len(expl.node_drops)}):", style="bold"))
        for r in expl.node_drops:
            line = Text("  ")
            line.append(r.rule_id, style=RULE_STYLE)
            line.append(f" {r.phase.removeprefix('html.')}: ")
            line.append(_short(r.text) or "(no text)", style="dim")
            out.append(line)
        out.append(Text.assemble(("body: ", "bold"), expl.body_note))
    out.append(Text(""))
    out.append(Text("rendered lines:" if expl.kind == "html" else "lines (blank lines not shown):", style="bold"))
    width = max((len(str(row.number)) + 1 for row in expl.rows), default=2)
    out.extend(_row_text(row, width) for row in expl.rows)
    out.append(Text(""))
    counts = expl.counts()
    summary = f"{len(expl.rows)} lines: {counts[KEPT]} kept, {counts[CHANGED]} changed, {counts[REMOVED]} removed"
    if expl.kind == "html":
        summary += f"; {len(expl.node_drops)} nodes dropped"
    out.append(Text(summary, style="bold"))
    fired = expl.fired()
    if fired:
        out.append(Text("rules: " + ", ".join(f"{rule} {n}" for rule, n in fired.most_common())))
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
                    {"rule": p.rule_id, "text": p.text, "start": p.start, **({"replacement": p.replacement} if p.replacement else {})}
                    for p in row.pieces
                ],
                "output": row.output,
                "recovered": row.recovered,
            }
            for row in expl.rows
        ],
        "fired": dict(expl.fired().most_common()),
        "text": expl.text,
        "consistent": expl.consistent,
    }
