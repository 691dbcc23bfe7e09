"""The `cleaner` command: a thin typer shell over the library.

Exit codes: 0 ok; 1 some inputs failed, rule examples failed or a score is
below --min-f1; 2 usage error or invalid rules; 3 nothing was processed;
4 a batch stopped early (full disk, workers that keep dying): rerun it to
resume; 130 a batch interrupted (Ctrl-C, SIGTERM); 141 standard output
closed by its reader (`| head`), quietly.
Data goes to stdout, messages to stderr (one line per expected error).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import math
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from . import __version__
from .api import Cleaner, PageTimeoutError
from .batch import DEFAULT_PAGE_TIMEOUT, BatchOptions, BatchRun, BatchSummary, OutputError, clean_one, default_jobs
from .formats import FormatError, Output, require_pyarrow, resolve_output
from .io import as_output, write_atomic
from .page import Page
from .rules import RuleError
from .ruletest import check_all
from .score import ScoreError, render_table, score_dirs
from .sites import host_of
from .sources import BINARY, Fields, count_pages, input_kind, is_export, iter_pages, stdin_input

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOTHING, EXIT_STOPPED, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
#: Standard output closed by its reader (`| head`): 128 + SIGPIPE, as a shell reports a tool it ended.
EXIT_PIPE = 141

class OneLineErrors(TyperGroup):
    """Usage errors as one line, `cleaner: error: <problem> (see 'cleaner clean --help')`
    and exit code 2, instead of click's usage block and rich's box."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name or "cleaner", complete_var, standalone_mode=False, **extra)
        except typer.Abort:
            typer.echo("cleaner: aborted", err=True)
            sys.exit(EXIT_FAILED)
        except Exception as exc:
            # click's exceptions (typer vendors its own copy of click): a message and an exit code
            if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
                raise
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None and exc.exit_code == EXIT_USAGE else ""
            typer.echo(f"cleaner: error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else EXIT_OK)


# rich_markup_mode=None: help text is shown as written ("[[tests]]" is a TOML table, not markup)
app = typer.Typer(
    cls=OneLineErrors,
    help="Strip boilerplate (promos, captions, credits, widgets) from scraped news pages.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rules_app = typer.Typer(help="Check and test rule files.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(rules_app, name="rules")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = None,
) -> None:
    """Strip boilerplate (promos, captions, credits, widgets) from scraped news pages."""

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

NoSiteRulesOption = Annotated[
    bool,
    typer.Option(
        "--no-site-rules",
        help="Generic rules only (sites are still detected): to measure the generic path, or for sites whose rule files are stale.",
    ),
]


def finite(value: float, option: str) -> float:
    """A number option's value, refused when it is infinite or not a number
    (a timeout of inf would overflow the alarm on every page)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{option} must be a finite number, not {value}")
    return value


def fail(message: str, code: int) -> typer.Exit:
    """Print one error line and return the Exit to raise."""
    err.print(f"[red]error:[/red] {message}", soft_wrap=True)
    return typer.Exit(code)


def warn_unknown_site(cleaner: Cleaner, site: str | None) -> None:
    """`--site` naming a site no rule file covers: a warning, with the closest known site (a typo?)."""
    host = host_of(site) if site else None
    if host is None or cleaner.rules.site_for_host(host) is not None:
        return
    close = difflib.get_close_matches(host, sorted(cleaner.rules.sites), n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]}?)" if close else ""
    err.print(f"[yellow]warning:[/yellow] no rule file for {escape(site)}: its pages get the generic rules only{hint}",
              soft_wrap=True)


def load_cleaner(rules: list[Path] | None, *, site_rules: bool = True, learned: list[Path] = (), metadata: bool = True) -> Cleaner:
    try:
        return Cleaner(rules or (), site_rules=site_rules, learned=learned, metadata=metadata)
    except RuleError as exc:
        for problem in exc.problems:
            err.print(problem, soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_USAGE) from None


#: Rows of the pages-per-site table in the summary.
SITES_SHOWN = 15


def print_summary(summary: BatchSummary, seconds: float) -> None:
    """The end-of-batch report on stderr: counts, sites, fallbacks, rules, failures."""
    rate = summary.done / seconds if seconds > 0 else 0.0
    err.print(
        f"cleaned {summary.done} page(s) in {seconds:.1f}s ({rate:.0f}/s); skipped {summary.skipped} up to date; "
        f"{summary.failed} failed; {summary.duplicates} duplicate(s); generic fallback {summary.extractors.get('generic', 0)}",
        soft_wrap=True,  # one line each, also in a log file (no wrapping at 80 columns)
    )
    skipped = summary.skipped_line()
    if skipped:
        err.print(escape(skipped), soft_wrap=True)
    if summary.sites:
        table = Table("site", "pages", box=box.SIMPLE_HEAD, title="Pages per site")
        for site, n in summary.sites.most_common(SITES_SHOWN):
            table.add_row(site, str(n))
        err.print(table)
        if len(summary.sites) > SITES_SHOWN:
            rest = summary.sites.most_common()[SITES_SHOWN:]
            err.print(f"  and {len(rest)} more site(s), {sum(n for _, n in rest)} page(s) (see the manifest)", soft_wrap=True)
    if summary.fired:
        err.print("rules that fired most: " + ", ".join(f"{rule} {n}" for rule, n in summary.fired.most_common(8)), soft_wrap=True)
    for warning in summary.drift():
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}", soft_wrap=True)
    for failure in summary.failures[:10]:
        err.print(f"[red]failed:[/red] {escape(failure)}", soft_wrap=True)
    if len(summary.failures) > 10:
        err.print(f"... and {len(summary.failures) - 10} more failures (see the manifest)")


def learn_first(cleaner: Cleaner, inputs: list[str], fields: Fields, options: BatchOptions, rules: list[Path] | None,
                *, quiet: bool) -> Cleaner:
    """The learning pass of --learn (learn.py): the batch's templates written
    to the learned folder, and the Cleaner that cleans with them."""
    from .learn import MIN_PAGES, learn_batch, learned_folder

    if options.out_dir is None and (options.jsonl is None or str(options.jsonl) == "-"):
        raise fail("--learn writes the learned rules beside the output: give -o OUT (a folder or a file)", EXIT_USAGE)
    if "-" in inputs:
        raise fail("--learn reads the inputs twice (learn, then clean): it cannot read standard input", EXIT_USAGE)
    folder = learned_folder(options.out_dir or options.jsonl, options.out_dir is None)
    pages = (p.replace(site=options.site or p.site, url=p.url or options.url) for p in iter_pages(inputs, fields))
    results = learn_batch(pages, cleaner, folder)
    if not quiet:
        learned = [r for r in results if r.file is not None]
        err.print(f"learned the templates of {len(learned)} of {len(results)} site(s) into {escape(str(folder))}", soft_wrap=True)
        for result in results:
            if not result.too_small:
                err.print(f"  {escape(result.describe())}", soft_wrap=True)
        small = sum(r.too_small for r in results)
        if small:
            err.print(f"  {small} site(s) with fewer than {MIN_PAGES} pages in the batch were not learned", soft_wrap=True)
    return load_cleaner(rules, site_rules=cleaner.site_rules, learned=[folder], metadata=cleaner.metadata)


INTERRUPTED = "interrupted by"


@contextlib.contextmanager
def stop_on_signals(run: BatchRun):
    """Ctrl-C or SIGTERM once: finish the pages in progress, record them, stop.
    Twice: stop at once (KeyboardInterrupt; the next run redoes what was cut)."""

    def handler(signum, frame):
        if run.summary.stopped:
            raise KeyboardInterrupt
        name = signal.Signals(signum).name
        run.request_stop(f"{INTERRUPTED} {name}")
        os.write(2, f"\n{name}: finishing the pages in progress ({name} again to stop at once)\n".encode())

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def is_single_page(inputs: list[str]) -> bool:
    """One page (a page file, or one page on standard input), not a batch."""
    if len(inputs) != 1:
        return False
    if inputs[0] == "-":
        return stdin_input().kind == "page"
    path = Path(inputs[0])
    return path.is_file() and input_kind(path) == "page"


def clean_to_stdout(cleaner: Cleaner, page: Page, site: str | None, url: str | None, timeout: float | None,
                    target: Path | None = None) -> None:
    """One page's text to standard output, or to the file `target` (atomically)."""
    outcome = clean_one(cleaner, page.replace(site=site, url=page.url or url), timeout)
    if not outcome.ok:
        raise fail(outcome.error, EXIT_FAILED)
    if target is not None:
        write_atomic(target, as_output(outcome.text))
        return
    try:
        sys.stdout.write(as_output(outcome.text))
        sys.stdout.flush()
    except BrokenPipeError:
        raise stdout_closed() from None


def stdout_closed() -> typer.Exit:
    """The reader of standard output went away (`| head`): quietly, as Unix tools do."""
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error when Python flushes it at exit
    return typer.Exit(EXIT_PIPE)


def batch_options(out: Output, manifest: Path | None, **kwargs) -> BatchOptions:
    """Where a batch writes: a .txt tree with its manifest inside, or a records file (or stdout)."""
    options = BatchOptions(**kwargs)
    if out.kind == "txt":
        options.out_dir = out.path
        options.manifest = manifest or options.out_dir / ".cleaner-manifest.jsonl"
    else:
        options.jsonl = out.path or Path("-")
        options.records_format, options.compression = out.kind, out.compression
        options.manifest = manifest or (None if out.path is None else Path(str(out.path) + ".manifest.jsonl"))
    if options.manifest is not None and str(options.manifest) == "-":
        raise fail("the manifest cannot go to standard output: it would mix with the data", EXIT_USAGE)
    if options.manifest is not None and options.jsonl is not None and options.manifest.resolve() == options.jsonl.resolve():
        raise fail("the manifest cannot be the output file: it would mix with the data", EXIT_USAGE)
    return options


def parse_keep_fields(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(name.strip() for name in value.split(",") if name.strip())


def needs_pyarrow(inputs: list[str], out: Output) -> bool:
    """A parquet output, or a parquet file named on the command line."""
    if out.kind == "parquet":
        return True
    return any(item != "-" and Path(item).is_file() and input_kind(Path(item)) == "parquet" for item in inputs)


@app.command()
def clean(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Pages to clean: folders (of pages, exports and archives), page files, JSONL/CSV/parquet exports, WARC archives, any of them compressed (gzip, zstd, bzip2, xz); '-' reads standard input (a page, JSONL or WARC).", show_default=False),
    ],
    output: Annotated[
        Optional[str],
        typer.Option("-o", "--output", help="By its name: a folder (mirrors the input as .txt files), NAME.jsonl (or .jsonl.gz, .jsonl.zst, .jsonl.bz2, .jsonl.xz), NAME.parquet, '-' for JSONL on standard output; a single page goes to NAME.txt or standard output."),
    ] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="The output kind, whatever its name: 'txt' (a folder), 'jsonl' (compressed if the name says so) or 'parquet'.")] = None,
    manifest: Annotated[
        Optional[Path],
        typer.Option(help="The manifest (JSONL, one line per page). Default: OUT/.cleaner-manifest.jsonl for a folder, OUT.manifest.jsonl beside a file."),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: the machine's cores); 0 cleans in this process, without the hard time limit.", min=0)] = default_jobs(),
    page_timeout: Annotated[
        float, typer.Option(help="Seconds a page may take before it is reported as timed out and the batch goes on; 0: no limit.",
                            min=0, callback=lambda value: finite(value, "--page-timeout"))
    ] = DEFAULT_PAGE_TIMEOUT,
    force: Annotated[bool, typer.Option(help="Clean every page again, even those whose output is up to date.")] = False,
    text_field: Annotated[Optional[str], typer.Option(help="Export field with the scraped text (default: text, content, article, body, ...); a dotted path reaches into nested records.")] = None,
    html_field: Annotated[Optional[str], typer.Option(help="Export field with the page HTML (default: html, raw_html, ...).")] = None,
    url_field: Annotated[Optional[str], typer.Option(help="Export field with the page URL (default: url, link, ...), e.g. metadata.url.")] = None,
    id_field: Annotated[Optional[str], typer.Option(help="Export field with a record id, used as the output name (default: id, doc_id, ...; else the row number).")] = None,
    keep_fields: Annotated[
        Optional[str],
        typer.Option(help="Carry only these input fields (comma-separated, dotted paths allowed; '' for none) to the output records. Default: every field but the content cleaned."),
    ] = None,
    site: Annotated[Optional[str], typer.Option(help="Treat every page as a page of this site (a domain such as detik.com).")] = None,
    url: Annotated[Optional[str], typer.Option(help="The page URL, for a single page without one.")] = None,
    rules: RulesOption = None,
    no_site_rules: NoSiteRulesOption = False,
    no_metadata: Annotated[
        bool, typer.Option("--no-metadata", help="Do not read HTML pages' title, authors, date, description, site name, language and canonical URL (about 0.3 ms a page).")
    ] = False,
    learn: Annotated[
        bool,
        typer.Option("--learn", help="First learn each site's template from the batch (sites without a rule file; every site with --no-site-rules), then clean with it. The learned rules go to OUT/.cleaner-learned (OUT.learned beside a JSONL file); --rules reuses them."),
    ] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress bar and no summary.")] = False,
) -> None:
    """Clean scraped news pages (HTML or text, sniffed): keep the article body, drop the template's noise."""
    for item in inputs:
        if item != "-" and not Path(item).exists():
            raise fail(f"{item}: no such file or folder", EXIT_USAGE)
    if inputs.count("-") > 1:
        raise fail("standard input ('-') can be read once", EXIT_USAGE)
    single = is_single_page(inputs)
    if output is None and fmt is None and "-" in inputs and not single:
        output = "-"  # records streamed in, records streamed out
    try:
        out = resolve_output(output, fmt, batch=not single)
        if needs_pyarrow(inputs, out):
            require_pyarrow()
    except FormatError as exc:
        raise fail(escape(str(exc)), EXIT_USAGE) from None
    cleaner = load_cleaner(rules, site_rules=not no_site_rules, metadata=not no_metadata)
    warn_unknown_site(cleaner, site)
    fields = Fields(text=text_field, html=html_field, url=url_field, id=id_field, keep=parse_keep_fields(keep_fields))
    if out.kind == "text":
        clean_to_stdout(cleaner, next(iter_pages(inputs, fields)), site, url, page_timeout or None, out.path)
        return
    options = batch_options(out, manifest, jobs=jobs, force=force, site=site, url=url, page_timeout=page_timeout or None)
    started = time.perf_counter()
    if learn:
        cleaner = learn_first(cleaner, inputs, fields, options, rules, quiet=quiet)
    columns = (SpinnerColumn(), MofNCompleteColumn(), TextColumn("pages"), TimeElapsedColumn(), TextColumn("{task.fields[rate]}"))
    # no bar when stderr is a log file (a bar there is a blank line; the summary says it all)
    with Progress(*columns, console=err, transient=True, disable=quiet or not err.is_terminal) as progress:
        task = progress.add_task("clean", total=None, rate="")
        counted = {"pages": 0, "shown": 0.0}

        def advance(entry: dict) -> None:
            # redrawing costs more than a short page: refresh at most 10 times a second
            counted["pages"] += 1
            now = time.perf_counter()
            if now - counted["shown"] >= 0.1:
                counted["shown"] = now
                rate = counted["pages"] / (now - started) if now > started else 0.0
                progress.update(task, completed=counted["pages"], rate=f"{rate:.0f} pages/s")

        run = BatchRun(cleaner, options, on_page=advance)
        if not progress.disable:
            count_in_background(progress, task, inputs)

        def skipped(path: Path, kind) -> None:
            run.summary.skip_file(path, kind)
            total = progress.tasks[0].total
            if kind.reason == BINARY and total:  # counted as a page by its name: not one after all
                progress.update(task, total=total - 1)

        unusable = None
        try:
            with stop_on_signals(run):
                summary = run.run(iter_pages(inputs, fields, on_skip=skipped))
        except KeyboardInterrupt:  # asked twice: stopped at once
            summary = run.summary
        except OutputError as exc:
            unusable = exc
        if unusable is not None:
            progress.stop()
    if unusable is not None:
        raise fail(escape(str(unusable)), EXIT_USAGE)
    if summary.stdout_closed:
        raise stdout_closed()
    if not quiet:
        print_summary(summary, time.perf_counter() - started)
    if summary.stopped:
        err.print(
            f"[red]stopped:[/red] {escape(summary.stopped)}; {summary.done} page(s) cleaned this run; "
            "run the same command again to resume",
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED if summary.stopped.startswith(INTERRUPTED) else EXIT_STOPPED)
    if summary.failed:
        raise typer.Exit(EXIT_FAILED)
    if summary.done + summary.skipped == 0:
        raise typer.Exit(EXIT_NOTHING)


