"""Who the source token of a speech event names: a person or organisation, the speaker of a quote.

* a named subject is its mention's canonical value; "he"/"she" is resolved by `pronouns`;
* a noun subject ("a statement released by the State Department", "the spokeswoman, Maria
  Zakharova,") is followed to the name it names; an unnamed one ("a senior official") still
  claims its quote, so the quote is never handed to somebody else;
* a proper noun the model did not tag is a person when the article names that person elsewhere or a
  person title stands in its phrase ("Press Secretary Josh Earnest");
* a coordinated named subject ("Ted Cruz and Marco Rubio said") gives every conjoined person named in
  full (or named in full elsewhere in the article) as a speaker too; its quotes go to the first;
  a group that lists its members ("Several senators, including John McCain and Kelly Ayotte,")
  speaks through them.
"""

from __future__ import annotations

from newsfind.index.nlp.entities import PERSON_TITLE_NOUNS, Mention
from newsfind.index.nlp.names import TITLE_WORDS, clean_name, core_tokens, names_no_person, person_key
from newsfind.index.nlp.postags import is_noun, is_proper_noun
from newsfind.index.nlp.speakers.article import ParsedArticle
from newsfind.index.nlp.speakers.lexicon import PERSON_PRONOUNS, STATEMENT_NOUNS
from newsfind.index.nlp.speakers.pronouns import PronounResolver
from newsfind.index.nlp.speakers.subjects import capitalised_title


