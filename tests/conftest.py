"""Shared fixtures: Whoosh's extensions installed for the whole session, as the entry points install
them; the seeds indexed once per session with the real spaCy model into a real on-disk Whoosh index,
and a CLI runner bound to an index directory; the markers of tests that need the model, a browser
or root."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from newsfind.index import whoosh_ext
from newsfind.index.ingest.writer import index_paths
from newsfind.index.nlp.pipeline import MODEL_PACKAGES

from newsfind.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))

# The tests of the patches themselves: skipped by `make test-stock`, which runs on stock Whoosh.
needs_patches = pytest.mark.skipif(whoosh_ext.stock_requested(),
                                   reason=f"{whoosh_ext.STOCK_ENV} is set: Whoosh runs without newsfind's patches")


@pytest.fixture(scope="session", autouse=True)
def whoosh_extensions() -> whoosh_ext.Installation:
    """The tests run what the product runs: the patches installed (none with NEWSFIND_STOCK_WHOOSH=1)."""
    return whoosh_ext.install()


# -- markers ---------------------------------------------------------------------------------------
# `model` (loads the real spaCy pipeline), `browser` (drives chromium), `root` (mounts file systems):
# `make test` runs them all, `make test-fast` leaves them out. A test that needs one itself carries
# `@pytest.mark.model` (etc.); a fixture that needs one is declared with `needs("model")`, and every
# test using it, directly or through other fixtures, is marked. Fixture names registered here are
# unique in the suite.
FIXTURE_MARKERS: dict[str, str] = {}


def needs(marker: str):
    """Declare that a fixture needs what `marker` stands for (put it below `@pytest.fixture`)."""

    def register(fixture_function):
        FIXTURE_MARKERS[fixture_function.__name__] = marker
        return fixture_function

    return register


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for name in item.fixturenames:  # every fixture the test uses, also through other fixtures
            if name in FIXTURE_MARKERS:
                item.add_marker(FIXTURE_MARKERS[name])


NO_MODEL = "this test loads the spaCy model without the `model` marker (tests/conftest.py): mark it"


def pytest_collection_finish(session: pytest.Session) -> None:
    """With no `model` test selected (`make test-fast`, or a file of unmarked tests) the spaCy model
    cannot be imported, in this process or the commands it starts: a test that loads it unmarked
    then fails, saying so, instead of slowing the fast run down unnoticed."""
    if any(item.get_closest_marker("model") for item in session.items):
        return
    blocked = Path(tempfile.mkdtemp(prefix="newsfind-no-model-"))
    for name in filter(importlib.util.find_spec, MODEL_PACKAGES):
        (blocked / name).mkdir()
        (blocked / name / "__init__.py").write_text(f"raise ImportError({NO_MODEL!r})\n", encoding="utf-8")
    sys.path.insert(0, str(blocked))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(blocked), os.environ.get("PYTHONPATH"))))
    session.config.add_cleanup(lambda: shutil.rmtree(blocked, ignore_errors=True))


@pytest.fixture(scope="session")
@needs("model")
def seed_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("seed-index")
    summary = index_paths([str(SEEDS)], index_dir)
    assert summary.failed == [] and len(summary.added) == len(SEED_IDS)
    return index_dir


def copy_index(source: Path, target: Path) -> Path:
    """A copy of an index without its curation: tests that change an index start from a copy of the
    session's seed index instead of parsing the seeds again."""
    from newsfind.index.curation.db import DB_FILE

    shutil.copytree(source, target, ignore=shutil.ignore_patterns(f"{DB_FILE}*", "secret_key"))
    return target


@pytest.fixture(scope="session")
def seed_searcher(seed_index):
    from newsfind.index.store import open_index

    ix = open_index(seed_index)
    with ix.searcher() as searcher:
        yield searcher


@pytest.fixture(scope="session")
def seed_articles(seed_searcher) -> dict[str, dict]:
    from newsfind.search.searcher import iter_articles

    return {a["id"]: a for a in iter_articles(seed_searcher)}


class Runner:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.runner = CliRunner()

    def __call__(self, *args: str):
        return self.runner.invoke(cli, ["--index", str(self.index_dir), *args], catch_exceptions=False)

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)


@pytest.fixture
def run_seed(seed_index) -> Runner:
    return Runner(seed_index)


@pytest.fixture
def fresh_index(tmp_path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
