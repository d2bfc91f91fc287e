"""Which token of the parse is the source of a speech verb.

The verb's subject (or, for a conjoined verb, its head's subject; for "who said", the noun the
relative clause hangs on; for a participle or gerund, the subject of the verb it hangs on); where
the parser lost it, the name right before the verb, across an apposition or a short aside ("Col.
Steven H. Warren, a military spokesman, said"; "Trump, in Kentucky, said"), or right after an
inverted verb ('“...,” said Richard L. Trumka'). Who that token names is `sources`' question.
"""

from __future__ import annotations

from newsfind.index.nlp.entities import PERSON_TITLE_NOUNS, Mention
from newsfind.index.nlp.names import TITLE_WORDS, clean_name
from newsfind.index.nlp.postags import is_proper_noun, is_verb
from newsfind.index.nlp.speakers.article import ParsedArticle
from newsfind.index.nlp.speakers.lexicon import GERUND_PREPOSITIONS, QUOTE_MARKS, STRONG

# Titles whose "of" phrase may end in the name of the one who holds them ('Speaker of the House Rep. Paul Ryan').
HOLDER_TITLES = TITLE_WORDS | {"speaker"}
# Tags of a finite verb: an aside that holds one is a clause ('Mr. Trump, asked about ..., had said').
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Dependencies of a name that is the object of a verb or preposition, not a subject set apart.
_OBJECTS = frozenset({"pobj", "dobj", "iobj", "dative", "poss", "attr", "conj", "oprd"})


