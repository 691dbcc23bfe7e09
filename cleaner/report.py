"""A self-contained HTML report of a scoring run (`cleaner score ... --report`).

The report has the per-site and per-file score tables (the numbers of
`score_dirs`), a colour legend, and one section per gold file that lines the
page up against what the cleaner kept and what the gold kept:

* with the raw pages (``raw_dir``), every raw line is aligned, as a line, with
  the prediction and with the gold, so each one is *body* (kept by both),
  *noise removed* (removed by both), *leaked noise* (kept by the cleaner, not
  in the gold) or *missed body text* (in the gold, removed by the cleaner).
  A line that both kept but with different words (a dateline the cleaner left,
  a promo it cut from a paragraph) is *edited*, and its words get the same
  four classes. A raw .txt page's lines are its non-empty lines; a raw HTML
  page's lines are what the cleaner's HTML renderer (`html.render_lines`)
  gives for the whole page, nothing dropped (menus and widgets included), so a
  prediction from a site body rule lines up with them. A prediction from the
  generic extractor (trafilatura) may split or join text differently: such
  lines, and gold lines edited by hand, appear as "not in raw" rows.
* without raw pages, the prediction is diffed against the gold line by line.

Everything is inline: one HTML file with its CSS, no script, no external
resource; every piece of page text is HTML-escaped.
"""

from __future__ import annotations

import html
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path, PurePosixPath

from . import html as H
from .io import InputError, decode
from .score import Aggregate, FileRow, Report, ScoreError, index_files, read_file, score_dirs, stem_key, text_lines

__all__ = ["FileView", "Row", "build_report", "compare_file", "write_report"]

#: Line kinds, in legend order.
KINDS = ("body", "noise", "leaked", "missed", "edited")
LABELS = {
    "body": "body: kept by the cleaner and in the gold",
    "noise": "noise removed: removed by the cleaner and not in the gold",
    "leaked": "leaked noise: kept by the cleaner, not in the gold",
    "missed": "missed body text: in the gold, removed by the cleaner",
    "edited": "edited: a line both kept, with words that differ (marked like lines)",
}
MARKS = {"body": "", "noise": "·", "leaked": "+", "missed": "−", "edited": "~"}
# Word classes (CSS classes of <span>s inside a line).
_WORD = {(True, True): "w-body", (False, False): "w-gone", (True, False): "w-leak", (False, True): "w-miss"}

# Alignment of lines that changed: a raw line and a kept line pair up when
# their words are this similar (2*matches/total); a paragraph pairs with its
# copy minus a dateline, not with a "glued" line holding three paragraphs.
_PAIR_RATIO = 0.6
_PAIR_WINDOW = 60  # lines looked ahead in a changed block
# A run of at least _FOLD_RUN noise lines shows its first and last _FOLD_KEEP lines, the rest folded.
_FOLD_RUN, _FOLD_KEEP = 10, 2


@dataclass
class Row:
    kind: str  # one of KINDS
    number: int | None  # 1-based position among the raw lines; None: not in raw
    words: list[tuple[str, str]]  # (word class, text) runs
    cleaner: str  # "kept", "edited", "removed", "added" (not in raw) or ""
    gold: str


@dataclass
class FileView:
    row: FileRow
    rows: list[Row] = field(default_factory=list)
    raw_path: Path | None = None
    raw_kind: str | None = None  # "text" or "html"
    note: str = ""

    def counts(self) -> Counter[str]:
        return Counter(r.kind for r in self.rows)


# --- alignment ----------------------------------------------------------------


def _ratio(a: str, b: str) -> float:
    sm = SequenceMatcher(None, a.split(), b.split(), autojunk=False)
    if sm.real_quick_ratio() < _PAIR_RATIO or sm.quick_ratio() < _PAIR_RATIO:
        return 0.0
    return sm.ratio()


def align(a: list[str], b: list[str]) -> list[int | None]:
    """For each line of `a`, the index of the line of `b` it became (None: dropped).

    Equal lines are matched in order; in a changed block each line of `a`
    takes the next line of `b` whose words are similar enough, unless a later
    line of `a` is more similar to it."""
    out: list[int | None] = [None] * len(a)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out[i1 + k] = j1 + k
        elif tag == "replace":
            j = j1
            for i in range(i1, i2):
                for jj in range(j, min(j2, j + _PAIR_WINDOW)):
                    ratio = _ratio(a[i], b[jj])
                    if ratio >= _PAIR_RATIO:
                        # a later line that is a closer copy (the paragraph
                        # after a glued copy of the body) takes it instead
                        if not any(_ratio(a[k], b[jj]) > ratio for k in range(i + 1, min(i2, i + 1 + _PAIR_WINDOW))):
                            out[i], j = jj, jj + 1
                        break
    return out


