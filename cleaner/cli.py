"""The `cleaner` command: a thin typer shell over the library.

Exit codes: 0 ok; 1 some inputs failed, rule examples failed or a score is
below --min-f1; 2 usage error or invalid rules; 3 nothing was processed.
Data goes to stdout, messages to stderr (one line per expected error).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from .api import Cleaner
from .io import InputError, as_output, read_bytes, write_atomic
from .rules import RuleError
from .ruletest import check_all
from .score import ScoreError, render_table, score_dirs

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOTHING = 0, 1, 2, 3

app = typer.Typer(
    help="Strip boilerplate (promos, captions, credits, widgets) from scraped news pages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Check and test rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

err = Console(stderr=True, highlight=False)
# Piped output is read by people too: do not squeeze tables to 80 columns.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 120)

RulesOption = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--rules",
        help="A rules folder (with _global.toml and/or sites/*.toml) that overrides or extends the shipped rules. Repeatable.",
    ),
]


def fail(message: str, code: int) -> typer.Exit:
    """Print one error line and return the Exit to raise."""
    err.print(f"[red]error:[/red] {message}", soft_wrap=True)
    return typer.Exit(code)


def load_cleaner(rules: list[Path] | None) -> Cleaner:
    try:
        return Cleaner(rules or ())
    except RuleError as exc:
        for problem in exc.problems:
            err.print(problem, soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_USAGE) from None


@dataclass(frozen=True)
class Job:
    """One input to clean: where it is read, how its path looks for site detection, where it goes."""

    source: Path | None  # None: standard input
    relpath: Path | None  # relative to the input root; its first folder may name the site
    target: Path | None  # None: standard output


#: File names picked up when walking a folder (a page's kind is sniffed from its content).
PAGE_SUFFIXES = (".txt", ".html", ".htm")


def walk_pages(root: Path) -> Iterator[Path]:
    """Page files under root in a stable order, never following symlinked folders."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(PAGE_SUFFIXES) and not name.startswith("."):
                yield Path(folder, name)


def plan_jobs(inputs: list[str], output: str | None) -> list[Job]:
    """Map inputs to outputs: a folder tree is mirrored under OUT with .txt names."""
    to_stdout = output in (None, "-")
    if to_stdout and any(i != "-" and Path(i).is_dir() for i in inputs):
        raise fail("a folder input needs -o OUT, the folder to write the cleaned tree to", EXIT_USAGE)
    if to_stdout and len(inputs) > 1:
        raise fail("several inputs need -o OUT, a folder", EXIT_USAGE)
    out_dir = None if to_stdout else Path(output)
    single_file_target = (
        out_dir is not None and len(inputs) == 1 and inputs[0] != "-" and Path(inputs[0]).is_file() and not out_dir.is_dir()
    )
    jobs: list[Job] = []
    for item in inputs:
        if item == "-":
            jobs.append(Job(None, None, None if out_dir is None else out_dir if single_file_target else out_dir / "stdin.txt"))
            continue
        path = Path(item)
        if path.is_dir():
            for f in walk_pages(path):
                rel = f.relative_to(path)
                jobs.append(Job(f, rel, out_dir / rel.with_suffix(".txt")))
        elif path.exists() or path.is_symlink():
            # A lone file keeps its parent folder's name: scraped/detik.com/x.txt -> detik.com
            rel = Path(path.resolve().parent.name, path.name)
            target = None if out_dir is None else out_dir if single_file_target else out_dir / path.with_suffix(".txt").name
            jobs.append(Job(path, rel, target))
        else:
            raise fail(f"{item}: no such file or folder", EXIT_USAGE)
    return jobs


@app.command()
def clean(
    inputs: Annotated[list[str], typer.Argument(help="Files or folders to clean; '-' reads standard input.", show_default=False)],
    output: Annotated[
        Optional[str],
        typer.Option("-o", "--output", help="Where to write: a folder that mirrors the input tree with .txt files, a file for a single input, or '-' for standard output."),
    ] = None,
    site: Annotated[Optional[str], typer.Option(help="Treat every input as a page of this site (a domain such as detik.com).")] = None,
    url: Annotated[Optional[str], typer.Option(help="The page URL, used to detect the site of a single input.")] = None,
    rules: RulesOption = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print no summary.")] = False,
) -> None:
    """Clean scraped news pages (HTML or text, sniffed): keep the article body, drop the template's noise."""
    cleaner = load_cleaner(rules)
    jobs = plan_jobs(inputs, output)
    done = failed = 0
    for job in jobs:
        name = str(job.source) if job.source else "<stdin>"
        try:
            page = read_bytes(job.source) if job.source else sys.stdin.buffer.read()
            result = cleaner.clean_page(page, site=site, url=url, path=job.relpath)
        except InputError as exc:
            err.print(f"[red]error:[/red] {exc}", soft_wrap=True)
            failed += 1
            continue
        if job.target is None:
            sys.stdout.write(as_output(result.text))
        else:
            write_atomic(job.target, as_output(result.text))
        done += 1
    if not quiet and output not in (None, "-"):
        err.print(f"cleaned {done} file(s), {failed} failed -> {output}")
    if done == 0:
        raise typer.Exit(EXIT_FAILED if failed else EXIT_NOTHING)
    if failed:
        raise typer.Exit(EXIT_FAILED)


@app.command()
def score(
    pred: Annotated[Path, typer.Argument(help="Cleaned outputs: a folder (or one file).", show_default=False)],
    gold: Annotated[Path, typer.Argument(help="Gold files with the same relative names: a folder (or one file).", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON instead of tables.")] = False,
    per_file: Annotated[bool, typer.Option("--per-file", help="Also print one row per file.")] = False,
    min_f1: Annotated[
        Optional[float], typer.Option("--min-f1", help="Exit 1 when the macro token F1 is below this value.", min=0.0, max=1.0)
    ] = None,
) -> None:
    """Score predictions against gold: token and line precision/recall/F1 and exact match, per file, per site and macro."""
    try:
        report = score_dirs(pred, gold)
    except ScoreError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.print(render_table(report, per_file=per_file))
    if min_f1 is not None and report.macro.token_f1 < min_f1:
        raise fail(f"macro token F1 {report.macro.token_f1:.4f} is below --min-f1 {min_f1}", EXIT_FAILED)


@rules_app.command("check")
def rules_check(rules: RulesOption = None) -> None:
    """Load and validate every rule file; print one line per problem."""
    cleaner = load_cleaner(rules)
    files = cleaner.rules.all_files()
    count = sum(len(f.rules()) for f in files)
    err.print(f"ok: {len(files)} rule files, {count} rules")


@rules_app.command("test")
def rules_test(rules: RulesOption = None) -> None:
    """Run every rule's examples (must_match, must_not_match, expect) and every file's [[tests]]."""
    cleaner = load_cleaner(rules)
    failures = check_all(cleaner.rules, cleaner)
    for failure in failures:
        err.print(str(failure), soft_wrap=True, markup=False)
    files = cleaner.rules.all_files()
    checked = sum(len(f.rules()) for f in files)
    if failures:
        raise fail(f"{len(failures)} example(s) failed in {checked} rules", EXIT_FAILED)
    err.print(f"ok: examples of {checked} rules and {sum(len(f.tests) for f in files)} document tests pass")


def main() -> None:  # pragma: no cover - console entry point
    app()
