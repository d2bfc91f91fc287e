"""Tags: free-form labels archivists put on articles.

A tag is matched by its key (spaces trimmed and collapsed, case-folded: "Lavrov  Talks" and
"lavrov talks" are one tag) and shown with the first spelling it was given. Commas separate values
in the index's facet columns, so a tag cannot contain one.
"""

from __future__ import annotations

MAX_TAG_CHARS = 100


class TagError(ValueError):
    pass


def normalise_tag(text: str) -> tuple[str, str]:
    """(key, label) of a tag as typed; `TagError` if it cannot be a tag."""
    label = " ".join(str(text).split())
    if not label:
        raise TagError("a tag cannot be empty")
    if "," in label:
        raise TagError(f"a tag cannot contain a comma: {label!r} (give several tags as separate words)")
    if len(label) > MAX_TAG_CHARS:
        raise TagError(f"a tag has at most {MAX_TAG_CHARS} characters, not {len(label)}")
    return label.casefold(), label


def sort_labels(labels) -> list[str]:
    return sorted(dict.fromkeys(labels), key=lambda label: (label.casefold(), label))


def search_context(query: str | None, filters: dict[str, list[str]] | None = None) -> str:
    """How the audit log names the search a bulk change was made from: "query 'x', outlet='UPI'"."""
    parts = [f"query {query!r}"] if query else []
    parts += [f"{name}={value!r}" for name, values in (filters or {}).items() for value in values]
    return ", ".join(parts) or "all articles"
