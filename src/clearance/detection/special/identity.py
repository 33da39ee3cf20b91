"""ETHNIC_ORIGIN and SEXUAL_ORIENTATION: statements of who a person is.

"Chinese food", "a black dress", "as an Italian brand", "gay pride parade tickets", "an LGBTQ
ally", "straight-leg jeans" reveal nothing about a person. A term must follow "I'm", "as a",
"being", "my <relative>" or "came out as"; colour words (black, white, brown) need a person noun
("as a Black woman") or a capital ("I'm Black"); a nationality after "as a" needs a person noun
or the end of the clause ("as an Italian, I..." but not "as an Italian company").
"""

from __future__ import annotations

from clearance.detection.special._rule import (
    AS_A,
    BE,
    PERSON,
    REL,
    STRICT_END,
    alt,
    special,
    stated,
)

_EMOD = (
    r"(?:a|an|half|part|mixed|ethnically|racially|proudly|fully|first[\s-]+generation"
    r"|second[\s-]+generation|third[\s-]+generation|british[\s-]+born|american[\s-]+born|proud)"
)
ETHNIC = (
    "african american", "afro caribbean", "afro latin[ao]", "afro american", "black british",
    "black african", "black caribbean", "white british", "white irish", "latino", "latina",
    "latinx", "hispanic", "caucasian", "asian", "south asian", "east asian", "southeast asian",
    "biracial", "multiracial", "mixed race", "mixed heritage", "indigenous", "native american",
    "first nations", "aboriginal", "torres strait islander", "inuit", "maori", "pacific islander",
    "roma", "romani", "romany", "gypsy", "irish traveller", "arab", "kurdish", "amazigh",
    "somali", "nigerian", "ghanaian", "kenyan", "ethiopian", "eritrean", "jamaican", "haitian",
    "trinidadian", "pakistani", "bangladeshi", "indian", "punjabi", "tamil", "gujarati",
    "sri lankan", "nepali", "chinese", "korean", "japanese", "vietnamese", "filipino",
    "filipina", "thai", "indonesian", "malaysian", "mexican", "puerto rican", "cuban",
    "dominican", "colombian", "brazilian", "peruvian", "turkish", "iranian", "persian", "iraqi",
    "syrian", "lebanese", "palestinian", "israeli", "egyptian", "moroccan", "algerian", "afghan",
    "polish", "romanian", "bulgarian", "ukrainian", "russian", "greek", "italian", "irish",
    "scottish", "welsh", "english", "british", "french", "german", "spanish", "portuguese",
    "dutch", "swedish", "norwegian", "hungarian", "albanian", "serbian", "croatian", "bosnian",
    "armenian", "cherokee", "navajo", "hmong", "uyghur", "berber", "yoruba", "igbo", "zulu",
)  # fmt: skip
_HYPHENATED = r"(?:[\s-]+(?:american|british|canadian|australian))?"
_COLOUR = ("black", "white", "brown", "(?-i:Black)")
_ORIGIN = (
    r"(?:descent|origin|heritage|ancestry|extraction|background|roots|parents|immigrants"
    r"|parentage|family|grandparents)"
)
_KIN = (
    rf"(?:roots|heritage|ancestry|background|descent|ancestors|culture|{REL}|grandmother"
    r"|grandfather|grandparents|great[\s-]+grandmother|great[\s-]+grandfather)"
)

