"""The words of speech attribution: speech verbs and their forms, stance and thought verbs, cue forms.

Pure word lists (no spaCy, no numpy), so that entity extraction can import them too: a title-case
headline runs speech verbs into names ('Ben Carson Slams Hillary'), and `CUE_FORMS` tells them.
"""

from __future__ import annotations


def _forms(spec: str) -> dict[str, str]:
    """'say:says,said,saying warn' -> {form: lemma}; regular forms are derived."""
    out: dict[str, str] = {}
    for item in spec.split():
        lemma, _, irregular = item.partition(":")
        forms = irregular.split(",") if irregular else _regular(lemma)
        for f in [lemma, *forms]:
            out[f] = lemma
    return out


def _regular(lemma: str) -> list[str]:
    if lemma.endswith("e"):
        return [lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x")):
        return [lemma + "es", lemma + "ed", lemma + "ing"]
    return [lemma + "s", lemma + "ed", lemma + "ing"]


# Verbs that report speech by themselves.
STRONG = _forms(
    "say:says,said,saying tell:tells,told,telling add warn state announce declare emphasize emphasise "
    "stress confirm insist claim allege assert explain argue acknowledge admit:admits,admitted,admitting "
    "deny note comment:comments,commented,commenting remark reiterate affirm contend caution urge "
    "underline underscore predict complain concede testify tweet write:writes,wrote,written,writing "
    "reply answer vow pledge recall observe conclude suggest ask quip echo joke brag exclaim "
    "lament inform assure concur retort recount muse scoff shout yell plead "
    "insist counter:counters,countered,countering charge"
)
# Verbs that report speech only when something is said (a that-clause or a quote).
WEAK = _forms(
    "respond speak:speaks,spoke,spoken,speaking talk raise express call describe accuse criticize "
    "criticise praise question point maintain promise dismiss blast slam label dub thank boast tout "
    "disclose reveal "
    "mention indicate cite defend decry bemoan rail mock ridicule voice "
    "interject bark hint"
)
# Verbs of a public stance taken towards something named (PolNeAR's attributions beyond speech): the
# subject is a source when the verb has an object ('Sanders endorsed Clinton', 'pushed for a vote');
# weak speech verbs ('criticized the deal', 'praised Obama') count the same way.
STANCE = _forms(
    "endorse oppose propose denounce condemn reject dispute applaud welcome blame congratulate "
    "apologize apologise"
)
STANCE_PREPOSITIONS = frozenset({"for", "against"})
# Prepositions whose gerund shares the subject of the verb they modify: 'won the nomination by promising'
# ('while saying' is parsed with 'while' as a marker: the participle rule of `SubjectFinder.subject` covers it)
GERUND_PREPOSITIONS = frozenset({"by", "before", "after"})
# Verbs of thought and belief: a source when the article states what the person thinks (a that-clause).
THOUGHT = _forms("believe think:thinks,thought,thinking hope fear worry doubt expect feel:feels,felt,feeling")
PUSH_FOR = _forms("push advocate lobby")
# Weak speech verbs that take a stance on their object by themselves ('raised money', 'spoke for an hour',
# 'maintained a lead', 'defended her title', 'dismissed the case' do not); 'call' only as 'called for/on'
# or 'called X Y'.
STANCE_WEAK = frozenset(form for form, lemma in WEAK.items() if lemma in {
    "criticize", "criticise", "praise", "blast", "slam", "question", "accuse", "thank", "mock", "ridicule",
    "decry", "bemoan", "describe", "call"})
# Verbs that introduce speech only right next to a quote or a colon ('he continued: “...”').
BESIDE_QUOTE = _forms("continue read:reads,reading post")
# Verbs that introduce speech only right after the quote they close: '“...,” agrees Michelle Stevens'.
AFTER_QUOTE = _forms("agree")
# Verbs that introduce speech with their particle, right next to a quote: '“...,” Trump shot back',
# '“...,” Trump went on', '“...,” she chimed in'.
PHRASAL = {form: particle for spec, particle in (("shoot:shoots,shot,shooting", "back"),
                                                  ("fire:fires,fired,firing", "back"),
                                                  ("go:goes,went,going", "on"),
                                                  ("chime", "in"))
           for form in _forms(spec)}
# Tokens that mark a quote or a colon beside a verb ('he continued: “...”').
QUOTE_MARKS = frozenset(['“', '”', '"', '«', '»', ':', "''", "``"])
# Pronouns that can be a source, and the gender they tell.
PERSON_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f"}
# Nouns of a subject phrase that name their source inside it: 'a statement released by the State
# Department', 'the spokeswoman, Maria Zakharova'.
STATEMENT_NOUNS = frozenset({"statement", "release", "communique", "communiqué", "readout", "spokesman",
                             "spokeswoman", "spokesperson", "official", "officials", "minister",
                             "secretary"})
# Cue forms that show a speech verb before a colon ('Trump told Clinton: “...”'); 'agree' only introduces
# a quote it follows ('Pollsters agree - Carl Bialik: “...”' is Bialik's)
CUES_BEFORE_COLON = frozenset({*STRONG, *WEAK, *BESIDE_QUOTE, *PHRASAL, "according"})
# Every form of a speech verb: a title-case headline runs them into names ('Ben Carson Slams Hillary').
CUE_FORMS = frozenset({*CUES_BEFORE_COLON, *AFTER_QUOTE})
