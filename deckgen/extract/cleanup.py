"""The words of a claim cleaned for a card: fillers and stutters removed, first
person retold about the speaker."""

from __future__ import annotations

import functools
import re

from deckgen.extract.patterns import ASIDE, LEADING_FILLERS

_INLINE_FILLERS = [
    # "RLHF is nowhere near, I would say, RL": the aside goes with both its commas.
    (ASIDE, " "),
    (re.compile(r"\bas (?:kind of |sort of )?like\b", re.IGNORECASE), "as"),
    (re.compile(r",?\s*\byou know\b,?", re.IGNORECASE), ""),
    (re.compile(r"\bsort of\s+", re.IGNORECASE), ""),
    # "using kind of simpler models": a hedge; "what kind of model" is not one.
    (
        re.compile(
            r"(?<!\bwhat )(?<!\bthis )(?<!\bthat )(?<!\bthe )(?<!\ba )(?<!\bany )(?<!\bsome )"
            r"(?<!\bsame )(?<!\bwhich )(?<!\bone )(?<!\bevery )(?<!\bother )"
            r"\bkind of\s+(?!thing\b|things\b)",
            re.IGNORECASE,
        ),
        "",
    ),
    # "use like 100 times less data", "so like it's": "like" as a filler.
    (re.compile(r"\blike\s+(?=\d)", re.IGNORECASE), ""),
    (re.compile(r"\b(so|and|but|because|or) like\b\s*", re.IGNORECASE), r"\1 "),
    (re.compile(r"(?<!\bwhat )(?<!\bwhich )(?<!\bthat )\bi mean\b,?\s*", re.IGNORECASE), ""),
    (
        re.compile(
            r"\b(?:i (?:also )?think|i guess|i would say|i'd say|it's safe to say(?: that)?),?\s+",
            re.IGNORECASE,
        ),
        "",
    ),
    (re.compile(r",\s*i think\b", re.IGNORECASE), ""),
    (re.compile(r"\blike,\s+", re.IGNORECASE), ""),
    (re.compile(r"\b(?:um|uh|erm)\b,?\s*", re.IGNORECASE), ""),
    # "not just/really X" says something else than "not X": after a negation they stay.
    (
        re.compile(
            r"(?<!\bnot )(?<!n't )(?<!never )\b(?:basically|actually|literally|just|really)\s+",
            re.IGNORECASE,
        ),
        "",
    ),
    (
        re.compile(
            r"(?:,\s*\bright|,?\s*\b(?:for sure|i guess|by the way|roughly speaking))\s*(?=[.?!]?$)",
            re.IGNORECASE,
        ),
        "",
    ),
    (re.compile(r",\s*et cetera\b", re.IGNORECASE), ", etc."),
    (re.compile(r"\bquote unquote\b,?\s*", re.IGNORECASE), ""),
    # A self-correction, not the speaker's words (retold, "excuse me" became "excuse
    # Norman"): "for the multi, excuse me, for federated learning" keeps the correction.
    (
        re.compile(
            r"\b(\w+)\b[^,.;]{0,40}?,?\s*\b(?:excuse me|pardon me)\b,?\s*(?=\1\b)",
            re.IGNORECASE,
        ),
        "",
    ),
    (re.compile(r",?\s*\b(?:excuse me|pardon me)\b,?\s*(?=\S)", re.IGNORECASE), " "),
    (re.compile(r"\s*--\s*"), " — "),
]
# "It's subtle, but you can't fully fine-tune the model": the claim is after the "but".
_JUDGEMENT = re.compile(
    r"^it(?:'s| is) (?:\w+ )?(?:subtle|true|clear|obvious|tricky|complicated|funny|strange|weird),?"
    r"\s+but\s+",
    re.IGNORECASE,
)
_REPEATED_WORD = re.compile(r"\b(\w+)(?:\s+\1\b)+", re.IGNORECASE)
# "by, by performing", "the results are, are better": a stutter across a comma (words
# only: "a shape of 1, 1" is two numbers).
_REPEATED_ACROSS_COMMA = re.compile(r"\b([A-Za-z]+),\s+\1\b", re.IGNORECASE)
# A frame that announces the claim before saying it: "What we show then is that X",
# "What can happen is typically X", "The idea here is that X": the claim is X.
_FRAME = re.compile(
    r"^(?:what (?:we|i|you|they) (?:\w+ )?(?:show|showed|found|find|see|saw|observed?|noticed?|"
    r"learned|mean by that)(?: then| now| here)? is,? (?:that )?|"
    r"what can happen is,? (?:typically,? |that )?|"
    r"the (?:idea|point|thing) (?:here )?is,? that )",
    re.IGNORECASE,
)
# A restart: words said, abandoned at a dash (or a comma), and said again: "we have,
# say -- we have an oligopoly" is "we have an oligopoly".
_W = r"[\w'’]+"
_RESTARTS = [
    re.compile(
        rf"\b(?P<start>{_W}(?:\s+{_W}){{0,3}})[\s,]+(?:{_W}[\s,]+){{0,4}}?(?:--|—)\s*(?P=start)\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?P<start>{_W}(?:\s+{_W}){{1,3}}),\s+(?P=start)\b", re.IGNORECASE),
]
# A function word said again after a comma: "not, not in a sensational way".
_REPEATED_FUNCTION_WORD = re.compile(
    r"\b(not|to|the|a|an|it|it's|is|was|we|i|you|they|that|and|but|so|in|of|for|with|"
    r"this|there's|we're|they're|you're|i'm)(?:\s*,\s*\1\b)+",
    re.IGNORECASE,
)
# "easier to create than decision than full blown decision trees": a comparison restarted.
_RESTARTED_THAN = re.compile(r"\bthan\s+(?:[\w'-]+\s+){1,2}?(?=than\b)", re.IGNORECASE)
# Words a phrase cut off before a comma ends on: "which is a very, it's a very".
_CUT_OFF = frozenset(
    re.findall(
        r"\S+",
        "a an the of to in on at for with from by than that as is are was were be and or "
        "but very more most their our your my his her its this these those which who",
    )
)


