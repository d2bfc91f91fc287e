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
from functools import lru_cache

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
) | frozenset(  # abbreviations the tokenizer keeps whole (pipeline.TITLE_ABBREVIATIONS), with their period only:
    # "SEC" or "Det" alone is no title
    "amb. atty. brig. capts. cmdr. cols. cpl. det. fr. gens. lts. msgr. pvt. reps. sec. sens. sgts. spc. supt.".split()
)

# Nouns of a role or trade that newsrooms put before a name like a title but that are no office ('Billionaire
# Donald Trump', 'Rapper Kanye West', 'Pastor Darrell Scott'): cut off the front of a name of two words or more
# (index/nlp/entity_spans.py), as are other words that the article itself uses as common words.
ROLE_NOUNS = frozenset(
    """
    billionaire millionaire businessman businesswoman mogul tycoon magnate investor entrepreneur developer
    celebrity celebrities actor actress singer rapper musician comedian filmmaker producer pundit columnist
    commentator blogger journalist activist author novelist pastor preacher evangelist moderator philanthropist
    socialite billionaires
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
MALE_TITLES = frozenset({"mr", "sir", "king", "prince", "lord", "father", "brother"})
# Titles in '-man' that newsrooms also give women ('Trump spokesman Hope Hicks', 'the chairman, Dahlys
# Hamilton'): a man's only when the first name says nothing else.
GENERIC_MALE_TITLES = frozenset({"spokesman", "chairman", "congressman", "councilman"})

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
# Offices that never stand inside a person's name, only before it (unlike 'King', 'Prince' or 'Justice': 'Billie
# Jean King').
MID_NAME_OFFICES = frozenset("""
    sheriff capt captain chief mayor governor gov senator sen rep congressman congresswoman judge gen general
    president director minister commissioner prosecutor secretary spokesman spokeswoman spokesperson ambassador
    chairman chairwoman detective det sgt sergeant lt lieutenant col colonel officer superintendent inspector ceo
    """.split())
LEADING_WORDS = frozenset({"neither", "either", "both", "even", "only", "nor"})
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w.'’-]*$", re.UNICODE)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
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
    # Drop leading title words and determiners ("the White House's Press Secretary"), and words that
    # open a sentence before a name ("Neither Cruz nor Christie", "Both Bolton and Gorka").
    while tokens and (_is_title_word(tokens[0]) or tokens[0].lower() in LEADING_WORDS):
        tokens.pop(0)
    # A place or office run into the name: the name is what follows the last office word before two more
    # words of a name ("Santa Rosa Sheriff Bob Johnson", "prosecutor Capt. Lorraine Sult")
    cut = max((i + 1 for i, t in enumerate(tokens[:-2]) if t.lower().rstrip(".") in MID_NAME_OFFICES), default=0)
    if cut and len(_core_tokens(" ".join(tokens[cut:]))) >= 2:
        tokens = tokens[cut:]
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


_GENERATION = re.compile(r"(?i)(?:jr|sr|ii|iii|iv)\.?")


def core_tokens(name: str) -> list[str]:
    """Folded tokens that identify a person: no initials, no particles ("al-Assad" -> "assad")."""
    return list(_core_tokens(name))


@lru_cache(maxsize=65536)
def _core_tokens(name: str) -> tuple[str, ...]:
    out = []
    for k, tok in enumerate(name_tokens(name)):
        if is_initial(tok) or k and _GENERATION.fullmatch(tok):  # "Brent Bozell III" is "brent bozell"
            continue
        for part in re.split(r"[-'’]", tok):
            folded = fold_token(part)
            if folded and folded not in PARTICLES:
                out.append(folded)
    return tuple(out)


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


# Last words of a name that make it a place, building, outlet or body, never a person ("Ponte Vedra
# Beach", "Trump Tower", "Orlando Sentinel", "Vermont Edition", "Bellwether County"), unless a first
# name opens it ("John Tower"). Common surnames (Hall, Park, Church, House, Post) are left out.
NON_PERSON_HEADS = frozenset(
    """
    county city town village beach island tower building center centre square street avenue airport
    station school college university sentinel tribune gazette herald times news journal magazine
    network edition show podcast message week committee foundation institute
    """.split()
)
# Media that the model tags as persons ("Trump blamed local officials on Twitter").
MEDIA_NAMES = frozenset({"twitter", "facebook", "instagram", "youtube", "snapchat", "reddit", "google",
                         "tumblr", "periscope", "network"})
# First words of multi-word place names ("South Carolina", "New York City", "North Korea").
PLACE_FIRST_WORDS = frozenset({"north", "south", "east", "west", "new", "san", "los", "las", "fort", "port",
                               "lake", "mount"})


def names_no_person(name: str) -> bool:
    """A name the model called a person that cannot be one: a place, building, outlet or medium."""
    words = [w.lower().strip(".") for w in name.split()]
    if not words:
        return False
    if len(words) == 1:
        return words[0] in MEDIA_NAMES
    if any(_POSSESSIVE.search(w) for w in words[:-1]):  # "Trump’s Indiana" names what is Trump's
        return True
    if words[0] in PLACE_FIRST_WORDS:
        return True
    return words[-1] in NON_PERSON_HEADS and fold_token(words[0]) not in _MALE_FIRST_NAMES | _FEMALE_FIRST_NAMES


def looks_female(title_words: set[str], name: str) -> bool | None:
    """Weak evidence of gender from titles and name endings, for pronoun resolution only.
    Returns True, False or None (unknown)."""
    if title_words & FEMALE_TITLES:
        return True
    if title_words & MALE_TITLES:
        return False
    tokens = core_tokens(name)
    if tokens and len(tokens) > 1 and tokens[0] in _FEMALE_FIRST_NAMES:
        return True
    if title_words & GENERIC_MALE_TITLES:
        return False
    if tokens and len(tokens) > 1 and tokens[0] in _MALE_FIRST_NAMES:
        return False
    if tokens and re.search(r"(ova|eva|skaya)$", tokens[-1]):  # Russian feminine surnames
        return True
    return None


# First names that tell no gender (and "Terri" folds to "Terry"): Lindsey Graham, Terry McAuliffe,
# Dana Rohrabacher and Kelly Armstrong are men; a pronoun after them must not be refused.
UNISEX_FIRST_NAMES = "Terri Terry Lindsey Lindsay Jean Dana Leslie Robin Jody Jodi Jackie Shannon Lynn Kelly"

_FEMALE_FIRST_NAMES = frozenset(
    fold_token(n)
    for n in """
        Maria Mary Anna Anne Ann Hillary Angela Theresa Nancy Elizabeth Susan Samantha Victoria Jen
        Jennifer Sarah Sara Nikki Kamala Condoleezza Madeleine Catherine Kate Emily Emma Olga
        Natalia Elena Irina Tatiana Svetlana Yulia Julia Marine Federica Christine Ursula Jacinda
        Michelle Melania Ivanka Laura Linda Barbara Patricia Karen Lisa Betsy Kellyanne Heather Jill
        Nicola Liz Kristi Betina Marie Sophie Ilhan Alexandria Elise Lindsey Dianne Kirsten Amy
        Tammy Debbie Lauren Megan Abigail Alice Alicia Allison Amanda Andrea Angelina Anita Annie
        Ashley Audrey Beatrice Becky Betty Beverly Bonnie Brenda Brittany Brooke Carla Carly Carmen
        Carol Caroline Carolyn Cassandra Cecilia Charlotte Cheryl Christina Cindy Claire Claudia
        Colleen Connie Courtney Cynthia Dana Danielle Deborah Debra Denise Diana Diane Donna Doris
        Dorothy Edith Eileen Eleanor Elaine Elisabeth Eliza Ella Ellen Erica Erin Esther Eva Evelyn
        Felicia Fiona Frances Gabrielle Gail Gina Gloria Grace Gwen Hannah Harriet Hayley Haley
        Helen Holly Hope Ilana Irene Isabel Jackie Jacqueline Jade Jane Janet Janice Jasmine Jean
        Jeanne Jenna Jenny Jessica Joan Joanna Joanne Jodi Josephine Joy Joyce Judith Judy Julie
        June Katherine Kathleen Kathryn Kathy Katie Katrina Kayla Kelly Kimberly Kristen Kristin
        Krystal Lara Laurie Leah Leslie Lillian Lily Lindsay Lois Loretta Lori Louise Lucy Lydia
        Lynn Madison Maggie Mara Marcia Margaret Marianne Marilyn Marjorie Marsha Martha Maureen
        Maxine Meghan Melanie Melissa Meredith Mia Michele Mildred Mindy Miriam Molly Monica Nadia
        Naomi Natalie Nicole Nina Nora Olivia Paige Pamela Paula Pauline Peggy Penny Phyllis
        Priscilla Rachel Rebecca Regina Renee Rita Roberta Robin Rosa Rose Rosemary Ruth Sabrina
        Sally Sandra Sandy Shannon Sharon Sheila Shelby Shirley Sonia Stacy Stephanie Suzanne Sylvia
        Tamara Tanya Tara Teresa Terri Tiffany Tina Tracy Valerie Vanessa Vera Veronica Virginia
        Wanda Wendy Whitney Yvonne Zoe Huma Kirstjen Ivana Tulsi Ayanna Rashida Stacey Gretchen
        Megyn Mika Katy Susana
    """.split()
) - {fold_token(n) for n in UNISEX_FIRST_NAMES.split()}
_MALE_FIRST_NAMES = frozenset(
    fold_token(n)
    for n in """
        John Barack Donald Joe Joseph Vladimir Sergei Sergey Ashton Josh Mikhail Bashar Dmitry Boris
        Mike Michael George William Bill James Robert David Richard Charles Thomas Mark Paul Steven
        Kevin Brian Jeb Ted Marco Bernie Rand Mitch Chuck Rex Jim Tony Benjamin Recep Emmanuel
        François Francois Hassan Ali Ahmed Mohammed Muhammad Abdullah Xi Kim Shinzo Justin Nicolas
        Nicolás Anton Alexei Alexander Aleksandr Ivan Pavel Viktor Petro Volodymyr Arseniy Yuri Igor
        Andrei Peter Aaron Adam Adrian Alan Albert Alex Alfred Allen Andrew Andy Anthony Arthur
        Austin Barry Ben Bernard Billy Bob Bobby Brad Bradley Brandon Brent Brett Bruce Bryan Carl
        Carlos Chad Charlie Chris Christian Christopher Clarence Clark Clint Cody Colin Craig Curtis
        Dale Dan Daniel Danny Darrell Darren Dave Dean Dennis Derek Devin Dick Don Doug Douglas
        Dustin Dwight Dylan Dylann Earl Ed Eddie Edward Edwin Elijah Eric Ernest Eugene Evan Frank
        Fred Frederick Gabriel Gary Gene Gerald Glenn Gordon Grant Greg Gregory Harold Harry Henry
        Herbert Howard Hugh Ian Isaac Jack Jacob Jake Jamal Jared Jason Jay Jeff Jeffrey Jeremy
        Jerome Jerry Jesse Jimmy Joel Johnny Jon Jonathan Jordan Jose Joshua Juan Keith Ken Kenneth
        Kent Kirk Kyle Larry Lawrence Lee Leon Leonard Lewis Lloyd Louis Luke Lyndon Malcolm Marcus
        Mario Martin Marvin Matt Matthew Max Mitt Nathan Neil Nicholas Nick Noah Norman Oliver Omar
        Oscar Patrick Pete Phil Philip Ralph Randy Ray Raymond Reince Rick Rob Rod Rodney Roger Ron
        Ronald Roy Russell Ryan Sam Samuel Scott Sean Sergio Seth Shawn Sheldon Stanley Stephen
        Steve Stuart Terry Tim Timothy Todd Tom Tommy Travis Trey Troy Tyler Vernon Victor Vincent
        Walter Warren Wayne Wesley Wes Will Willie Zach Zachary Newt Rudy Hakeem Corey Raynard Orrin
        Lamar Rafael
    """.split()
) - {fold_token(n) for n in UNISEX_FIRST_NAMES.split()}


def is_female_first_name(token: str) -> bool:
    """A woman's first name the gender list knows ('Jane', 'Hillary')."""
    return fold_token(token) in _FEMALE_FIRST_NAMES


def is_male_first_name(token: str) -> bool:
    """A man's first name the gender list knows ('Bernie', 'Donald')."""
    return fold_token(token) in _MALE_FIRST_NAMES


def is_first_name(token: str) -> bool:
    """A first name the gender lists know ('Bill', 'Alicia', 'Will'), or one that tells no gender."""
    key = fold_token(token)
    return key in _MALE_FIRST_NAMES or key in _FEMALE_FIRST_NAMES or key in _UNISEX_KEYS


_UNISEX_KEYS = frozenset(fold_token(n) for n in UNISEX_FIRST_NAMES.split())