def count_in_background(progress: Progress, task, inputs: list[str]) -> None:
    """Give the progress bar its total once the inputs are counted (a folder
    tree walked by name, a parquet file's footer), in a thread, so that the
    run starts at once; no total when an input must be read through to know."""
    if "-" in inputs and stdin_input().kind != "page":
        return

    def count() -> None:
        with contextlib.suppress(Exception):
            total = count_pages(inputs)
            if total is not None:
                progress.update(task, total=total)

    threading.Thread(target=count, name="count-pages", daemon=True).start()


@app.command()
def score(
    pred: Annotated[Path, typer.Argument(help="Cleaned outputs: a folder (or one file).", show_default=False)],
    gold: Annotated[Path, typer.Argument(help="Gold files with the same relative names: a folder (or one file).", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON instead of tables.")] = False,
    per_file: Annotated[bool, typer.Option("--per-file", help="Also print one row per file.")] = False,
    min_f1: Annotated[
        Optional[float], typer.Option("--min-f1", help="Exit 1 when the macro token F1 is below this value.", min=0.0, max=1.0)
    ] = None,
    report_path: Annotated[
        Optional[Path],
        typer.Option("--report", help="Also write a self-contained HTML report: score tables and, per file, which lines leaked and which were missed."),
    ] = None,
    raw: Annotated[
        Optional[Path],
        typer.Option("--raw", help="With --report: the raw input pages (.txt/.html, same relative names), to show what was removed from each."),
    ] = None,
    clean_first: Annotated[
        bool,
        typer.Option("--clean", help="PRED holds raw pages: clean them first (into a temporary folder, with --rules / --no-site-rules), then score."),
    ] = False,
    rules: RulesOption = None,
    no_site_rules: NoSiteRulesOption = False,
) -> None:
    """Score predictions against gold: token and line precision/recall/F1 and exact match, per file, per site and macro."""
    if raw is not None and report_path is None:
        raise fail("--raw needs --report", EXIT_USAGE)
    if (rules or no_site_rules) and not clean_first:
        raise fail("--rules and --no-site-rules choose how pages are cleaned: they need --clean", EXIT_USAGE)
    with tempfile.TemporaryDirectory(prefix="cleaner-score-") as scratch:
        if clean_first:
            if not pred.exists():
                raise fail(f"{escape(str(pred))}: no such file or folder", EXIT_USAGE)
            cleaned = Path(scratch) / "out"
            options = BatchOptions(out_dir=cleaned, manifest=Path(scratch) / "manifest.jsonl", jobs=default_jobs())
            BatchRun(load_cleaner(rules, site_rules=not no_site_rules), options).run(iter_pages([str(pred)], Fields()))
            raw, pred = raw or (pred if report_path is not None else None), cleaned
        try:
            report = score_dirs(pred, gold)
        except ScoreError as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        _print_score(report, pred, gold, raw, as_json=as_json, per_file=per_file, report_path=report_path, min_f1=min_f1)


def _print_score(report, pred: Path, gold: Path, raw: Path | None, *, as_json: bool, per_file: bool,
                 report_path: Path | None, min_f1: float | None) -> None:
    """The score tables (or JSON), the HTML report, and the --min-f1 gate."""
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.print(render_table(report, per_file=per_file))
    if report_path is not None:
        from .report import write_report

        try:
            write_report(report_path, pred, gold, raw, report)
        except ScoreError as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        err.print(f"report: {escape(str(report_path))}", soft_wrap=True)
    if report.missing:
        raise fail(f"{len(report.missing)} of {len(report.files)} gold files have no prediction (scored 0), "
                   f"e.g. {escape(report.missing[0])}", EXIT_FAILED)
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
    """Run every rule's examples (must_match, must_not_match, expect), every file's [[tests]] and every layout's sample pages."""
    cleaner = load_cleaner(rules)
    failures = check_all(cleaner.rules, cleaner)
    for failure in failures:
        err.print(str(failure), soft_wrap=True, markup=False)
    files = cleaner.rules.all_files()
    checked = sum(len(f.rules()) for f in files)
    samples = sum(len(layout.samples) for f in files for layout in f.layouts)
    if failures:
        raise fail(f"{len(failures)} example(s) failed in {checked} rules", EXIT_FAILED)
    err.print(f"ok: examples of {checked} rules, {sum(len(f.tests) for f in files)} document tests and "
              f"{samples} layout sample pages pass")


@app.command()
def explain(
    page: Annotated[str, typer.Argument(help="One page: a .txt or .html file, or '-' to read it from standard input.", show_default=False)],
    url: Annotated[Optional[str], typer.Option(help="The page URL (an HTML page's canonical link is used without it).")] = None,
    site: Annotated[Optional[str], typer.Option(help="Treat the page as a page of this site (a domain such as detik.com).")] = None,
    rules: RulesOption = None,
    no_site_rules: NoSiteRulesOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")] = False,
) -> None:
    """Show the page as the cleaner saw it: each line (and HTML node) kept or removed, with the rule that removed it."""
    from .explain import explain_page, render, to_dict
    from .io import InputError
    from .sources import load, single_file, stdin_page

    if page != "-":
        path = Path(page)
        if not path.exists():
            raise fail(f"{escape(page)}: no such file", EXIT_USAGE)
        if not path.is_file() or is_export(path):
            raise fail(f"{escape(page)}: explain takes one page file (.txt or .html), not a folder or an export", EXIT_USAGE)
    cleaner = load_cleaner(rules, site_rules=not no_site_rules)
    warn_unknown_site(cleaner, site)
    item = load(stdin_page() if page == "-" else single_file(Path(page)))
    try:
        if item.error:
            raise InputError(item.error)
        explanation = explain_page(cleaner, item.data, kind=item.kind, source=item.source, url=url, site=site, path=item.relpath)
    except (InputError, PageTimeoutError) as exc:
        raise fail(escape(str(exc)), EXIT_FAILED) from None
    if as_json:
        sys.stdout.write(json.dumps(to_dict(explanation), indent=2, ensure_ascii=False) + "\n")
    else:
        for line in render(explanation):
            out.print(line, soft_wrap=True)  # colours in a terminal, plain text when piped
    if not explanation.consistent:
        err.print("[yellow]warning:[/yellow] the lines above do not add up to the cleaned text (please report this page)", soft_wrap=True)


@rules_app.command("new")
def rules_new(
    domain: Annotated[str, typer.Argument(help="The site's domain, such as example.com (without www.).", show_default=False)],
    rules_dir: Annotated[
        Optional[Path], typer.Option("--rules", help="The rules folder to write sites/DOMAIN.toml into (default: ./rules).")
    ] = None,
    samples: Annotated[
        Optional[Path], typer.Option("--samples", help="The samples folder to make raw/DOMAIN/ and gold/DOMAIN/ in (default: samples/ beside the rules folder).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Write the file even when the site has a shipped rule file (yours then replaces it).")] = False,
) -> None:
    """Scaffold a site: rules/sites/DOMAIN.toml with commented examples of every phase, and its samples folders."""
    from .scaffold import ScaffoldError, new_site

    try:
        scaffold = new_site(domain, rules_dir, samples, force=force)
    except ScaffoldError as exc:
        raise fail(escape(str(exc)), EXIT_USAGE) from None
    for path in scaffold.created:
        err.print(f"created {escape(str(path))}", soft_wrap=True)
    for path in scaffold.kept:
        err.print(f"kept {escape(str(path))} (it already has files)", soft_wrap=True)
    option = f" --rules {escape(str(rules_dir))}" if rules_dir else ""
    err.print(
        f"next: put raw pages in the samples folder, uncomment and adapt the examples in {escape(str(scaffold.rule_file))}, "
        f"then run 'cleaner rules check{option}' and 'cleaner rules test{option}'",
        soft_wrap=True,
    )


@rules_app.command("suggest")
def rules_suggest(
    folder: Annotated[Path, typer.Argument(help="Crawled pages of one site: a folder of .txt/.html files, or an export (JSONL, CSV, WARC).", show_default=False)],
    site: Annotated[Optional[str], typer.Option(help="The site's domain (default: the folder's name when it is a domain, else the pages' URL host).")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the draft there, e.g. my-rules/sites/DOMAIN.toml, and its layouts' sample pages into my-rules/samples/DOMAIN/ (default: the draft to standard output).")] = None,
    min_share: Annotated[float, typer.Option(help="Share of the pages a repeated line or shape must be seen on.", min=0.01, max=1.0)] = 0.2,
    rules: RulesOption = None,
) -> None:
    """Draft a site rule file from a crawl of that site, with the evidence of each rule (no gold needed)."""
    from .suggest import SuggestError, render_toml, suggest, write_draft

    try:
        suggestion = suggest(folder, site=site, rules_dirs=rules or (), min_share=min_share)
    except RuleError as exc:
        for problem in exc.problems:
            err.print(problem, soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    except SuggestError as exc:
        raise fail(escape(str(exc)), exc.code) from None
    if output is None:
        sys.stdout.write(render_toml(suggestion))
        if suggestion.layouts:
            err.print("[yellow]note:[/yellow] each layout needs its sample page and gold in <rules>/samples/"
                      f"{escape(suggestion.site)}/: use -o to write them beside the draft", soft_wrap=True)
    else:
        for written in write_draft(suggestion, output)[1::2]:
            err.print(f"sample {escape(str(written))}: its gold {escape(written.with_suffix('.txt').name)} is drafted from "
                      "the draft's output: correct it by hand", soft_wrap=True)
        if output.stem != suggestion.site:
            err.print(f"[yellow]note:[/yellow] a site file must be named {escape(suggestion.site)}.toml to load", soft_wrap=True)
    left_out = f"; {len(suggestion.rejected)} candidate(s) left out, listed at the end of the draft" if suggestion.rejected else ""
    drops = sum(len(layout.drops) for layout in suggestion.layouts)
    err.print(f"{len(suggestion.rules) + drops} rule(s) and {len(suggestion.layouts)} layout(s) suggested for "
              f"{escape(suggestion.site)} from {suggestion.n_pages} page(s){left_out}", soft_wrap=True)


gold_app = typer.Typer(help="Make gold files for scoring.", no_args_is_help=True)
app.add_typer(gold_app, name="gold")


@gold_app.command("draft")
def gold_draft(
    pages: Annotated[list[Path], typer.Argument(help="Raw pages: .txt/.html files, or folders of them (their tree is mirrored).", show_default=False)],
    output: Annotated[
        Optional[Path],
        typer.Option("-o", "--output", help="The gold folder. Default: for a page under a 'raw' folder, the same place under the sibling 'gold' folder."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite existing gold files (they are skipped otherwise).")] = False,
    site: Annotated[Optional[str], typer.Option(help="Treat every page as a page of this site (a domain such as detik.com).")] = None,
    url: Annotated[Optional[str], typer.Option(help="The page URL, for a single page without one.")] = None,
    rules: RulesOption = None,
) -> None:
    """Write draft gold files from the current output (labelling format), for a person to correct by hand."""
    from .gold import EXISTS, FAILED, WRITTEN, GoldError, Outcome, plan, shown, write_drafts

    try:
        drafts = plan(pages, output)
    except GoldError as exc:
        raise fail(escape(str(exc)), EXIT_USAGE) from None
    cleaner = load_cleaner(rules)
    warn_unknown_site(cleaner, site)

    def report(outcome: Outcome) -> None:
        target, source = escape(shown(outcome.draft.target)), escape(shown(outcome.draft.source))
        if outcome.status == WRITTEN:
            note = " [yellow](empty: the page cleaned to nothing)[/yellow]" if outcome.empty else ""
            err.print(f"draft {target} (from {source}; site {escape(outcome.site or 'none')}){note}", soft_wrap=True)
        elif outcome.status == EXISTS:
            err.print(f"skipped {target}: a gold file exists (--force overwrites it)", soft_wrap=True)
        else:
            err.print(f"[red]failed:[/red] {escape(outcome.error or source)}", soft_wrap=True)

    outcomes = write_drafts(cleaner, drafts, force=force, site=site, url=url, on_outcome=report)
    counts = {status: sum(o.status == status for o in outcomes) for status in (WRITTEN, EXISTS, FAILED)}
    err.print(f"{counts[WRITTEN]} draft(s) written, {counts[EXISTS]} skipped (gold exists), {counts[FAILED]} failed", soft_wrap=True)
    if counts[WRITTEN]:
        err.print(
            "[yellow]reminder:[/yellow] these drafts are the cleaner's current output, not gold: correct each one by hand "
            "(keep the article body, drop the rest, word for word, following the labelling rules) before scoring against it",
            soft_wrap=True,
        )
    if counts[FAILED]:
        raise typer.Exit(EXIT_FAILED)
    if not counts[WRITTEN]:
        raise typer.Exit(EXIT_NOTHING)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # python -m cleaner.cli
    main()
