"""`newsfind` with a test knob, for tests that run the real command in a subprocess:

    python -m tests.knobs [--writer-timeout S] -- --index DIR index FILE

runs `newsfind.cli.main.main()` exactly as the `newsfind` script does, with the indexing run's wait for
another run's write lock (10 s) set short, so that a test meets a held lock without waiting.
(The commit interval is the command's own `--commit-every`.)"""

from __future__ import annotations

import argparse
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writer-timeout", type=float)
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    import newsfind.index.ingest.writer as writer

    if args.writer_timeout is not None:
        writer.WRITER_TIMEOUT = args.writer_timeout
    from newsfind.cli.main import main as newsfind

    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    sys.argv = ["newsfind", *rest]
    newsfind()


if __name__ == "__main__":
    main()
