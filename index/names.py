"""Name normalisation shared by indexing and querying.

Two jobs, kept deliberately small and free of spaCy so that `newsfind query` stays cheap:

* `clean_name()` turns a surface mention ("Mr. Lavrov's", "U.S. Secretary of State John Kerry")
  into the name itself ("Lavrov", "John Kerry").
* `fold_token()` maps spelling variants of one name to one matching key (Sergei/Sergey,
  Dmitry/Dmitriy/Dmitrii, Aleksandr/Alexander). It is used both for the index-wide canonical
  table and by the analyzer of the searchable entity fields, so `speaker:"Sergey Lavrov"` finds
  an article whose canonical speaker is "Sergei Lavrov".
"""

from __future__ import annotations

import re
import unicodedata

# Words that precede a name but are not part of it ("U.S. Secretary of State John Kerry",
# "the White House's Press Secretary Josh Earnest"). Lower-case, without the final dot.
TITLE_WORDS = frozenset(
    """
    mr mrs ms miss mx dr prof sir dame lord lady rev reverend father sister brother sen senator rep
    representative gov governor pres president vice secretary minister prime premier chancellor
    deputy assistant undersecretary under foreign defense defence state press spokesman spokeswoman
    spokesperson ambassador envoy general gen gen. lt lieutenant col colonel maj major capt captain
    adm admiral sgt sergeant commander chief justice judge attorney mayor king queen prince princess
    emperor pope cardinal bishop rabbi imam sheikh chairman chairwoman chair ceo director head
    leader official officials aide adviser advisor counselor spokesmen analyst professor economist
    correspondent reporter editor host anchor commissioner inspector superintendent sheriff
    detective officer agent russian american u.s. us syrian british french german chinese iranian
    israeli ukrainian turkish bulgarian saudi iraqi afghan egyptian white house pentagon kremlin the
    of former late acting interim elect then top senior junior federal national interior treasury
    energy health labor education homeland security justice commerce agriculture transportation
    veterans affairs ministry department office house congressman congresswoman councilman
    councilwoman legislator lawmaker candidate nominee presidential first lady emir crown cabinet
    member party speaker majority minority whip leader incumbent hon honorable excellency his her
    """.split()
)

# Titles dropped from person names when searching: `speaker:"President Putin"` is `speaker:Putin`.
HONORIFICS = frozenset(
    """
    mr mrs ms miss mx dr prof sir dame lord lady rev sen senator rep gov governor president pres
    vice secretary minister prime premier chancellor deputy ambassador general gen lt col maj capt
    adm sgt judge justice mayor king queen prince princess pope cardinal bishop rabbi imam sheikh
    chairman chairwoman spokesman spokeswoman spokesperson ceo director
    """.split()
)

# Offices that, at the end of a capitalised run, show it is a title ("XM Vice President").
TRAILING_TITLES = frozenset(
    """
    president secretary minister spokesman spokeswoman spokesperson director chairman chairwoman ceo
    senator governor official adviser advisor aide ambassador commissioner
    """.split()
)

# Honorifics that say something about gender; used only to resolve "he"/"she".
FEMALE_TITLES = frozenset({"mrs", "ms", "miss", "madam", "madame", "spokeswoman", "chairwoman",
                           "congresswoman", "councilwoman", "queen", "princess", "lady", "dame",
                           "sister"})
MALE_TITLES = frozenset({"mr", "sir", "spokesman", "chairman", "congressman", "councilman", "king",
                         "prince", "lord", "father", "brother"})

# Name particles that are ignored when matching ("Bashar al-Assad" is "Bashar Assad").
PARTICLES = frozenset({"al", "el", "bin", "ibn", "abu", "de", "da", "di", "du", "van", "von", "der", "la",
                       "le"})

PRONOUNS = frozenset(
    """
    i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves who whom whose this
    that these those one someone somebody anyone anybody everyone everybody nobody none
    """.split()
)

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_TOKEN = re.compile(r"[^\W\d_](?:[\w.'’-]*[^\W_])?\.?|\d+", re.UNICODE)
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w.'’-]*$", re.UNICODE)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_token(token: str) -> str:
    """The matching key of one name token: lower case, no accents, common transliteration
    variants collapsed. Only ever compared with other folded tokens, never shown."""
    t = strip_accents(token).lower().strip(".'’")
    t = t.replace("’", "'")
    if not t:
        return t
    t = t.replace("ks", "x").replace("kh", "h").replace("ph", "f")
    if t.startswith("ye") and len(t) > 4:  # Yevgeny / Evgeny
        t = t[1:]
    t = re.sub(r"(?<=[a-z])(?:iy|ii|yi|y)$", "i", t)  # Dmitriy, Dmitrii, Dmitry, Sergey -> ...i
    t = re.sub(r"ei$", "i", t) if t.endswith("ei") and len(t) > 5 else t
    t = t.replace("j", "y") if t.startswith("ju") or t.startswith("ja") else t  # Juri/Yuri
    return t