def remove_abandoned(text: str) -> str:
    """``text`` without a short phrase abandoned at a comma and said again after it:
    "which is a very, it's a very unusual model" is "it's a very unusual model"; "We're
    using, we're instead using databases" is "we're instead using databases"."""
    parts = text.split(", ")
    out: list[str] = []
    for n, part in enumerate(parts):
        words = [w.lower() for w in part.split()]
        after = (
            [w.lower() for w in parts[n + 1].split()[: len(words) + 3]]
            if n + 1 < len(parts)
            else []
        )
        if words and after and len(words) <= 6 and _abandoned(words, after):
            continue
        out.append(part)
    return ", ".join(out)


def _abandoned(words: list[str], after: list[str]) -> bool:
    if words[-1] in _CUT_OFF:
        # "which is a very, it's a very", "Compass is used in, it's used regularly in"
        return (words[-2] if len(words) >= 2 else words[-1]) in after
    return len(words) >= 2 and words[0] == after[0] and words[-1] in after[1:]


# "It's a -- the model is": an abandoned opening of function words before a dash.
_FALSE_START = re.compile(
    r"^(?:(?:the|a|an|it's|it|we|i|you|they|this|that|there's|so|and|but|is)[\s,]+){1,3}"
    r"(?:--|—)\s*(?=\w)",
    re.IGNORECASE,
)


# The slowest patterns, each with the words it cannot match without: it is not run on an
# ASCII text holding none of them, in any case (the same words out, 2.5x faster).
_NEEDS = {
    _RESTARTS[0]: ("--", "—"),
    _RESTARTS[1]: (",",),
    **{
        pattern: needs
        for pattern, _ in _INLINE_FILLERS
        for key, needs in (
            ("(?:excuse me|pardon me)", ("excuse me", "pardon me")),
            (r"\bkind of\s+", ("kind of",)),
            (r"\bi mean\b", ("i mean",)),
        )
        if key in pattern.pattern
    },
}


def _sub(pattern: re.Pattern, replacement, text: str) -> str:
    """pattern.sub(replacement, text), not run when the text lacks what it needs."""
    needs = _NEEDS.get(pattern)
    if needs is not None and text.isascii():  # (IGNORECASE folds some other letters)
        lower = text.lower()
        if not any(word in lower for word in needs):
            return text
    return pattern.sub(replacement, text)


