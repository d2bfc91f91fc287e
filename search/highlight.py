"""Snippets: Whoosh's fragmenter and scorer pick the best fragments (only the words that may match
are analysed); we mark matches with private sentinels and render them as HTML (`<mark>`,
everything else escaped) or for a terminal (colour or plain markers)."""

from __future__ import annotations

import bisect
import html
import operator
import re

from whoosh import highlight
from whoosh import query as wq
from whoosh.analysis import RegexTokenizer

_OPEN, _CLOSE, _BETWEEN = "\ue000", "\ue001", "\ue002"
SNIPPET_CHARS = 240


class SentinelFormatter(highlight.Formatter):
    between = _BETWEEN

    def format_token(self, text, token, replace=False):
        return f"{_OPEN}{highlight.get_text(text, token, replace)}{_CLOSE}"


def lead(text: str, chars: int = SNIPPET_CHARS) -> str:
    """The start of a text, cut at a word boundary: the snippet when nothing in the body matched."""
    text = " ".join(text.split())
    if len(text) <= chars:
        return text
    cut = text.rfind(" ", 0, chars)
    return text[: cut if cut > chars // 2 else chars] + " …"


def normalise(raw: str) -> str:
    return " ".join(raw.split())


def to_html(raw: str) -> str:
    """Escape everything, then turn sentinels into <mark> tags."""
    out = html.escape(normalise(raw), quote=False)
    return out.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>").replace(_BETWEEN, " … ")


def html_to_terminal(snippet: str, color: bool) -> str:
    """A `to_html` snippet for a terminal: matches in colour, or between ** markers."""
    start, end = ("\x1b[1;33m", "\x1b[0m") if color else ("**", "**")
    return html.unescape(snippet.replace("<mark>", start).replace("</mark>", end))


def has_marks(raw: str) -> bool:
    return _OPEN in raw


def quote_snippet(quotes: list[dict], speaker_terms: set[str], quote_terms: set[str], speaker_analyzer,
                  quote_analyzer) -> str | None:
    """The quote that answers a `speaker:`/`quote:` query, as HTML: 'Speaker: “… <mark>word</mark> …”'.
    Prefers a quote whose speaker matches and whose words match; None when no quote fits."""
    best, best_score = None, 0
    for q in quotes:
        if not q.get("speaker"):
            continue
        together = (q["speaker"], *q.get("co_speakers", ()))  # and the others of a coordinated source
        speaker_ok = not speaker_terms or any({t.text for t in speaker_analyzer(who)} & speaker_terms
                                              for who in together)
        if not speaker_ok:
            continue
        score = 1
        if quote_terms:  # only then do the quote's words matter
            found = len({t.text for t in quote_analyzer(q["text"])} & quote_terms)
            if not found:
                continue
            score += 2 * found
        if score > best_score:
            best, best_score = q, score
    if best is None:
        return None
    text = best["text"]
    if quote_terms:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
        raw = highlight.highlight(text, frozenset(quote_terms), quote_analyzer, fragmenter, SentinelFormatter(),
                                  top=1)
        text = raw or lead(text)
    else:
        text = lead(text)
    opening, closing = ("“", "”") if best.get("kind") == "direct" else ("", "")
    who = " and ".join((best["speaker"], *best.get("co_speakers", ())))
    return html.escape(who, quote=False) + ": " + to_html(f"{opening}{text}{closing}")


WINDOW = 160  # characters each side of a candidate match
MAX_WINDOWS = 4
_span = operator.methodcaller("span")
# Whoosh's default tokenizer pattern, with its group made non-capturing: the same tokens, found in
# about half the time (the engine no longer records the group's repetitions)
_SAME_SPANS = {(r"[\w\*]+(\.?[\w\*]+)*", re.UNICODE): re.compile(r"[\w*]+(?:\.?[\w*]+)*")}


def _tokenizer_pattern(analyzer) -> re.Pattern | None:
    """The regular expression of the analyzer's tokenizer, when it is a plain `RegexTokenizer`."""
    items = getattr(analyzer, "items", None)
    first = items[0] if items else None
    if isinstance(first, RegexTokenizer) and not first.gaps:
        expression = first.expression
        return _SAME_SPANS.get((expression.pattern, expression.flags), expression)
    return None


def _candidates(text: str, spans: list[tuple[int, int]], prefixes: tuple[str, ...]):
    """Indexes of the tokens whose lowercased text starts with one of `prefixes`. When lowercasing
    keeps every character in place (no "İ" -> "i̇", no context-dependent "Σ"), the prefixes are
    found in the lowercased text and matched to token starts; otherwise each token is tested."""
    lowered = text.lower()
    if len(lowered) != len(text) or "Σ" in text:
        return [i for i, (start, end) in enumerate(spans) if text[start:end].lower().startswith(prefixes)]
    found = []
    scan = re.compile("|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True)))
    for m in scan.finditer(lowered):
        i = bisect.bisect_left(spans, (m.start(),))
        if i < len(spans) and spans[i][0] == m.start() and (not found or found[-1] != i):
            found.append(i)
    return found


def _matched_terms(text: str, spans: list[tuple[int, int]], terms: frozenset[str], prefixes: tuple[str, ...],
                   analyzer, stems: dict[str, str | None]) -> dict[int, str]:
    """token index -> the query term it matched, analysing (lowercasing, stemming) only the words
    that start like a query term: the rest cannot match, and analysing every word was most of a
    snippet's cost."""
    found: dict[int, str] = {}
    for i in _candidates(text, spans, prefixes):
        start, end = spans[i]
        word = text[start:end]
        if word in stems:
            term = stems[word]
        else:
            term = stems[word] = next((t.text for t in analyzer(word, mode="query", removestops=False)
                                       if t.text in terms), None)
        if term is not None:
            found[i] = term
    return found


def _context_fragments(spans: list[tuple[int, int]], matched: dict[int, str], maxchars: int, surround: int,
                       charlimit: int):
    """Whoosh's `ContextFragmenter.fragment_tokens` as (startchar, endchar, matched token indices),
    step for step, except that runs of unmatched tokens outside a fragment are jumped over (only
    the earliest start within `surround` characters of the next match matters there)."""
    order = sorted(matched)
    n, m, k = len(spans), 0, 0
    reset = 0  # first token after the last fragment: the start of Whoosh's "firsts" buffer
    countdown, first, currentlen, endchar = -1, None, 0, None
    tks: list[int] = []
    while k < n:
        if countdown < 0:  # outside a fragment: on to the next matched token
            while m < len(order) and order[m] < k:
                m += 1
            if m == len(order):
                return
            k = order[m]
        startchar, endchar = spans[k]
        if charlimit and endchar > charlimit:
            break
        tlength = endchar - startchar
        if currentlen + tlength > maxchars:
            countdown = 0
        elif k in matched:
            countdown = surround
            if first is None:
                # Whoosh's buffer holds the unmatched tokens since `reset` whose start is within
                # `surround` characters of the end of the token before this one
                front = bisect.bisect_left(spans, (spans[k - 1][1] - surround,), reset, k) if k > reset else k
                if front < k:
                    first = spans[front][0]
                else:
                    first = startchar
                    countdown += surround
            tks.append(k)
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                if tks:  # Whoosh yields an empty fragment here too, which never scores
                    yield first, endchar, tks
                # the countdown is not reset: when it ran out at exactly 0, Whoosh's loop stays
                # "in a fragment" for the next token (an empty fragment if it does not match)
                tks, first, currentlen, reset = [], None, 0, k + 1
        k += 1
    if tks:
        yield first, endchar, tks


def phrase_parts(q: wq.Query, fieldname: str) -> tuple[list[tuple[str, ...]], frozenset[str]]:
    """(the exact phrases `q` asks for in `fieldname`, as analysed words; the words that match only
    inside one of them). `"military support"` marks "military" only where "support" follows it;
    `military "military support"` marks it anywhere. Negated parts are not asked for."""
    phrases: list[tuple[str, ...]] = []
    lone: set[str] = set()
    lone_prefixes: list[str] = []
    expands = False

    def walk(node: wq.Query) -> None:
        nonlocal expands
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if not node.is_leaf():
            for child in node.children():
                walk(child)
            return
        if getattr(node, "fieldname", None) != fieldname:
            return
        if isinstance(node, wq.Phrase):
            if node.slop == 1 and len(node.words) > 1:
                phrases.append(tuple(node.words))
            else:
                lone.update(node.words)
        elif isinstance(node, wq.Prefix):
            lone_prefixes.append(node.text)
        elif isinstance(node, wq.Term) and type(node) is wq.Term:
            lone.add(node.text)
        else:  # wildcards, fuzzy terms: any word may be one of theirs
            expands = True

    walk(q)
    if expands:
        return phrases, frozenset()
    only = {w for p in phrases for w in p if w not in lone and not w.startswith(tuple(lone_prefixes))}
    return phrases, frozenset(only)


def _phrase_tokens(text: str, spans: list[tuple[int, int]], first: int, phrase: tuple[str, ...], analyzer) -> list[int]:
    """The token indexes of `phrase` starting at token `first` (stop words between are skipped as the
    index skips them), or [] when the words that follow are not the phrase."""
    found, k = [first], first + 1
    for word in phrase[1:]:
        while k < len(spans):
            s, e = spans[k]
            analysed = [t.text for t in analyzer(text[s:e], mode="query")]
            k += 1
            if analysed:
                break
        else:
            return []
        if analysed[0] != word:
            return []
        found.append(k - 1)
    return found


def _whole_phrases(text: str, spans: list[tuple[int, int]], matched: dict[int, str], analyzer,
                   phrases: list[tuple[str, ...]], phrase_only: frozenset[str]) -> dict[int, str]:
    """`matched` without the words that may match only inside a phrase and are not inside one here."""
    kept = {i: term for i, term in matched.items() if term not in phrase_only}
    for i, term in matched.items():
        for phrase in phrases:
            if term == phrase[0]:
                run = _phrase_tokens(text, spans, i, phrase, analyzer)
                kept.update({k: phrase[j] for j, k in enumerate(run)})
    return dict(sorted(kept.items()))


def _highlight(text: str, terms: frozenset[str], analyzer, prefixes: tuple[str, ...],
               stems: dict[str, str | None],
               phrases: list[tuple[str, ...]] = (), phrase_only: frozenset[str] = frozenset()) -> str:
    """`whoosh.highlight.highlight(text, terms, analyzer, ContextFragmenter, SentinelFormatter, top=1)`,
    with only the candidate words analysed and only the tokens near matches stepped through
    (same fragment, same marks)."""
    pattern = _tokenizer_pattern(analyzer)
    if pattern is None:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
        return highlight.highlight(text, terms, analyzer, fragmenter, SentinelFormatter(), top=1)
    spans = list(map(_span, pattern.finditer(text)))
    matched = _matched_terms(text, spans, terms, prefixes, analyzer, stems)
    if phrase_only:
        matched = _whole_phrases(text, spans, matched, analyzer, phrases, phrase_only)
    if not matched:
        return ""
    best, best_key = None, None
    for fragment in _context_fragments(spans, matched, SNIPPET_CHARS, 70, highlight.DEFAULT_CHARLIMIT):
        tks = fragment[2]
        # BasicFragmentScorer; Whoosh's max() over (score, fragment) keeps the later fragment on a tie
        key = len(tks) * (len({matched[i] for i in tks}) * 100 or 1)
        if best_key is None or key >= best_key:
            best, best_key = fragment, key
    if best is None:
        return ""
    start, end, tks = best
    out, index = [], start
    for i in tks:
        s, e = spans[i]
        if s < index:
            continue
        out.append(text[index:s])
        out.append(f"{_OPEN}{text[s:e]}{_CLOSE}")
        index = e
    out.append(text[index:end])
    return "".join(out)


def _fold_partners() -> dict[str, str] | None:
    """lowercase letter -> the other lowercase letters that `re.IGNORECASE` takes as the same ("s":
    "ſ", "σ": "ς", "i": "ı"): CPython's own table, None where it is not available."""
    try:
        from re._casefix import _EXTRA_CASES
    except ImportError:
        return None
    return {chr(key): "".join(map(chr, others)) for key, others in _EXTRA_CASES.items()}


_FOLD_PARTNERS = _fold_partners()


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w matches


def _word_starts(text: str, prefixes: list[str]):
    """(start, end) of each place where a word starts with one of `prefixes` (lowercase, longest
    first), ignoring case, in order and not overlapping: what `re.finditer(r"\b(?:p1|p2…)", text,
    re.IGNORECASE)` finds, by `str.find` in the lowercased text (about six times faster on a news
    body). A text whose lowercasing moves characters ("İ"), or that holds a letter the expression
    would equate with one of the prefixes' letters ("ς" for "σ"), is scanned with the expression."""
    lowered = text.lower()
    partners = _FOLD_PARTNERS
    if (len(lowered) != len(text) or partners is None
            or any(other in lowered for char in {c for p in prefixes for c in p} for other in partners.get(char, ""))):
        scan = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in prefixes) + r")", re.IGNORECASE)
        yield from map(_span, scan.finditer(text))
        return
    found = []
    for prefix in prefixes:
        starts_word = _is_word(prefix[0])
        i = lowered.find(prefix)
        while i >= 0:
            if (i > 0 and _is_word(lowered[i - 1])) != starts_word:  # \b: a word edge before it
                found.append((i, -len(prefix)))
            i = lowered.find(prefix, i + 1)
    end = 0
    for start, minus_length in sorted(found):
        if start >= end:
            end = start - minus_length
            yield start, end


