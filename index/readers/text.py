"""Plain-text articles (`.txt`): the first non-empty line is the title, the rest the body; id = file stem."""

from __future__ import annotations

from pathlib import Path

from newsfind.index.readers.types import ReadFailure, SourceArticle


def read_text_article(path: Path, text: str) -> SourceArticle | ReadFailure:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            body = "\n".join(lines[i + 1:]).strip("\n")
            return SourceArticle(id=path.stem, title=title, body=body, source=str(path))
    return ReadFailure(str(path), "empty file")
