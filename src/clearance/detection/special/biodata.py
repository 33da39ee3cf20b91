"""BIOMETRIC_DATA and GENETIC_DATA.

Biometric: a person's fingerprints, face, iris, voice or palm data ("my fingerprint scanner data",
"our employees' fingerprints"); a key, file or browser fingerprint is not biometric and is
refused. Genetic: a person's DNA test, genome, gene variant or carrier status ("my DNA test from
23andMe", "I carry the BRCA1 mutation"), and genotype records themselves (``rs4477212 AA``, the
23andMe raw-data line). "the DNA of our brand" and "it's in my DNA" are idioms, not data.
"""

from __future__ import annotations

import re

from clearance.detection.special._rule import BE, REL, SUBJ, alt, special, stated

BIOMETRIC = (
    "fingerprints?", "thumbprints?", "fingerprint (?:scans?|data|scanner|template|records?|id)",
    "face scans?", "facial (?:recognition|scans?|geometry|data|template|map|features data)",
    "face id", "faceprint", "iris (?:scans?|pattern|data|template|images?)",
    "retina(?:l)? (?:scans?|data|pattern)", "voiceprints?", "voice prints?",
    "voice (?:biometrics|sample)",
    "palm (?:prints?|veins?|scans?)", "hand geometry", "gait (?:data|analysis|pattern)",
    "biometrics?", "biometric (?:data|template|information|profile|identifiers?|details)",
)  # fmt: skip
_GROUP = r"(?:staff|employees|workers|users|customers|members|students|pupils|patients|children)"
_TECH = re.compile(
    r"(?<![a-z0-9])(?:ssh|gpg|pgp|sha\d*|md5|hash|hashes|public key|private key|host key|key"
    r"|certificate|cert|tls|ssl|x\.?509|fingerprinting|browser|canvas|checksum|commit|device id)"
    r"(?![a-z0-9])"
)


def _not_a_key(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """Drops "my fingerprint is SHA256:..." and "our cert fingerprints": keys, not people."""
    window = text[max(0, start - 32) : end + 40].lower()
    return None if _TECH.search(window) else (start, end, 0.85)


_BIOMETRIC = special(
    "biometric-data",
    "BIOMETRIC_DATA",
    (
        stated(
            rf"(?:my|our)(?:\s+{REL}['’]s|\s+{_GROUP}['’]?)?",
            alt(BIOMETRIC),
            r"(?:own|stored|scanned|registered|enrolled|saved|raw|digital|left|right|thumb)",
        ),
        stated(
            rf"{SUBJ}\s*(?:scanned|registered|enrolled|submitted|gave|provided|uploaded|use|used)"
            r"\s+(?:my|our|his|her|their)",
            alt(BIOMETRIC),
        ),
    ),
    positives=(
        "my fingerprint scanner data was shared with the app",
        "they stored our employees' fingerprints without consent",
        "my face scan is used to unlock the locker",
        "I enrolled my iris scan at the gym",
        "my voiceprint opens the banking app",
        "my daughter's fingerprints were taken at school",
    ),
    negatives=(
        "the fingerprint of a file",
        "SHA fingerprint of the release",
        "my SSH key fingerprint",
        "my fingerprint is SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
        "browser fingerprinting protection",
        "fingerprint-resistant coating",
        "my facial cleanser",
    ),
    terms=(BIOMETRIC,),
    refine=_not_a_key,
    description="A person's fingerprints, face, iris, voice or other biometric data (Art. 9).",
)

GENETIC = (
    "dna (?:test|tests|testing|results?|kit|profile|analysis|sample|data|report|ancestry|match"
    "|matches|heritage|sequence|sequencing)",
    "23andme", "ancestrydna", "ancestry dna", "myheritage dna", "genetic (?:tests?|testing"
    "|results?|profile|data|screening|report|condition|disorder|mutation|markers?|risk|makeup"
    "|counsel(?:l)?or)",
    "genome", "genotype", "exome", "haplogroup", "brca[12]? (?:gene|genes|mutation|variant"
    "|carrier|status|result|test)", "apoe[\\s-]?e?4", "mthfr (?:mutation|variant|gene)",
    "gene (?:test|variant|mutation)",
)  # fmt: skip
_CARRIER = (
    r"carrier\s+(?:of|for)\s+(?:the\s+)?(?:brca[12]?(?:\s+(?:gene|mutation))?|cystic\s+fibrosis"
    r"|sickle\s+cell|tay[\s-]+sachs|huntington['’]?s|thalass(?:a)?emia|ha?emophilia|fragile\s+x"
    r"|spinal\s+muscular\s+atrophy|a\s+gene(?:tic)?\s+(?:mutation|variant|condition))"
)
_GMOD = r"(?:own|whole|full|latest|recent|raw|home|brca[12]?|apoe4?)"

_GENETIC = special(
    "genetic-data",
    "GENETIC_DATA",
    (
        stated(rf"(?:my|our)(?:\s+{REL}['’]s)?", alt(GENETIC), _GMOD),
        stated(
            rf"{SUBJ}\s*(?:took|take|did|do|had|got|sent|ordered|used|carry|carries|inherited"
            r"|tested\s+positive\s+for|have|has)(?:\s+(?:a|an|the|my|our))?",
            alt(GENETIC),
            _GMOD,
        ),
        stated(rf"{BE}(?:\s+a)?(?:\s+genetic)?", _CARRIER),
        stated(BE, r"brca[12]?\s+(?:positive|carrier)"),
    ),
    positives=(
        "my DNA test from 23andMe said 12% Irish",
        "I carry the BRCA1 mutation so I read labels",
        "my genome was sequenced last spring",
        "I'm a carrier of cystic fibrosis",
        "I took a DNA test for my birthday",
        "my mum's genetic testing came back clear",
    ),
    negatives=(
        "the DNA of our brand is quality",
        "it's in my DNA to complain",
        "the genome of the fruit fly",
        "a genetic algorithm for scheduling",
        "23andMe stock fell again",
        "the carrier lost my package",
    ),
    terms=(GENETIC, ("carrier",), ("brca",)),
    description="A person's genetic test, genome, gene variant or carrier status (Art. 9).",
)

_GENOTYPE = special(
    "genetic-genotype",
    "GENETIC_DATA",
    (
        # 23andMe / AncestryDNA raw data (rsid, chromosome, position, genotype), and rsid calls
        # as written on SNPedia or in reports: rs53576(A;G), rs1801133 CT.
        # A tab may arrive JSON-escaped ("\\t") inside a JSON or JSONL value.
        r"\b(?P<value>rs[0-9]{4,10}(?:(?:[ \t,;]|\\t)+(?:[1-9]|1[0-9]|2[0-2]|X|Y|MT)"
        r"(?:[ \t,;]|\\t)+[0-9]{1,9})?(?:(?:[ \t,;:=]|\\t)+|\()[ACGT](?:;|/)?[ACGT]\)?)"
        r"(?:[^\w-]|$)",
    ),
    positives=(
        "rs4477212 AA",
        "rs53576(A;G)",
        "rs1801133 CT",
        "rs429358\t19\t44908684\tTC",
        "rs7412: CC",
    ),
    negatives=(
        "rs232 AC adapter",
        "RS4850 AC",
        "rs1801133 in the MTHFR gene",
        "rs12345 ACGT primer",
        "price: rs 4500",
    ),
    score=0.9,
    ignore_case=False,
    description="Genotype calls and raw DNA data lines keyed by dbSNP rsid (Art. 9).",
)

DETECTORS = (_BIOMETRIC, _GENETIC, _GENOTYPE)