def _merge(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    for cls, text in words:
        if runs and runs[-1][0] == cls:
            runs[-1] = (cls, runs[-1][1] + " " + text)
        else:
            runs.append((cls, text))
    return runs


def _kept_words(raw: list[str], line: str | None) -> tuple[set[int], dict[int, list[str]]]:
    """Which raw words a kept line keeps, and the words it has that raw has not
    (keyed by the raw position they come before)."""
    if line is None:
        return set(), {}
    kept: set[int] = set()
    added: dict[int, list[str]] = {}
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, raw, line.split(), autojunk=False).get_opcodes():
        if tag == "equal":
            kept.update(range(i1, i2))
        elif tag in ("insert", "replace"):
            added.setdefault(i1, []).extend(line.split()[j1:j2])
    return kept, added


def words3(raw: str, pred: str | None, gold: str | None) -> list[tuple[str, str]]:
    """Word runs of a raw line, each classed by whether the prediction and the gold kept it."""
    words = raw.split()
    kept_p, add_p = _kept_words(words, pred)
    kept_g, add_g = _kept_words(words, gold)
    out: list[tuple[str, str]] = []
    for pos in range(len(words) + 1):
        ins_p, ins_g = add_p.get(pos, []), add_g.get(pos, [])
        if ins_p and ins_p == ins_g:
            out.append(("w-add", " ".join(ins_p)))
        else:
            if ins_p:
                out.append(("w-add w-leak", " ".join(ins_p)))
            if ins_g:
                out.append(("w-add w-miss", " ".join(ins_g)))
        if pos < len(words):
            out.append((_WORD[pos in kept_p, pos in kept_g], words[pos]))
    return _merge(out)


def words2(pred: str, gold: str) -> list[tuple[str, str]]:
    """Word runs of a line kept by both: prediction-only words leak, gold-only words are missed."""
    p, g = pred.split(), gold.split()
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, p, g, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(("w-body", w) for w in p[i1:i2])
        else:
            out.extend(("w-leak", w) for w in p[i1:i2])
            out.extend(("w-miss", w) for w in g[j1:j2])
    return _merge(out)


def _both(pred: str, gold: str, number: int | None, cleaner: str, gold_status: str) -> Row:
    if pred == gold:
        return Row("body", number, [("w-body", pred)], cleaner, gold_status)
    return Row("edited", number, words2(pred, gold), cleaner, gold_status)


def diff_rows(pred: list[str], gold: list[str], *, added: bool = False) -> list[Row]:
    """Rows of a prediction diffed against its gold (no raw lines). With
    `added`, the lines are ones not found in the raw page."""
    status = "added" if added else "kept"
    rows: list[Row] = []
    to_gold = align(pred, gold)
    g = 0
    for i, j in enumerate(to_gold):
        if j is None:
            rows.append(Row("leaked", None, [("w-leak", pred[i])], status, ""))
            continue
        for k in range(g, j):
            rows.append(Row("missed", None, [("w-miss", gold[k])], "", status))
        rows.append(_both(pred[i], gold[j], None, status, status))
        g = j + 1
    rows.extend(Row("missed", None, [("w-miss", gold[k])], "", status) for k in range(g, len(gold)))
    return rows


def _anchors(mapping: list[int | None], n: int) -> dict[int, list[int]]:
    """Lines of the kept side (0..n-1) that no raw line maps to, grouped by the
    raw line they follow (-1: before the first)."""
    hit = {j: i for i, j in enumerate(mapping) if j is not None}
    out: dict[int, list[int]] = {}
    last = -1
    for j in range(n):
        if j in hit:
            last = hit[j]
        else:
            out.setdefault(last, []).append(j)
    return out


