"""Watches in odd states found by the review of the watch change (tests/test_watches.py has the rest): a
watch whose query no longer runs (a newer or older query language, stored by another newsfind)."""

from __future__ import annotations

import sqlite3

from newsfind.index.curation.db import DB_FILE

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
