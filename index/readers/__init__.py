"""Readers: turn input paths into `SourceArticle`s, or `ReadFailure`s that say what went wrong.

Supported inputs (a directory is walked recursively in sorted order; other files inside it are
listed as skipped, hidden ones ignored):

* `.txt`: first non-empty line is the title, the rest the body; id = file stem (`text`);
* `.jsonl` (one record per line), `.json` (one record or a list of records) (`jsonl`) and `.csv`/`.tsv`
  (a header row, one record per row; `delimited`) with the fields `id, title, body, outlet, date, url,
  author`, or other keys named by a `FieldMap` (`--map body=text,...`; `fields`, `records`);
* `.html`/`.htm`/`.xhtml`: a saved web page; main text and page metadata by trafilatura; id = file
  stem (`webpage`);
* `.warc`/`.warc.gz`: every HTML response record of a web crawl (`warc`);
* `-`: JSON Lines on standard input (`jsonl`).

`files.read_articles` is the entry point: it finds each input's kind and hands it to its reader.
Every reader builds on `types` (the article, failure, report and options) and never on `files`.
Text is decoded by `decode` (BOMs, UTF-8, charset-normalizer); empty, binary, undecodable and
too-large inputs (`ReadOptions.max_bytes`, per record for WARC, JSON Lines and stdin) become
ReadFailures with the reason. Nothing here raises for a bad input: every problem is reported.
"""