def raw_rows(raw: list[str], pred: list[str], gold: list[str]) -> list[Row]:
    """Every raw line classed by the prediction and the gold; their lines
    not found in raw come after the raw line they follow."""
    to_pred, to_gold = align(raw, pred), align(raw, gold)
    extra_p, extra_g = _anchors(to_pred, len(pred)), _anchors(to_gold, len(gold))
    rows: list[Row] = []

    def extras(anchor: int) -> None:
        ps = [pred[j] for j in extra_p.get(anchor, [])]
        gs = [gold[j] for j in extra_g.get(anchor, [])]
        if ps or gs:
            rows.extend(diff_rows(ps, gs, added=True))

    extras(-1)
    for i, line in enumerate(raw):
        p = None if to_pred[i] is None else pred[to_pred[i]]
        g = None if to_gold[i] is None else gold[to_gold[i]]
        words = words3(line, p, g)
        status_p = "removed" if p is None else ("kept" if p == line else "edited")
        status_g = "removed" if g is None else ("kept" if g == line else "edited")
        if p is None and g is None:
            kind = "noise"
        elif p is None:
            kind = "missed"
        elif g is None:
            kind = "leaked"
        else:
            kind = "edited" if any("w-leak" in c or "w-miss" in c for c, _ in words) else "body"
        rows.append(Row(kind, i + 1, words, status_p, status_g))
        extras(i)
    return rows


# --- reading --------------------------------------------------------------------


def raw_lines(path: Path) -> tuple[list[str], str]:
    """The lines of a raw page and its kind: a text's non-empty lines, or the
    cleaner's rendering of a whole HTML page (nothing dropped)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScoreError(f"{path}: {exc.strerror or exc}") from exc
    try:
        kind = H.sniff_kind(data)
        if kind == "html":
            from selectolax.lexbor import LexborHTMLParser

            tree = LexborHTMLParser(H.decode_html(data, str(path)))
            root = tree.body or tree.root
            return ([ln.text for ln in H.render_lines(root)] if root is not None else []), kind
        return text_lines(decode(data, str(path))), kind
    except InputError as exc:
        raise ScoreError(str(exc)) from exc


def _pairs(pred: Path, gold: Path, raw: Path | None) -> dict[str, tuple[Path, Path | None, Path | None]]:
    """relpath -> (gold file, prediction file or None, raw file or None), as score_dirs pairs them."""
    if gold.is_file():
        rel = PurePosixPath(gold.name)
        pred_path = pred if pred.is_file() else index_files(pred).get(stem_key(rel))
        raw_path = None if raw is None else (raw if raw.is_file() else index_files(raw).get(stem_key(rel)))
        return {str(rel): (gold, pred_path, raw_path)}
    if raw is not None and raw.is_file():
        raise ScoreError(f"{raw}: is a file but gold {gold} is a directory")
    preds = index_files(pred)
    raws = index_files(raw) if raw is not None else {}
    out = {}
    for path in sorted(gold.rglob("*.txt")):
        if path.is_file():
            rel = PurePosixPath(path.relative_to(gold).as_posix())
            out[str(rel)] = (path, preds.get(stem_key(rel)), raws.get(stem_key(rel)))
    return out


def compare_file(row: FileRow, gold_path: Path, pred_path: Path | None, raw_path: Path | None, *, use_raw: bool) -> FileView:
    gold = text_lines(read_file(gold_path))
    pred = text_lines(read_file(pred_path)) if pred_path is not None else []
    view = FileView(row, raw_path=raw_path)
    if pred_path is None:
        view.note = "no prediction for this file: every gold line counts as missed"
    if raw_path is not None:
        raw, view.raw_kind = raw_lines(raw_path)
        view.rows = raw_rows(raw, pred, gold)
    else:
        if use_raw:
            view.note = (view.note + "; " if view.note else "") + "no raw page with this name: prediction vs gold only"
        view.rows = diff_rows(pred, gold)
    return view


# --- HTML -----------------------------------------------------------------------

_CSS = """
:root { --leak: #ffd8b5; --leak-edge: #d9480f; --miss: #cfe3ff; --miss-edge: #1c62c8;
  --edit-edge: #b8860b; --noise: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
  margin: 0 auto; padding: 16px 24px 64px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 6px; }
