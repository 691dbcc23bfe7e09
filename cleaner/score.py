"""Score cleaned predictions against hand-labelled gold text.

Two views of similarity are reported for every file:

* token bag  - NFKC-normalised, lowercased ``\\w+`` tokens compared as multisets;
  forgiving about line breaks, sensitive to missing or extra words.
* line bag   - whitespace-normalised non-empty lines compared as multisets;
  catches a kept boilerplate line or a dropped paragraph as a whole unit.

``exact`` is True when the normalised non-empty lines are equal in order.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rich.console import Group
from rich import box
from rich.table import Table

__all__ = [
    "ScoreError",
    "FileScore",
    "FileRow",
    "Aggregate",
    "Report",
    "score_text",
    "score_dirs",
    "render_table",
]

_TOKEN_RE = re.compile(r"\w+")
METRICS = ("token_p", "token_r", "token_f1", "line_p", "line_r", "line_f1")


class ScoreError(Exception):
    """A gold or prediction file could not be found or read."""


@dataclass(frozen=True)
class FileScore:
    token_p: float
    token_r: float
    token_f1: float
    line_p: float
    line_r: float
    line_f1: float
    exact: bool

    @classmethod
    def zero(cls) -> FileScore:
        """Score given to a gold file that has no prediction."""
        return cls(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, False)


@dataclass(frozen=True)
class FileRow:
    relpath: str  # posix path of the gold file relative to gold_dir
    site: str  # first path component, "." for top-level files
    score: FileScore
    missing: bool = False


@dataclass(frozen=True)
class Aggregate:
    """Macro average of the six P/R/F1 values over ``n`` files."""

    n: int
    exact: int
    token_p: float = 0.0
    token_r: float = 0.0
    token_f1: float = 0.0
    line_p: float = 0.0
    line_r: float = 0.0
    line_f1: float = 0.0

    @classmethod
    def of(cls, scores: list[FileScore]) -> Aggregate:
        n = len(scores)
        if n == 0:
            return cls(n=0, exact=0)
        means = {m: sum(getattr(s, m) for s in scores) / n for m in METRICS}
        return cls(n=n, exact=sum(s.exact for s in scores), **means)


@dataclass
class Report:
    files: list[FileRow]
    sites: dict[str, Aggregate]
    macro: Aggregate
    missing: list[str] = field(default_factory=list)  # gold relpaths with no prediction
    extra: int = 0  # predictions with no gold file (ignored in the scores)

    def to_dict(self) -> dict:
        """JSON-ready dict with stable keys."""

        def metrics(obj) -> dict:
            # Rounded so that committed benchmark JSON does not churn on float noise.
            return {m: round(getattr(obj, m), 6) for m in METRICS}

        return {
            "files": [
                {
                    "relpath": row.relpath,
                    "site": row.site,
                    **metrics(row.score),
                    "exact": row.score.exact,
                    "missing": row.missing,
                }
                for row in self.files
            ],
            "sites": {
                site: {**metrics(agg), "exact": agg.exact, "n": agg.n}
                for site, agg in self.sites.items()
            },
            "macro": {**metrics(self.macro), "exact": self.macro.exact, "n": self.macro.n},
            "missing": list(self.missing),
            "extra": self.extra,
        }


# --- text scoring -----------------------------------------------------------


def _tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN_RE.findall(unicodedata.normalize("NFKC", text).lower()))


def text_lines(text: str) -> list[str]:
    # Only whitespace is normalised: a line that differs in any character is a
    # different line, which is what "exact" is meant to catch.
    normalised = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in normalised if line]


def _prf(pred: Counter[str], gold: Counter[str]) -> tuple[float, float, float]:
    """Multiset precision, recall and F1."""
    if not pred and not gold:
        return 1.0, 1.0, 1.0  # nothing to find and nothing found: perfect
    if not pred or not gold:
        return 0.0, 0.0, 0.0
    overlap = sum((pred & gold).values())
    p, r = overlap / sum(pred.values()), overlap / sum(gold.values())
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


def score_text(pred: str, gold: str) -> FileScore:
    """Compare one predicted text with its gold text."""
    pred_lines, gold_lines = text_lines(pred), text_lines(gold)
    tp, tr, tf = _prf(_tokens(pred), _tokens(gold))
    lp, lr, lf = _prf(Counter(pred_lines), Counter(gold_lines))
    return FileScore(tp, tr, tf, lp, lr, lf, exact=pred_lines == gold_lines)


# --- directory scoring ------------------------------------------------------


def read_file(path: Path) -> str:
    """A prediction or gold file's text; ScoreError (one line) when it cannot be read."""
    try:
        # utf-8-sig: a leading BOM is an editor artefact, not a difference in content.
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise ScoreError(f"{path}: {exc.strerror or exc}") from exc


