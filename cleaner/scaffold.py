"""Scaffold a new site: a rule file to fill in and the samples folders.

`new_site("example.com", rules_dir, samples_dir)` writes
`rules_dir/sites/example.com.toml` (by default `./rules`), a file that loads and validates as it is
(only `site` and `hosts` are live; the example rules of every phase, the
text signature and a document test are commented out), and creates
`samples_dir/raw/example.com/` (with a README.md saying what to put there)
and `samples_dir/gold/example.com/` (with a .gitkeep). It never overwrites a
rule file; samples folders and files that exist are left as they are.

In the template, `## ` lines are prose and `# ` lines are TOML to uncomment:
uncommenting every `# ` line gives a file whose examples all pass.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .layouts import SCAFFOLD_EXAMPLE, samples_folder
from .phases import PHASES, Phase
from .rules import SHIPPED_RULES


class ScaffoldError(Exception):
    """The site cannot be scaffolded; the message is one line."""


#: A domain: lower-case labels of letters, digits and inner hyphens, and a final label of letters.
DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def check_domain(domain: str) -> str:
    """The domain, lower-cased, or a ScaffoldError saying what is wrong with it."""
    name = domain.strip().lower().rstrip(".")
    if "/" in name or ":" in name:
        raise ScaffoldError(f"{domain!r} is not a domain: give the site's domain such as example.com, not a URL")
    if name.startswith("www."):
        raise ScaffoldError(f"{domain!r}: give the domain without 'www.' ({name.removeprefix('www.')}); its subdomains match it")
    if not DOMAIN.match(name) or len(name) > 253:
        raise ScaffoldError(f"{domain!r} does not look like a domain (such as example.com or example.co.id)")
    return name


def id_prefix(domain: str) -> str:
    """A rule id prefix from the domain's first label: 'beritasatu.com' -> 'BERITASATU'."""
    label = re.sub(r"[^A-Za-z0-9]", "", domain.split(".")[0]).upper()
    return label[:10] or "SITE"


def outlet_name(domain: str) -> str:
    """How an outlet usually writes its name in a dateline: 'Beritasatu.com'."""
    return domain[:1].upper() + domain[1:]


def rule_file_text(domain: str) -> str:
    """The scaffolded rule file of a site: every phase's example from the registry."""
    values = {"prefix": id_prefix(domain), "name": outlet_name(domain), "samples": f"rules/samples/{domain}",
              "escaped": re.escape(domain).replace("'", "")}  # TOML literal strings hold no single quote
    return "\n".join([
        _HEADER.format(domain=domain, **values),
        "## ---- Text mode: the phases run in this order, whatever the order here ----\n",
        *(_phase_block(phase, values) for phase in PHASES.with_rules("text")),
        _LAYOUTS.format(**values),
        SCAFFOLD_EXAMPLE.format(**values),
        "## A layout's node rules, inside its body (examples are HTML snippets in which",
        "## the rule must, or must not, select a node):\n",
        *(_phase_block(phase, values, table=f"html.layout.{phase.kind}") for phase in PHASES.with_rules("html")),
        _TESTS.format(**values),
    ])


_LAYOUTS = """\
## ---- HTML mode: one [[html.layout]] per design of the site's article pages ----
## A layout is used on a page only when its `detect` selector matches and one
## of its `body` selectors matches exactly one node; then its node rules run
## inside that body and its text rules on the rendered lines. A page that no
## layout recognises goes to the generic extractor, untouched by these rules.
## Every layout needs a saved page of that design with its gold, in
## {samples}/ (`cleaner rules check` refuses a layout without one).
"""


def _phase_block(phase: Phase, values: dict[str, str], table: str | None = None) -> str:
    """A phase's notes (what it does, its optional keys) and its commented
    example, written as a `[[table]]` (default: the phase's own)."""
    notes = [f"{phase.kind}: {phase.summary}."]
    optional = [f"`{name}` ({key.doc})" for name, key in phase.option_keys().items() if not key.required]
    if optional:
        notes.append("Optional keys: " + "; ".join(optional) + ".")
    prose = "\n".join("## " + line for note in notes for line in textwrap.wrap(note, 76))
    example = phase.example.format(**values)
    if table is not None:
        example = example.replace(f"[[{phase.table}]]", f"[[{table}]]")
    return f"{prose}\n{example}"


_HEADER = """\
## Rules for {domain}: see rules/README.md for every key.
## Lines starting with '## ' are notes; lines starting with '# ' are examples:
## uncomment one (remove the '# '), make it describe this site's template,
## then run `cleaner rules check` and `cleaner rules test`.
## Rules describe the template (a marker, a fixed label, a position, a
## dateline shape), never the words of one article. Every rule needs an id
## unique across all rule files, a one-line `why`, and at least one
## `must_match` and one `must_not_match` example (a body sentence that looks
## close); the examples run as tests.
## `cleaner explain PAGE` shows which rule removed what on a page.

site = "{domain}"
## Hosts of the site (old domains, mirrors); any subdomain of a host matches too.
hosts = ["{domain}"]

## Recognises the site's text when no URL or folder tells (searched in the
## first 400 characters of a text page), e.g. its dateline:
# text_signature = '^(?i:{escaped})\\s*[-–—]\\s'
"""

