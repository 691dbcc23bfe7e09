"""Draft gold files from the cleaner's current output, for a person to correct.

A gold file is the article body a careful reader would keep from one raw
page, in the labelling format: UTF-8, LF line endings, one paragraph per
line, no blank lines, whitespace inside a line collapsed to single spaces,
a final newline; same relative name as the raw page, with the extension
`.txt`. A draft is the cleaner's output in that format; it becomes gold only
once a person has corrected it.

Where drafts go: `out_dir` mirrors each input folder's tree (a lone file goes
to `out_dir/<name>.txt`). Without `out_dir`, a page under a folder named
`raw` gets its draft at the same place under the sibling `gold` folder
(`samples/raw/x.com/a.html` -> `samples/gold/x.com/a.txt`). Existing gold
files are never overwritten unless `force`; they are skipped and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .api import Cleaner
from .batch import clean_one
from .io import write_atomic
from .sources import PAGE_SUFFIXES, Page, is_export, read_file_page, walk_folder
from .text import normalise

#: What a draft became.
WRITTEN, EXISTS, FAILED = "written", "exists", "failed"


class GoldError(Exception):
    """The drafts cannot be planned (a usage problem); the message is one line."""


def format_gold(text: str) -> str:
    """Text in the gold format: one collapsed, non-empty line per paragraph, a final newline."""
    lines = [line for line in (normalise(raw) for raw in text.splitlines()) if line]
    return "\n".join(lines) + "\n" if lines else ""


@dataclass
class Draft:
    source: Path  # the raw page
    target: Path  # its draft gold file
    detect: str  # the page's path for site detection: its folder names may name the site

    def page(self) -> Page:
        return read_file_page(self.source, self.detect)


@dataclass
class Outcome:
    draft: Draft
    status: str  # WRITTEN, EXISTS or FAILED
    site: str | None = None
    error: str | None = None
    empty: bool = False  # the page cleaned to nothing: the draft is an empty file


def default_out_dir(folder: Path) -> Path:
    """The gold folder matching a folder under `raw/`: the last `raw` part becomes `gold`."""
    parts = folder.absolute().parts
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] == "raw":
            return Path(*parts[:i], "gold", *parts[i + 1 :])
    raise GoldError(f"{folder}: not under a folder named 'raw', so there is no matching gold folder: give -o OUTDIR")


def plan(inputs: Iterable[Path], out_dir: Path | None = None) -> list[Draft]:
    """The draft of every page of the inputs (files and folders), checked for clashes."""
    drafts: list[Draft] = []
    folders: list[Path] = []
    for item in inputs:
        if not item.exists():
            raise GoldError(f"{item}: no such file or folder")
        if item.is_dir():
            out = out_dir if out_dir is not None else default_out_dir(item)
            folders.append(item)
            name = item.absolute().name
            for page in walk_folder(item, exports=False):
                drafts.append(Draft(page.file, out / f"{page.id}.txt", f"{name}/{page.id}"))
        elif is_export(item) or not item.name.lower().endswith(PAGE_SUFFIXES):
            raise GoldError(f"{item}: a gold draft is made from a page file ({', '.join(PAGE_SUFFIXES)}) or a folder of them")
        else:
            out = out_dir if out_dir is not None else default_out_dir(item.parent)
            parent = item.absolute().parent.name
            drafts.append(Draft(item, out / f"{item.stem}.txt", f"{parent}/{item.stem}" if parent else item.stem))
    sources = {d.source.resolve() for d in drafts}
    seen: dict[Path, Draft] = {}
    for d in drafts:
        target = d.target.resolve()
        if target in sources:
            raise GoldError(f"{d.source}: its draft {d.target} would overwrite a raw page: choose another -o")
        if target in seen:
            raise GoldError(f"{seen[target].source} and {d.source} would both be drafted to {d.target}")
        seen[target] = d
        for folder in folders:
            if target.is_relative_to(folder.resolve()):
                raise GoldError(f"{d.target} is inside the input folder {folder}: drafts would be read as raw pages; choose another -o")
    return drafts


def write_drafts(
    cleaner: Cleaner,
    drafts: Iterable[Draft],
    *,
    force: bool = False,
    site: str | None = None,
    url: str | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Clean each page and write its draft; an existing gold file is skipped unless `force`."""
    outcomes = []
    for draft in drafts:
        if draft.target.exists() and not force:
            outcome = Outcome(draft, EXISTS)
        else:
            page = draft.page()
            result = clean_one(cleaner, page.replace(site=site, url=page.url or url))
            if not result.ok:
                outcome = Outcome(draft, FAILED, error=result.error)
            else:
                text = format_gold(result.text)
                try:
                    write_atomic(draft.target, text)
                    outcome = Outcome(draft, WRITTEN, site=result.site, empty=not text)
                except OSError as exc:
                    outcome = Outcome(draft, FAILED, error=f"cannot write {draft.target}: {exc.strerror or exc}")
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return outcomes


def shown(path: Path) -> str:
    """A path relative to the working folder when it is below it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
