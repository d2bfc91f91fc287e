"""The article's speakers as the learned model decides them, and a probability for every attribution.

Each candidate (`features.candidates`) gets the model's calibrated probability; a person is a
speaker of the article (its `speaker` facet) when one of their candidates reaches the model's
threshold. Every speaker has at least one attribution to show on the article page (`ensure_shown`,
for the rules alone too): when no stored quote is theirs, the body sentence of their most probable
candidate is stored as what they reported (rule "model"; "event" for the rules); a person named in
the title only is no speaker. A direct quote no cue of the rules claims goes to the speaker the model
finds the likeliest source in its sentences (rule "model-sentence", `claim_unattributed`). A quote's
probability is that of its speaker's candidates in and next to the quote's sentences (the speaker's best
in the article when none is there).
"""

from __future__ import annotations

from dataclasses import replace

from newsfind.index.nlp.speakers import persons
from newsfind.index.nlp.speakers.attribution import Quote
from newsfind.index.nlp.speakers.events import STRUCTURAL_RULES, SpeechEvent
from newsfind.index.nlp.speakers.features import Candidate
from newsfind.index.nlp.speakers.model import AttributionModel


def decide(model: AttributionModel, cands: list[Candidate], rule_speakers: list[str], quotes: list[Quote], sentences,
           text: str, body_offset: int) -> tuple[list[str], dict[str, float], list[Quote], list[float | None]]:
    """(speakers, their probabilities, the quotes with any added, the probability of each quote)."""
    best: dict[str, Candidate] = {}
    for c in cands:
        c.probability = model.candidate_probability(c)
        if c.value not in best or c.probability > best[c.value].probability:
            best[c.value] = c
    laid_out = layout_speakers(cands)  # a transcript label or a name and colon: a fact of the layout, never dropped
    allowed = _best(cands, allowed=True, model=model)
    speakers = [v for v in rule_speakers if v in laid_out or v in best and best[v].probability >= model.drop_below]
    person = person_probabilities(model, cands, rule_speakers) if model.person_stage else {}
    if model.person_stage:  # the second stage adds a person from all their candidates no rule vetoes
        added = [v for v, p in person.items() if p >= model.person_stage["threshold"]]
    else:
        added = [v for v, c in allowed.items() if c.probability >= model.threshold]
    speakers += sorted((v for v in added if v not in rule_speakers), key=lambda v: best[v].start)
    anchors = {v: [(c.start, c.sent, c.event.cue if c.event is not None else "", person.get(v, c.probability))
                   for c in sorted(cands, key=lambda c: -c.probability) if c.value == v] for v in speakers}
    speakers, quotes = ensure_shown(speakers, quotes, anchors, sentences, text, body_offset, "model")
    quotes = claim_unattributed(model, cands, speakers, quotes, sentences)
    by_sent: dict[tuple[str, int], float] = {}
    for c in cands:
        key = (c.value, c.sent)
        by_sent[key] = max(by_sent.get(key, 0.0), c.probability)
    probabilities = {v: c.probability for v, c in best.items()} | person

    def probability(q: Quote, value: str) -> float:
        """The probability that `value` is the source of `q`: their likeliest candidate in its sentences."""
        if q.rule == "model" and value in person:  # the sentence that makes them a speaker: the stage's figure
            return round(person[value], 3)
        first, last = sentences.index_of_char(q.start), sentences.index_of_char(max(q.start, q.end - 1))
        here = [by_sent[(value, k)] for k in range(first - 1, last + 2) if (value, k) in by_sent]
        return round(max(here) if here else probabilities.get(value, 0.0), 3)

    per_quote: list[float | None] = []
    for k, q in enumerate(quotes):
        if not q.speaker or q.speaker_type != "person":
            per_quote.append(None)
            continue
        per_quote.append(probability(q, q.speaker))
        if q.co_speakers:  # each co-speaker's own figure, in their order
            quotes[k] = replace(q, co_probabilities=tuple(probability(q, v) for v in q.co_speakers))
    return speakers, probabilities, quotes, per_quote


def claim_unattributed(model: AttributionModel, cands: list[Candidate], speakers: list[str], quotes: list[Quote],
                       sentences) -> list[Quote]:
    """A direct quote no cue of the rules claims goes to the speaker whose mention in the quote's own
    sentences (and the sentence before, for a quote opening its sentence) the model finds most probably
    the source there ('Cuban said he would support Trump. Cuban went on to call Cruz “the worst politician
    in Texas.”'; 'Stein has framed herself as the Plan B for the “Bernie or Bust” crowd'): a mention reaching
    the facet threshold, outside the quote, of a speaker of the article, that no rule vetoes and no likelier
    person a he/she may be outranks (rule "model-sentence")."""
    if not any(q.speaker is None and q.rule == "unattributed" for q in quotes):
        return quotes
    skip = runner_ups(cands, [c.probability for c in cands])
    by_sent: dict[int, list[Candidate]] = {}
    for k, c in enumerate(cands):
        if c.value in speakers and c.probability >= model.threshold and not (c.vetoed and not model.soft(c)) \
                and k not in skip:
            by_sent.setdefault(c.sent, []).append(c)
    out = []
    for q in quotes:
        if q.speaker is None and q.rule == "unattributed":
            first, last = sentences.index_of_char(q.start), sentences.index_of_char(max(q.start, q.end - 1))
            if first > 0 and q.start - sentences.spans[first].start_char <= 2:
                first -= 1
            here = [c for k in range(first, last + 1) for c in by_sent.get(k, ()) if not q.start <= c.start < q.end]
            if here:
                c = max(here, key=lambda c: c.probability)
                cue = c.event.cue if c.event is not None else ""
                q = Quote(c.value, "person", q.text, q.start, q.end, q.kind, cue, "model-sentence",
                          round(c.probability, 2))
        out.append(q)
    return out


