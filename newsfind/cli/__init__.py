"""The `newsfind` command line (console script `newsfind.cli.main:main`).

`main` holds the group and its global options and loads each command's module on demand;
`common` what every command shares, `changes` what the curation commands share, `faults` how a
full disk or an unwritable index is reported. One module per family of commands: `indexing`
(index), `searching` (query, show, export), `serving` (serve), `curation` (tag, tags, history,
undo, correct, check), `entities` (entity …), `users` (user …).
"""
