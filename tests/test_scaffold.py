"""`cleaner rules new DOMAIN`: a rule file that loads as it is, with commented
examples of every phase that pass once uncommented, and the samples folders."""

import tomllib

import pytest
from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner import scaffold
from cleaner.cli import app
from cleaner.phases import PHASES
from cleaner.rules import SHIPPED_RULES, load_rules
from cleaner.ruletest import check_all

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def uncomment(text: str) -> str:
    """What a person gets by uncommenting every example line ('# ...'; '## ' lines are notes)."""
    return "".join(line[2:] if line.startswith("# ") else line for line in text.splitlines(keepends=True))


def test_new_site_writes_a_rule_file_that_loads_as_is(tmp_path):
    rules, samples = tmp_path / "my-rules", tmp_path / "samples"
    result = run("rules", "new", "beritasatu.com", "--rules", rules, "--samples", samples)
    assert result.exit_code == 0, result.output
    path = rules / "sites" / "beritasatu.com.toml"
    text = path.read_text(encoding="utf-8")
    assert "\r" not in text
    data = tomllib.loads(text)
    assert data == {"site": "beritasatu.com", "hosts": ["beritasatu.com"]}  # the rest is commented out
    assert "# text_signature = " in text
    for key in ("why = ", "must_match = ", "must_not_match = ", "[[tests]]"):
        assert f"# {key}" in text
    for phase in PHASES.kinds("text"):
        assert f"# [[text.{phase}]]" in text
    assert "# [[html.layout]]" in text
    for phase in PHASES.kinds("html"):
        assert f"# [[html.layout.{phase}]]" in text
    # loads alone and over the shipped rules; the CLI's checks pass
    assert "beritasatu.com" in load_rules(rules).sites
    assert "beritasatu.com" in Cleaner([rules]).rules.sites
    assert run("rules", "check", "--rules", rules).exit_code == 0
    assert run("rules", "test", "--rules", rules).exit_code == 0
    # the samples folders, with a README saying what goes in raw/
    readme = samples / "raw" / "beritasatu.com" / "README.md"
    assert "beritasatu.com" in readme.read_text(encoding="utf-8") and "gold" in readme.read_text(encoding="utf-8")
    assert (samples / "gold" / "beritasatu.com" / ".gitkeep").is_file()
    # and the folder where each layout keeps its saved pages with their gold
    assert "gold" in (rules / "samples" / "beritasatu.com" / "README.md").read_text(encoding="utf-8")
    assert str(path) in result.stderr


def test_the_commented_examples_are_valid_rules_whose_examples_pass(tmp_path):
    rules = tmp_path / "rules"
    scaffold.new_site("beritasatu.com", rules, tmp_path / "samples")
    path = rules / "sites" / "beritasatu.com.toml"
    path.write_text(uncomment(path.read_text(encoding="utf-8")), encoding="utf-8")
    # the example layout's saved page, with its gold beside it
    page = rules / "samples" / "beritasatu.com" / "page-2024.html"
    page.write_text('<html><body><article class="detail"><h1>Judul</h1><div class="detail-text">'
                    "<p>Beritasatu.com - Isi berita.</p><figure><img src=a.jpg><figcaption>Foto: Dok.</figcaption></figure>"
                    "<p>Paragraf dua.</p></div></article></body></html>", encoding="utf-8")
    page.with_suffix(".txt").write_text("Isi berita.\nParagraf dua.\n", encoding="utf-8")
    cleaner = Cleaner([rules])
    site = cleaner.rules.sites["beritasatu.com"]
    assert {r.kind for r in site.rules()} == set(PHASES.kinds("text")) | set(PHASES.kinds("html"))
    assert [layout.id for layout in site.layouts] == ["BERITASATU-L01"]
    assert site.signature is not None and len(site.tests) == 1
    assert [str(f) for f in check_all(cleaner.rules, cleaner)] == []
    result = cleaner.clean("Beritasatu.com - Isi berita.\nBaca juga: Judul Lain\nParagraf dua. (abc/def)\n")
    assert (result.site, result.site_source) == ("beritasatu.com", "signature")
    assert result.text == "Isi berita.\nParagraf dua."


def test_an_existing_rule_file_is_never_overwritten(tmp_path):
    rules = tmp_path / "rules"
    assert run("rules", "new", "example.com", "--rules", rules, "--samples", tmp_path / "s").exit_code == 0
    path = rules / "sites" / "example.com.toml"
    path.write_text('site = "example.com"\n', encoding="utf-8")
    result = run("rules", "new", "example.com", "--rules", rules, "--samples", tmp_path / "s")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "exists" in result.stderr
    assert path.read_text(encoding="utf-8") == 'site = "example.com"\n'
    # a shipped site too
    shipped = run("rules", "new", "suara.com", "--rules", SHIPPED_RULES, "--samples", tmp_path / "s")
    assert shipped.exit_code == 2 and "exists" in shipped.stderr


@pytest.mark.parametrize("domain", ["example", "https://example.com/news", "www.example.com", "exa mple.com", "bad-.com", "example.c0m", "a..com", ""])
def test_a_domain_is_required(tmp_path, domain):
    result = run("rules", "new", domain, "--rules", tmp_path / "rules", "--samples", tmp_path / "s")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert not (tmp_path / "rules").exists() and not (tmp_path / "s").exists()


def test_upper_case_is_lowered_and_subdomains_and_country_domains_are_fine(tmp_path):
    for domain, name in [("Example.CO.ID", "example.co.id"), ("finance.example.com", "finance.example.com")]:
        assert run("rules", "new", domain, "--rules", tmp_path / "rules", "--samples", tmp_path / "s").exit_code == 0
        assert (tmp_path / "rules" / "sites" / f"{name}.toml").is_file()
    load_rules(tmp_path / "rules")


def test_default_folders_are_rules_and_samples_in_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "samples" / "raw" / "example.com" / "page.txt"
    existing.parent.mkdir(parents=True)
    existing.write_text("Isi.\n", encoding="utf-8")
    result = run("rules", "new", "example.com")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rules" / "sites" / "example.com.toml").is_file()
    assert (tmp_path / "samples" / "gold" / "example.com" / ".gitkeep").is_file()
    # a samples folder that already holds pages is left as it is
    assert sorted(p.name for p in existing.parent.iterdir()) == ["page.txt"]


def test_a_shipped_site_is_not_shadowed_without_force(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused = run("rules", "new", "suara.com")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert "suara.com has a shipped rule file" in refused.stderr and "--force" in refused.stderr
    assert not (tmp_path / "rules").exists()
    assert run("rules", "new", "suara.com", "--force").exit_code == 0
    assert (tmp_path / "rules" / "sites" / "suara.com.toml").is_file()


def test_an_installed_copy_of_the_rules_is_not_written_to(tmp_path, monkeypatch):
    installed = tmp_path / "site-packages" / "cleaner" / "_shipped_rules"
    monkeypatch.setattr(scaffold, "SHIPPED_RULES", installed)
    result = run("rules", "new", "example.com", "--rules", installed)
    assert result.exit_code == 2 and "--rules" in result.stderr
    assert not (tmp_path / "site-packages").exists()
