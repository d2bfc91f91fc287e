"""Watches in odd states found by the review of the watch change (tests/test_watches.py has the rest): a
watch whose query no longer runs (a newer or older query language, stored by another newsfind); a
notification receiver that answers with a redirect."""

from __future__ import annotations

import sqlite3

import pytest
from newsfind.index.curation.accounts import hash_password
from newsfind.index.curation.db import DB_FILE
from newsfind.index.curation.store import CurationStore
from newsfind.web import create_app

from tests.conftest import SEEDS, copy_index
from tests.test_watch_runs import Receiver
from tests.test_watches import NEW, watched  # noqa: F401 - the fixture

BROKEN = "title:("  # what `newsfind query` refuses: an unbalanced parenthesis


def rows(run, name: str) -> set[str]:
    with sqlite3.connect(run.index_dir / DB_FILE) as conn:
        return {r[0] for r in conn.execute("SELECT m.article_id FROM watch_matches m JOIN watches w "
                                           "ON w.id = m.watch_id WHERE w.name = ?", (name,))}


def test_a_watch_whose_query_no_longer_runs_says_so_and_keeps_what_it_had(watched):  # noqa: F811
    run = watched
    assert run("watch", "add", "lavrov", "Lavrov", "--user", "alice").exit_code == 0
    assert run("watch", "add", "syria", "Syria", "--user", "alice").exit_code == 0
    had = rows(run, "lavrov")
    assert had
    with sqlite3.connect(run.index_dir / DB_FILE) as conn:
        conn.execute("UPDATE watches SET query = ? WHERE name = 'lavrov'", (BROKEN,))

    # a curation change journals an article the watch had: not evaluated is not "stopped matching"
    target = sorted(had)[0]
    assert run("tag", target, "follow-up", "--user", "alice").exit_code == 0
    assert run("watch", "list", "--user", "alice").exit_code == 0
    assert rows(run, "lavrov") == had  # before: every journaled article's row was deleted

    # the index run says which watch it could not match, and the other watches go on
    result = run.index(NEW[:1])
    assert "warning: watch 'lavrov' (alice) was not matched: its query no longer runs" in result.stderr, result.stderr
    assert "unbalanced parenthesis" in result.stderr
    assert "watch syria (alice): 1 new" in result.stdout

    # `watch new` of it: the parser's message and exit 2, as `newsfind query` (before: "nothing new", exit 0)
    new = run("watch", "new", "lavrov", "--user", "alice")
    assert new.exit_code == 2, new.output
    assert "bad query 'title:('" in new.output and "unbalanced parenthesis" in new.output
    assert "Traceback" not in new.output


def test_a_redirecting_receiver_is_not_followed_and_the_hits_stay_to_notify(watched):  # noqa: F811
    """Before: urllib followed the 302 with a GET that carried no message, its 200 marked the hits notified,
    and the receiver never had them."""
    # a POST answered 302 to /landing, where a GET answers 200 (a site that moved its hook would)
    run, hook = watched, Receiver(statuses=(302,), headers={"Location": "/landing"})
    try:
        assert run("watch", "add", "lavrov", "speaker:Lavrov", "--notify", hook.url, "--user", "alice").exit_code == 0
        result = run.index(NEW[:1])
        assert hook.gets == [] and len(hook.requests) == 1  # one attempt: retrying a redirect cannot help
        assert result.stderr.count("\n") == 1, result.stderr
        assert "warning: watch alice/lavrov: could not notify" in result.stderr
        assert "HTTP 302 to '/landing', a redirect, not followed" in result.stderr
        with sqlite3.connect(run.index_dir / DB_FILE) as conn:
            notified, top = conn.execute("SELECT w.notified_up_to, MAX(m.hit) FROM watches w JOIN watch_matches m "
                                         "ON m.watch_id = w.id WHERE w.name = 'lavrov'").fetchone()
        assert notified < top  # still to notify after the next run
    finally:
        hook.close()


def test_names_that_would_drive_or_reorder_a_terminal_are_refused_and_never_printed_raw(watched):  # noqa: F811
    """Before: C1 controls (U+009B, a terminal's CSI) and bidirectional overrides were accepted in names, and
    names, owners and filter values went to the terminal as they were (`watch list`, the index summary)."""
    run = watched
    for name in ("evil\u202egnp.exe", "c1\u009b31mred", "iso\u2066late"):
        refused = run("watch", "add", name, "Syria", "--user", "alice")
        assert refused.exit_code == 2 and "no control or bidirectional formatting characters" in refused.output
    assert run("watch", "add", "emoji \U0001f468\u200d\U0001f469", "Syria", "--user", "alice").exit_code == 0
    assert run("watch", "add", "lavrov", "Lavrov", "--user", "alice").exit_code == 0
    assert run("watch", "add", "wire", "Syria", "--filter", "outlet=TASS\x1b[2J", "--user", "alice").exit_code == 0
    with sqlite3.connect(run.index_dir / DB_FILE) as conn:  # stored by a newsfind that did not check
        conn.execute("UPDATE watches SET name = ? WHERE name = 'lavrov'", ("lav\u009b2Jrov",))
    listed = run("watch", "list", "--user", "alice").output
    assert "lav\\u009b2Jrov: 0 new" in listed and "outlet=TASS\\u001b[2J" in listed, listed
    result = run.index(NEW[:1])
    assert "watch lav\\u009b2Jrov (alice): 1 new" in result.stdout, result.stdout
    for text in (listed, result.stdout):
        assert not any(ch in text for ch in "\x1b\u009b\u202e"), text


