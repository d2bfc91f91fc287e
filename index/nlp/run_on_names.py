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
