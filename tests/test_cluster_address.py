"""`--cluster` addresses Python's URL parser itself refuses (a port out of range or not a number, a broken IPv6
host): the same usage error as any malformed address, naming the option (before: "Error: Port out of range
0-65535", which named neither --cluster nor the address)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from newsfind.cli.main import cli
from tests.conftest import SEEDS


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:99999", "tcp://[::1:8786", "tls://nlp-head:port"])
def test_an_address_the_url_parser_refuses_is_a_usage_error_naming_the_option(tmp_path, address):
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "index"), "index", str(SEEDS), "--cluster", address])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: --cluster {address!r}: give the Dask scheduler as tls://HOST:PORT")
    assert result.output.count("\n") == 1 and not (tmp_path / "index").exists()
