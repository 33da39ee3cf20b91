"""HEALTH_DATA: a person's conditions, treatments, medications, devices and pregnancy.

Two detectors: ``health-condition`` (I'm diabetic, I was diagnosed with depression, as an
asthmatic, my son's autism) and ``health-treatment`` (my insulin pump, I take metformin, my HIV
medication, my oncologist). A topic word alone ("diabetic-friendly recipes", "health and safety",
"cancer research") is never a match: it must follow a first-person, relative or "as a" anchor.
"""

from __future__ import annotations

from clearance.detection.special._rule import (
    AS_A,
    BE,
    HAVE,
    PERSON,
    REL,
    SUBJ,
    alt,
    special,
    stated,
)

MOD = (
    r"(?:a|an|the|severe|mild|moderate|chronic|acute|terminal|advanced|aggressive|early[\s-]+onset"
    r"|late[\s-]+stage|stage\s+(?:[0-4]|i{1,3}|iv)|type\s+(?:[12]|one|two|i{1,2})|clinical|major"
    r"|postnatal|postpartum|post[\s-]+natal|gestational|diagnosed|undiagnosed|untreated|recurrent"
    r"|breast|prostate|lung|skin|bowel|colon|colorectal|ovarian|cervical|pancreatic|brain|blood"
    r"|thyroid|liver|kidney|bone|stomach|throat|rheumatoid|juvenile|recovering|new|daily"
    r"|prescribed|lifelong|life[\s-]+long|insulin[\s-]+dependent|high[\s-]+functioning)"
)

CONDITIONS = (
    "diabetes", "depression", "anxiety disorder", "social anxiety", "generali[sz]ed anxiety",
    "panic attacks", "panic disorder", "bipolar disorder", "bipolar", "schizophrenia", "psychosis",
    "ptsd", "adhd", "autism", "asperger['’]?s", "ocd", "eating disorder", "anorexia", "bulimia",
    "cancer", "leuka?emia", "lymphoma", "melanoma", "tumou?r", "hiv", "hepatitis", "epilepsy",
    "seizures", "asthma", "arthritis", "osteoporosis", "multiple sclerosis", "parkinson['’]?s",
    "alzheimer['’]?s", "dementia", "celiac disease", "coeliac disease", "crohn['’]?s",
    "colitis", "ibs", "lupus", "fibromyalgia", "chronic fatigue syndrome", "long covid", "covid",
    "migraines?", "endometriosis", "pcos", "high blood pressure", "hypertension", "copd",
    "cystic fibrosis", "sickle cell", "kidney disease", "kidney failure", "heart disease",
    "heart failure", "heart condition", "heart problems", "psoriasis", "eczema",
    "sleep apno?ea", "insomnia", "tinnitus", "glaucoma", "macular degeneration", "disability",
    "disabilities", "learning disability", "dyslexia", "dyspraxia", "cerebral palsy",
    "down['’]?s syndrome", "spina bifida", "herpes", "chlamydia", "gonorrho?ea", "syphilis",
    "stds?", "sexually transmitted (?:infection|disease)s?", "gout", "hypothyroidism", "hyperthyroidism", "thyroid disease",
    "alcoholism", "addiction", "infertility", "erectile dysfunction", "incontinence",
    "tourette['’]?s", "narcolepsy", "anemia", "anaemia", "mental illness",
    "mental health (?:condition|issues?|problems?|crisis)", "postnatal depression",
)  # fmt: skip
# After "I'm" / "being": adjectives and nouns that state a condition.
STATES = (
    "diabetic", "prediabetic", "asthmatic", "epileptic", "autistic", "bipolar", "anorexic",
    "bulimic", "pregnant", "disabled", "deaf", "hard of hearing", "blind", "partially sighted",
    "visually impaired", "hearing impaired", "paraly[sz]ed", "paraplegic", "quadriplegic",
    "tetraplegic", "amputee", "hiv positive", "hiv\\+", "immunocompromised", "immunosuppressed",
    "insulin dependent", "coeliac", "celiac", "lactose intolerant", "gluten intolerant",
    "allergic to \\w+", "neurodivergent", "dyslexic", "dyspraxic", "infertile", "alcoholic",
    "addict", "cancer survivor", "cancer patient", "chemo patient", "stroke survivor",
    "remission", "rehab", "therapy",
)  # fmt: skip
# Not after "I'm": ambiguous without a person noun ("I'm blind to...") handled by STATES itself.
HEALTH_ADJ = (
    "autistic", "diabetic", "disabled", "deaf", "blind", "epileptic", "asthmatic", "pregnant",
    "neurodivergent", "dyslexic", "hiv positive", "bipolar", "paraplegic", "coeliac", "celiac",
)  # fmt: skip
AS_NOUNS = (
    "diabetic", "asthmatic", "epileptic", "coeliac", "celiac", "amputee", "paraplegic",
    "quadriplegic", "alcoholic", "addict", "wheelchair user", "insulin user",
)  # fmt: skip
_PRED = (
    r"(?:(?:recently\s+|newly\s+|just\s+|officially\s+|finally\s+)?diagnosed\s+with|living\s+with"
    r"|suffering\s+from|struggling\s+with|recovering\s+from|being\s+treated\s+for|treated\s+for"
    r"|in\s+treatment\s+for|on\s+medication\s+for|in\s+remission\s+from|battling|fighting)"
)
_SUFFER = (
    rf"{SUBJ}\s*(?:suffer(?:s|ed)?\s+from|struggle[sd]?\s+with|live[sd]?\s+with|deal(?:s|t)?\s+with"
    r"|battled?\s+with|battled?|fought|beat|survived|manage[sd]?|(?:was|got)\s+treated\s+for)"
)
_WITH = (
    r"as\s+(?:someone|somebody|an?\s+"
    + PERSON
    + r")\s+(?:with|who\s+has|who\s+had|living\s+with|suffering\s+from|recovering\s+from)"
)