class SubjectFinder:
    def __init__(self, article: ParsedArticle) -> None:
        self.doc, self.text, self.sentences = article.doc, article.text, article.sentences
        self.by_token, self.persons = article.by_token, article.persons

    def subject(self, verb):
        """The subject token of a speech verb, following conjunctions and relative clauses."""
        head, via = verb, ""
        for _ in range(4):
            # 'Saturday at the convention Sen. Elizabeth Warren (D-MA) said': a date is no subject
            subjects = [c for c in head.children if c.dep_ == "nsubj" and c.ent_type_ not in ("DATE", "TIME")] \
                or self.compound_subject(head)
            subj = self._pick_subject(head, subjects) if len(subjects) > 1 else (subjects[0] if subjects else None)
            if subj is not None:
                if subj.lower_ in ("who", "that") and head.dep_ == "relcl":
                    return head.head, "/relcl"
                return subj, via
            if head.dep_ == "conj" and head.head is not head:
                head, via = head.head, "/conj"
                continue
            if (head.dep_ == "advcl" and head.tag_ == "VBG" and head.head is not head
                    and (head.head.dep_ == "ROOT" or head.head.lower_ in STRONG)):  # "X urged ..., saying"
                head, via = head.head, "/participle"
                continue
            if head.dep_ == "pcomp" and head.tag_ == "VBG" and head.head.lower_ in GERUND_PREPOSITIONS \
                    and is_verb(head.head.head):  # 'soared in the polls by saying', 'before saying'
                head, via = head.head.head, "/gerund"
                continue
            if head.dep_ == "advcl" and head.tag_ == "VBG" and head is verb:
                # 'Clinton seemed ready to riff on it, telling the crowd, “...”': the participle hangs
                # under an infinitive; the main clause's subject speaks
                root = self._main_verb(head)
                if root is not None and root is not head.head:
                    head, via = root, "/participle"
                    continue
            return None, via
        return None, via

    def compound_subject(self, verb) -> list:
        """'“Go back to Univision,” Trump barked': the parser took the name right before the verb for a
        compound of it; that name is the subject."""
        before = self.doc[verb.i - 1] if verb.i > 0 else None
        if before is None or before.dep_ != "compound" or before.head.i != verb.i:
            return []
        mention = self.by_token.get(before.i)
        if mention is not None:
            return [before] if mention.kind == "person" else []
        known = is_proper_noun(before) and self.persons.resolve(clean_name(before.text) or before.text,
                                                                before.idx) is not None
        return [before] if known else []  # a name the model left untagged here but tagged elsewhere

    def _pick_subject(self, head, subjects: list):
        """The subject of `head` among several the parser gave it: an inverted one right after the verb
        ('... signals “the end” for the EU, said Geert Wilders'), else of those before the verb the last that
        names a person or organisation ('Tuesday in Berea, OH, after winning Ohio, Gov. John Kasich said'; 'Or
        maybe Jeb Bush, digital consultant Phil Musser says'), else the last, else the first."""
        inverted = next((c for c in subjects if c.left_edge.i == head.i + 1), None)
        if inverted is not None:
            return inverted
        before = [c for c in subjects if c.i < head.i]  # one line: a line break ends the sentence (pipeline)
        named = [c for c in before if (m := self.by_token.get(c.i)) is not None and m.kind in ("person", "org")]
        return named[-1] if named else before[-1] if before else subjects[0]

    def _main_verb(self, tok):
        """The verb that heads `tok` through open complements only (xcomp, acomp, advcl): the main
        clause of 'seemed ready to riff on it, telling ...'; None past any other clause."""
        head = tok.head
        while head.dep_ in ("xcomp", "acomp", "advcl") and head.head is not head:
            head = head.head
        return head if head.dep_ == "ROOT" else None

    def name_before(self, verb):
        """A person's name right before a speech verb the parse left without a subject ('her senior
        policy adviser, Jake Sullivan, said:' parsed as an apposition of an earlier noun)."""
        j = verb.i - 1
        start = self.sentences.of(verb.i).start
        while j >= start and (self.doc[j].text == "," or self.doc[j].tag_ == "RB"):
            j -= 1
        if j > start and self.doc[j].text == ")":  # 'Sen. Elizabeth Warren (D-MA) said'
            k = j - 1
            while k > max(start, j - 8) and self.doc[k].text != "(":
                k -= 1
            j = k - 1 if self.doc[k].text == "(" else j
        mention = self.by_token.get(j) if j >= start else None
        if (mention is None or mention.kind != "person") and j >= start and self.doc[verb.i - 1].text == ",":
            return self._apposition_owner(self.doc[j], start) or self._name_before_aside(verb.i - 1, start)
        if mention is None or mention.kind != "person" or mention.token_end != j + 1:
            return None
        if self.doc[j].dep_ in ("pobj", "dobj", "poss") and not self._after_line_break(mention) \
                and not _holds_title(self.doc[j]):
            return None  # 'a spokesman for Ryan, told'; but '... into the U.S.\nChris Christie added that'
        return self.doc[j]

    def _after_line_break(self, mention: Mention) -> bool:
        """Only whitespace with a line break stands between the mention and the text before it: the name
        opens its line, whatever the parse made of it."""
        j = mention.start
        while j > 0 and self.text[j - 1].isspace():
            j -= 1
        return j > 0 and "\n" in self.text[j:mention.start]

    def _name_before_aside(self, comma: int, start: int):
        """'Trump, in Kentucky, said': a person's name right before a short aside between commas that
        ends at `comma`, which the parse did not hang on the name ('Mr. Trump, asked about the deaths of
        journalists, had said'). An aside with a finite verb is a clause."""
        k = comma - 1
        while k >= start and comma - k <= 12 and self.doc[k].text != "," and self.doc[k].tag_ not in _FINITE:
            k -= 1
        if k <= start or k == comma - 1 or self.doc[k].text != ",":
            return None
        mention = self.by_token.get(k - 1)
        ok = mention is not None and mention.kind == "person" and mention.token_end == k
        return self.doc[k - 1] if ok else None

    def _apposition_owner(self, tok, start: int):
        """The person whose apposition ends at `tok`: 'Col. Steven H. Warren, a military spokesman in
        Baghdad, said' (the parse hung Warren on an earlier noun and left 'said' without a subject)."""
        through_apposition = False
        for _ in range(8):
            mention = self.by_token.get(tok.i)
            if mention is not None and mention.kind == "person":
                return self.doc[mention.token_end - 1] if through_apposition else None
            if tok.dep_ not in ("pobj", "prep", "appos", "compound", "amod") or not start <= tok.head.i < tok.i:
                return None
            through_apposition |= tok.dep_ == "appos"
            tok = tok.head
        return None

    def owner_of_role(self, subj):
        """'“...,” Deborah Tamargo, the chairwoman of Florida’s Hillsborough County GOP, recalled': the parse made
        the role the verb's subject and hung the name apart. The person named right before the role's phrase,
        set off by a comma, is the source; not a name the parse made an object ('After meeting Trump, the
        chairwoman said')."""
        comma = subj.left_edge.i - 1
        if subj.tag_ != "NN" or comma < 1 or self.doc[comma].text != ",":
            return None
        mention = self.by_token.get(comma - 1)
        if mention is None or mention.kind != "person" or mention.token_end != comma:
            return None
        name = self.doc[comma - 1]
        if name.dep_ in _OBJECTS or self.sentences.index_of(name.i) != self.sentences.index_of(subj.i):
            return None
        return name

    def inverted_over(self, verb, subj):
        """'Any “cleareyed” reading of his actions, said Michael Kofman, an expert on Russia, would read this
        as ...': the parse made the person after an inverted verb the subject of the clause that goes on, and
        gave the verb the noun before it. The person right after the verb speaks, unless the verb's subject
        already names someone (a person, an organisation or a pronoun)."""
        mention = self.by_token.get(subj.i)
        if subj.i > verb.i or subj.tag_ in ("PRP", "WP") or mention is not None and mention.kind in ("person", "org"):
            return None
        return self.name_after(verb)

    def name_after(self, verb):
        """'“...,” said Richard L. Trumka, president of the A.F.L.-C.I.O.' when the parse (run across a
        paragraph break) left the verb without a subject: a person named right after an inverted
        verb that follows a quote or a comma; title words may stand between."""
        if verb.i == self.sentences.of(verb.i).start or self.doc[verb.i - 1].text not in QUOTE_MARKS | {","}:
            return None
        for j in range(verb.i + 1, min(verb.i + 6, len(self.doc))):
            mention = self.by_token.get(j)
            if mention is not None:
                return self.doc[mention.token_end - 1] if mention.kind == "person" else None
            tok = self.doc[j]
            if not (tok.text[:1].isupper() or tok.lower_.rstrip(".") in PERSON_TITLE_NOUNS):
                return None
        return None


def capitalised_title(tok) -> bool:
    """A title written with a capital ('Speaker', 'Secretary'): its "of" phrase may end in its holder's name."""
    return tok.text[:1].isupper() and tok.lower_.rstrip(".") in HOLDER_TITLES


def _holds_title(tok) -> bool:
    """`tok` ends the name after a capitalised title's "of" ('Speaker of the House Rep. Paul Ryan (R-WI) said',
    parsed as the object of "of"): the name holds the title, it does not hang on another's."""
    return tok.dep_ == "pobj" and tok.head.lower_ == "of" and capitalised_title(tok.head.head)