_ETH = alt(ETHNIC)
_ETHNIC = special(
    "ethnic-origin",
    "ETHNIC_ORIGIN",
    (
        stated(rf"(?:{BE}|being)", rf"{_ETH}{_HYPHENATED}", _EMOD),
        stated(AS_A, rf"{_ETH}{_HYPHENATED}", _EMOD, STRICT_END),
        stated(rf"(?:{BE}|{AS_A})", rf"(?:{_ETH}{_HYPHENATED}|{alt(_COLOUR)})\s+{PERSON}", _EMOD),
        stated(rf"(?:{BE}|being)", r"(?-i:Black)", _EMOD),
        stated(
            rf"(?:{BE}|born\s+to|(?:i|we)\s+come\s+from)(?:\s+(?:of|a|an|mixed|partly|part))*",
            rf"{_ETH}\s+{_ORIGIN}",
        ),
        stated(r"(?:my|our)", rf"{_ETH}{_HYPHENATED}\s+{_KIN}", r"(?:own|proud|late|dear)"),
    ),
    positives=(
        "as a Black woman I struggle to find this shade",
        "I'm Korean-American and the sizing runs small",
        "being Mexican, I know real salsa",
        "I'm of Nigerian descent and loved the print",
        "my Italian grandmother would approve",
        "as an Asian man the fit was perfect",
        "I'm mixed race and this foundation matches",
    ),
    negatives=(
        "Chinese food delivered cold",
        "a black dress in size 10",
        "as an Italian brand we ship worldwide",
        "products of Italian origin",
        "I'm a black belt in karate",
        "my English is not perfect",
        "white wine glasses",
        "the Asian market on 5th street",
    ),
    terms=(ETHNIC, _COLOUR),
    description="A person's racial or ethnic (national) origin (Art. 9).",
)

ORIENTATION = (
    "gay", "lesbian", "bisexual", "pansexual", "asexual", "demisexual", "queer", "homosexual",
    "heterosexual",
)  # fmt: skip
LGBT = ("lgbt", "lgbtq", "lgbtq\\+", "lgbtqia\\+?", "lgbtqi\\+?")
_OMOD = r"(?:a|an|openly|proud|out|married|closeted|young|old|cis|black|white|trans)"
_CAP_PERSON = rf"(?:{PERSON}|couple|dad|dads|mums|moms|parents|man|woman)"
_COMMUNITY = r"(?:member\s+of\s+the)"

_ORIENTATION = special(
    "sexual-orientation",
    "SEXUAL_ORIENTATION",
    (
        stated(rf"(?:{BE}|being)", alt(ORIENTATION), _OMOD),
        stated(rf"(?:{BE}|{AS_A})", rf"{alt((*ORIENTATION, *LGBT))}\s+{_CAP_PERSON}", _OMOD),
        stated(rf"(?:{BE}|{AS_A})", rf"straight\s+{_CAP_PERSON}", _OMOD),
        stated(AS_A, alt((*ORIENTATION, *LGBT)), _OMOD, STRICT_END),
        stated(
            rf"(?:{BE}|{AS_A})\s+(?:a\s+)?(?:proud\s+)?{_COMMUNITY}",
            rf"{alt((*ORIENTATION, *LGBT))}\s+community",
        ),
        stated(
            r"(?:came|come|comes|coming)\s+out(?:\s+to\s+\w+(?:\s+\w+)?)?\s+as",
            alt((*ORIENTATION, *LGBT, "straight")),
            r"(?:a|an)",
        ),
        stated(r"(?:my|our)", rf"{alt(ORIENTATION)}\s+{REL}"),
        stated(
            r"(?:my|our|we\s+are\s+a|we['’]re\s+a)",
            r"same[\s-]+sex\s+(?:partner|marriage|wedding|spouse|husband|wife|couple|relationship)",
        ),
    ),
    positives=(
        "as a gay man I appreciated the inclusive ads",
        "I'm bisexual and finally found a binder that fits",
        "my lesbian daughter picked the colour",
        "we're a same-sex couple booking a honeymoon",
        "I came out as queer last year",
        "as an LGBTQ+ person I felt welcome in the shop",
    ),
    negatives=(
        "gay pride parade tickets",
        "as an LGBTQ ally our brand donates",
        "straight-leg jeans in blue",
        "I'm straight up disappointed",
        "Queer Eye is my favourite show",
        "an LGBTQ-friendly hotel",
        "my husband and I loved the cabin",
    ),
    terms=(ORIENTATION, LGBT, ("straight", "same")),
    description="A person's sexual orientation or same-sex relationship (Art. 9).",
)

DETECTORS = (_ETHNIC, _ORIENTATION)