MEDS = (
    "insulin", "metformin", "antidepressants?", "ssris?", "sertraline", "fluoxetine",
    "citalopram", "escitalopram", "prozac", "zoloft", "lexapro", "venlafaxine", "mirtazapine",
    "antipsychotics?", "methadone", "buprenorphine", "suboxone", "(?-i:PrEP)", "antiretrovirals?",
    "hiv (?:medication|meds|drugs|treatment|pills)", "blood thinners", "warfarin",
    "levothyroxine", "thyroxine", "adderall", "ritalin", "methylphenidate", "inhalers?",
    "prednisone", "prednisolone", "immunosuppressants?", "hrt", "epipens?", "ozempic", "wegovy",
    "mounjaro", "semaglutide", "antibiotics", "birth control", "contraceptives?", "medications?",
    "meds", "chemo", "chemotherapy", "radiotherapy", "radiation therapy", "dialysis",
)  # fmt: skip
DEVICES = (
    "insulin pump", "glucose monitor", "cgm", "dexcom", "freestyle libre", "libre sensor",
    "pacemaker", "hearing aids?", "cochlear implant", "wheelchair", "mobility scooter",
    "prosthetic (?:leg|arm|limb|foot|hand)", "prosthesis", "stoma(?:\\s+bag)?",
    "colostomy(?:\\s+bag)?", "ostomy(?:\\s+bag)?", "cpap(?:\\s+machine)?", "catheter",
    "feeding tube",
)  # fmt: skip
TREATMENTS = (
    "ivf", "mastectomy", "hysterectomy", "vasectomy", "transplant", "pregnancy", "miscarriage",
    "abortion", "caesarean", "cesarean",
)  # fmt: skip
SPECIALISTS = (
    "therapist", "therapy sessions", "psychiatrist", "psychologist", "oncologist",
    "endocrinologist", "diabetologist", "rheumatologist", "neurologist", "cardiologist",
    "gastroenterologist", "hepatologist", "obstetrician", "midwife",
)  # fmt: skip

