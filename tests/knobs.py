"""`newsfind` with test knobs, for tests that run the real command in a subprocess:

    python -m tests.knobs [--commit-every N] [--writer-timeout S] -- --index DIR index FILE

runs `search.cli.main()` exactly as the `newsfind` script does, with the indexing run's commit
interval (documents per Whoosh commit; default 200) and its wait for another run's write lock set
small, so that a test can kill a run between commits or meet a held lock without waiting 10 s."""

from __future__ import annotations

import argparse
import functools
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commit-every", type=int)
    parser.add_argument("--writer-timeout", type=float)
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    import index.writer as writer

    if args.commit_every:
        writer.index_paths = functools.partial(writer.index_paths, commit_every=args.commit_every)
    if args.writer_timeout is not None:
        writer.WRITER_TIMEOUT = args.writer_timeout
    from search.cli import main as newsfind

    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    sys.argv = ["newsfind", *rest]
    newsfind()


if __name__ == "__main__":
    main()
