"""RELIGIOUS_BELIEF, POLITICAL_OPINION, TRADE_UNION_MEMBERSHIP: what a person believes, votes
and joins.

"the church on Main Street", "mosque opening hours", "political correctness", "party supplies",
"union of two sets" name a topic, not a person: every pattern needs an anchor ("I'm", "as a",
"being", "my/our", "I vote", "at my"). Words that are also common nouns or names ("Christian",
"labour", "green", "conservative", "Unite") need more than the bare word: an article, a role
noun ("Labour voter"), or capitalisation.
"""

from __future__ import annotations

from clearance.detection.special._rule import (
    AS_A,
    BE,
    PERSON,
    REL,
    STRICT_END,
    SUBJ,
    alt,
    special,
    stated,
)

# ---------------------------------------------------------------------------------- religion

_RMOD = (
    r"(?:a|an|devout|practi[cs]ing|non[\s-]+practi[cs]ing|observant|lapsed|born[\s-]+again"
    r"|orthodox|conservative|reform|liberal|strict|proud|sunni|shia|roman|converted|cultural"
    r"|catholic|christian|muslim|jewish|hindu|sikh|buddhist)"
)
RELIGION_ADJ = (
    "muslim", "jewish", "hindu", "sikh", "buddhist", "jain", "catholic", "protestant",
    "evangelical", "mormon", "anglican", "methodist", "baptist", "lutheran", "presbyterian",
    "pentecostal", "quaker", "amish", "mennonite", "adventist", "seventh day adventist",
    "rastafarian", "pagan", "wiccan", "zoroastrian", "shia", "shiite", "sunni",
    "sufi", "atheist", "agnostic", "religious", "orthodox jewish", "orthodox christian",
    "greek orthodox", "russian orthodox", "coptic", "bah[aá]['’]?[ií]", "scientologist",
    "unitarian",
)  # fmt: skip
# Nouns that need an article ("I'm Christian" is also how Christian introduces himself).
RELIGION_NOUN = (
    "christian", "muslim", "jew", "hindu", "sikh", "buddhist", "catholic", "protestant",
    "mormon", "quaker", "jehovah['’]?s witness", "atheist", "agnostic", "churchgoer",
    "person of faith", "believer in (?:god|allah|jesus)",
    "muslimah", "convert to islam",
)  # fmt: skip
PLACES = (
    "mosque", "church", "synagogue", "gurdwara", "mandir", "chapel", "parish", "congregation",
    "kingdom hall", "cathedral", "shul", "masjid",
)  # fmt: skip
GROUPS = (
    "church group", "church choir", "bible study", "bible group", "prayer group",
    "sunday school", "youth group at church", "mosque community", "temple community",
    "faith community", "imam", "pastor", "priest", "rabbi", "vicar", "parish priest",
    "granthi", "religion", "religious beliefs", "religious community",
    "hijab", "niqab", "burqa", "burka", "kippah", "yarmulke", "turban", "rosary",
    "prayer mat", "prayer rug", "tallit", "tefillin",
)  # fmt: skip
WORSHIP = (
    "church", "mass", "mosque", "synagogue", "shul", "temple", "gurdwara", "mandir", "chapel",
    "bible study", "sunday school", "friday prayers", "jummah", "jumu['’]?ah", "sunday service",
    "confession",
)  # fmt: skip
ISMS = (
    "islam", "catholicism", "judaism", "christianity", "buddhism", "hinduism", "sikhism",
    "jainism", "mormonism", "paganism", "wicca", "atheism", "shinto", "taoism", "scientology",
    "zoroastrianism", "orthodoxy", "god", "allah", "jesus",
)  # fmt: skip
OBSERVANCES = (
    "ramadan", "lent", "yom kippur", "shabbat", "sabbath", "passover", "navratri",
    "karva chauth", "eid", "hanukkah", "chanukah", "rosh hashanah", "vaisakhi", "diwali",
)  # fmt: skip
_DIET = ("kosher", "halal")
_ATTIRE = (
    "hijab", "niqab", "burqa", "burka", "kippah", "yarmulke", "turban", "patka", "tallit",
    "headscarf for religious reasons",
)  # fmt: skip