h3 { font-size: 15px; margin: 0; display: inline; }
a { color: #0b57d0; text-decoration: none; } a:hover { text-decoration: underline; }
.meta { color: #57606a; margin: 2px 0; } .meta code { font-size: 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; border-top: 2px solid #999; }
td.bad { color: #b42318; font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 8px 0 4px; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; }
.sw { display: inline-block; min-width: 26px; padding: 0 4px; text-align: center; border-radius: 3px;
  border-left: 4px solid transparent; font-weight: 600; }
.controls { margin: 8px 0 0; color: #57606a; } .controls label { margin-right: 16px; cursor: pointer; }
.toggle { margin: 0 4px 0 0; vertical-align: middle; }
section.file { border-top: 1px solid var(--line); margin-top: 18px; }
details > summary { cursor: pointer; padding: 8px 0 2px; }
table.lines { width: 100%; table-layout: fixed; }
table.lines col.num { width: 64px; } table.lines col.st { width: 84px; }
table.lines td { border-bottom: 1px solid #f0f0f0; padding: 2px 8px; }
table.lines td.txt { white-space: pre-wrap; overflow-wrap: anywhere; }
td.num { color: #8c959f; text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.st { color: #57606a; font-size: 12px; }
tr.noise td.txt { color: var(--noise); } tr.noise { background: #f6f6f6; }
tr.fold td { padding: 0 8px; } tr.fold summary { color: #57606a; font-size: 12px; padding: 2px 0; }
tr.fold table.lines { margin: 0; }
tr.leaked { background: var(--leak); } tr.leaked td:first-child { border-left: 4px solid var(--leak-edge); }
tr.missed { background: var(--miss); } tr.missed td:first-child { border-left: 4px solid var(--miss-edge); }
tr.edited td:first-child { border-left: 4px solid var(--edit-edge); }
tr.body td:first-child, tr.noise td:first-child { border-left: 4px solid transparent; }
.sw.body { background: #fff; border: 1px solid var(--line); }
.sw.noise { background: #f6f6f6; color: var(--noise); }
.sw.leaked { background: var(--leak); border-left-color: var(--leak-edge); }
.sw.missed { background: var(--miss); border-left-color: var(--miss-edge); }
.sw.edited { background: #fff; border-left-color: var(--edit-edge); }
span.w-gone { color: var(--noise); text-decoration: line-through; }
tr.noise span.w-gone { text-decoration: none; }
span.w-leak { background: var(--leak); box-shadow: inset 0 -2px var(--leak-edge); }
span.w-miss { background: var(--miss); box-shadow: inset 0 -2px var(--miss-edge); }
tr.leaked span.w-leak, tr.missed span.w-miss { box-shadow: none; background: transparent; }
span.w-add { text-decoration: underline dotted; }
span.cf { font-size: 10px; border: 1px dotted currentColor; border-radius: 2px; padding: 0 1px; }
.tag { font-size: 11px; color: #57606a; border: 1px solid var(--line); border-radius: 3px; padding: 0 3px; }
#only-diff:checked ~ main tr.body, #only-diff:checked ~ main tr.noise { display: none; }
#hide-exact:checked ~ main section.exact, #hide-exact:checked ~ main tr.exact { display: none; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _metrics(obj) -> str:
    cells = []
    for name in ("token_p", "token_r", "token_f1", "line_p", "line_r", "line_f1"):
        value = getattr(obj, name)
        cells.append(f'<td class="n{" bad" if value < 1.0 else ""}">{value:.3f}</td>')
    return "".join(cells)


_METRIC_HEAD = "".join(f'<th class="n">{h}</th>' for h in ("tok P", "tok R", "tok F1", "line P", "line R", "line F1"))


def _legend() -> str:
    items = "".join(f'<li><span class="sw {k}">{MARKS[k] or "&nbsp;"}</span>{_e(LABELS[k])}</li>' for k in KINDS)
    words = (
        '<li>words: <span class="w-leak">leaked</span> <span class="w-miss">missed</span> '
        '<span class="w-gone">removed by both</span> <span class="w-add">not in the raw line</span></li>'
    )
    return f'<ul class="legend" id="legend">{items}{words}</ul>'


def _site_table(report: Report, views: list[FileView], first: dict[str, str]) -> str:
    per_site: dict[str, Counter[str]] = {}
    for v in views:
        per_site.setdefault(v.row.site, Counter()).update(v.counts())
    total = sum(per_site.values(), Counter())
    rows = []
    for site, agg in report.sites.items():
        c = per_site.get(site, Counter())
        rows.append(
            f'<tr><td><a href="#{first[site]}">{_e(site)}</a></td><td class="n">{agg.n}</td>{_metrics(agg)}'
            f'<td class="n">{agg.exact}/{agg.n}</td><td class="n">{c["leaked"]}</td><td class="n">{c["missed"]}</td>'
            f'<td class="n">{c["edited"]}</td></tr>'
        )
    m: Aggregate = report.macro
    rows.append(
        f'<tr class="total"><td>MACRO</td><td class="n">{m.n}</td>{_metrics(m)}<td class="n">{m.exact}/{m.n}</td>'
        f'<td class="n">{total["leaked"]}</td><td class="n">{total["missed"]}</td><td class="n">{total["edited"]}</td></tr>'
    )
    head = (
        f'<tr><th>site</th><th class="n">files</th>{_METRIC_HEAD}<th class="n">exact</th>'
        '<th class="n">leaked lines</th><th class="n">missed lines</th><th class="n">edited lines</th></tr>'
    )
    return f'<table id="sites" class="summary"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _file_table(views: list[FileView], ids: list[str]) -> str:
    rows = []
    for v, fid in zip(views, ids):
        c, s = v.counts(), v.row.score
        exact = "missing" if v.row.missing else ("yes" if s.exact else "no")
        cls = "exact" if s.exact else "inexact"
        rows.append(
            f'<tr class="{cls}" id="row-{fid}"><td><a href="#{fid}">{_e(v.row.relpath)}</a></td><td>{_e(v.row.site)}</td>'
            f'{_metrics(s)}<td>{exact}</td><td class="n">{c["leaked"]}</td><td class="n">{c["missed"]}</td>'
            f'<td class="n">{c["edited"]}</td></tr>'
        )
    head = (
        f'<tr><th>file</th><th>site</th>{_METRIC_HEAD}<th>exact</th>'
        '<th class="n">leaked</th><th class="n">missed</th><th class="n">edited</th></tr>'
    )
    return f'<table id="files" class="summary"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _visible(text: str) -> str:
    """Escaped text with invisible format characters (U+200E, U+200B, soft hyphen...)
    spelled out: in a changed word they are often the whole difference."""
    if not any(unicodedata.category(ch) == "Cf" for ch in text):
        return _e(text)
    return "".join(
        f'<span class="cf">U+{ord(ch):04X}</span>' if unicodedata.category(ch) == "Cf" else _e(ch) for ch in text
    )


def _row_html(row: Row) -> str:
    text = " ".join(
        f"<span class=\"{cls}\">{_visible(t)}</span>" if cls != "w-body" else _e(t) for cls, t in row.words
    )
    num = "" if row.number is None else str(row.number)
    tag = ' <span class="tag">not a raw line</span>' if row.number is None else ""
    mark = MARKS[row.kind]
    return (
        f'<tr class="{row.kind}"><td class="num">{_e(mark)} {num}</td><td class="txt">{text}{tag}</td>'
        f'<td class="st">{_e(row.cleaner)}</td><td class="st">{_e(row.gold)}</td></tr>'
    )


def _rows_html(rows: list[Row]) -> str:
    """The rows, with the middle of every long run of noise (an HTML page's
    menus and footers) folded into a <details> row."""
    out: list[str] = []
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j].kind == "noise":
            j += 1
        if j - i >= _FOLD_RUN:
            keep = _FOLD_KEEP
            out.extend(_row_html(r) for r in rows[i : i + keep])
            hidden = rows[i + keep : j - keep]
            inner = "".join(_row_html(r) for r in hidden)
            out.append(
                f'<tr class="noise fold"><td class="num"></td><td colspan="3"><details><summary>{len(hidden)} more lines '
                f'removed by both</summary><table class="lines"><colgroup><col class="num"><col><col class="st"><col class="st">'
                f"</colgroup><tbody>{inner}</tbody></table></details></td></tr>"
            )
            out.extend(_row_html(r) for r in rows[j - keep : j])
            i = j
        elif j > i:
            out.extend(_row_html(r) for r in rows[i:j])
            i = j
        else:
            out.append(_row_html(rows[i]))
            i += 1
    return "".join(out)


def _section(v: FileView, fid: str) -> str:
    s, c = v.row.score, v.counts()
    cls = "exact" if s.exact else "inexact"
    counts = ", ".join(f"{c[k]} {k}" for k in KINDS if c[k])
    source = (
        f'raw: <code>{_e(v.raw_path)}</code> ({"HTML page rendered to lines" if v.raw_kind == "html" else "text"})'
        if v.raw_path is not None
        else "prediction vs gold (no raw page)"
    )
    note = f'<p class="meta">{_e(v.note)}</p>' if v.note else ""
    score = (
        f"token F1 {s.token_f1:.3f} (P {s.token_p:.3f}, R {s.token_r:.3f}); "
        f"line F1 {s.line_f1:.3f} (P {s.line_p:.3f}, R {s.line_r:.3f}); exact: {'yes' if s.exact else 'no'}"
    )
    body = _rows_html(v.rows) or '<tr class="body"><td></td><td class="txt">(no lines)</td><td></td><td></td></tr>'
    table = (
        '<table class="lines"><colgroup><col class="num"><col><col class="st"><col class="st"></colgroup>'
        f'<thead><tr><th>#</th><th>line</th><th>cleaner</th><th>gold</th></tr></thead><tbody>{body}</tbody></table>'
    )
    return (
        f'<section class="file {cls}" id="{fid}"><details{"" if s.exact else " open"}>'
        f'<summary><h3>{_e(v.row.relpath)}</h3> <span class="meta">{_e(score)}</span></summary>'
        f'<p class="meta">{source}; {_e(counts or "no lines")} · <a href="#top">top</a></p>{note}{table}</details></section>'
    )


def build_report(pred: Path, gold: Path, raw: Path | None = None, report: Report | None = None) -> str:
    """The report as an HTML string. `report` is score_dirs(pred, gold), computed when None."""
    pred, gold = Path(pred), Path(gold)
    if raw is not None:
        raw = Path(raw)
        if not raw.exists():
            raise ScoreError(f"{raw}: no such file or directory")
    report = report if report is not None else score_dirs(pred, gold)
    pairs = _pairs(pred, gold, raw)
    views: list[FileView] = []
    for row in report.files:
        gold_path, pred_path, raw_path = pairs[row.relpath]
        views.append(compare_file(row, gold_path, None if row.missing else pred_path, raw_path, use_raw=raw is not None))
    ids = [f"f{i}" for i in range(1, len(views) + 1)]
    first: dict[str, str] = {}
    for v, fid in zip(views, ids):
        first.setdefault(v.row.site, f"row-{fid}")

    m = report.macro
    summary = (
        f"{m.n} gold file(s), macro token F1 {m.token_f1:.3f}, line F1 {m.line_f1:.3f}, "
        f"{m.exact}/{m.n} exact; {len(report.missing)} without a prediction; {report.extra} prediction(s) without gold (ignored)"
    )
    where = f'<p class="meta">predictions <code>{_e(pred)}</code> · gold <code>{_e(gold)}</code>' + (
        f" · raw <code>{_e(raw)}</code></p>" if raw is not None else " · no raw pages (--raw): prediction vs gold only</p>"
    )
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>cleaner score report</title><style>{_CSS}</style></head>",
        '<body id="top">',
        '<header><h1>cleaner score report</h1>',
        f'<p class="meta">{_e(summary)}</p>{where}{_legend()}</header>',
        '<input type="checkbox" class="toggle" id="only-diff"><label for="only-diff" class="controls">show only leaked, missed and edited lines</label> ',
        '<input type="checkbox" class="toggle" id="hide-exact"><label for="hide-exact" class="controls">hide files that match exactly</label>',
        "<main>",
        f"<h2>Per site</h2>{_site_table(report, views, first)}",
        f"<h2>Per file</h2>{_file_table(views, ids)}",
        "<h2>Files</h2>",
        *(_section(v, fid) for v, fid in zip(views, ids)),
        "</main></body></html>\n",
    ]
    return "".join(parts)


def write_report(path: Path, pred: Path, gold: Path, raw: Path | None = None, report: Report | None = None) -> None:
    """Write the report to `path` (UTF-8; a name that is not valid Unicode is replaced)."""
    text = build_report(pred, gold, raw, report)
    try:
        Path(path).write_bytes(text.encode("utf-8", errors="replace"))
    except OSError as exc:
        raise ScoreError(f"{path}: cannot write the report: {exc.strerror or exc}") from exc