@pytest.mark.model
def test_the_web_says_a_watch_no_longer_runs_instead_of_nothing_new(seed_index, tmp_path):
    """Before: its page, its API and its feed answered 200 as if nothing were new."""
    from newsfind.index.curation.feeds import FeedTokenStore

    from tests.test_watches_web import logged_in, watch_this

    index_dir = copy_index(seed_index, tmp_path / "index")
    store = CurationStore(index_dir)
    store.add_user("rita", "reader", hash_password("watch-the-archive"), "test")
    app = create_app({"NEWSFIND_INDEX": str(index_dir), "TESTING": True})
    client = logged_in(app, "rita")
    assert watch_this(client, "/?q=Lavrov", "lv").status_code == 303
    token = FeedTokenStore(index_dir).create("rita", "rita")
    with sqlite3.connect(index_dir / DB_FILE) as conn:
        conn.execute("UPDATE watches SET query = ? WHERE name = 'lv'", (BROKEN,))
    page = client.get("/watches/lv")
    assert page.status_code == 400 and "unbalanced parenthesis" in page.get_data(as_text=True)
    api = client.get("/api/watches/lv/new")
    assert api.status_code == 400 and "unbalanced parenthesis" in api.get_json()["error"]["message"]
    feed = app.test_client().get(f"/watches/lv/feed.atom?token={token}")
    assert feed.status_code == 400
    assert client.get("/watches").status_code == 200  # the list still shows it, to remove it


def test_hits_whose_article_left_a_rebuilt_index_can_be_marked_seen(watched):  # noqa: F811
    """Before: a hit of an article missing from the rebuilt index counted in `watch list` ("1 new") while
    `watch new` listed nothing and `--mark-seen` marked nothing, so the count never went away."""
    run = watched
    assert run("watch", "add", "lavrov", "Lavrov", "--user", "alice").exit_code == 0
    run.index(NEW[:1])
    assert [w["new"] for w in run.json("watch", "list", "--user", "alice")] == [1]
    for path in run.index_dir.iterdir():  # the Whoosh files deleted; the new article's source is gone too
        if path.is_file() and not path.name.startswith(DB_FILE):
            path.unlink()
    rebuilt = run("index", str(SEEDS), "--jobs", "1")
    assert rebuilt.exit_code == 0, rebuilt.output
    new = run("watch", "new", "lavrov", "--user", "alice", "--mark-seen")
    assert new.exit_code == 0 and "nothing new" in new.output, new.output
    assert [w["new"] for w in run.json("watch", "list", "--user", "alice")] == [0]


def test_a_broken_watch_with_hits_to_notify_does_not_stop_the_others_notifications(watched, monkeypatch):  # noqa: F811
    """Before: notifying the broken watch's pending hits raised QueryError, the index run said "watches were
    not matched" and the watches after it (by owner and name) were not notified."""
    from newsfind.search import watch_runs


    monkeypatch.setattr(watch_runs, "BACKOFF", 0.01)
    run, hook = watched, Receiver(statuses=(500,))
    try:
        assert run("watch", "add", "a-lavrov", "Lavrov", "--notify", hook.url, "--user", "alice").exit_code == 0
        run.index(NEW[:1])  # its hit is not notified: the receiver fails
        with sqlite3.connect(run.index_dir / DB_FILE) as conn:
            conn.execute("UPDATE watches SET query = ? WHERE name = 'a-lavrov'", (BROKEN,))
        assert run("watch", "add", "b-syria", "Syria", "--notify", hook.url, "--user", "alice").exit_code == 0
        hook.statuses, sent = [200], len(hook.requests)
        result = run.index(NEW[2:3], "more.jsonl")
        assert "watches were not matched" not in result.stderr, result.stderr
        assert [r["body"]["watch"]["name"] for r in hook.requests[sent:]] == ["b-syria"]
    finally:
        hook.close()


def test_a_name_whose_page_would_be_another_watchs_feed_is_refused(watched):  # noqa: F811
    """Before: `x/feed.atom` was saved, and its page /watches/x/feed.atom was the route of watch x's feed (403)."""
    run = watched
    refused = run("watch", "add", "x/feed.atom", "Syria", "--user", "alice")
    assert refused.exit_code == 2 and "cannot end with /feed.atom" in refused.output, refused.output
    assert run("watch", "add", "feed.atom", "Syria", "--user", "alice").exit_code == 0  # /watches/feed.atom: its page


def test_a_run_without_watches_keeps_one_commits_ids_for_a_first_watch_not_all(tmp_path):
    """Before: every id a run wrote while the index had no curation database stayed in memory until the run
    ended (a million for a million-article run), and all were journaled once a database appeared, though
    only the last commit's could be missing from a new watch's snapshot."""
    from newsfind.index.curation.watches import WatchStore, WrittenJournal

    index_dir = tmp_path / "index"
    index_dir.mkdir()
    journal = WrittenJournal(index_dir)
    batches = [[f"b{b}-{i}" for i in range(3)] for b in range(4)]
    for batch in batches[:3]:  # three commits without a curation database
        for article_id in batch:
            journal.add(article_id)
        journal.flush()
    assert journal.unjournaled == batches[2] and journal.ids == []
    store = WatchStore(index_dir)
    with store.db.write():  # a first watch makes the database (and takes its snapshot) here
        pass
    for article_id in batches[3]:
        journal.add(article_id)
    journal.flush()
    with store.db.read() as conn:
        journaled = sorted(r[0] for r in conn.execute("SELECT article_id FROM watch_journal"))
    assert journaled == sorted(batches[2] + batches[3])
    assert journal.unjournaled == [] and journal.ids == []
