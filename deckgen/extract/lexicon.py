"""The word lists drafting reads a parse against, and the words a talk says.

phrases.py reads spaCy's parse (entities, noun chunks, dependencies); what it compares
the parsed words with lives here: words that never name a thing (WEAK_HEADS), units a
number is said with, what a blank never opens with or hides, forms of "be", and a
talk's own word counts and theme (TalkWords). No spaCy object is read here."""

from __future__ import annotations

import re

from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import WORD

ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9]*\b")
WEAK_HEADS = frozenset(
    [
        "course",  # "of course" is never what a pronoun stands for
        "thing",
        "potential",
        "role",
        "significance",
        "importance",
        "impact",
        "things",
        "lot",
        "lots",
        "way",
        "ways",
        "stuff",
        "something",
        "anything",
        "everything",
        "part",
        "kind",
        "sort",
        "bit",
        "number",
        "question",
        "point",
        "fact",
        "one",
        "ones",
        "case",
        "time",
        "people",
        "everyone",
        "someone",
        "aspect",
        "aspects",
        "example",
        "sense",
        "idea",
        "reason",
    ]
)
# A subject that stands for something said before it.
PRONOUN_SUBJECTS = frozenset({"it", "this", "that", "they", "these", "those"})
# What people do, not things: "they" before one of these stands for people.
PERSON_VERBS = frozenset(
    re.findall(
        r"\S+",
        "figure find say think know want realize decide believe tell ask argue feel hope "
        "claim love hate like agree complain notice",
    )
)


def _words(text: str) -> frozenset[str]:
    """A table of words written as one string."""
    return frozenset(text.split())


# Units a number is said with: hidden with it ("{{c1::20 watts}}"). A counted thing
# ("50,000 pushes") stays outside the blank, to cue it.
UNITS = _words(
    "watts watt megawatts gigawatts kilowatts gb gigabytes gigabyte mb megabytes tb "
    "terabytes kb bytes bits bit percent % x times hours hour minutes minute seconds "
    "second ms milliseconds days day weeks week months month years year dollars "
    "dollar hz ghz mhz flops petaflops teraflops meters miles km kilometers kg "
    "degrees fps"
)
APPROXIMATE = _words(
    "about around roughly approximately over under nearly almost like more less fewer "
    "than some maybe just only up to at least most"
)
# What a blank never opens with: it hides the thing, not its article or intensifier.
BLANK_LEAD = _words(
    "a an the this that these those my our your his her their its some any each every "
    "very pretty really quite more most much many few such other own whole entire "
    "same certain lot all both couple several fewer different"
)
FILLER_BLANK = _words(
    "ton tons bunch lot lots deal couple play default loop end day way fact general "
    "particular practice theory course terms order level side front direction comparison "
    "amount amounts number numbers basis trouble trait traits poster issue issues matter "
    "piece pieces type types form forms version versions opportunity opportunities result "
    "results stuff area areas situation situations place places person guy guys folks "
    "approach approaches company companies insight insights trend trends"
)
# An adjective that says how the speaker feels about a thing, not which thing it is:
# not part of a blank ("a fantastic poster" hides "poster", then is refused).
PLAIN_ADJECTIVES = _words(
    "fantastic great good nice big huge actual exact inherent certain particular specific "
    "various typical general overall possible real whole entire main major important "
    "interesting amazing incredible awesome cool simple basic obvious new old little small "
    "large tiny massive serious pretty super fancy crazy weird strange"
)
# A single word is a blank only when everyday talk uses it in fewer than this share
# of podcast episodes ("basis", "history", "report" and "intent" are everyday; blind
# readers found "the {{c1::intent}} is ..." and "a {{c1::report}}" guessed, not
# recalled).
EVERYDAY_SHARE = 0.1
# "Sparsity is another big lever": a judgement, not a definition to ask about.
EVALUATIVE = _words(
    "another good great big huge important interesting key whole first second third last "
    "next main major nice real true bad better best hard easy simple great tough fun "
    "different same similar little step lever"
)
BE_FORMS = {"'s": "is", "'re": "are", "'m": "am", "'ve": "have", "'ll": "will", "'d": "would"}
AUX_FORMS = {**BE_FORMS, "ca": "can", "wo": "will", "sha": "shall"}


# Words that make one term with the next ("off policy", "non linear"): a blank
# after them hides half the term.
TERM_PREFIXES = _words("off non self multi semi pre post co anti sub")


# A verb that asks about one thing: "Why is ..." of a plural subject reads wrong.
SINGULAR_VERBS = _words("is was does has isn't wasn't doesn't hasn't")


def agrees(verb: str, subject: str) -> bool:
    """Whether a question's verb agrees with its subject: not "Why is black boxes ...?"
    (a plural subject, "...s", after a singular verb)."""
    last = subject.split()[-1] if subject.split() else ""
    plural = (
        last.endswith("s") and not last.endswith(("ss", "us", "is", "'s")) and not last.isupper()
    )
    return not (verb.lower() in SINGULAR_VERBS and plural)


# A talk's theme: its this-many most said words of content ("planet" and "star" in a
# talk on finding exoplanets). A blank of theme words alone is guessed, not recalled.
THEME_SIZE = 6


# A text shorter than this cannot tell a word said once from a caption error.
_ATTESTING_WORDS = 2000


class TalkWords(dict):
    """How often a talk says each word (lowercase), and its theme words."""

    @classmethod
    def of(cls, texts) -> TalkWords | None:
        """The words of a talk's ``texts``; None when they are too few to tell a word
        said once from a caption error."""
        counts: dict[str, int] = {}
        for text in texts:
            for word in WORD.findall(text.lower()):
                counts[word] = counts.get(word, 0) + 1
        return cls(counts) if sum(counts.values()) >= _ATTESTING_WORDS else None

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__(counts)
        content = [
            (n, w)
            for w, n in counts.items()
            if len(w) > 2 and w not in _STOPWORDS and w not in everyday_content()
        ]
        self.theme = frozenset(
            w for _, w in sorted(content, key=lambda x: (-x[0], x[1]))[:THEME_SIZE]
        )


# Said in most talks, never a theme ("think", "people", "really").
_EVERYDAY_CONTENT_SHARE = 0.5


def everyday_content() -> frozenset[str]:
    """Words of content said in most talks (``_EVERYDAY_CONTENT_SHARE``)."""
    from deckgen.words import common_words  # (cached there)

    return common_words(_EVERYDAY_CONTENT_SHARE)