_TAKE = (
    rf"{SUBJ}\s*(?:take|takes|took|(?:am|['’]m|is|['’]s|was)\s+taking|use|uses|used|need|needs"
    r"|wear|wears|inject|injects|rely\s+on|relies\s+on|depend\s+on|depends\s+on|started|stopped"
    r"|came\s+off|went\s+on|got\s+put\s+on|(?:was|were|(?:['’]ve|have|has)\s+been)\s+prescribed"
    r"|had|have|has|['’]ve\s+had|underwent|completed|finished)"
)
_ON = rf"{BE}\s+(?:on|undergoing|having|doing|starting|finishing|recovering\s+from)"
_MY = rf"(?:my|our)(?:\s+{REL}['’]s)?"

_C, _S = alt(CONDITIONS), alt(STATES)

DETECTORS = (
    special(
        "health-condition",
        "HEALTH_DATA",
        (
            stated(rf"{BE}(?:\s+in)?", _S, MOD),
            stated(rf"{BE}\s+{_PRED}", _C, MOD),
            stated(f"(?:{HAVE}|{_SUFFER})", _C, MOD),
            stated(_WITH, _C, MOD),
            stated(r"as\s+an?", alt(AS_NOUNS), MOD),
            stated(r"as\s+an?", rf"{_C}\s+(?:sufferer|patient|survivor)", MOD),
            stated(AS_A, rf"{alt(HEALTH_ADJ)}\s+{PERSON}"),
            stated(r"being", _S),
            stated(_MY, _C, MOD),
            stated(r"(?:my|our)", rf"{alt(HEALTH_ADJ)}\s+{REL}"),
        ),
        positives=(
            "as a diabetic I check every label",
            "I was diagnosed with depression last year",
            "I'm pregnant and the seatbelt extender helped",
            "my son has ADHD so he loves the fidget toys",
            "I suffer from migraines when the screen flickers",
            "as an HIV positive man I worry about data leaks",
            "my Crohn's flares up with this brand",
            "being coeliac I only buy the certified range",
        ),
        negatives=(
            "diabetic-friendly recipe book",
            "health and safety training for staff",
            "a donation to cancer research",
            "I'm allergic-free",
            "this blender is a pregnancy essential, says the ad",
            "patients diagnosed with depression may benefit",
            "I'm addicted to this show",
            "my blinds arrived bent",
            "the zodiac sign Cancer",
            "I have a diabetic friendly cookbook",
        ),
        terms=(CONDITIONS, STATES, AS_NOUNS, HEALTH_ADJ),
        description="A person's medical condition, disability or pregnancy (GDPR Art. 9).",
    ),
    special(
        "health-treatment",
        "HEALTH_DATA",
        (
            stated(_TAKE, alt((*MEDS, *DEVICES, *TREATMENTS)), MOD),
            stated(_ON, alt((*MEDS, *TREATMENTS)), MOD),
            stated(_MY, alt((*MEDS, *DEVICES, *TREATMENTS, *SPECIALISTS)), MOD),
            stated(r"as\s+an?", rf"{alt((*DEVICES, *MEDS))}\s+(?:user|wearer|patient)", MOD),
        ),
        positives=(
            "my insulin pump alarm woke me up",
            "I take metformin with breakfast",
            "my HIV medication has to stay cool",
            "I'm on antidepressants and sleep badly",
            "my oncologist recommended this hat",
            "as a wheelchair user I need wider aisles",
            "my wife's IVF clinic sent this",
        ),
        negatives=(
            "insulin pump accessories on sale",
            "the wheelchair ramp at the entrance",
            "I take the bus to work",
            "my therapy dog toy",
            "I use this meal prep box daily",
            "contains no antibiotics",
            "my retail therapy went too far",
        ),
        terms=(MEDS, DEVICES, TREATMENTS, SPECIALISTS),
        description="A person's medication, medical device, treatment or specialist (Art. 9).",
    ),
)
