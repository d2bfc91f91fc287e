"""Articles the web tests add to a copy of the seed index: one full of HTML/JS payloads (every
field a page shows is untrusted), one with an id that needs URL quoting; both dated, so that with
the seeds the dates span Sep 2015 - Mar 2016 and the histogram draws month bars."""

from __future__ import annotations

import shutil
from pathlib import Path

from newsfind.index.ingest.writer import index_paths

from tests.conftest import write_jsonl

XSS_ID = "xss-1"
ODD_ID = "feeds/2015-12?x=1&y=<b>"
PAYLOADS = ("<script>alert(", "<img src=x", "<b>Evil", "href=\"javascript:")

EXTRA_RECORDS = [
    {
        "id": XSS_ID,
        "title": "<script>alert(1)</script> Summit in Vienna <img src=x onerror=alert(1)>",
        "body": "Foreign ministers met in Vienna on Friday.\n\n"
                "“We will not accept <script>alert(2)</script> any delay,” said Federica Mogherini, the EU foreign "
                "policy chief. <img src=x onerror=alert(3)>\n\nThe European Union said the talks would continue.",
        "outlet": "<b>Evil</b> Outlet <script>alert(4)</script>",
        "author": "Eve <img src=x onerror=alert(5)>",
        "date": "2016-03-04",
        "url": "javascript:alert(6)",
    },
    {
        "id": ODD_ID,
        "title": "Ministers meet in Vienna",
        "body": "Federica Mogherini said on Tuesday that the talks in Vienna had made progress.",
        "outlet": "Example Wire",
        "date": "2015-12-15",
        "url": "https://example.org/vienna",
    },
]


def build_web_index(target: Path, seed_index: Path) -> Path:
    """A copy of the seed index with `EXTRA_RECORDS` indexed into it."""
    shutil.copytree(seed_index, target)
    records = write_jsonl(target.parent / f"{target.name}-extra.jsonl", EXTRA_RECORDS)
    summary = index_paths([str(records)], target)
    assert summary.failed == [] and len(summary.added) == len(EXTRA_RECORDS)
    return target