# how much more probable than the rules' pick the model's person for a he/she must be to take its quotes
# (train CV, wrong-person quotes: 483 with the rules' picks; margin 0: 467, 0.1: 468, 0.25: 477)
PRONOUN_MARGIN = 0.1


def pronoun_sources(model: AttributionModel, cands: list[Candidate], events: list[SpeechEvent]) -> list[SpeechEvent]:
    """The events with a he/she source as the model resolves it, for the quotes they give: each pronoun
    names the person of its most probable candidate (the mention-pair model, `antecedents`), where the rules
    picked another less probable by `PRONOUN_MARGIN` or more (or nobody, when that person reaches the facet
    threshold). Only the quotes' speaker changes (copies of the events); who is a speaker of the article is
    decided from the rules' events as before (`decide`)."""
    top: dict[int, Candidate] = {}  # by the event (id) the he/she is the source of
    pick: dict[int, float] = {}  # the probability of the rules' pick
    for c in cands:
        if c.pronoun >= 0 and c.event is not None:
            c.probability = model.candidate_probability(c)
            key = id(c.event)
            if key not in top or c.probability > top[key].probability:
                top[key] = c
            if c.value == c.event.speaker:
                pick[key] = c.probability
    out = []
    for e in events:
        c = top.get(id(e))
        if c is not None and c.value != e.speaker and (
                c.probability >= pick.get(id(e), 0.0) + PRONOUN_MARGIN if e.speaker is not None
                else c.probability >= model.threshold):
            e = replace(e, speaker=c.value, speaker_type="person", rule=f"{e.rule}/model")
        out.append(e)
    return out


def person_probabilities(model: AttributionModel, cands: list[Candidate], rule_speakers: list[str]) -> dict[str, float]:
    """The second stage's probability that each person the rules do not make a speaker speaks (`persons`)."""
    skip = runner_ups(cands, [c.probability for c in cands])
    ok = [not (c.vetoed and not model.soft(c) or k in skip) for k, c in enumerate(cands)]
    rows = persons.person_rows([c.value for c in cands], [c.probability for c in cands], ok, rule_speakers)
    return {v: persons.probability(model.person_stage, row) for v, row in rows.items()}


def layout_speakers(cands: list[Candidate]) -> set[str]:
    return {c.value for c in cands if c.event is not None and c.event.rule in STRUCTURAL_RULES}


def runner_ups(cands: list[Candidate], probs: list[float]) -> set[int]:
    """The candidates (by position) a he/she may be but is less likely than another: a pronoun names
    one person, so only its most probable one may make a speaker."""
    top: dict[int, int] = {}
    for k, c in enumerate(cands):
        if c.pronoun >= 0 and (c.pronoun not in top or probs[k] > probs[top[c.pronoun]]):
            top[c.pronoun] = k
    return {k for k, c in enumerate(cands) if c.pronoun >= 0 and top[c.pronoun] != k}


def _best(cands: list[Candidate], allowed: bool = False, model: AttributionModel | None = None) -> dict[str, Candidate]:
    """The most probable candidate of each person (with `allowed`, among those no rule vetoes, except by a
    kind of veto the model weighs itself, and that no other person a he/she may be outranks)."""
    best: dict[str, Candidate] = {}
    skip = runner_ups(cands, [c.probability for c in cands]) if allowed else set()
    for k, c in enumerate(cands):
        if allowed and (c.vetoed and not (model is not None and model.soft(c)) or k in skip):
            continue
        if c.value not in best or c.probability > best[c.value].probability:
            best[c.value] = c
    return best


def _paragraph_part(text: str, start: int, end: int, pos: int) -> tuple[int, int]:
    para_start = text.rfind("\n", 0, pos) + 1
    para_end = text.find("\n", pos)
    return max(start, para_start), min(end, para_end if para_end >= 0 else len(text))


def ensure_shown(speakers: list[str], quotes: list[Quote], anchors: dict[str, list[tuple[int, int, str, float]]],
                 sentences, text: str, body_offset: int, rule: str) -> tuple[list[str], list[Quote]]:
    """Every speaker with at least one attribution stored in the body: for one the quotes leave out, the
    body sentence of their first anchor (char position, sentence number, cue, confidence) becomes a reported
    quote (rule `rule`); a speaker with no anchor in the body (named in the title only) is dropped."""
    # title quotes are not stored; a co-speaker's quote is shown under them too ('Cruz and Rubio said')
    quoted = {v for q in quotes if q.speaker and q.start >= body_offset for v in (q.speaker, *q.co_speakers)}
    kept, quotes = [], list(quotes)
    for value in speakers:
        if value in quoted:
            kept.append(value)
            continue
        anchor = next((a for a in anchors.get(value, []) if a[0] >= body_offset), None)
        if anchor is None:
            continue
        pos, sent_no, cue, confidence = anchor
        sent = sentences.spans[sent_no]
        start, end = _paragraph_part(text, max(sent.start_char, body_offset), sent.end_char, pos)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        quotes.append(Quote(value, "person", text[start:end], start, end, "reported", cue, rule, round(confidence, 2)))
        kept.append(value)
    quotes.sort(key=lambda q: q.start)
    return kept, quotes