_TESTS = """\
## ---- Whole-document tests: the input, cleaned as a page of this site, must give the output ----
# [[tests]]
# name = "dateline, promo, initials and the tag block"
# input = '''
# {name} - Isi paragraf pertama.
# Baca juga: Judul Artikel Lain
# Paragraf kedua, kata dia. (abc/def)
# Tag
# Politik
# '''
# output = '''
# Isi paragraf pertama.
# Paragraf kedua, kata dia.
# '''
"""


def raw_readme_text(domain: str) -> str:
    """The README.md of a new site's raw samples folder."""
    return f"""\
# Raw samples of {domain}

Put here a handful of pages of {domain} as the scraper gives them: scraped
texts (`.txt`) or saved HTML pages (`.html`), from different sections and
years (each layout the site has had), named as you like. They are only read,
never modified.

Each raw page gets a gold file in `../../gold/{domain}/` with the same name
and the extension `.txt`: the article body a careful reader would keep,
one paragraph per line, labelled by hand following the labelling rules.
`cleaner gold draft` writes drafts from the current output, to correct by hand:

    cleaner gold draft samples/raw/{domain}

Then write the site's rules in `rules/sites/{domain}.toml`, look at what they
do with `cleaner explain samples/raw/{domain}/PAGE`, and score:

    cleaner clean samples/raw -o out/samples
    cleaner score out/samples samples/gold --per-file

Record labelling decisions that were not obvious in `../../gold/{domain}/NOTES.md`.
"""


def layout_samples_readme_text(domain: str) -> str:
    """The README.md of a new site's layout samples folder."""
    return f"""\
# Layout samples of {domain}

Each `[[html.layout]]` of `../../sites/{domain}.toml` names in `samples` one
or more saved HTML pages of its design that are kept here, each with its gold
beside it: `page.html` and `page.txt`, the article body a careful reader
would keep, one paragraph per line, labelled by hand following the labelling
rules. `cleaner rules check` refuses a layout without them, and
`cleaner rules test` checks that each page is recognised as its layout and
cleans exactly to its gold.
"""


@dataclass
class Scaffold:
    rule_file: Path
    created: list[Path] = field(default_factory=list)  # everything written or made, in order
    kept: list[Path] = field(default_factory=list)  # samples files and folders that already existed


def default_samples_dir(rules_dir: Path) -> Path:
    """The samples folder beside the rules folder (the checkout's samples/)."""
    return rules_dir.resolve().parent / "samples"


#: Where `rules new` writes without --rules: ./rules (in a checkout's root, the shipped folder itself).
DEFAULT_RULES_DIR = Path("rules")


def _is_installed_copy(rules_dir: Path) -> bool:
    """The shipped rules a regular install put inside the package: never written to."""
    return SHIPPED_RULES.name != "rules" and rules_dir.resolve() == SHIPPED_RULES.resolve()


def new_site(domain: str, rules_dir: Path | None = None, samples_dir: Path | None = None, *, force: bool = False) -> Scaffold:
    """Write the site's rule file and make its samples folders (see the module
    doc). A file in a folder of one's own that would replace a shipped site
    file is refused unless `force`."""
    domain = check_domain(domain)
    rules_dir = rules_dir if rules_dir is not None else DEFAULT_RULES_DIR
    if _is_installed_copy(rules_dir):
        raise ScaffoldError(f"{rules_dir} is the installed copy of the shipped rules: pass --rules DIR, a rules folder of your own")
    samples_dir = samples_dir if samples_dir is not None else default_samples_dir(rules_dir)
    rule_file = rules_dir / "sites" / f"{domain}.toml"
    if rule_file.exists():
        raise ScaffoldError(f"{rule_file} exists: a rule file is never overwritten (edit it, or remove it first)")
    shipped = SHIPPED_RULES / "sites" / f"{domain}.toml"
    if shipped.is_file() and not force:
        raise ScaffoldError(f"{domain} has a shipped rule file ({shipped}): {rule_file} would replace it whenever "
                            f"--rules {rules_dir} is used; edit the shipped file, or pass --force to write one of your own")
    if rules_dir.exists() and not rules_dir.is_dir():
        raise ScaffoldError(f"{rules_dir} is not a folder")
    scaffold = Scaffold(rule_file)
    try:
        rule_file.parent.mkdir(parents=True, exist_ok=True)
        with open(rule_file, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(rule_file_text(domain))
        scaffold.created.append(rule_file)
        raw, gold = samples_dir / "raw" / domain, samples_dir / "gold" / domain
        layouts = samples_folder(rule_file, domain)
        for folder, name, text in ((raw, "README.md", raw_readme_text(domain)), (gold, ".gitkeep", ""),
                                   (layouts, "README.md", layout_samples_readme_text(domain))):
            target = folder / name
            if folder.is_dir() and any(folder.iterdir()):
                scaffold.kept.append(folder)  # a folder with files in it needs no placeholder
                continue
            folder.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
            scaffold.created.append(target)
    except OSError as exc:
        raise ScaffoldError(f"cannot write {getattr(exc, 'filename', None) or rules_dir}: {exc.strerror or exc}") from None
    return scaffold