_MY = rf"(?:my|our)(?:\s+{REL}['’]s)?(?:\s+(?:local|home|own|new|old|family))?"
_AT = r"(?:at|to|in|from)\s+(?:my|our)(?:\s+(?:local|home|own|new|old|family))?"

_RELIGION = special(
    "religious-belief",
    "RELIGIOUS_BELIEF",
    (
        stated(BE, alt(RELIGION_ADJ), _RMOD),
        stated(rf"{BE}\s+an?", alt(RELIGION_NOUN), _RMOD),
        stated(AS_A, alt(RELIGION_NOUN), _RMOD),
        stated(AS_A, alt(RELIGION_ADJ), _RMOD, STRICT_END),
        stated(AS_A, rf"{alt(RELIGION_ADJ)}\s+{PERSON}", _RMOD),
        stated(_MY, rf"(?:{alt(GROUPS)}|{alt(PLACES)})"),
        stated(_AT, alt((*PLACES, "temple"))),
        stated(rf"(?:my|our)\s+{alt(RELIGION_ADJ)}", r"(?:faith|beliefs?|upbringing|community)"),
        stated(
            rf"{SUBJ}\s*(?:go|goes|went|attend|attends|attended|(?:am|['’]m|is|['’]s)\s+going)"
            r"(?:\s+to)?(?:\s+(?:my|our|every|each|weekly|daily))?",
            alt(WORSHIP),
        ),
        stated(
            rf"{SUBJ}\s*(?:converted|convert|reverted)\s+to|{SUBJ}\s*(?:practi[cs]es?|follows?"
            r"|believes?\s+in|pray|prays|prayed)(?:\s+to)?",
            alt(ISMS),
        ),
        stated(rf"{SUBJ}\s*(?:keep|keeps|kept|eat|eats|only\s+eats?)(?:\s+strictly)?", alt(_DIET)),
        stated(
            rf"{SUBJ}\s*(?:fast|fasts|fasted|(?:am|['’]m|was|were)\s+fasting|observe|observes"
            r"|observed|celebrate|celebrates)(?:\s+(?:for|during|on|over))?(?:\s+the)?",
            alt(OBSERVANCES),
        ),
        stated(
            rf"{SUBJ}\s*(?:wear|wears|wore|started\s+wearing)(?:\s+(?:a|the|my))?",
            alt(_ATTIRE),
        ),
    ),
    positives=(
        "at my mosque they sell these dates",
        "our church group ordered twenty of them",
        "being Muslim I check for halal labels",
        "I'm a practising Catholic and this rosary is lovely",
        "as a Sikh I needed a longer turban cloth",
        "I keep kosher so the separate trays help",
        "I fast during Ramadan and this flask keeps water cold",
        "I'm Jewish and this menorah arrived broken",
    ),
    negatives=(
        "the church on Main Street",
        "mosque opening hours",
        "I'm Christian, your delivery driver",
        "Christian Dior perfume",
        "my temple hurts after wearing these glasses",
        "my faith in this brand is gone",
        "Catholic University campus map",
        "the kosher section of the store",
        "Temple Run high score",
    ),
    terms=(
        RELIGION_ADJ,
        RELIGION_NOUN,
        PLACES,
        GROUPS,
        ("temple",),
        WORSHIP,
        ISMS,
        _DIET,
        OBSERVANCES,
        _ATTIRE,
    ),
    description="A person's religion or philosophical belief, place or practice of worship.",
)

# ---------------------------------------------------------------------------------- politics