def body_snippet(text: str, terms: set[str], analyzer, top: int = 2, phrases: list[tuple[str, ...]] = (),
                 phrase_only: frozenset[str] = frozenset()) -> str:
    """Best fragments of a long body with the query's terms marked (sentinel-marked raw text).

    Whoosh's highlighter analyses the whole stored body for every hit; news bodies run to tens of
    thousands of characters. Here a cheap scan finds words that may match (the first four letters
    of each indexed term), and only windows around the first few are analysed and marked. Words in
    `phrase_only` are marked only inside one of `phrases` (see `phrase_parts`)."""
    if not terms or not text:
        return ""
    prefixes = sorted({t[:4] for t in terms if t}, key=len, reverse=True)
    windows: list[list[int]] = []
    for found_start, found_end in _word_starts(text, prefixes):
        start, end = max(found_start - WINDOW, 0), min(found_end + WINDOW, len(text))
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        elif len(windows) < MAX_WINDOWS:
            windows.append([start, end])
        else:
            break
    # Words to analyse: those starting like a term. Stemming may change a word's last letters
    # ("caring" -> "care", "ability" -> "abl"), so the test is on a term's first letters but two.
    gates = tuple({t[:min(4, max(1, len(t) - 2))] for t in terms if t})
    termset, stems = frozenset(terms), {}
    scored = []
    for start, end in windows:
        raw = _highlight(text[start:end], termset, analyzer, gates, stems, phrases, phrase_only)
        if raw and _OPEN in raw:
            scored.append((raw.count(_OPEN), -start, raw))
    best = sorted(scored, reverse=True)[:top]
    return _BETWEEN.join(raw for _, _, raw in sorted(best, key=lambda x: -x[1]))
