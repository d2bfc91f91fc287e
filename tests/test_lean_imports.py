"""index/whoosh_ext/lean_imports.py: a cold `newsfind query` imports neither the network modules Whoosh pulls
in nor numpy.ma, and the stand-ins behave like what they replace."""

import json
import os
import subprocess
import sys

from newsfind.index.whoosh_ext import lean_imports

from tests.conftest import ROOT, Runner

UNWANTED = ("asyncio", "urllib.request", "cached_property", "numpy.ma", "spacy", "flask", "http.client",
            "whoosh.lang.morph_en")

COLD_QUERY = """
import json, sys
from newsfind.cli.main import main
unwanted = sys.argv[2]
sys.argv = ["newsfind", "--index", sys.argv[1], "query", "Lavrov OR agenda", "--json"]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
import whoosh.reading
print(json.dumps({"loaded": [m for m in json.loads(unwanted) if m in sys.modules],
                  "stand_in": whoosh.reading.cached_property.__module__}))
"""


def test_a_cold_query_imports_no_network_modules(seed_index):
    command = [sys.executable, "-c", COLD_QUERY, str(seed_index), json.dumps(UNWANTED)]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    decoder = json.JSONDecoder()
    data, end = decoder.raw_decode(out)
    modules = json.loads(out[end:])
    assert modules == {"loaded": [], "stand_in": "newsfind.index.whoosh_ext.lean_imports"}
    assert data == Runner(seed_index).json("query", "Lavrov OR agenda")
    assert data["hits"]


def test_cached_property_stand_in_computes_once_per_instance():
    class Reader:
        calls = 0

        @lean_imports.cached_property
        def deleted(self):
            """The deleted documents."""
            Reader.calls += 1
            return frozenset({Reader.calls})

    a, b = Reader(), Reader()
    assert a.deleted == a.deleted == frozenset({1}) and b.deleted == frozenset({2})
    assert Reader.deleted.__doc__ == "The deleted documents."
    del a.deleted  # deleting the stored value resets it, as with the package's descriptor
    assert a.deleted == frozenset({3})


def test_urlretrieve_stand_in_calls_the_real_one(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("hello")
    path, _ = lean_imports.urlretrieve(source.as_uri(), tmp_path / "b.txt")
    assert (tmp_path / "b.txt").read_text() == "hello" and str(path) == str(tmp_path / "b.txt")


def test_variations_stand_in_calls_the_real_one():
    from whoosh.lang.morph_en import variations

    assert lean_imports.variations("rendered") == variations("rendered")
    assert "render" in lean_imports.variations("rendered")


def test_query_processes_start_one_openblas_thread_unless_the_user_chose():
    code = "import os, newsfind.search; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "1"
    env["OPENBLAS_NUM_THREADS"] = "2"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "2"
