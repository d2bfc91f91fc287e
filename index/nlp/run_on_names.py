"""Two people's names run together in one person mention, split into the persons they name.

A headline list loses its separators ('... suspend Trump Krystal Ball on Yang's haul', 'Speaker Paul Ryan Paul
Davis'), a comma goes ('over Sanders Elizabeth Warren holds'), or the model joins two PERSON spans: one mention
then names two people. It is split where its front is the article's person (the surname of another person
mention that is no first name, 'Trump'; or a first name and such a surname, 'Paul Ryan') and its back is a name
of its own (a first name and a surname, 'Krystal Ball', or another mention's name). A front that is a place or
organisation ('Ambassador to Israel Dan Shapiro' where Steve Israel is in the article too) goes, and the back is
the person. Real names of that shape stay: a first word that is a first name ('Lee Harvey Oswald' beside Mike
Lee), a back of one word ('Huckabee Sanders', 'Jackson Lee', 'Carter Page' beside Jimmy Carter), or a name the
article writes whole elsewhere.

The opposite cut is mended too (`join_cut_names`): the model tags 'Rep. Sheila Jackson Lee' as two persons, 'Sheila
Jackson' and 'Lee'; two person mentions side by side are one where the article writes the joined name elsewhere
('Sheila Jackson Lee'), calls the person by the first's surname and the second together ('Jackson Lee said'), or
by the second alone where it is no other person's surname there ('Lee said').
"""

from __future__ import annotations

from newsfind.index.nlp.canonical import known_kind
from newsfind.index.nlp.entity_names import person_name
from newsfind.index.nlp.names import is_first_name


def _split_point(doc, m, names: set[str], surnames: set[str], proper: set[str]) -> tuple[int, bool] | None:
    """Where mention `m` splits, and whether its front is a person (else a place or organisation), or None."""
    for k in range(m.token_start + 1, m.token_end - 1):
        front, back = doc[m.token_start:k], doc[k:m.token_end]
        if any(not (t.is_title or t.is_upper) for t in front) or not back[0].is_title:
            continue
        back_name = person_name(back.text)
        if not back_name or len(back_name.split()) < 2 or not (is_first_name(back[0].text) or back_name in names):
            continue
        if len(front) == 1:
            word = front[0].text
            if word not in surnames or is_first_name(word):
                continue
            return k, not (known_kind(word) in ("place", "org") or word in proper and word not in names)
        front_name = person_name(front.text)
        if front_name in names or (front_name and is_first_name(front[0].text) and front[-1].text in surnames):
            return k, True
    return None


def split_run_on_names(doc, mentions: list, make) -> None:
    """Person mentions of two names run together, replaced by one mention per name (`make(m, start, end, titled)`: a
    mention like `m` over tokens start..end, with `m`'s titles if `titled`)."""
    persons = [m for m in mentions if m.kind == "person"]
    if len(persons) < 2:
        return
    proper = {m.name for m in mentions if m.kind != "person"}
    out = []
    for m in mentions:
        if m.kind != "person" or m.token_end - m.token_start < 3:
            out.append(m)
            continue
        others = [o for o in persons if o.token_end <= m.token_start or o.token_start >= m.token_end]
        names = {o.name for o in others}
        if m.name in names or any(m.name in o.name for o in others):
            out.append(m)
            continue
        point = _split_point(doc, m, names, {o.name.split()[-1] for o in others}, proper)
        if point is None:
            out.append(m)
            continue
        k, front_is_person = point
        # the titles before the mention are the front's ('Speaker Paul Ryan'), or the back's where the front is a
        # place ('Ambassador to Israel Dan Shapiro')
        parts = [make(m, m.token_start, k, True), make(m, k, m.token_end, False)] if front_is_person else \
            [make(m, k, m.token_end, True)]
        out.extend(p for p in parts if p is not None)
    mentions[:] = out


def join_cut_names(doc, mentions: list, make) -> None:
    """Two person mentions side by side (one space between, 'Sheila Jackson' 'Lee'), replaced by one mention over
    both (`make(m, start, end, titled)`, as in `split_run_on_names`) where the article names that person so elsewhere:
    the joined name, the first's last word and the second as one mention ('Jackson Lee'), or the second alone."""
    persons = sorted((m for m in mentions if m.kind == "person"), key=lambda m: m.token_start)
    joined: dict[int, object] = {}  # id of the first of a pair -> the mention over both
    dropped: set[int] = set()
    for first, second in zip(persons, persons[1:], strict=False):
        if (first.token_end != second.token_start or id(first) in dropped
                or doc[first.token_end - 1].whitespace_ != " " or doc[first.token_end - 1].is_punct
                or doc[first.token_end - 1].tag_ == "POS"):  # "Steve Bannon's Breitbart"
            continue
        whole = make(first, first.token_start, second.token_end, True)
        if whole is None or len(whole.name.split()) < 3:
            continue
        tail = f"{first.name.split()[-1]} {second.name}"
        others = [o for o in persons if o is not first and o is not second]
        if any(o.name in (whole.name, tail) for o in others) or _called_by_the_second(second.name, others):
            joined[id(first)] = whole
            dropped.add(id(second))
    if joined:
        mentions[:] = [joined.get(id(m), m) for m in mentions if id(m) not in dropped]


def _called_by_the_second(name: str, others: list) -> bool:
    """The article calls the person by the second mention's one word alone ('Lee said'), and that word is no
    other person's surname there ('Sanders' beside Bernie Sanders: 'Hillary Clinton Sanders' is two people)."""
    return (" " not in name and any(o.name == name for o in others)
            and not any(o.name.endswith(" " + name) for o in others))
