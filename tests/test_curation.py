"""Curation: tags, corrections, entity rules, the audit log and undo, through the store and the
CLI, on real copies of the seed index. The hard promises are tested as such: a full re-index from
the sources restores everything, a process killed with SIGKILL in the middle of a bulk tag loses
nothing, two writers at once lose nothing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from newsfind.index.curation.apply import apply_changes, check
from newsfind.index.curation.db import DB_FILE, SCHEMA_VERSION
from newsfind.index.curation.document import BASE_FIELDS, COMPARED_FIELDS, derive, original_base
from newsfind.index.curation.rules import EntityRule, EntityState
from newsfind.index.curation.store import CurationStore, UndoError
from newsfind.index.store import open_index
from newsfind.search.searcher import SearchRequest, get_article, search

from tests.conftest import ROOT, SEED_IDS, SEEDS, Runner, copy_index

LAVROV_SPEAKS = ["002_a2b3b58d53712aaf", "004_2064c722ad5b44e7"]
UPI = "001_4381e5166d85121b"
NEWSFIND = Path(sys.executable).with_name("newsfind")


@pytest.fixture
def index_dir(tmp_path, seed_index) -> Path:
    return copy_index(seed_index, tmp_path / "index")


@pytest.fixture
def run(index_dir) -> Runner:
    return Runner(index_dir)


def searched(index_dir: Path, query: str = "", **filters) -> dict:
    with open_index(index_dir).searcher() as searcher:
        return search(searcher, SearchRequest(query=query, filters={k: [v] for k, v in filters.items()},
                                              facets=["tag", "person", "org", "place", "speaker", "outlet"],
                                              facet_size=100, per_page=50))


def article(index_dir: Path, article_id: str) -> dict:
    with open_index(index_dir).searcher() as searcher:
        return get_article(searcher, article_id)


def facet(data: dict, name: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in data["facets"][name]}


def delete_whoosh_files(index_dir: Path) -> None:
    for path in index_dir.iterdir():
        if path.suffix in (".toc", ".seg") or path.name.endswith("_WRITELOCK") or path.name.startswith("facets-"):
            path.unlink()


# -- the store -----------------------------------------------------------------------------------


def test_database_is_wal_with_foreign_keys_and_a_versioned_schema(index_dir):
    store = CurationStore(index_dir)
    assert not store.exists() and store.history() == []  # reading creates nothing
    store.change_tags([UPI], ["x"], "alice")
    conn = sqlite3.connect(index_dir / DB_FILE, isolation_level=None)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE changes SET who = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM changes")
    with store.db.write() as c:
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            c.execute("INSERT INTO change_articles (article_id, change_id) VALUES ('a', 999)")
    assert store.db.integrity() == []


def test_tags_are_normalised_matched_case_insensitively_and_shown_as_first_spelled(index_dir, run):
    result = run("tag", UPI, "  Military   Aid ", "lavrov-talks", "--user", "alice")
    assert result.exit_code == 0, result.output
    assert run("tag", LAVROV_SPEAKS[0], "MILITARY AID", "--user", "bob").exit_code == 0
    assert CurationStore(index_dir).tags_of(LAVROV_SPEAKS[0]) == ["Military Aid"]  # the first spelling
    assert run("tag", UPI, "military aid").output.startswith("nothing to change")
    for query in ("tag:'military aid'", 'tag:"MILITARY AID"', "tag:Lavrov-Talks"):
        assert searched(index_dir, query)["total"] >= 1, query
    data = searched(index_dir, "", tag="Military Aid")
    assert sorted(h["id"] for h in data["hits"]) == sorted([UPI, LAVROV_SPEAKS[0]])
    assert facet(searched(index_dir), "tag") == {"Military Aid": 2, "lavrov-talks": 1}
    assert run("tags").output.splitlines() == ["Military Aid  2", "lavrov-talks  1"]
    assert run("tag", UPI, "a,b").exit_code == 2 and "comma" in run("tag", UPI, "a,b").output
    assert run("tag", "no-such-article", "x").exit_code == 2
    assert run("tag", UPI).exit_code == 2


def test_tags_count_only_articles_still_in_the_index(index_dir, run):
    from newsfind.web import create_app
    assert run("tag", UPI, "gone", "kept", "--user", "alice").exit_code == 0
    assert run("tag", LAVROV_SPEAKS[0], "kept", "--user", "alice").exit_code == 0
    writer = open_index(index_dir).writer()
    writer.delete_by_term("id", UPI)  # as `index --prune` or an article re-read under another id does
    writer.commit(merge=False)  # the deletion stays a mark in the segment
    assert article(index_dir, UPI) is None
    assert run("tags").output.splitlines() == ["kept  1"]
    assert json.loads(run("tags", "--json").output) == [{"tag": "kept", "count": 1}]
    client = create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True}).test_client()
    assert client.get("/api/tags").get_json() == {"tags": [{"tag": "kept", "count": 1}]}


def test_bulk_tag_counts_and_asks_unless_yes(index_dir, run):
    refused = run.runner.invoke(__import__("newsfind.cli.main", fromlist=["cli"]).cli,
                                ["--index", str(index_dir), "tag", "--query", "speaker:Lavrov", "lavrov-talks"],
                                input="n\n")
    assert refused.exit_code == 1 and "2 articles match 'speaker:Lavrov'" in refused.output
    assert CurationStore(index_dir).history() == []
    done = run("tag", "--query", "speaker:Lavrov", "lavrov-talks", "--yes", "--user", "alice")
    assert done.exit_code == 0, done.output
    assert "change #1: +lavrov-talks on 2 articles (query 'speaker:Lavrov')" in done.output
    assert sorted(h["id"] for h in searched(index_dir, "tag:lavrov-talks")["hits"]) == LAVROV_SPEAKS
    assert run("tag", "--query", "speaker:(", "x", "--yes").exit_code == 2


def test_metadata_corrections_win_until_cleared(index_dir, run):
    assert article(index_dir, UPI)["date"] == "--09-18"  # the dateline has no year
    result = run("correct", UPI, "--date", "2015-09-18", "--outlet", "United Press International",
                 "--author", "Jane Doe and John Roe", "--title", "Talks begin", "--user", "alice")
    assert result.exit_code == 0, result.output
    art = article(index_dir, UPI)
    assert (art["date"], art["outlet"], art["authors"], art["title"]) == (
        "2015-09-18", "United Press International", ["Jane Doe", "John Roe"], "Talks begin")
    assert art["metadata_sources"]["date"] == "correction #1 by alice"
    assert searched(index_dir, "date:2015-09-18")["total"] == 1
    assert searched(index_dir, "title:talks begin")["total"] == 1
    assert run("correct", UPI, "--clear", "outlet", "--clear", "title").exit_code == 0
    art = article(index_dir, UPI)
    assert art["outlet"] == "UPI" and art["title"].startswith("U.S. Begins Talks") and art["date"] == "2015-09-18"
    assert run("correct", UPI, "--date", "2015-02-30").exit_code == 2
    assert run("correct", UPI).exit_code == 2
    assert run("correct", UPI, "--outlet", "", "--user", "alice").exit_code == 0  # '' is "no outlet"
    assert article(index_dir, UPI)["outlet"] is None


def test_entity_corrections_apply_everywhere_and_undo(index_dir, run):
    assert run("entity", "merge", "org", "Foreign Ministry", "--into", "Russian Foreign Ministry").exit_code == 0
    orgs = facet(searched(index_dir), "org")
    assert "Foreign Ministry" not in orgs and orgs["Russian Foreign Ministry"] == 1  # both named in 002: once now
    assert article(index_dir, "002_a2b3b58d53712aaf")["orgs"].count("Russian Foreign Ministry") == 1
    assert run("entity", "rename", "place", "North Caucus", "North Caucasus").exit_code == 0
    assert run("entity", "retype", "org", "Tartus", "place").exit_code == 0
    data = searched(index_dir)
    assert "Tartus" in facet(data, "place") and "Tartus" not in facet(data, "org")
    assert "North Caucasus" in facet(data, "place") and searched(index_dir, "place:Tartus")["total"] == 1
    # Putin is quoted in 000; he is not a speaker there (say), and "Obama" is no person at all.
    putin = "000_cc762b55518d5dfc"
    assert "Vladimir Putin" in article(index_dir, putin)["speakers"]
    assert run("entity", "not-speaker", "person", "Vladimir Putin", "--article", putin).exit_code == 0
    art = article(index_dir, putin)
    assert "Vladimir Putin" not in art["speakers"] and "Vladimir Putin" in art["persons"]
    assert all(q["speaker"] != "Vladimir Putin" for q in art["quotes"])
    assert facet(searched(index_dir), "speaker")["Vladimir Putin"] == 2  # still in the other two
    assert run("entity", "not-entity", "person", "Obama").exit_code == 0
    assert "Obama" not in facet(searched(index_dir), "person")
    assert run("entity", "merge", "person", "Nobody Known", "--into", "X").exit_code == 2  # not in the index
    rules = run("entity", "rules").output
    assert "merge org 'Foreign Ministry' into 'Russian Foreign Ministry'" in rules
    # Every change undone, newest first: the index is as extracted again.
    for change in reversed(CurationStore(index_dir).history()):
        assert run("undo", str(change.id), "--user", "bob").exit_code == 0
    data = searched(index_dir)
    assert facet(data, "org")["Foreign Ministry"] == 1 and "Tartus" in facet(data, "org")
    assert "Obama" in facet(data, "person") and "North Caucus" in facet(data, "place")
    assert "Vladimir Putin" in article(index_dir, putin)["speakers"]
    assert check(open_index(index_dir), CurationStore(index_dir)).ok
    assert CurationStore(index_dir).rules() == []


def test_history_records_every_change_and_undo_restores_the_previous_state(index_dir, run):
    run("tag", UPI, "a", "--user", "alice")
    run("tag", UPI, "b", "--user", "bob")
    run("correct", UPI, "--outlet", "Wire", "--user", "alice")
    run("tag", UPI, "a", "--remove", "--user", "carol")
    history = json.loads(run("history", UPI, "--json").output)
    assert [(c["who"], c["action"]) for c in history] == [("alice", "tag"), ("bob", "tag"), ("alice", "correct"),
                                                         ("carol", "untag")]
    assert history[0]["before"] == {"articles": {UPI: []}} and history[0]["after"]["articles"] == {UPI: ["a"]}
    assert all(c["at"].endswith("Z") for c in history)
    assert article(index_dir, UPI)["tags"] == ["b"]
    assert run("undo", "4", "--user", "dave").exit_code == 0  # the untag: "a" is back
    assert article(index_dir, UPI)["tags"] == ["a", "b"]
    assert run("undo", "1").exit_code == 0  # alice's "a" again gone; bob's "b" stays
    assert article(index_dir, UPI)["tags"] == ["b"]
    assert run("undo", "3").exit_code == 0
    assert article(index_dir, UPI)["outlet"] == "UPI"
    again = run("undo", "3")
    assert again.exit_code == 1 and "already undone by #7" in again.output
    assert run("undo", "7").exit_code == 0  # undoing the undo redoes
    assert article(index_dir, UPI)["outlet"] == "Wire"
    assert run("undo", "99").exit_code == 2
    lines = run("history").output.splitlines()
    assert len(lines) == 8 and "[undone by #7]" in lines[2] and "undo #3" in lines[6]
    # A correction changed again cannot be undone underneath the newer one.
    run("correct", UPI, "--outlet", "Other")
    conflict = run("undo", "8")
    assert conflict.exit_code == 1 and "changed again by #9" in conflict.output


def test_account_changes_are_logged_but_not_undone(index_dir, run):
    runner_input = "secret-pass-1\n"
    result = run.runner.invoke(__import__("newsfind.cli.main", fromlist=["cli"]).cli,
                               ["--index", str(index_dir), "user", "add", "alice", "--role", "archivist",
                                "--password-stdin", "--user", "root"], input=runner_input)
    assert result.exit_code == 0, result.output
    user = CurationStore(index_dir).user("alice")
    assert user.password_hash.startswith("scrypt:") and "secret-pass-1" not in user.password_hash
    assert run("user", "add", "alice", "--role", "reader", "--password-stdin").exit_code == 2
    assert run("user", "role", "alice", "admin").exit_code == 0
    token = run("user", "token", "alice", "--label", "script").output.strip()
    assert token.startswith("nf_") and CurationStore(index_dir).user_for_token(token).name == "alice"
    assert json.loads(run("user", "list", "--json").output) == [
        {"name": "alice", "role": "admin", "created_at": user.created_at, "tokens": 1}]
    assert run("user", "remove", "alice").exit_code == 2  # the last admin
    actions = [c.action for c in CurationStore(index_dir).history()]
    assert actions == ["user.add", "user.role", "user.token"]
    assert run("undo", "1").exit_code == 1
    assert token not in (index_dir / DB_FILE).read_bytes().decode("utf-8", "replace")


# -- the promises --------------------------------------------------------------------------------


def test_tags_and_corrections_survive_a_full_reindex_from_the_sources(tmp_path, seed_index):
    index_dir = copy_index(seed_index, tmp_path / "index")  # the seeds, indexed
    run = Runner(index_dir)
    assert run("tag", "--query", "speaker:Lavrov", "lavrov-talks", "--yes", "--user", "alice").exit_code == 0
    assert run("entity", "merge", "org", "Foreign Ministry", "--into", "Russian Foreign Ministry",
               "--user", "alice").exit_code == 0
    assert run("correct", UPI, "--date", "2015-09-18", "--user", "alice").exit_code == 0
    assert run("entity", "not-entity", "person", "Obama", "--user", "alice").exit_code == 0
    before = searched(index_dir)
    history = run("history").output

    delete_whoosh_files(index_dir)
    assert sorted(p.name for p in index_dir.iterdir()) == ["canonical.json", DB_FILE, "groups.sqlite"]
    assert run("index", str(SEEDS)).exit_code == 0

    after = searched(index_dir)
    for name in ("tag", "org", "person", "place", "speaker", "outlet"):
        assert facet(after, name) == facet(before, name), name
    assert facet(after, "tag") == {"lavrov-talks": 2} and "Foreign Ministry" not in facet(after, "org")
    assert sorted(h["id"] for h in searched(index_dir, "tag:lavrov-talks")["hits"]) == LAVROV_SPEAKS
    assert article(index_dir, UPI)["date"] == "2015-09-18" and searched(index_dir, "date:2015-09")["total"] == 2
    assert run("history").output == history
    assert run("check").exit_code == 0
    # and a change undone after the re-index still restores what extraction said
    assert run("undo", "2").exit_code == 0
    assert facet(searched(index_dir), "org")["Foreign Ministry"] == 1


def test_documents_curation_rebuilds_are_the_indexers_own(seed_searcher):
    """`derive` builds search fields, dates and quotes as `writer.document_fields` does."""
    for _, stored in seed_searcher.reader().iter_docs():
        rebuilt = derive(original_base(stored), [])
        for name in COMPARED_FIELDS:
            if name not in ("extracted",):
                assert (rebuilt.get(name) or None) == (stored.get(name) or None), (stored["id"], name)
    assert "title" in BASE_FIELDS


def test_a_bulk_tag_killed_with_sigkill_loses_nothing(index_dir):
    env = {**os.environ, "NEWSFIND_APPLY_BATCH": "1", "NEWSFIND_APPLY_DELAY": "0.6"}
    proc = subprocess.Popen([str(NEWSFIND), "--index", str(index_dir), "tag", "--query", "*", "killed", "--yes",
                             "--user", "alice"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ix = open_index(index_dir)
    deadline = time.monotonic() + 60
    tagged = 0
    while time.monotonic() < deadline and proc.poll() is None:
        with ix.searcher() as searcher:
            tagged = len(list(searcher.documents(facet_tag="killed")))
        if tagged >= 1:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert 1 <= tagged < len(SEED_IDS)  # killed in the middle: some documents written, not all

    store = CurationStore(index_dir)
    assert store.db.integrity() == []
    assert [c.action for c in store.history()] == ["tag"]  # the change itself is whole
    assert all(store.tags_of(a) == ["killed"] for a in SEED_IDS)
    report = check(open_index(index_dir), store)
    assert not report.ok and report.pending == 1 and report.mismatched
    run = Runner(index_dir)
    assert run("check").exit_code == 1
    repaired = run("check", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert searched(index_dir, "tag:killed")["total"] == len(SEED_IDS)
    assert run("check").exit_code == 0


def test_a_change_left_pending_is_applied_by_the_next_write(index_dir):
    store = CurationStore(index_dir)
    store.change_tags([UPI], ["later"], "alice")  # saved, never applied (as if the process died)
    assert searched(index_dir, "tag:later")["total"] == 0 and store.pending_count() == 1
    Runner(index_dir)("tag", LAVROV_SPEAKS[0], "other")
    assert searched(index_dir, "tag:later")["total"] == 1 and store.pending_count() == 0


WRITER = """
import sys
from pathlib import Path
from newsfind.index.curation.apply import apply_changes
from newsfind.index.curation.store import CurationStore
from newsfind.index.store import open_index
index_dir, name, own = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
store, ix = CurationStore(index_dir), open_index(index_dir)
shared = sys.argv[4:]
for i in range(8):
    store.change_tags(shared, [f"{name}-{i}"], name)
    store.change_tags([own], [f"{name}-own-{i}"], name)
    apply_changes(ix, store)
