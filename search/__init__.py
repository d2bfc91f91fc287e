"""Answering queries: the query language, the engine that finds and ranks matches, facets,
snippets and versions of a story."""
