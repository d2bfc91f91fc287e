"""Who a he/she/him/her is: the pronoun source of a speech event resolved to a person of the article.

A pronoun subject is resolved to the most recent person who spoke or is a subject (the main
clause's, then the highest clause's; then any person) in the same or the three previous sentences,
outside quotes, with gender agreement where titles or names tell it; a name that only modifies a
noun ("the Murdoch outlets") is no subject, and in the pronoun's own sentence the subject of a clause
that does not hold the pronoun comes after the previous sentence's people. A pronoun resolved only to
a person mentioned nearby (no subject, no speaker) is *tentative*: its quote goes to that person, but
the person is not a speaker of the article on that evidence alone.
"""

from __future__ import annotations

from newsfind.index.nlp.entities import PERSON_TITLE_NOUNS, Mention
from newsfind.index.nlp.names import is_female_first_name, looks_female, names_no_person
from newsfind.index.nlp.postags import is_proper_noun
from newsfind.index.nlp.speakers.article import ParsedArticle
from newsfind.index.nlp.speakers.lexicon import PERSON_PRONOUNS


class PronounResolver:
    def __init__(self, article: ParsedArticle) -> None:
        self.doc, self.text, self.sentences = article.doc, article.text, article.sentences
        self.by_token, self.inside_quote = article.by_token, article.inside_quote
        # who spoke in each sentence (by number), as the speech events are found in reading order
        self.speakers_by_sent: dict[int, list[str]] = {}
        self.tentative: set[int] = set()  # pronouns resolved to a person only mentioned, not a subject
        self._resolved: dict[int, str | None] = {}
        self._gender: dict[str, bool | None] = {}
        for m in article.mentions:
            if m.kind == "person" and m.canonical and self._gender.get(m.canonical) is None:
                self._gender[m.canonical] = looks_female(m.titles, m.canonical)
                if self._gender[m.canonical] is None and " " not in m.canonical and is_female_first_name(m.canonical):
                    # a woman named by her first name only ('his wife, Jane'): few surnames are women's first
                    # names, so a 'he' is never hers
                    self._gender[m.canonical] = True

    def resolve(self, pron) -> str | None:
        """The person a he/she/him/her refers to. Sentence by sentence backwards; in each, the
        main clause's subject first, then other subjects, then other mentions, latest first."""
        if pron.i not in self._resolved:  # pronoun chains ask about the same pronoun again
            self._resolved[pron.i] = self._resolve(pron)
        return self._resolved[pron.i]

    def _resolve(self, pron) -> str | None:
        want_female = PERSON_PRONOUNS[pron.lower_] == "f"
        sents = self.sentences.spans
        here = self.sentences.index_of(pron.i)
        deferred: list[str] = []
        deferred_subjects: list[str] = []
        bound = self._named_in_own_complement(pron)
        for k in range(here, max(here - 4, -1), -1):
            sent = sents[k]
            end = pron.i if k == here else sent.end
            main, subjects, others, embedded = [], [], [], []
            depth: dict[str, int] = {}
            latest: dict[str, int] = {}  # where each person is last named in the sentence
            for i in range(end - 1, sent.start - 1, -1):
                m = self.by_token.get(i)
                if m is None or m.kind != "person" or self.inside_quote[self.doc[i].idx] \
                        or names_no_person(m.canonical):
                    continue
                latest.setdefault(m.canonical, i)
                tok = self.doc[i]
                modifier = False  # 'The Murdoch outlets have been standing in the way, he said': not Murdoch
                while tok.dep_ in ("compound", "flat", "appos") and tok.head is not tok:
                    modifier |= tok.dep_ == "compound" and not is_proper_noun(tok.head)
                    tok = tok.head
                if modifier:
                    bucket = others
                elif tok.dep_ == "nsubj" and (tok.head.dep_ == "ROOT" or tok.head.dep_ == "conj"
                                              and tok.head.head.dep_ == "ROOT"):
                    bucket = main
                elif k == here and tok.dep_ in ("nsubj", "nsubjpass") and not _dominates(tok.head, pron) \
                        and not any(self.inside_quote[tok.idx:pron.idx]):
                    # 'Asked about her vote if Clinton faces Trump, she replied': the subject of a clause
                    # that the pronoun is not part of comes after the previous sentence's people; but not one
                    # a quotation stands between ('Joe Biden weighed in, telling Mic, “...,” he said', parsed
                    # with 'weighed' as what he said)
                    bucket = embedded
                elif tok.dep_ in ("nsubj", "nsubjpass") or self._opens_line(m):
                    bucket = subjects  # a name opening its line is its subject, whatever a parse run on says
                else:
                    bucket = others
                if m.canonical not in bucket:
                    bucket.append(m.canonical)
                if bucket is subjects:
                    depth[m.canonical] = min(depth.get(m.canonical, 99), _depth(tok))
            # of the other subjects, the one of the highest clause first ('Carson turned the story back on the
            # Post, pointing out that Robert Costa had reported ... He hoped, he said'), else the latest
            subjects.sort(key=lambda person: depth[person])
            # who spoke in the sentence, its own part before the pronoun included: the parser runs '... said
            # Mr. Trump had disrespected troops.\n\n“...,” he said.' into one sentence
            speakers = list(reversed(self.speakers_by_sent.get(k, [])))
            # "He avoided criticism of Trump until recent days, when he expressed concern": the
            # sentence's own subject pronoun carries the chain on, before any name in the sentence
            chain = self._subject_pronoun(sent, end, want_female, any_clause=k == here)
            chained: list[str] = []
            if chain is not None:
                person = self.resolve(chain)
                if person is not None:
                    main = main + [person]
                    if chain.i in self.tentative:
                        chained.append(person)
            if not main and chain is None and self._described_subject(sent, end):
                subjects, others = [], []  # 'The former ambassador also discussed ... Trump. He stated'
            if k == here and k > 0:  # 'In an interview with Obama, he said': an object of this sentence
                deferred, others = others, []  # comes after the previous sentence's people
                deferred_subjects = embedded
            elif k == here:
                subjects = subjects + embedded
            elif k == here - 1:
                others = others + deferred
                subjects = subjects + [p for p in deferred_subjects if p not in subjects]
            # who spoke there comes first, but not one named before the main clause's subject: 'When Trump
            # suggested that Cuba would sue, Rubio fired back: “...”\n\nAnd he continued on' is Rubio
            main_at = max((latest[p] for p in main if p in latest), default=-1)
            before_main = [p for p in speakers if p not in main and latest.get(p, main_at + 1) < main_at]
            speakers = [p for p in speakers if p not in before_main] + main + before_main
            for person in speakers + subjects + others:
                female = self._gender.get(person)
                if (female is None or female == want_female) and person not in bound:
                    if person in others and person not in speakers + subjects or person in chained:
                        self.tentative.add(pron.i)
                    return person
        # '“...” she continued' after a long quote: the last speaker of that gender a little further back
        for k in range(here - 4, max(here - 8, -1), -1):
            for person in reversed(self.speakers_by_sent.get(k, [])):
                if self._gender.get(person) in (None, want_female) and person not in bound:
                    return person
        person = self._earlier_paragraph_person(here, want_female)
        return person if person not in bound else None

    def _named_in_own_complement(self, pron) -> set[str]:
        """The persons named, outside quotes, in the that-clause of a subject pronoun's verb: 'He insisted
        Curiel had a conflict', 'He also thinks Cruz will win' — never the person the pronoun means."""
        if pron.dep_ != "nsubj" or pron.head is pron:
            return set()
        out = set()
        for clause in pron.head.children:
            if clause.dep_ != "ccomp" or clause.i < pron.i:
                continue
            for tok in clause.subtree:
                m = self.by_token.get(tok.i)
                if m is not None and m.kind == "person" and m.canonical and not self.inside_quote[tok.idx]:
                    out.add(m.canonical)
        return out

    def _earlier_paragraph_person(self, here: int, want_female: bool) -> str | None:
        """A he/she whose person was named paragraphs before: the one person of that gender who
        speaks or is a main subject in the 8 to 16 sentences before; none when two could be meant."""
        found: list[str] = []
        for k in range(here - 8, max(here - 16, -1), -1):
            sent = self.sentences.spans[k]
            for person in [*self.speakers_by_sent.get(k, []), *self._main_subjects(sent)]:
                if self._gender.get(person) in (None, want_female) and person not in found:
                    found.append(person)
        return found[0] if len(found) == 1 else None

    def _main_subjects(self, sent) -> list[str]:
        """Persons named as the subject of the main verb of `sent`, outside quotes."""
        out = []
        for i in range(sent.start, sent.end):
            m = self.by_token.get(i)
            if m is None or m.kind != "person" or self.inside_quote[self.doc[i].idx]:
                continue
            tok = self.doc[i]
            while tok.dep_ in ("compound", "flat") and tok.head is not tok:
                tok = tok.head
            if tok.dep_ == "nsubj" and tok.head.dep_ == "ROOT" and m.canonical not in out:
                out.append(m.canonical)
        return out

    def _opens_line(self, mention: Mention) -> bool:
        """The mention opens its line, after title words at most ('Russian President Vladimir Putin also
        responded ...' after a heading the parser ran into the same sentence)."""
        line_start = self.text.rfind("\n", 0, mention.start) + 1
        prefix = self.text[line_start:mention.start].split()
        return len(prefix) <= 4 and all(w[:1].isupper() for w in prefix)

    def _described_subject(self, sent, end: int) -> bool:
        """The main subject of `sent` (before `end`) is a person described, not named: 'the former
        ambassador', 'the senator'; the people it mentions besides are not who a later he/she is."""
        for i in range(sent.start, end):
            t = self.doc[i]
            if t.dep_ == "nsubj" and t.head.dep_ == "ROOT":
                return t.tag_ == "NN" and t.lower_ in PERSON_TITLE_NOUNS and i not in self.by_token
        return False

    def _subject_pronoun(self, sent, end: int, want_female: bool, any_clause: bool = False):
        """A he/she (of the wanted gender) that is the main subject of `sent` before token `end`
        (with `any_clause`, the subject of any clause: 'Though he did not mention Rubio, he made it
        clear'); without a parse, one that opens the sentence."""
        first = next((t for t in sent if not t.is_punct and not t.is_space), None)
        for i in range(sent.start, end):
            t = self.doc[i]
            low = t.lower_
            if low not in ("he", "she") or (low == "she") != want_female or self.inside_quote[t.idx]:
                continue
            if t.dep_ == "nsubj" and (any_clause or t.head.dep_ == "ROOT") or not t.dep_ and t is first:
                return t
        return None


def _depth(tok) -> int:
    """How many heads lie between `tok` and the root of its sentence."""
    n = 0
    while tok.head.i != tok.i:
        tok, n = tok.head, n + 1
    return n


def _dominates(head, tok) -> bool:
    """`tok` is `head` or lies in its subtree."""
    while tok.i != head.i and tok.head.i != tok.i:
        tok = tok.head
    return tok.i == head.i