"""


def test_two_writers_tagging_at_once_lose_nothing(index_dir):
    shared = SEED_IDS[:3]
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(index_dir), name, own, *shared], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for name, own in (("p1", SEED_IDS[3]), ("p2", SEED_IDS[4]))]
    for proc in procs:
        out, _ = proc.communicate(timeout=180)
        assert proc.returncode == 0, out
    store = CurationStore(index_dir)
    assert len(store.history()) == 32
    expected_shared = sorted(f"{p}-{i}" for p in ("p1", "p2") for i in range(8))
    for article_id in shared:
        assert store.tags_of(article_id) == expected_shared
        assert sorted(article(index_dir, article_id)["tags"]) == expected_shared
    assert article(index_dir, SEED_IDS[3])["tags"] == [f"p1-own-{i}" for i in range(8)]
    assert article(index_dir, SEED_IDS[4])["tags"] == [f"p2-own-{i}" for i in range(8)]
    assert check(open_index(index_dir), store).ok


# -- rules, one document at a time -----------------------------------------------------------------


def entity_state(**values) -> EntityState:
    base = {"facet_person": "Bashar al-Assad,John Kerry", "facet_speaker": "Bashar al-Assad", "facet_org": "Kremlin",
            "facet_place": "Syria", "facet_speaker_org": "Kremlin",
            "quotes": [{"speaker": "Bashar al-Assad", "speaker_type": "person", "text": "We will win"},
                       {"speaker": "Kremlin", "speaker_type": "org", "text": "No comment"}],
            "mentions": [{"kind": "person", "value": "Bashar al-Assad", "text": "Bashar al-Assad"},
                         {"kind": "person", "value": "Bashar al-Assad", "text": "Hafez al-Assad"},
                         {"kind": "org", "value": "Kremlin", "text": "the Kremlin"}]}
    base.update(values)
    return EntityState(base)


def test_split_by_spelling_keeps_the_rest_with_the_old_value():
    state = entity_state()
    assert state.apply(EntityRule("split", "person", "Bashar al-Assad", "Hafez al-Assad",
                                  spellings=("hafez  AL-ASSAD",)).validate())
    assert state.lists["person"] == ["Bashar al-Assad", "Hafez al-Assad", "John Kerry"]
    assert [m["value"] for m in state.mentions[:2]] == ["Bashar al-Assad", "Hafez al-Assad"]
    assert state.quotes[0]["speaker"] == "Bashar al-Assad"  # still mentioned: his quote stays his
    alone = entity_state(mentions=[{"kind": "person", "value": "Bashar al-Assad", "text": "Hafez al-Assad"}])
    alone.apply(EntityRule("split", "person", "Bashar al-Assad", "Hafez al-Assad", spellings=("Hafez al-Assad",)))
    assert alone.lists["person"] == ["Hafez al-Assad", "John Kerry"] and alone.quotes[0]["speaker"] == "Hafez al-Assad"


def test_retype_moves_lists_marks_speakers_and_quotes():
    state = entity_state()
    assert state.apply(EntityRule("retype", "org", "Kremlin", "person"))
    assert state.lists["org"] == [] and "Kremlin" in state.lists["person"] and state.speakers["org"] == []
    assert "Kremlin" in state.speakers["person"] and state.quotes[1]["speaker_type"] == "person"
    assert state.mentions[2]["kind"] == "person"
    place = entity_state()
    place.apply(EntityRule("retype", "org", "Kremlin", "place"))
    assert place.quotes[1]["speaker"] is None and "Kremlin" in place.lists["place"]
    assert not entity_state().apply(EntityRule("retype", "org", "Nothing", "place"))


def joint_quote_state() -> EntityState:
    """'“...,” Ted Cruz, Marco Rubio and Rand Paul said': one quote, a speaker and two co-speakers."""
    quote = {"speaker": "Ted Cruz", "speaker_type": "person", "text": "x", "probability": 0.9,
             "co_speakers": ["Marco Rubio", "Rand Paul"], "co_probabilities": [0.8, 0.7]}
    persons = "Ted Cruz,Marco Rubio,Rand Paul"
    return entity_state(facet_person=persons, facet_speaker=persons, quotes=[quote], mentions=[])


def test_corrections_reach_the_co_speakers_of_a_quote():
    state = joint_quote_state()
    assert state.apply(EntityRule("not-speaker", "person", "Marco Rubio"))
    q = state.quotes[0]
    assert (q["speaker"], q["co_speakers"], q["co_probabilities"]) == ("Ted Cruz", ["Rand Paul"], [0.7])
    state.apply(EntityRule("not-speaker", "person", "Ted Cruz"))  # the quote goes to the co-speaker left
    assert (q["speaker"], q["probability"], q["co_speakers"], q["co_probabilities"]) == ("Rand Paul", 0.7, [], [])
    merged = joint_quote_state()
    merged.apply(EntityRule("merge", "person", "Marco Rubio", "Ted Cruz"))  # one person: no co-speaker of himself
    assert merged.quotes[0]["co_speakers"] == ["Rand Paul"] and merged.quotes[0]["co_probabilities"] == [0.7]
    into_co = joint_quote_state()
    into_co.apply(EntityRule("merge", "person", "Ted Cruz", "Marco Rubio"))  # the speaker merged into a co-speaker
    q = into_co.quotes[0]
    assert (q["speaker"], q["co_speakers"], q["co_probabilities"]) == ("Marco Rubio", ["Rand Paul"], [0.7])
    renamed = joint_quote_state()
    renamed.apply(EntityRule("rename", "person", "Rand Paul", "Randal Paul"))
    assert renamed.quotes[0]["co_speakers"] == ["Marco Rubio", "Randal Paul"]
    place = joint_quote_state()
    place.apply(EntityRule("retype", "person", "Ted Cruz", "place"))
    assert place.quotes[0]["speaker"] == "Marco Rubio" and place.quotes[0]["co_speakers"] == ["Rand Paul"]


@pytest.mark.parametrize("rule, message", [
    (EntityRule("rename", "person", "A", "A"), "same"),
    (EntityRule("merge", "person", "A", None), "new name"),
    (EntityRule("retype", "person", "A", "person"), "another kind"),
    (EntityRule("split", "person", "A", "B"), "spellings"),
    (EntityRule("not-speaker", "place", "Syria"), "places"),
    (EntityRule("rename", "person", "A", "B", article_id="x"), "every article"),
    (EntityRule("explode", "person", "A"), "unknown entity action"),
])
def test_rules_that_cannot_apply_are_refused(rule, message):
    with pytest.raises(ValueError, match=message):
        rule.validate()


def test_undo_errors_say_why(index_dir):
    store = CurationStore(index_dir)
    with pytest.raises(UndoError, match="no change #5"):
        store.undo(5, "alice")
    change = store.change_tags([UPI], ["x"], "alice")
    store.change_tags([UPI], ["x"], "bob", remove=True)
    with pytest.raises(UndoError, match="already changed back"):
        store.undo(change.id, "alice")
    apply_changes(open_index(index_dir), store)


def read_only_with_schema(index_dir: Path, version: int, monkeypatch) -> None:
    """The index's curation database set to schema `version` and its directory not writable to newsfind
    (as on a read-only mount, without needing one): it cannot be upgraded there."""
    from newsfind.index.curation import db

    conn = sqlite3.connect(index_dir / DB_FILE)
    conn.execute("PRAGMA journal_mode = DELETE")  # no WAL left: the file alone, as on a read-only mount
    conn.execute("UPDATE schema_version SET version = ?", (version,))
    conn.commit()
    conn.close()
    access = os.access
    monkeypatch.setattr(db.os, "access", lambda path, mode: False if mode == os.W_OK else access(path, mode))


def test_a_read_only_curation_database_too_old_to_read_is_one_line_from_the_cli(run, index_dir, monkeypatch):
    run("tag", SEED_IDS[0], "kept")  # the curation database exists
    read_only_with_schema(index_dir, 1, monkeypatch)
    result = run("history")
    assert result.exit_code == 1 and "needs writing to upgrade" in result.output, result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
