"""An independent evaluator of the query language, for tests: which of a few documents, kept as the
test wrote them field by field, a parsed query matches. Each document's terms and positions come
from its own text through the schema's analyzers; neither the index nor the engine is asked.

Semantics, as README's "Query language" states them and Whoosh's query objects define them: AND is
an intersection, OR a union, `-x`, `NOT x` and AND NOT a difference (`NOT x` alone: every document
without x), ANDMAYBE its first part, `*` every document; a term matches a document holding it in
that field; a prefix or wildcard (`*` any characters, `?` one) any term it fits; a fuzzy term
`word~k/p` any term with the same first p characters and at most k single-character insertions,
deletions or substitutions after them (Levenshtein); a phrase `"a b c"~s` words in that order, each
1 to s positions after the one before (s = 1: next to each other); a date range every dated
document from its first to its last moment. Boosts change scores, never what matches.

Facet and date filters (`filter_matches`) are read straight from the documents' stored values, as
README states them, without the search package's filter queries: a document passes a facet when one
of its values is one of the chosen ones (values of one facet OR, facets AND); tags compare after
trimming, collapsing spaces and ignoring case; a date filter `FROM..TO` (either side may be empty;
`X` alone is `X..X`) passes the dated documents whose day, written YYYY-MM-DD, is at or after FROM
and whose first len(TO) characters are at or before TO."""

from __future__ import annotations

import re
from datetime import datetime

from whoosh import query as wq


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _wildcard(pattern: str) -> re.Pattern:
    return re.compile("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern),
                      re.DOTALL)


def _in_sequence(positions: list[set[int]], slop: int) -> bool:
    """Is there p0 < p1 < ... with p[i] in positions[i] and 1 <= p[i+1] - p[i] <= slop?"""
    reachable = positions[0]
    for following in positions[1:]:
        reachable = {p for p in following if any(1 <= p - q <= slop for q in reachable)}
        if not reachable:
            return False
    return bool(reachable)


class Documents:
    """The live documents of a test index: id -> {field: the value written}."""

    def __init__(self, schema, docs: dict[str, dict]) -> None:
        self.schema = schema
        self.docs = docs
        self._tokens: dict[tuple[str, str], list[tuple[str, int]]] = {}

    def tokens(self, doc_id: str, field: str) -> list[tuple[str, int]]:
        """(term, position) of every term the field's analyzer makes of the document's value."""
        key = (doc_id, field)
        if key not in self._tokens:
            value = self.docs[doc_id].get(field)
            analyzer = self.schema[field].analyzer if field in self.schema else None
            self._tokens[key] = ([(t.text, t.pos) for t in analyzer(value, positions=True, mode="index")]
                                 if value and analyzer is not None else [])
        return self._tokens[key]

    def matches(self, q: wq.Query) -> set[str]:
        """The ids of the documents `q` matches."""
        kind = type(q)
        if kind is type(wq.NullQuery):
            return set()
        if kind is wq.Every:
            return set(self.docs)
        if kind is wq.Not:
            return set(self.docs) - self.matches(q.query)
        if kind is wq.And:
            return set.intersection(*(self.matches(sub) for sub in q.subqueries))
        if kind is wq.Or:
            return set.union(set(), *(self.matches(sub) for sub in q.subqueries))
        if kind is wq.AndNot:
            return self.matches(q.a) - self.matches(q.b)
        if kind is wq.AndMaybe:
            return self.matches(q.a)
        if kind is wq.DateRange:
            return {i for i, doc in self.docs.items() if doc.get("date") and _within(doc["date"], q)}
        return {i for i in self.docs if self._leaf_matches(q, i)}

    def filter_matches(self, chosen: dict[str, list[str]]) -> set[str]:
        """The ids of the documents that pass every chosen facet filter (see the module's docstring)."""
        return {i for i, doc in self.docs.items()
                if all(_passes(doc, name, values) for name, values in chosen.items() if values)}

    def _leaf_matches(self, q: wq.Query, doc_id: str) -> bool:
        tokens = self.tokens(doc_id, q.fieldname)
        terms = {text for text, _ in tokens}
        kind = type(q)
        if kind is wq.Term:
            return q.text in terms
        if kind is wq.Prefix:
            return any(term.startswith(q.text) for term in terms)
        if kind is wq.Wildcard:
            pattern = _wildcard(q.text)
            return any(pattern.fullmatch(term) for term in terms)
        if kind is wq.FuzzyTerm:
            p = q.prefixlength
            return any(term[:p] == q.text[:p] and levenshtein(term[p:], q.text[p:]) <= q.maxdist for term in terms)
        if kind is wq.Phrase:
            positions = [{pos for text, pos in tokens if text == word} for word in q.words]
            return bool(q.words) and _in_sequence(positions, q.slop)
        raise NotImplementedError(f"no brute-force semantics for {q!r}")


def _within(date: datetime, q: wq.DateRange) -> bool:
    start, end = q.startdate, q.enddate
    if start is not None and (date < start or (q.startexcl and date == start)):
        return False
    return end is None or (date < end or (date == end and not q.endexcl))


def _fold_tag(text: str) -> str:
    return " ".join(text.split()).casefold()


def _passes(doc: dict, name: str, values: list[str]) -> bool:
    if name == "date":
        if not doc.get("date"):
            return False
        day = doc["date"].strftime("%Y-%m-%d")
        for value in values:
            start, sep, end = value.partition("..")
            end = end if sep else start
            if (not start or day >= start) and (not end or day[:len(end)] <= end):
                return True
        return False
    held = [v for v in (doc.get(f"facet_{name}") or "").split(",") if v]
    if name == "tag":
        return bool({_fold_tag(v) for v in held} & {_fold_tag(v) for v in values})
    return any(v in held for v in values)
