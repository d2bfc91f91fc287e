"""Everything newsfind does with Whoosh's internals, and the one call that installs its patches.

newsfind is pinned to whoosh-reloaded 2.7.5 and goes past Whoosh's public API in two ways, both here:
- patches replace some of Whoosh's functions with faster ones that give the same results: reading
  (`zerocopy`, `blockdecode`, `columnread`) and writing (`fastanalysis`, `fastflush`); and three
  matchers with ones that give the right results (`boolean_matchers`: AND NOT, NOT, ANDMAYBE);
- readers (`postings`, `columns`, `queries`) read Whoosh's private state for the query engine
  (search/fastscore.py), which also computes Whoosh's BM25F formula itself.

`install()` is called once by each entry point (the CLI, the web app, the benchmarks, the test suite)
before any index is opened. It checks the installed Whoosh first: the version of its distribution,
and that every function in `GUARDS` (each one a patch replaces, or whose private state or behaviour
a patch or reader relies on) is still the one it was written against, by a fingerprint of its
source (guards.py). All or nothing: on any difference it patches nothing, prints one line on
stderr, the readers answer None (the engine then leaves the query to Whoosh), and everything runs
on stock Whoosh. `NEWSFIND_STOCK_WHOOSH=1` asks for stock Whoosh on purpose (quietly), to compare.

When Whoosh is upgraded: read the changed functions, adapt the code that copies or reads them,
then record the new version and fingerprints here (tests/test_whoosh_ext.py prints them).

No module-level import of Whoosh here: `newsfind/__init__.py` imports `lean_imports` from this
package before Whoosh is first imported.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field

from newsfind.index.whoosh_ext import guards

WHOOSH_DISTRIBUTION = "whoosh-reloaded"
WHOOSH_VERSION = "2.7.5"
STOCK_ENV = "NEWSFIND_STOCK_WHOOSH"


@dataclass(frozen=True)
class Guard:
    module: str  # the module of this package that replaces or reads the target ("fastscore": search/fastscore.py)
    target: str  # "whoosh.module:Class.attribute"
    fingerprint: str  # of the target's source as written against (guards.fingerprint)
    replacement: str | None = None  # the module's function put in the target's place; None: read, not replaced


_W3 = "whoosh.codec.whoosh3"
GUARDS: tuple[Guard, ...] = (
    # reading: segment files served from the mmap; posting blocks decoded lazily; column offsets in C
    Guard("zerocopy", "whoosh.filedb.structfile:BufferFile.__init__", "92f1c0a5b1a2fd70", "_buffer_file_init"),
    Guard("blockdecode", f"{_W3}:W3LeafMatcher._read_data", "150a9642f8b55013", "_read_data"),
    Guard("blockdecode", f"{_W3}:W3LeafMatcher._read_values", "7c8930f74988e0c5", "_read_values"),
    Guard("blockdecode", f"{_W3}:W3LeafMatcher._read_ids", "f8024a90ec60697e", "_read_ids"),
    Guard("blockdecode", f"{_W3}:W3LeafMatcher._goto", "cf5edba3e9484d57", "_goto"),
    Guard("blockdecode", f"{_W3}:W3LeafMatcher.skip_to", "fcd5b00aafbd9c19", "_skip_to"),
    Guard("blockdecode", f"{_W3}:W3PostingsWriter._write_block", "19e3c784208a0cdd"),  # the pickle it parses
    Guard("blockdecode", "whoosh.util.numlists:delta_decode", "9b1f20aeaac4e656"),  # done by accumulate
    Guard("columnread", "whoosh.columns:VarBytesColumn.Reader._read_offsets_and_lengths", "9ec2fa8dfc518ef5",
          "_read_offsets_and_lengths"),
    # correctness: Whoosh's AND NOT, NOT and ANDMAYBE matchers match and score what they should
    Guard("boolean_matchers", "whoosh.matching.binary:AndNotMatcher._find_first", "32985cab39167f96",
          "_and_not_find_first"),
    Guard("boolean_matchers", "whoosh.matching.wrappers:InverseMatcher._find_next", "b115dcf08bf2157d",
          "_inverse_find_next"),
    Guard("boolean_matchers", "whoosh.matching.binary:AndMaybeMatcher.skip_to", "368654204d096219",
          "_and_maybe_skip_to"),
    # writing: a text field's words analysed in one loop; postings pooled and flushed with less Python
    Guard("fastanalysis", "whoosh.formats:Positions.word_values", "3959ba2aa8f97b89", "word_values"),
    Guard("fastanalysis", "whoosh.formats:Positions.encode", "b6e9a8ce4fe97853"),  # its results are cached
    Guard("fastanalysis", "whoosh.analysis.analyzers:CompositeAnalyzer.__call__", "bbee17f1fa1ee3d4"),
    Guard("fastanalysis", "whoosh.analysis.tokenizers:RegexTokenizer.__call__", "4e9c2a25c77ec5a9"),
    Guard("fastanalysis", "whoosh.analysis.filters:LowercaseFilter.__call__", "77cbd4ec0e8590c3"),
    Guard("fastanalysis", "whoosh.analysis.filters:StopFilter.__call__", "218e1c5a5bf5c57d"),
    Guard("fastanalysis", "whoosh.analysis.morph:StemFilter.__call__", "f332dc92f9f1c254"),
    Guard("fastflush", f"{_W3}:W3FieldWriter.add_postings", "fea6bedbce63a134", "add_postings"),
    Guard("fastflush", f"{_W3}:W3PostingsWriter.add_posting", "09bb36fe5125764d"),  # inlined
    Guard("fastflush", "whoosh.writing:PostingPool.add", "6b73def050008daf", "pool_add"),
    # the engine's readers: posting blocks, deleted documents, positions, length and numeric columns
    Guard("postings", f"{_W3}:W3LeafMatcher._read_weights", "124012c8d21aa1a7"),
    Guard("postings", f"{_W3}:W3LeafMatcher._next_block", "2fb1dc5070ec4a68"),
    Guard("postings", "whoosh.matching.wrappers:FilterMatcher.__init__", "bf6b70b967922e38"),
    Guard("postings", "whoosh.reading:SegmentReader.postings", "797181de34ee383e"),
    Guard("postings", "whoosh.formats:Positions.decode_positions", "d0255a38b2e51d08"),
    Guard("columns", f"{_W3}:_lenfield", "efa07a8a57fa9ce9"),
    Guard("columns", f"{_W3}:W3PerDocReader._cached_reader", "2e27976f892aee8f"),
    Guard("columns", f"{_W3}:W3PerDocReader.doc_field_length", "6f6c39c338eb61dc"),
    Guard("columns", "whoosh.reading:SegmentReader.__init__", "960bfd925f5f8794"),
    Guard("columns", "whoosh.reading:SegmentReader.deleted_docs_set", "4f9a5a800c6a7636"),
    Guard("columns", "whoosh.searching:Searcher.__init__", "b587d325976a8985"),  # keeps its index in _ix
    Guard("columns", "whoosh.columns:NumericColumn.__init__", "06dbaf2c051f5ea3"),
    Guard("columns", "whoosh.columns:NumericColumn.Reader.__init__", "d6775fae99775693"),
    Guard("columns", "whoosh.columns:FixedBytesColumn.Reader.__getitem__", "243a7c65629e70f8"),
    Guard("queries", "whoosh.scoring:BM25F.__init__", "693e61eaa8eaaec2"),
    Guard("queries", "whoosh.query.terms:MultiTerm._btexts", "091b6e12dd41ffab"),
    Guard("queries", "whoosh.query.terms:PatternQuery._btexts", "5af489081128d031"),
    Guard("queries", "whoosh.query.terms:Prefix._btexts", "260be8745b64636c"),
    Guard("queries", "whoosh.query.terms:FuzzyTerm._btexts", "650ffd7dcbe92284"),
    Guard("queries", "whoosh.query.ranges:TermRange._btexts", "dd8ab05048aa8730"),
    Guard("queries", "whoosh.query.ranges:NumericRange._compile_query", "9840c734011f0746"),
    Guard("fastscore", "whoosh.scoring:BM25F.scorer", "543088b4fd43890c"),
    Guard("fastscore", "whoosh.scoring:bm25", "f88eb4542dbd9245"),
)


@dataclass(frozen=True)
class Installation:
    """What `install()` left in place."""

    patches: tuple[str, ...]  # the patch modules installed, in GUARDS order
    stock_reason: str | None  # why Whoosh runs without them (None: they are installed)


@dataclass
class _State:
    checked: bool = False
    problem: str | None = None  # the check's finding (None: Whoosh is the one written for)
    warned: bool = False
    stock_reason: str | None = "install() was not called"
    # target -> (owner, attribute name, whether the owner had it itself, Whoosh's own value)
    originals: dict[str, tuple[object, str, bool, object]] = field(default_factory=dict)


_state = _State()


def stock_requested() -> bool:
    """`NEWSFIND_STOCK_WHOOSH` set (to anything but 0): run on Whoosh as released, to compare."""
    return os.environ.get(STOCK_ENV, "") not in ("", "0")


def problem() -> str | None:
    """Why the extensions cannot run on the installed Whoosh (another version, or a function in
    GUARDS that changed); None when they can. Checked once per process (until `uninstall()`)."""
    if not _state.checked:
        _state.problem = _find_problem()
        _state.checked = True
    return _state.problem


def verified() -> bool:
    """Whether the readers may read Whoosh's internals: the installed Whoosh is the one they were
    written for (patched or not)."""
    return problem() is None


def _find_problem() -> str | None:
    version = guards.distribution_version("whoosh", WHOOSH_DISTRIBUTION)
    if version != WHOOSH_VERSION:
        return f"Whoosh {version or '(of unknown version)'} is not the version its extensions were written for " \
               f"({WHOOSH_VERSION})"
    for guard in GUARDS:
        try:
            found = guards.fingerprint(original(guard.target))
        except (ImportError, AttributeError):
            found = None
        if found != guard.fingerprint:
            return f"Whoosh's {guard.target} is not the function its extensions were written for"
    return None


def original(target: str) -> object:
    """Whoosh's own value of a target ("module:Class.attribute"), installed or not."""
    if target in _state.originals:
        return _state.originals[target][3]
    owner, name = guards.resolve(target)
    return getattr(owner, name)