def is_initial(token: str) -> bool:
    return bool(re.fullmatch(r"[^\W\d_]\.?", token))


def strip_possessive(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip())


def name_tokens(text: str) -> list[str]:
    """Split a name into its tokens, keeping hyphenated and dotted parts together."""
    return _TOKEN.findall(text)


def _is_title_word(token: str) -> bool:
    low = _POSSESSIVE.sub("", token.lower())
    return low in TITLE_WORDS or low.rstrip(".") in TITLE_WORDS


def clean_name(text: str) -> str:
    """The name part of a person mention, titles and possessives removed; '' if nothing is left.

    >>> clean_name("U.S. Secretary of State John Kerry's")
    'John Kerry'
    >>> clean_name("Mr. Lavrov")
    'Lavrov'
    """
    text = strip_possessive(re.sub(r"\s+", " ", text).strip(" ,;:/()[]\"“”'‘’—–-"))
    tokens = name_tokens(text)
    # Drop leading title words and determiners ("the White House's Press Secretary").
    while tokens and _is_title_word(tokens[0]):
        tokens.pop(0)
    # "Sirius XM Vice President": a trailing office makes it a title, not a name
    if tokens and tokens[-1].lower().rstrip(".") in TRAILING_TITLES:
        return ""
    if not tokens or not all(_NAME_TOKEN.match(t) for t in tokens):
        return ""
    return " ".join(tokens)


def display_name(name: str) -> str:
    """A person's display form: middle initials dropped ("Sergei V. Lavrov" -> "Sergei Lavrov")."""
    tokens = name_tokens(name)
    if len(tokens) > 2:
        tokens = [tokens[0]] + [t for t in tokens[1:-1] if not is_initial(t)] + [tokens[-1]]
    return " ".join(tokens)


def core_tokens(name: str) -> list[str]:
    """Folded tokens that identify a person: no initials, no particles ("al-Assad" -> "assad")."""
    out = []
    for tok in name_tokens(name):
        if is_initial(tok):
            continue
        for part in re.split(r"[-'’]", tok):
            folded = fold_token(part)
            if folded and folded not in PARTICLES:
                out.append(folded)
    return out


def person_key(name: str) -> str:
    """Index-wide key of a person: first and last core token ("Sergey V. Lavrov" -> "sergei lavrov")."""
    tokens = core_tokens(name)
    if not tokens:
        return ""
    if len(tokens) == 1:
        return tokens[0]
    return f"{tokens[0]} {tokens[-1]}"


def surname_key(name: str) -> str:
    tokens = core_tokens(name)
    return tokens[-1] if tokens else ""


def looks_female(title_words: set[str], name: str) -> bool | None:
    """Weak evidence of gender from titles and name endings, for pronoun resolution only.
    Returns True, False or None (unknown)."""
    if title_words & FEMALE_TITLES:
        return True
    if title_words & MALE_TITLES:
        return False
    tokens = core_tokens(name)
    if tokens and re.search(r"(ova|eva|ina|aya|skaya)$", tokens[-1]):
        return True
    if tokens and len(tokens) > 1 and tokens[0] in _FEMALE_FIRST_NAMES:
        return True
    if tokens and len(tokens) > 1 and tokens[0] in _MALE_FIRST_NAMES:
        return False
    return None


_FEMALE_FIRST_NAMES = frozenset(
    fold_token(n)
    for n in """
        Maria Mary Anna Anne Ann Hillary Angela Theresa Nancy Elizabeth Susan Samantha Victoria Jen
        Jennifer Sarah Sara Nikki Kamala Condoleezza Madeleine Catherine Kate Emily Emma Olga
        Natalia Elena Irina Tatiana Svetlana Yulia Julia Marine Federica Christine Ursula Jacinda
        Michelle Melania Ivanka Laura Linda Barbara Patricia Karen Lisa Betsy Kellyanne Heather Jill
        Nicola Liz Kristi Betina Marie Sophie Ilhan Alexandria Elise Lindsey Dianne Kirsten Amy
        Tammy Debbie Lauren Megan
    """.split()
)
_MALE_FIRST_NAMES = frozenset(
    fold_token(n)
    for n in """
        John Barack Donald Joe Joseph Vladimir Sergei Sergey Ashton Josh Mikhail Bashar Dmitry Boris
        Mike Michael George William Bill James Robert David Richard Charles Thomas Mark Paul Steven
        Kevin Brian Jeb Ted Marco Bernie Rand Mitch Chuck Rex Jim Tony Benjamin Recep Emmanuel
        François Francois Hassan Ali Ahmed Mohammed Muhammad Abdullah Xi Kim Shinzo Justin Nicolas
        Nicolás Anton Alexei Alexander Aleksandr Ivan Pavel Viktor Petro Volodymyr Arseniy Yuri Igor
        Andrei Peter
    """.split()
)
