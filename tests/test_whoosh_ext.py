"""index/whoosh_ext/__init__.py: the patches are installed by the entry points alone, all of them on
the Whoosh they were written for and none on any other (with one line on stderr), and the recorded
fingerprints are the installed Whoosh's (a dependency bump fails here first)."""

import hashlib
import importlib.metadata
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from newsfind.index import whoosh_ext
from newsfind.index.store import open_index
from newsfind.index.whoosh_ext import guards, postings
from newsfind.search import fastscore
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher

from newsfind.cli.main import cli
from tests.conftest import ROOT, needs_patches

pytestmark = needs_patches  # stock Whoosh on request installs nothing: tested here, not run by test-stock
PATCH_MODULES = ("zerocopy", "blockdecode", "columnread", "boolean_matchers", "fastanalysis", "fastflush")
REPLACED = [g for g in whoosh_ext.GUARDS if g.replacement is not None]


def test_recorded_fingerprints_and_version_are_the_installed_whooshs():
    assert importlib.metadata.version(whoosh_ext.WHOOSH_DISTRIBUTION) == whoosh_ext.WHOOSH_VERSION
    assert guards.distribution_version("whoosh", whoosh_ext.WHOOSH_DISTRIBUTION) == whoosh_ext.WHOOSH_VERSION
    found = {g.target: guards.fingerprint(whoosh_ext.original(g.target)) for g in whoosh_ext.GUARDS}
    changed = {g.target: found[g.target] for g in whoosh_ext.GUARDS if found[g.target] != g.fingerprint}
    # after reading what changed in each function and adapting the code that copies or reads it
    assert not changed, f"Whoosh changed; the new fingerprints: {changed}"
    assert len(found) == len(whoosh_ext.GUARDS) and None not in found.values()


def test_a_fingerprint_is_the_functions_whole_source_and_only_it(tmp_path, monkeypatch):
    source = ("import functools\n\n\n"
              "@functools.cache\n"
              "def first(x):\n"
              "    # a comment\n"
              "    return max(\n"
              "        x,\n"
              "        1,\n"
              "    )\n\n\n"
              "def second():\n"
              "    return [y for y in range(3)]\n")
    (tmp_path / "fingerprinted.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("fingerprinted")
    lines = source.splitlines(keepends=True)
    assert guards.fingerprint(module.first) == hashlib.sha256("".join(lines[3:10]).encode()).hexdigest()[:16]
    assert guards.fingerprint(module.second) == hashlib.sha256("".join(lines[12:14]).encode()).hexdigest()[:16]
    assert guards.fingerprint(property(module.second)) == guards.fingerprint(module.second)
    assert guards.fingerprint(42) is None


def test_install_replaces_every_target_once():
    first = whoosh_ext.install()
    assert first == whoosh_ext.install() == whoosh_ext.installation()
    assert first.patches == PATCH_MODULES and first.stock_reason is None
    for guard in REPLACED:
        owner, name = guards.resolve(guard.target)
        replacement = getattr(importlib.import_module(f"newsfind.index.whoosh_ext.{guard.module}"), guard.replacement)
        assert getattr(owner, name) is replacement
        assert whoosh_ext.original(guard.target) is not replacement


@pytest.fixture
def reinstalled():
    """Everything uninstalled for the test (which may change Whoosh through the MonkeyPatch given);
    afterwards Whoosh as it was, checked and installed again as the session runs it."""
    with pytest.MonkeyPatch.context() as mp:
        whoosh_ext.uninstall()
        yield mp
    whoosh_ext.uninstall()
    whoosh_ext.install()


def _changed_skip_to(self, targetid):
    raise NotImplementedError("stands for a W3LeafMatcher.skip_to that Whoosh changed")


@pytest.mark.parametrize("change, message", [
    ("version", "newsfind: Whoosh 2.7.6 is not the version its extensions were written for (2.7.5); "
                "running on stock Whoosh"),
    ("function", "newsfind: Whoosh's whoosh.codec.whoosh3:W3LeafMatcher.skip_to is not the function its "
                 "extensions were written for; running on stock Whoosh"),
])
def test_another_whoosh_is_patched_nowhere_with_one_line_of_warning(reinstalled, capsys, seed_index, change,
                                                                     message):
    if change == "version":
        reinstalled.setattr(guards, "distribution_version", lambda package, distribution: "2.7.6")
    else:
        reinstalled.setattr(W3LeafMatcher, "skip_to", _changed_skip_to)
    capsys.readouterr()
    result = whoosh_ext.install()
    assert result.patches == () and result.stock_reason == message.removeprefix("newsfind: ").split(";")[0]
    for guard in REPLACED:  # nothing replaced, not even the targets before the changed one
        owner, name = guards.resolve(guard.target)
        assert getattr(owner, name) is whoosh_ext.original(guard.target)
        assert not getattr(owner, name).__module__.startswith("newsfind.")
    assert whoosh_ext.install() == result  # a second call: the same, and silent
    assert capsys.readouterr().err.splitlines() == [message]
    # the engine's readers refuse too: Whoosh answers the query alone
    with open_index(seed_index).searcher() as searcher:
        reader = searcher.reader().leaf_readers()[0][0]
        assert postings.term_postings(reader, "body", b"syria") is None
        assert fastscore.evaluate(searcher, wq.Term("body", "syria")) is None


def test_stock_whoosh_on_request_is_quiet_and_still_read_by_the_engine(reinstalled, capsys, seed_index):
    reinstalled.setenv(whoosh_ext.STOCK_ENV, "1")
    result = whoosh_ext.install()
    assert result.patches == () and result.stock_reason == f"{whoosh_ext.STOCK_ENV} is set"
    assert all(getattr(*guards.resolve(g.target)) is whoosh_ext.original(g.target) for g in REPLACED)
    assert capsys.readouterr().err == ""
    with open_index(seed_index).searcher() as searcher:
        found = fastscore.evaluate(searcher, wq.Term("body", "syria"))
        assert found is not None and len(found.docs) > 0


def test_the_cli_and_the_web_app_install_the_patches(seed_index, monkeypatch):
    from newsfind.web import create_app

    calls = []
    monkeypatch.setattr(whoosh_ext, "install", lambda: calls.append("install"))
    result = CliRunner().invoke(cli, ["--index", str(seed_index), "query", "Syria", "--json"])
    assert result.exit_code == 0 and calls == ["install"]
    create_app({"NEWSFIND_INDEX": str(seed_index)})
    assert calls == ["install", "install"]


IMPORTS_THEN_QUERY = """
import json, sys
import newsfind.index.store, newsfind.index.ingest.writer, newsfind.search.searcher
from newsfind.index import whoosh_ext
from newsfind.cli.main import cli
before = whoosh_ext.installation().patches
cli(["--index", sys.argv[1], "query", "Syria", "--json"], standalone_mode=False)
print(json.dumps([before, whoosh_ext.installation().patches]))
"""


def test_importing_newsfind_patches_nothing_until_an_entry_point_installs(seed_index):
    out = subprocess.run([sys.executable, "-c", IMPORTS_THEN_QUERY, str(seed_index)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    before, after = json.loads(out.strip().splitlines()[-1])
    assert before == [] and after == list(PATCH_MODULES)