def remove_restarts(text: str) -> str:
    """``text`` without the words a speaker abandoned and said again."""
    out = text
    for pattern in _RESTARTS:
        out = _sub(pattern, _last, out)
    out = _REPEATED_FUNCTION_WORD.sub(_last_word, out)
    out = _RESTARTED_THAN.sub("", out)
    out = remove_abandoned(out)
    return _FALSE_START.sub("", out)


def _last_word(match: re.Match) -> str:
    """The word said again, as said the last time."""
    return re.split(r"\s*,\s*", match.group(0))[-1]


def _last(match: re.Match) -> str:
    """The words as said the second time (their case as said then)."""
    return match.group(0)[len(match.group(0)) - len(match.group("start")) :]


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@functools.lru_cache(maxsize=8192)
def clean_claim(text: str) -> str:
    """The claim without fillers and stutters, each sentence capitalized and punctuated.
    Remembered for the latest texts: selection, the drafter's batches and the draft each
    clean the same claim."""
    return " ".join(
        cleaned for part in _SENTENCE_BREAK.split(text.strip()) if (cleaned := _clean_one(part))
    )


def _clean_one(text: str) -> str:
    out = remove_restarts(text.strip())
    out = re.sub(r",?\s*\b(?:right|you know|isn't it|no)\?\s*$", ".", out)
    for _ in range(2):  # twice: a filler may open once another is gone
        before = out
        out = LEADING_FILLERS.sub("", out)
        out = _JUDGEMENT.sub("", out)
        out = _FRAME.sub("", out)
        for pattern, replacement in _INLINE_FILLERS:
            out = _sub(pattern, replacement, out)
        if out == before:
            break  # nothing went: the second round would find the same
    out = _REPEATED_WORD.sub(r"\1", out)
    out = _REPEATED_ACROSS_COMMA.sub(r"\1", out)
    # "...might come up with a few default apps, but": speech cut off mid-thought.
    out = re.sub(r",?\s+\b(?:but|and|or|so|because)\W*$", "", out, flags=re.IGNORECASE)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r",+([.;:!?])", r"\1", out)
    out = re.sub(r",\s*,", ",", out)
    out = re.sub(r"\betc\.\.", "etc.", out)
    out = re.sub(r"\s{2,}", " ", out).strip(" ,;—-")
    if not out:
        return out
    out = out[0].upper() + out[1:]
    if out[-1] not in ".!?":
        out += "."
    return out


_FIRST_PERSON = [
    (re.compile(r"\bI'm\b"), "{s} is"),
    (re.compile(r"\bI am\b"), "{s} is"),
    (re.compile(r"\bI've\b"), "{s} has"),
    (re.compile(r"\bI have\b"), "{s} has"),
    (re.compile(r"\bI'd\b"), "{s} would"),
    (re.compile(r"\bI'll\b"), "{s} will"),
    (re.compile(r"\bI don't\b"), "{s} doesn't"),
    (re.compile(r"\bI do\b"), "{s} does"),
    (
        re.compile(r"\bI (was|would|will|can|could|should|might|must|wouldn't|can't|didn't)\b"),
        r"{s} \1",
    ),
    (re.compile(r"\b[Mm]y\b"), "{s}'s"),
    (re.compile(r"\bme\b"), "{s}"),
]


def third_person(text: str, speaker: str) -> str:
    """First-person claims about the speaker, retold about them."""
    out = text
    for pattern, replacement in _FIRST_PERSON:
        out = pattern.sub(replacement.replace("{s}", speaker), out)
    # "I think", "I call" ... : a bare "I" + verb; add the third-person -s.
    out = re.sub(r"\bI (\w+)", lambda m: f"{speaker} {third_person_verb(m.group(1))}", out)
    if out.startswith(speaker[0].lower() + speaker[1:]):
        out = speaker + out[len(speaker) :]
    return out[0].upper() + out[1:] if out else out


def third_person_verb(verb: str) -> str:
    if verb.endswith(("s", "sh", "ch", "x", "o")):
        return verb + "es"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"
