"""Watches (saved searches that watch the archive), end to end on a real on-disk index with the real
spaCy model: `newsfind watch add/list/remove/new` and what every `newsfind index` run records.

What is pinned: a new watch starts with nothing new; a new article is new once, collapsed by
syndication group, newest first; re-indexing unchanged articles brings nothing; an article changed
so that it now matches is new, one that matched before and still does is not; a pruned article
leaves; a curation change (a tag, a corrected outlet) that makes an article match is new; watches
and what they have seen survive a rebuilt Whoosh index; a watch matches exactly what `newsfind query`
matches; watch changes are in the audit log. Notifications and kills: tests/test_watch_runs.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from newsfind.index.curation.watches import WatchStore
from newsfind.index.ingest.writer import index_paths
from newsfind.index.store import open_index
from newsfind.search import watches as search_watches

from tests.conftest import SEEDS, Runner, copy_index, needs
from tests.generate import articles, write_articles

LAVROV = "Russian Foreign Minister Sergei Lavrov said on Monday that Moscow would keep supplying Syria with weapons."
QUOTE = " \u201cWe will continue,\u201d Lavrov told reporters in Moscow."


def record(article_id: str, title: str, body: str, outlet: str, date: str) -> dict:
    return {"id": article_id, "title": title, "body": body, "outlet": outlet, "date": date}


NEW = [
    record("n1", "Lavrov warns on Syria", LAVROV + QUOTE, "TASS", "2015-09-21"),
    record("n2", "Russia to keep arming Syria, Lavrov says", LAVROV + QUOTE, "Reuters", "2015-09-21"),  # a copy of n1
    record("n3", "Lavrov meets Kerry", "Sergei Lavrov said Syria needs a ceasefire, after meeting John Kerry "
           "in Vienna. \u201cThe talks were useful,\u201d Lavrov said.", "UPI", "2015-09-25"),
    record("n4", "Kerry on trade", "John Kerry said the trade talks in Geneva went well.", "UPI", "2015-09-22"),
]


@pytest.fixture
@needs("model")
def watched(seed_index, tmp_path) -> Runner:
    """A copy of the seed index (no curation), as a CLI runner; `run.index(records)` indexes records."""
    run = Runner(copy_index(seed_index, tmp_path / "index"))
    sources = tmp_path / "sources"
    sources.mkdir()

    def index(records: list[dict], name: str = "new.jsonl", *extra: str):
        result = run("index", str(write_articles(sources / name, records)), "--jobs", "1", *extra)
        assert result.exit_code == 0, result.output
        return result

    run.index = index
    run.sources = sources
    return run


def new_ids(run: Runner, name: str, user: str = "alice") -> list[str]:
    """Every article `watch new` lists (each story's shown version, then its other new versions)."""
    data = run.json("watch", "new", name, "--user", user)
    return [i for hit in data["hits"] for i in [hit["id"], *(v["id"] for v in hit["new_versions"])]]


def query_ids(run: Runner, query: str, *filters: str) -> set[str]:
    data = run.json("query", query, "--expand", "--limit", "1000", "--facet", "none", *filters)
    return {hit["id"] for hit in data["hits"]}


def test_watch_changes_are_in_the_audit_log_and_names_are_unique_per_owner(watched):
    run = watched
    added = run("watch", "add", "lavrov", "speaker:Lavrov", "--user", "alice")
    assert added.exit_code == 0 and "watch 'lavrov' added for alice" in added.output, added.output
    again = run("watch", "add", "lavrov", "Syria", "--user", "alice")
    assert again.exit_code == 2 and "alice already has a watch named 'lavrov'" in again.output, again.output
    assert run("watch", "add", "lavrov", "Syria", "--user", "bob", "--filter", "outlet=UPI").exit_code == 0
    mine = run.json("watch", "list", "--user", "alice")
    assert [(w["owner"], w["name"], w["query"], w["new"]) for w in mine] == [("alice", "lavrov", "speaker:Lavrov", 0)]
    everyone = run("watch", "list", "--all", "--user", "alice").output
    assert "lavrov (alice): 0 new  'speaker:Lavrov'" in everyone
    assert "lavrov (bob): 0 new  'Syria' --filter outlet=UPI" in everyone
    removed = run("watch", "remove", "lavrov", "--user", "alice")
    assert removed.exit_code == 0, removed.output
    history = run.json("history")
    assert [(c["action"], c["who"], c["target"]) for c in history] == [
        ("watch.add", "alice", "watch alice/lavrov"), ("watch.add", "bob", "watch bob/lavrov"),
        ("watch.remove", "alice", "watch alice/lavrov")]
    assert history[0]["after"]["query"] == "speaker:Lavrov" and history[2]["before"]["name"] == "lavrov"
    undo = run("undo", str(history[0]["id"]))
    assert undo.exit_code == 1 and "changed a watch" in undo.output, undo.output
    gone = run("watch", "remove", "lavrov", "--user", "alice")
    assert gone.exit_code == 2 and "alice has no watch named 'lavrov'" in gone.output
    assert run("watch", "new", "lavrov", "--user", "alice").exit_code == 2
    assert run.json("watch", "list", "--user", "alice") == []


@pytest.mark.parametrize("args", [["title: warns"], ["(Syria"], ["Lavrov~3"], ["date:[2015 to 2014-13]"]])
def test_a_query_newsfind_query_refuses_is_refused_with_the_same_message(watched, args):
    run = watched
    refused = run("query", *args)
    result = run("watch", "add", "w", *args, "--user", "alice")
    assert refused.exit_code == 2 and result.exit_code == 2, result.output
    assert result.output.strip() == refused.output.strip()
    assert run.json("watch", "list", "--all") == []


@pytest.mark.parametrize("args, message", [
    (["w", "Syria", "--filter", "nope=1"], "unknown facet 'nope'"),
    (["w", "Syria", "--filter", "outlet"], "--filter takes FACET=VALUE"),
    (["w", "Syria", "--filter", "date=2015-13"], "date"),
    (["w", "Syria", "--notify", "ftp://example.org/x"], "--notify takes an http:// or https:// URL"),
    (["w", "Syria", "--sort", "newest"], "Invalid value for '--sort'"),
    (["  ", "Syria"], "a watch needs a name"),
])
def test_bad_filters_urls_and_names_are_usage_errors(watched, args, message):
    result = watched("watch", "add", *args, "--user", "alice")
    assert result.exit_code == 2 and message in result.output, result.output
    assert watched.json("watch", "list", "--all") == []


def test_new_articles_are_new_once_collapsed_by_group_newest_first(watched):
    run = watched
    assert run("watch", "add", "lavrov-syria", "speaker:Lavrov Syria", "--user", "alice").exit_code == 0
    nothing = run("watch", "new", "lavrov-syria", "--user", "alice")
    assert nothing.exit_code == 0 and "nothing new for watch 'lavrov-syria'" in nothing.output
    summary = run.index(NEW).output
    assert "watch lavrov-syria (alice): 3 new  'speaker:Lavrov Syria'" in summary, summary
    data = run.json("watch", "new", "lavrov-syria", "--user", "alice")
    assert (data["new"], data["new_articles"]) == (2, 3)
    first, second = data["hits"]
    assert first["id"] == "n3" and first["new_versions"] == []  # newest first (2015-09-25)
    assert {second["id"], second["new_versions"][0]["id"]} == {"n1", "n2"} and second["group_size"] == 2
    text = run("watch", "new", "lavrov-syria", "--user", "alice").output
    assert "2 new stories (3 articles)" in text and "+1 other version: " in text, text
    assert set(new_ids(run, "lavrov-syria")) == query_ids(run, "speaker:Lavrov Syria") & {"n1", "n2", "n3", "n4"}
    seen = run("watch", "new", "lavrov-syria", "--mark-seen", "--user", "alice")
    assert seen.exit_code == 0 and "marked seen" in seen.output
    assert new_ids(run, "lavrov-syria") == []

    again = run.index(NEW).output  # unchanged: skipped, nothing new
    assert "unchanged 4" in again and "watch lavrov-syria" not in again, again
    changed = [dict(NEW[2], title="Lavrov meets Kerry in Vienna"),  # matched before, still matches
               dict(NEW[3], body=NEW[3]["body"] + " Sergei Lavrov said Syria was not on the agenda.")]  # now matches
    summary = run.index([*NEW[:2], *changed]).output
    assert "indexed 2 (0 new, 2 replaced)" in summary and "watch lavrov-syria (alice): 1 new" in summary, summary
    assert new_ids(run, "lavrov-syria") == ["n4"]
    assert run.json("watch", "list", "--user", "alice")[0]["new"] == 1

    pruned = run.index([*NEW[:2], changed[0]], "new.jsonl", "--prune")  # n4 left its file: pruned
    assert "pruned 1" in pruned.output, pruned.output
    assert new_ids(run, "lavrov-syria") == []
    assert "nothing new" in run("watch", "new", "lavrov-syria", "--user", "alice").output


def test_a_curation_change_that_makes_an_article_match_is_new(watched, seed_articles):
    run = watched
    target = next(i for i in sorted(seed_articles) if seed_articles[i]["outlet"])
    outlet = seed_articles[target]["outlet"]
    assert run("watch", "add", "follow", "tag:follow-up", "--user", "alice").exit_code == 0
    assert run("watch", "add", "wire", "*", "--filter", "outlet=Corrected Wire", "--user", "alice").exit_code == 0
    assert run("watch", "add", "old-outlet", "*", "--filter", f"outlet={outlet}", "--user", "alice").exit_code == 0
    assert run("tag", target, "follow-up", "--user", "alice").exit_code == 0
    assert new_ids(run, "follow") == [target]  # `watch new` looks at what the change re-wrote
    assert run("correct", target, "--outlet", "Corrected Wire", "--user", "alice").exit_code == 0
    assert new_ids(run, "wire") == [target] and new_ids(run, "follow") == [target]  # still matches: once
    assert new_ids(run, "old-outlet") == []  # it left that watch
    undone = run.json("history")[-1]["id"]
    assert run("undo", str(undone), "--user", "alice").exit_code == 0  # back to its old outlet
    assert new_ids(run, "old-outlet") == [target]  # changed so that it matches again: new again
    assert new_ids(run, "wire") == []  # left: a hit that no longer matches is not listed


def test_watches_and_what_they_have_seen_survive_a_rebuilt_whoosh_index(watched):
    run = watched
    assert run("watch", "add", "lavrov", "speaker:Lavrov", "--user", "alice").exit_code == 0
    assert run("watch", "add", "kerry", "person:Kerry", "--user", "alice").exit_code == 0
    run.index(NEW)
    assert run("watch", "new", "lavrov", "--mark-seen", "--user", "alice").exit_code == 0
    unseen = new_ids(run, "kerry")
    assert sorted(unseen) == ["n3", "n4"]
    for path in run.index_dir.iterdir():  # every file but the curation database
        if not path.name.startswith("curation.sqlite3"):
            path.unlink()
    result = run("index", str(SEEDS), str(run.sources / "new.jsonl"), "--jobs", "1")
    assert result.exit_code == 0 and "indexed 9 (9 new" in result.output, result.output
    assert "watch " not in result.output  # nothing began to match: no flood of "new"
    assert new_ids(run, "lavrov") == [] and sorted(new_ids(run, "kerry")) == sorted(unseen)
    assert [w["new"] for w in run.json("watch", "list", "--user", "alice")] == [2, 0]


WATCHED_QUERIES = [
    ("said", []),
    ("person:Lavrov", []),
    ('"ceasefire" OR sanctions -Vienna', []),
    ("talks", ["--filter", "outlet=Reuters", "--filter", "outlet=UPI"]),
    ("NOT Syria", ["--filter", "date=2015-03..2015-08"]),
    ("speaker:Kerry OR speaker:Lavrov", ["--filter", "place=Syria"]),
    ("*", ["--filter", "person=Angela Merkel"]),
    ("Lavr* OR Kery~", ["--filter", "date=2015"]),
    ('"met John Kerry"', []),
]


def test_a_watch_matches_exactly_what_newsfind_query_matches(watched):
    """Every watch, with its filters, lists exactly the new articles `newsfind query` finds with the
    same query and filters; what matched before the watch was added is never listed."""
    run = watched
    before = {n: query_ids(run, q, *f) for n, (q, f) in enumerate(WATCHED_QUERIES)}
    for n, (q, f) in enumerate(WATCHED_QUERIES):
        assert run("watch", "add", f"w{n}", q, *f, "--user", "alice").exit_code == 0
    generated = articles(30, seed=19, prefix="g")
    run.index(generated, "generated.jsonl")
    for n, (q, f) in enumerate(WATCHED_QUERIES):
        listed = new_ids(run, f"w{n}")
        assert len(listed) == len(set(listed))
        assert set(listed) == query_ids(run, q, *f) - before[n], (q, f)
    assert any(new_ids(run, f"w{n}") for n in range(len(WATCHED_QUERIES)))


def test_what_a_run_committed_is_matched_by_the_next_look_and_a_failed_look_records_nothing(watched, monkeypatch):
    """The process ends after the Whoosh commit and before matching (here: the run without the step
    after it), then the look fails half-way: the journal is kept, the next look records each once."""
    run = watched
    assert run("watch", "add", "lavrov", "speaker:Lavrov", "--user", "alice").exit_code == 0
    summary = index_paths([str(write_articles(run.sources / "a.jsonl", NEW))], run.index_dir)
    assert len(summary.added) == 4
    store = WatchStore(run.index_dir)
    assert store.journal_size() == 4
    real = search_watches._evaluate

    def fails(*args):
        real(*args)
        raise OSError("killed while recording")

    monkeypatch.setattr(search_watches, "_evaluate", fails)
    with pytest.raises(OSError):
        search_watches.match_pending(open_index(run.index_dir), store)
    assert store.journal_size() == 4 and store.get("alice", "lavrov").new == 0
    monkeypatch.undo()
    assert sorted(new_ids(run, "lavrov")) == ["n1", "n2", "n3"]
    assert store.journal_size() == 0
    assert sorted(new_ids(run, "lavrov")) == ["n1", "n2", "n3"]


def test_the_index_runs_json_summary_lists_the_watches_with_new_matches(watched):
    run = watched
    assert run("watch", "add", "kerry", "person:Kerry", "--user", "alice").exit_code == 0
    assert run("watch", "add", "merkel", "person:Merkel", "--user", "bob").exit_code == 0
    source = write_articles(run.sources / "new.jsonl", NEW)
    summary = run.json("index", str(source), "--jobs", "1")
    assert summary["watches"] == [{"owner": "alice", "name": "kerry", "query": "person:Kerry", "new": 2}]
    assert run.json("index", str(source), "--jobs", "1")["watches"] == []


@pytest.mark.model
def test_the_first_watch_added_during_a_run_sees_what_the_run_commits_after_it(tmp_path, monkeypatch):
    """The index has no curation database when the run starts; the watch (which creates it) is added
    while the run's first commit is under way, before that commit lands."""
    from whoosh.writing import SegmentWriter

    index_dir = tmp_path / "index"
    first = articles(2, seed=4, prefix="f")
    index_paths([str(write_articles(tmp_path / "first.jsonl", first))], index_dir)
    added = []
    real_commit = SegmentWriter.commit

    def commit(self, *args, **kwargs):
        if not added:
            store = WatchStore(index_dir)
            added.append(search_watches.add_watch(open_index(index_dir), store, "alice", "all", "*", {}))
        real_commit(self, *args, **kwargs)

    monkeypatch.setattr(SegmentWriter, "commit", commit)
    later = articles(6, seed=5, prefix="s")
    index_paths([str(write_articles(tmp_path / "later.jsonl", later))], index_dir, commit_every=2)
    monkeypatch.undo()
    assert added
    assert sorted(new_ids(Runner(index_dir), "all")) == sorted(a["id"] for a in later)


def test_watch_new_and_list_as_json(watched):
    run = watched
    assert run("watch", "add", "kerry", "Kerry", "--sort", "relevance", "--user", "alice").exit_code == 0
    run.index(NEW)
    data = run.json("watch", "new", "kerry", "--user", "alice", "--mark-seen")
    assert data["watch"]["name"] == "kerry" and data["watch"]["sort"] == "relevance" and data["marked_seen"]
    assert [h["score"] for h in data["hits"]] == [None, None]
    hit = data["hits"][0]
    assert {"id", "title", "outlet", "date", "snippet", "speakers", "group", "group_size", "other_versions",
            "new_versions", "hit", "matched_at"} <= set(hit)
    assert "<mark>" in json.dumps(data)
    assert run.json("watch", "list", "--user", "alice")[0]["new"] == 0
    store = WatchStore(run.index_dir)
    latest = search_watches.latest_matches(open_index(run.index_dir), store, store.get("alice", "kerry"), 10)
    listed = {i for h in latest["hits"] for i in [h["id"], *(v["id"] for v in h["new_versions"])]}
    assert {"n3", "n4"} < listed and listed == query_ids(run, "Kerry")  # seen ones too, and the first matches


def test_watches_need_an_index(tmp_path):
    result = Runner(tmp_path / "none")("watch", "add", "w", "Syria")
    assert result.exit_code == 1 and "no newsfind index at" in result.output, result.output
    assert not Path(tmp_path / "none" / "curation.sqlite3").exists()


def test_removing_an_account_removes_its_watches_so_a_new_account_of_that_name_inherits_none(tmp_path):
    from newsfind.index.curation.accounts import hash_password
    from newsfind.index.curation.store import CurationStore

    accounts, store = CurationStore(tmp_path), WatchStore(tmp_path)
    for name in ("alice", "bob"):
        accounts.add_user(name, "reader", hash_password("a long password"), "admin")
    store.add("alice", "lavrov", "speaker:Lavrov", {}, "-date", "https://example.org/hook", "alice")
    store.add("alice", "syria", "Syria", {"outlet": ["UPI"]}, "date", None, "alice")
    store.add("bob", "syria", "Syria", {}, "-date", None, "bob")
    accounts.remove_user("alice", "root")
    assert [(w.owner, w.name) for w in store.watches()] == [("bob", "syria")]
    removed = [c for c in accounts.history() if c.action == "watch.remove"]
    # each removal is in the audit log with the whole watch, by whoever removed the account
    assert [(c.who, c.target, c.before["query"], c.before["notify_url"]) for c in removed] == [
        ("root", "watch alice/lavrov", "speaker:Lavrov", "https://example.org/hook"),
        ("root", "watch alice/syria", "Syria", None)]
    accounts.add_user("alice", "reader", hash_password("another password"), "root")
    assert store.watches("alice") == []


def test_a_watchs_new_hits_are_counted_as_a_range_of_hit_numbers(tmp_path):
    """The navigation counts every new hit of the user's watches on every page: the count reads the hits
    above `seen_up_to` through an index on (watch, hit), not every hit the watch has (a broad watch holds
    tens of thousands)."""
    import sqlite3

    store = WatchStore(tmp_path)
    store.add("alice", "trump", "Trump", {}, "-date", None, "alice", baseline=lambda: [f"a{i}" for i in range(50)])
    conn = sqlite3.connect(tmp_path / "curation.sqlite3")
    try:
        plan = " ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + WatchStore._SELECT))
    finally:
        conn.close()
    assert "watch_matches_by_hit (watch_id=? AND hit>?)" in plan, plan
    assert [w.new for w in store.watches("alice")] == [0]


def test_a_read_only_database_of_the_version_before_the_hit_index_is_read(tmp_path):
    """A read-only directory (a backup, a read-only mount) whose curation database an older newsfind wrote
    cannot be upgraded; it lacks only the index of version 4, so it is read as it is."""
    import sqlite3

    from newsfind.index.curation.db import CurationDatabaseError, Database

    store = WatchStore(tmp_path)
    store.add("alice", "trump", "Trump", {}, "-date", None, "alice", baseline=lambda: ["a1", "a2"])
    conn = sqlite3.connect(tmp_path / "curation.sqlite3")
    conn.execute("PRAGMA journal_mode = DELETE")  # no WAL left: the file alone, as on a read-only mount
    conn.execute("DROP INDEX watch_matches_by_hit")
    conn.execute("UPDATE schema_version SET version = 3")
    conn.commit()
    conn.close()
    reader = Database(tmp_path)._open_read_only()
    try:
        assert reader.execute(WatchStore._SELECT + " WHERE w.owner = 'alice'").fetchone()["new"] == 0
    finally:
        reader.close()
    conn = sqlite3.connect(tmp_path / "curation.sqlite3")
    conn.execute("UPDATE schema_version SET version = 2")  # older still: its tables differ
    conn.commit()
    conn.close()
    with pytest.raises(CurationDatabaseError, match="needs writing to upgrade"):
        Database(tmp_path)._open_read_only()
