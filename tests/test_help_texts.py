"""The help texts name what the watch and cluster changes added: `newsfind watch` in the command list and its
subcommands; `index --help` says what a cluster run's failure exits with, that watches look at each run, and
that --jobs does nothing on a cluster."""

from __future__ import annotations

from click.testing import CliRunner

from newsfind.cli.main import cli


def help_of(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_newsfind_help_lists_watch_and_its_subcommands():
    assert "watch Saved searches that watch the archive" in help_of()
    text = help_of("watch")
    for command in ("add", "list", "new", "remove"):
        assert f" {command} " in text


def test_index_help_names_the_cluster_and_the_watches():
    text = help_of("index")
    assert "--cluster ADDRESS" in text and "--insecure-cluster" in text and "$NEWSFIND_CLUSTER" in text
    assert "a cluster that cannot go on (no worker, the scheduler gone) is exit code 1" in text
    assert "the saved searches (`newsfind watch`) look at what the run wrote" in text
    assert "not used with --cluster" in text
