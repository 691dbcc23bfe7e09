"""Text mode: the lines a page is made of, and the text phases run over them.

The phases (cleaner/phases/) always run in their registered order, whatever
the order of the rule files, the site's rules before the global ones in
each: scrape duplicates (built in, scraped text only) -> cut_after ->
drop_line -> strip_inline -> repeats left by strip_inline (built in).

A `TextRun` is what the phases report to: every removal becomes a `Removal`
tagged with its rule id, and when the caller asked for a trace each line's
fate (kept, removed by which rule, changed by which pieces) is recorded as
it happens. Without a trace only the removals are kept, so tracing costs
nothing when it is not asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .page import CHANGED, JOINED, REMOVED, Line, LineFate, Piece, Removal, Trace
from .phases import PHASES, Rule


def normalise(text: str) -> str:
    """Collapse every run of whitespace (NBSP included) to one space."""
    return " ".join(text.split())


def split_lines(text: str) -> list[Line]:
    """Whitespace-normalised non-empty lines, numbered as in the input."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = normalise(raw)
        if line:
            out.append(Line(number, line))
    return out


class TextRun:
    """The text phases' record of one page: removals always, line fates
    when tracing. A phase that changes or adds a line says so here
    (`change`, `recover`), so that the trace can follow it."""

    def __init__(self, lines: Sequence[Line], kind: str, removed: list[Removal], trace: Trace | None = None):
        self.kind = kind  # "text" (scraped text) or "html" (lines rendered from a page)
        self.removed = removed
        self.trace = trace
        self._fates: dict[int, LineFate] = {}
        self._alive: list[Line] = []  # keeps every traced line alive, so that id() stays unique
        if trace is not None:
            for ln in lines:
                self._follow(ln, self._new_fate(ln))

    def _new_fate(self, line: Line, recovered: bool = False) -> LineFate:
        fate = LineFate(line.number, line.text, recovered=recovered)
        self.trace.lines.append(fate)
        return fate

    def _follow(self, line: Line, fate: LineFate) -> None:
        self._fates[id(line)] = fate
        self._alive.append(line)

    def remove(self, line: Line, rule_id: str, phase: str) -> None:
        """The whole line is removed by a rule."""
        self.removed.append(Removal(rule_id, phase, line.number, line.text))
        if self.trace is not None and (fate := self._fates.get(id(line))) is not None:
            fate.status, fate.phase = REMOVED, phase
            fate.rules.append(rule_id)

    def change(self, line: Line, text: str, pieces: Sequence[Piece], phase: str) -> Line | None:
        """Pieces were cut from the line; returns the line as it now reads
        (None when no word is left: the line is removed)."""
        self.removed.extend(Removal(p.rule_id, phase, line.number, p.text) for p in pieces)
        new = Line(line.number, text) if text else None
        if self.trace is not None and (fate := self._fates.get(id(line))) is not None:
            fate.pieces.extend(pieces)
            fate.rules.extend(r for r in dict.fromkeys(p.rule_id for p in pieces) if r not in fate.rules)
            if new is None:
                fate.status, fate.phase = REMOVED, phase
            else:
                self._follow(new, fate)
        return new

    def join(self, first: Line, rest: Sequence[Line], rule_id: str, phase: str,
             separators: Sequence[str] | None = None) -> Line:
        """Lines that are fragments of one paragraph are joined into the
        first, each after its separator (default: a space); returns the
        joined line. What the join removes is the line breaks: one Removal
        of "\n" per fragment joined. In the trace the first line is CHANGED,
        each fragment shown as a piece put in at its end, and each fragment's
        own row JOINED into it (its words are in that line now)."""
        seps = [" "] * len(rest) if separators is None else list(separators)
        new = Line(first.number, first.text + "".join(sep + ln.text for sep, ln in zip(seps, rest)))
        self.removed.extend(Removal(rule_id, phase, ln.number, "\n") for ln in rest)
        if self.trace is not None and (fate := self._fates.get(id(first))) is not None:
            fate.pieces.extend(Piece(rule_id, "", sep + ln.text, phase) for sep, ln in zip(seps, rest))
            if rule_id not in fate.rules:
                fate.rules.append(rule_id)
            for ln in rest:
                joined = self._fates.pop(id(ln), None)
                if joined is not None:
                    joined.status, joined.phase, joined.into = JOINED, phase, first.number
                    joined.rules.append(rule_id)
            self._follow(new, fate)
        return new

    def recover(self, line: Line, anchor: Line, *, after: bool) -> None:
        """A line the phase put back (a piece only a glued duplicate held),
        next to `anchor` in the page order."""
        if self.trace is None:
            return
        fate = LineFate(line.number, line.text, recovered=True)
        anchor_fate = self._fates.get(id(anchor))
        lines = self.trace.lines
        at = lines.index(anchor_fate) + (1 if after else 0) if anchor_fate in lines else len(lines)
        if after:  # after the pieces already put back after the same anchor
            while at < len(lines) and lines[at].recovered and lines[at].number == anchor.number:
                at += 1
        lines.insert(at, fate)
        self._follow(line, fate)

    def finish(self, kept: Sequence[Line]) -> None:
        """The lines the phases kept: their fates get their output."""
        if self.trace is None:
            return
        for ln in kept:
            fate = self._fates.get(id(ln))
            if fate is None:  # a phase made a line without saying so: shown as added
                fate = self._new_fate(ln, recovered=True)
            fate.output = ln.text
            if fate.pieces:
                fate.status = CHANGED


def run_text_phases(lines: list[Line], rules: Mapping[str, Sequence[Rule]], run: TextRun) -> list[Line]:
    """Run every text phase, in order, on the lines of one page."""
    for phase in PHASES.phases("text"):
        if run.kind in phase.inputs:
            lines = phase.run(lines, rules.get(phase.kind, ()), run)
    run.finish(lines)
    return lines


def clean_lines(lines: list[Line], rules: Mapping[str, Sequence[Rule]], kind: str,
                removed: list[Removal] | None = None) -> list[Line]:
    """The text phases on some lines outside a page's run (the suggester
    measuring a rule): `kind` "text" for scraped lines, "html" for rendered ones."""
    return run_text_phases(lines, rules, TextRun(lines, kind, [] if removed is None else removed))