_PMOD = (
    r"(?:a|an|lifelong|life[\s-]+long|staunch|committed|proud|card[\s-]+carrying|die[\s-]+hard"
    r"|diehard|registered|paid[\s-]+up|loyal|long[\s-]+time|longtime|former|ex|true|hardcore"
    r"|devoted|active|local|passionate|radical|moderate|traditional)"
)
PARTIES = (
    "tory", "tories", "snp", "ukip", "plaid cymru", "lib dems?", "liberal democrats?",
    "reform uk", "brexit party", "(?-i:DUP)", "sinn f[eé]in", "green party", "labour party",
    "labor party", "conservative party", "democratic party", "republican party", "gop", "maga",
    "cdu", "csu", "spd", "afd", "fdp", "die linke", "rassemblement national", "front national",
    "france insoumise", "podemos", "psoe", "fidesz", "bjp", "likud", "ndp",
)  # fmt: skip
# Also ordinary words: only capitalised, or followed by a role noun.
AMBIGUOUS = (
    "labour", "labor", "conservatives?", "liberals?", "greens?", "democrats?", "republicans?",
    "reform", "progressives?", "socialist", "communist",
)  # fmt: skip
_AMBIGUOUS_CAP = (
    "(?-i:Labour)", "(?-i:Labor)", "(?-i:Conservatives?)", "(?-i:Liberals?)", "(?-i:Greens?)",
    "(?-i:Democrats?)", "(?-i:Republicans?)",
)  # fmt: skip
IDEOLOGIES = (
    "socialist", "communist", "marxist", "anarchist", "libertarian", "leftist", "left wing",
    "left winger", "right wing", "right winger", "centrist", "feminist", "nationalist",
    "far left", "far right", "brexiteer", "remainer", "zionist", "monarchist",
    "social democrat", "trump supporter",
)  # fmt: skip
# Also adjectives of anything ("a conservative estimate"): after "as a" only before a clause end.
IDEOLOGIES_AMBIGUOUS = ("conservative", "liberal", "progressive", "democrat", "republican")
CANDIDATES = (
    "trump", "biden", "obama", "kamala harris", "sanders", "bernie", "corbyn", "starmer",
    "sunak", "farage", "marine le pen", "macron", "melenchon", "modi", "bolsonaro", "lula",
    "orb[aá]n", "desantis", "hillary", "clinton",
)  # fmt: skip
_ROLE = (
    r"(?:voter|voters|supporter|supporters|member|members|activist|councillor|councilor"
    r"|candidate|canvasser|volunteer|campaigner|man|woman|guy|girl|family|through\s+and\s+through)"
)
_VOTE = (
    rf"{SUBJ}(?:\s*(?:always|never|usually|proudly|(?:have|['’]ve)\s+(?:always|never)|will"
    r"|['’]ll|would|['’]d))?\s*(?:vote|votes|voted|(?:have|['’]ve)\s+voted|(?:am|['’]m)\s+voting)"
    r"(?:\s+for)?"
    r"(?:\s+the)?"
)
_SUPPORT = (
    rf"{SUBJ}(?:\s*(?:always|proudly|(?:have|['’]ve)\s+always))?\s*(?:support|supports|supported"
    r"|back|backs|backed|campaign(?:s|ed)?\s+for|canvass(?:es|ed)?\s+for|donate[sd]?\s+to"
    r"|joined|(?:am|['’]m)\s+a\s+member\s+of|(?:am|['’]m)\s+campaigning\s+for)(?:\s+the)?"
)