def install() -> Installation:
    """Install every patch on the Whoosh they were written for, or none (see above). Idempotent:
    a second call changes nothing and prints nothing."""
    if stock_requested():
        _state.stock_reason = f"{STOCK_ENV} is set"
        return installation()
    reason = problem()
    if reason is not None:
        _state.stock_reason = reason
        if not _state.warned:
            print(f"newsfind: {reason}; running on stock Whoosh", file=sys.stderr, flush=True)
            _state.warned = True
        return installation()
    replacing = [g for g in GUARDS if g.replacement is not None and g.target not in _state.originals]
    # every patch module first: they keep references to Whoosh's own functions they call
    modules = {g.module: importlib.import_module(f"{__name__}.{g.module}") for g in replacing}
    for guard in replacing:
        owner, name = guards.resolve(guard.target)
        _state.originals[guard.target] = (owner, name, name in vars(owner), getattr(owner, name))
        setattr(owner, name, getattr(modules[guard.module], guard.replacement))
    _state.stock_reason = None
    return installation()


def uninstall(*modules: str) -> None:
    """Whoosh's own functions back in place of the named patch modules' (all of them when none is
    named), for the tests and the benchmark that compare with Whoosh's own; `install()` puts them
    back. Uninstalling everything also forgets the check, so the next `install()` checks again."""
    for guard in GUARDS:
        if guard.target in _state.originals and (not modules or guard.module in modules):
            owner, name, own, value = _state.originals.pop(guard.target)
            if own:
                setattr(owner, name, value)
            else:  # inherited: Whoosh's own is found on the base class again
                delattr(owner, name)
    if not modules:
        _state.checked = _state.warned = False
        _state.stock_reason = "uninstalled"


def installation() -> Installation:
    installed = {g.module for g in GUARDS if g.target in _state.originals}
    patches = tuple(dict.fromkeys(g.module for g in GUARDS if g.module in installed))
    return Installation(patches, None if patches else _state.stock_reason)