def stem_key(rel: PurePosixPath) -> str:
    """How a prediction is matched to its gold file: the relative path without its extension."""
    return str(rel.with_suffix(""))


def index_files(pred_dir: Path) -> dict[str, Path]:
    """Map relative path without extension -> prediction file, preferring .txt.
    Hidden files (a batch's manifest, learned rules, temporary files) are not predictions."""
    index: dict[str, Path] = {}
    for path in sorted(p for p in pred_dir.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in path.relative_to(pred_dir).parts):
            continue
        key = stem_key(PurePosixPath(path.relative_to(pred_dir).as_posix()))
        if key not in index or (path.suffix == ".txt" and index[key].suffix != ".txt"):
            index[key] = path
    return index


def score_dirs(pred_dir: Path, gold_dir: Path) -> Report:
    """Score every ``*.txt`` gold file under ``gold_dir`` against ``pred_dir``.

    Either argument may also be a single file; a gold file then scores against
    ``pred_dir`` itself (if a file) or its same-stem file in ``pred_dir``.
    """
    pred_dir, gold_dir = Path(pred_dir), Path(gold_dir)
    for path in (gold_dir, pred_dir):
        if not path.exists():
            raise ScoreError(f"{path}: no such file or directory")

    if gold_dir.is_file():
        gold = {PurePosixPath(gold_dir.name): gold_dir}
        if pred_dir.is_file():
            preds = {stem_key(PurePosixPath(gold_dir.name)): pred_dir}
        else:
            preds = index_files(pred_dir)
    else:
        if pred_dir.is_file():
            raise ScoreError(f"{pred_dir}: is a file but gold {gold_dir} is a directory")
        gold = {
            PurePosixPath(p.relative_to(gold_dir).as_posix()): p
            for p in sorted(gold_dir.rglob("*.txt"))
            if p.is_file()
        }
        if not gold:
            raise ScoreError(f"{gold_dir}: no *.txt gold files found")
        preds = index_files(pred_dir)

    rows: list[FileRow] = []
    for rel, gold_path in gold.items():
        site = rel.parts[0] if len(rel.parts) > 1 else "."
        gold_text = read_file(gold_path)  # read even when missing: a bad gold file is an error
        pred_path = preds.get(stem_key(rel))
        if pred_path is None:
            rows.append(FileRow(str(rel), site, FileScore.zero(), missing=True))
        else:
            rows.append(FileRow(str(rel), site, score_text(read_file(pred_path), gold_text)))

    by_site: dict[str, list[FileScore]] = {}
    for row in rows:
        by_site.setdefault(row.site, []).append(row.score)
    gold_keys = {stem_key(rel) for rel in gold}

    return Report(
        files=rows,
        sites={site: Aggregate.of(scores) for site, scores in sorted(by_site.items())},
        macro=Aggregate.of([row.score for row in rows]),
        missing=[row.relpath for row in rows if row.missing],
        extra=sum(1 for key in preds if key not in gold_keys),
    )


# --- rendering --------------------------------------------------------------


def _fmt(obj) -> list[str]:
    return [f"{getattr(obj, m):.3f}" for m in METRICS]


def _metric_columns(table: Table) -> None:
    for name in ("tok P", "tok R", "tok F1", "line P", "line R", "line F1"):
        table.add_column(name, justify="right", no_wrap=True)


def render_table(report: Report, per_file: bool = False) -> Group:
    """Rich renderable: optional per-file table, then the per-site summary.

    Returns a ``Group`` so callers can simply ``console.print(...)`` it.
    """
    tables: list[Table] = []

    if per_file:
        files = Table(title="Per file", box=box.SIMPLE_HEAD)
        files.add_column("file", no_wrap=True)
        files.add_column("site")
        _metric_columns(files)
        files.add_column("exact")
        for row in report.files:
            exact = "missing" if row.missing else ("yes" if row.score.exact else "no")
            files.add_row(row.relpath, row.site, *_fmt(row.score), exact)
        tables.append(files)

    sites = Table(title="Per site", box=box.SIMPLE_HEAD)
    sites.add_column("site", no_wrap=True)
    sites.add_column("n", justify="right")
    _metric_columns(sites)
    sites.add_column("exact", justify="right")
    for site, agg in report.sites.items():
        sites.add_row(site, str(agg.n), *_fmt(agg), f"{agg.exact}/{agg.n}")
    m = report.macro
    sites.add_section()
    sites.add_row("MACRO", str(m.n), *_fmt(m), f"{m.exact}/{m.n}", style="bold")
    tables.append(sites)

    return Group(*tables)