class SourceFinder:
    def __init__(self, article: ParsedArticle, pronouns: PronounResolver) -> None:
        self.doc, self.mentions, self.by_token = article.doc, article.mentions, article.by_token
        self.persons, self.table = article.persons, article.table
        self.pronouns = pronouns
        self._lower_words = article.lower_words
        self._tagged_persons = {person_key(n): n for n in {m.name for m in self.mentions if m.kind == "person"}}

    def source(self, tok, allow_object_pronoun: bool = False):
        """(speaker, speaker_type, rule, confidence) for the token that is the source."""
        low = tok.lower_
        if low in PERSON_PRONOUNS and (allow_object_pronoun or low in ("he", "she")):
            person = self.pronouns.resolve(tok)
            if person is None:
                return None, None, "pronoun-unresolved", 0.0
            if tok.i in self.pronouns.tentative:  # the quote goes to that person; the speaker facet waits for more
                return person, "person", "pronoun-mentioned", 0.5
            return person, "person", "pronoun", 0.8
        mention = self.by_token.get(tok.i)
        if mention is not None and mention.kind in ("person", "org"):
            return mention.canonical, mention.kind, "named", 0.95
        found = self._name_in_phrase(tok)
        if found is not None:
            return found.canonical, found.kind, "phrase", 0.85
        named = self._unlabelled_name(tok)
        if named is not None:
            return named, "person", "parse-name", 0.75
        return None, None, "unnamed", 0.0

    def source_with_co_speakers(self, subj):
        """(speaker, speaker_type, rule, confidence, co_speakers) of a subject token; a group subject
        that names its members speaks through them ('Other candidates, including Mitt Romney and Ben
        Carson, said': Romney, with Carson as co-speaker)."""
        speaker, kind, rule, conf = self.source(subj)
        co_speakers = self._co_speakers(subj, speaker, kind, rule)
        if rule == "unnamed" and (members := self._named_members(subj)):
            speaker, kind, rule, conf, co_speakers = members[0], "person", "member", 0.8, tuple(members[1:])
        return speaker, kind, rule, conf, co_speakers

    def _co_speakers(self, subj, speaker: str | None, kind: str | None, rule: str) -> tuple[str, ...]:
        """The other persons of a coordinated source: 'he and Mr. Allen said' (Allen too); 'the two
        leading Republicans, Donald J. Trump and Senator Ted Cruz, criticized' (the apposition's conjuncts)."""
        if kind != "person":
            return ()
        if rule in ("named", "pronoun"):
            return self._coordinated_persons(subj, speaker)
        if rule == "phrase":
            found = self._name_in_phrase(subj)
            if found is not None:
                return self._coordinated_persons(self.doc[found.token_end - 1], speaker)
        return ()

    def _named_members(self, subj) -> list[str]:
        """The persons a group subject lists as its members with 'including': 'Several senators, including
        John McCain and Kelly Ayotte, denounced'; or with 'like' or 'such as' set off by a comma ('Other
        Republicans, like Richard Armitage and Henry Paulson, have said'; without the comma 'like' compares as
        often as it lists: 'politicians like Marine Le Pen'). Each must be named in full (or in full elsewhere in
        the article)."""
        for prep in subj.children:
            if prep.dep_ != "prep" or not (prep.lower_ == "including" or self._listing(prep)):
                continue
            for pobj in prep.children:
                mention = self.by_token.get(pobj.i)
                if pobj.dep_ != "pobj" or mention is None or mention.kind != "person" or not mention.canonical \
                        or names_no_person(mention.canonical):
                    continue
                full = len(core_tokens(mention.name)) >= 2
                if full or self.persons.resolve(mention.name, mention.start) is not None:
                    return [mention.canonical, *self._coordinated_persons(pobj, mention.canonical)]
        return []

    def _listing(self, prep) -> bool:
        """', like' or ', such as' opening a list of members."""
        before = self.doc[prep.i - 1] if prep.i > 0 else None
        if prep.lower_ == "as" and before is not None and before.lower_ == "such":
            before = self.doc[prep.i - 2] if prep.i > 1 else None
        elif prep.lower_ != "like":
            return False
        return before is not None and before.text == ","

    def _conjuncts(self, tok) -> list:
        """The conjuncts of `tok`, also those the parser hung on the place of its 'of'/'from' phrase
        ('Sens. Johnny Isakson of Georgia and John Boozman of Arkansas': Boozman is a conjunct of Georgia)."""
        out = [c for c in tok.children if c.dep_ == "conj"]
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "from"):
                for pobj in prep.children:
                    place = self.by_token.get(pobj.i)
                    if pobj.dep_ == "pobj" and (place is not None and place.kind == "place" or pobj.ent_type_ == "GPE"):
                        out.extend(c for c in pobj.children if c.dep_ == "conj")
        for appos in tok.children:  # 'Felicia Wong, president of X, and Stan Greenberg': a conjunct of the apposition
            if appos.dep_ == "appos" and (self.by_token.get(appos.i) is None
                                          or self.by_token[appos.i].kind != "person"):
                out.extend(c for c in appos.children if c.dep_ == "conj" and self._person_at(c))
        return out

    def _coordinated_persons(self, subj, speaker: str) -> tuple[str, ...]:
        """The other persons of a coordinated subject ('Ted Cruz and Marco Rubio said', 'Sanders, Clinton
        and Martin O’Malley told'): each conjunct must be a person named in full (first and last name) or
        a person the article names in full elsewhere; an 'or'/'nor' coordination ('Neither Cruz nor Rubio
        said') names nobody who spoke."""
        out: list[str] = []
        stack = self._conjuncts(subj)
        if not stack:
            return ()
        seen = [subj]
        while stack:
            tok = stack.pop(0)
            seen.append(tok)
            stack.extend(self._conjuncts(tok))
            mention = self.by_token.get(tok.i)
            if mention is None or mention.kind != "person" or not mention.canonical:
                continue
            full = len(core_tokens(mention.name)) >= 2 or self.persons.resolve(mention.name, mention.start) is not None
            if full and mention.canonical != speaker and mention.canonical not in out \
                    and not names_no_person(mention.canonical):
                out.append(mention.canonical)
        if any(c.dep_ in ("cc", "preconj") and c.lower_ in ("or", "nor", "either", "neither")
               for t in seen for c in t.children):
            return ()
        return tuple(out)

    def _name_in_phrase(self, tok) -> Mention | None:
        """A person or organisation named by apposition or agent inside a noun-subject phrase:
        "the spokeswoman, Maria Zakharova," / "a statement released by the State Department" / "Speaker of
        the House Rep. Dale Morrow", where the parser hangs the name on "of" of a capitalised title."""
        if not is_noun(tok) or tok.lower_ not in STATEMENT_NOUNS and not is_proper_noun(tok) and \
                not any(c.dep_ == "appos" for c in tok.children):
            return None
        stack = [tok]
        while stack:
            t = stack.pop()
            mention = self.by_token.get(t.i)
            if mention is not None and mention.kind in ("person", "org") and t is not tok:
                return mention
            for c in t.children:
                if c.dep_ in ("appos", "compound", "flat", "acl", "agent") or (
                        c.dep_ == "pobj" and t.lower_ in ("by", "of")) or (
                        c.dep_ == "prep" and c.lower_ == "of" and capitalised_title(t)):
                    if c.dep_ == "compound" and not self._names_person(t) and self._person_at(c):
                        continue  # "a senior Obama administration official", "Former Clinton Pollster Says"
                    stack.append(c)
        return None

    def _names_person(self, tok) -> bool:
        """`tok` is part of a person's name: a person mention, or a proper noun outside any mention that is no
        word of a headline in title case ('Former Clinton Pollster Says')."""
        mention = self.by_token.get(tok.i)
        if mention is not None:
            return mention.kind == "person"
        return is_proper_noun(tok) and tok.lower_ not in self._lower_words

    def _person_at(self, tok) -> bool:
        """A person's name in the phrase under `tok` (which modifies a common noun)."""
        return any((m := self.by_token.get(t.i)) is not None and m.kind == "person" for t in tok.subtree)

    def _unlabelled_name(self, tok) -> str | None:
        """A proper-noun subject the model did not tag, taken as a person when the article names
        that person elsewhere or a person title stands in its phrase ("Press Secretary Josh Earnest")."""
        if not is_noun(tok) or not tok.text[:1].isupper():
            return None
        proper = is_proper_noun(tok)  # a capitalised NOUN ("Sanders" tagged NNS) must be a known person
        phrase = sorted([c for c in tok.children if c.dep_ in ("compound", "flat")] + [tok], key=lambda t: t.i)
        start = phrase[0].i
        words = [t.text for t in self.doc[start:tok.i + 1]]
        titles = {w.lower().rstrip(".") for w in words} & (PERSON_TITLE_NOUNS | TITLE_WORDS)
        name = clean_name(" ".join(words))
        if not name:
            return None
        full = self.persons.resolve(name, self.doc[start].idx)
        if full is None and proper and person_key(name) in self._tagged_persons:
            full = self._tagged_persons[person_key(name)]  # 'Maddow said', tagged PERSON elsewhere only
        if full is None and (not proper or not titles & PERSON_TITLE_NOUNS):
            return None
        if full is None:
            full = name
            self.persons.add(name, self.doc[start].idx)
        canonical = self.table.person(full)
        span = self.doc[start:tok.i + 1]
        self.mentions.append(Mention("person", name, span.start_char, span.end_char, start, tok.i + 1,
                                     "PARSE", titles, canonical))
        for i in range(start, tok.i + 1):
            self.by_token[i] = self.mentions[-1]
        return canonical