_POLITICS = special(
    "political-opinion",
    "POLITICAL_OPINION",
    (
        stated(
            rf"(?:{BE}|{AS_A})",
            rf"(?:{alt((*PARTIES, *AMBIGUOUS, *CANDIDATES))})\s+{_ROLE}",
            _PMOD,
        ),
        stated(rf"(?:{BE}|being)", alt((*IDEOLOGIES, *PARTIES, *_AMBIGUOUS_CAP)), _PMOD),
        stated(AS_A, alt((*IDEOLOGIES, *IDEOLOGIES_AMBIGUOUS, *_AMBIGUOUS_CAP)), _PMOD, STRICT_END),
        stated(_VOTE, alt((*PARTIES, *AMBIGUOUS, *CANDIDATES, "leave", "remain", "brexit"))),
        stated(_SUPPORT, alt((*PARTIES, *_AMBIGUOUS_CAP, *CANDIDATES))),
    ),
    positives=(
        "as a lifelong Labour voter I expected better",
        "I voted Conservative last time",
        "I'm a socialist and I buy co-op brands",
        "we always vote Green",
        "I'm a Trump supporter and proud",
        "being a feminist I loved this book",
        "I support the SNP so the tartan fits",
    ),
    negatives=(
        "political correctness gone mad",
        "party supplies and balloons",
        "labour costs went up",
        "I'm conservative with sizing, order up",
        "I support green energy",
        "as a conservative estimate, 3 weeks",
        "the Labour market report",
        "I played my trump card",
        "as a progressive web app",
    ),
    terms=(
        PARTIES,
        AMBIGUOUS,
        CANDIDATES,
        IDEOLOGIES,
        IDEOLOGIES_AMBIGUOUS,
        _AMBIGUOUS_CAP,
        ("leave", "remain", "brexit"),
    ),
    description="A person's political opinion: party, vote, candidate or ideology (Art. 9).",
)

# ---------------------------------------------------------------------------------- unions

NAMED_UNIONS = (
    "gmb", "rmt", "nasuwt", "ucu", "rcn", "cwu", "pcs", "usdaw", "bectu", "aslef", "unison",
    "unite", "teamsters", "uaw", "seiu", "afscme", "ibew", "afl cio", "cupe", "cgt",
    "cfdt", "ccoo", "neu", "nea",
)  # fmt: skip
UNION_ROLES = (
    "union member", "union rep", "union representative", "union steward", "union organi[sz]er",
    "union official", "union activist", "shop steward", "trade unionist", "unionist",
    "teamster", "unionised", "unionized", "union worker",
)  # fmt: skip
_UNION_OF = r"(?:(?:trade|labou?r|teachers['’]?|nurses['’]?|workers['’]?|local)\s+)?union"
_UNION_NOUN = (
    r"(?:rep|representative|steward|dues|branch|card|membership|meeting|convenor|official"
    r"|subs|local|chapter)"
)

_UNION = special(
    "trade-union",
    "TRADE_UNION_MEMBERSHIP",
    (
        stated(rf"(?:{BE}|{AS_A})", alt(UNION_ROLES), r"(?:a|an|proud|active|paid[\s-]+up|local)"),
        stated(
            rf"(?:{BE}|{AS_A})\s+(?:an?\s+)?(?:(?:proud|active|paid[\s-]+up)\s+)?"
            r"(?:member|members)\s+of(?:\s+(?:the|a|my|our))?",
            rf"(?:{alt(NAMED_UNIONS)}|{_UNION_OF})",
        ),
        stated(rf"{BE}\s+in\s+(?:the|a|my)", r"union"),
        stated(r"(?:my|our)", rf"(?:{_UNION_OF}|{alt(NAMED_UNIONS)})\s+{_UNION_NOUN}"),
        stated(r"(?:my|our)", r"(?:trade|labou?r)\s+union"),
        stated(
            rf"{SUBJ}\s*(?:joined|join|pay|paid|pays)(?:\s+(?:the|a|my|our))?",
            rf"(?:union\s+(?:dues|subs)|{_UNION_OF}|{alt(NAMED_UNIONS)})",
        ),
        stated(SUBJ, r"unioni[sz]ed"),
    ),
    positives=(
        "I'm a union member so I know my rights",
        "my union rep told me to keep receipts",
        "as a shop steward I order these for the team",
        "I joined the union after the layoffs",
        "we're members of the RMT",
        "I pay union dues every month",
    ),
    negatives=(
        "union of two sets",
        "the European Union regulations",
        "my credit union statement",
        "sing in unison",
        "Unite the clans",
        "student union bar",
        "our union was blessed in June",
    ),
    terms=(UNION_ROLES, NAMED_UNIONS, ("union",)),
    description="A person's trade union membership or role (Art. 9).",
)

DETECTORS = (_RELIGION, _POLITICS, _UNION)
