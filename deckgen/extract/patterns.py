"""Text tables and helpers shared by more than one stage of extraction.

A table used by one stage only lives beside it (in selection.py, cleanup.py, or
drafting's modules: lexicon.py holds the word lists drafting reads a parse against). Changing one of these changes every stage named in its comment.
"""

from __future__ import annotations

import re

from deckgen.words import STOPWORDS as _STOPWORDS

# A point announced before it is made ("So number one is precision."): joins the
# sentence after it (sentences.claim_units) and ranks as enumerated (selection).
ANNOUNCES = re.compile(
    r"^\W*(?:(?:so|and|but|then|ok|okay)\W+)*(?:number (?:one|two|three|four|five)|"
    r"step (?:one|two|three)|first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|"
    r"the (?:first|second|third|last|final|next|other) (?:one|thing|lever|step|part|point|"
    r"piece|reason|stage|aspect))\b",
    re.IGNORECASE,
)
# Chatter, not a claim: greetings, thanks, sign-offs, sponsor reads. Never completes a
# claim (sentences.claim_units) and ranks as junk (selection).
JUNK = re.compile(
    r"\b(?:thank you|thanks so much|welcome (?:back|to)|hi everyone|hello everyone|"
    r"good question|great question|that's a good question|i don't know|i'm not sure|"
    r"sponsor(?:ed)?|promo code|discount|check (?:them|it) out|subscribe|patreon|"
    r"link (?:is )?in the description|let me know|see you|next (?:time|week)|"
    r"applause|round of applause|any questions|last question|switching gears|"
    r"i want to address|i'd love to|we'd love|how are you|nice to meet|my name is|congratulations|"
    r"(?:i'm|i am) (?-i:[A-Z][a-z]+)(?!-))\b",
    re.IGNORECASE,
)
# Fillers a claim opens with: dropped from the card (cleanup) and skipped to find what
# a sentence opens with (selection).
LEADING_FILLERS = re.compile(
    r"^(?:(?:so|and|but|yeah|yes|ok|okay|well|now|right|like|um|uh|oh|basically|actually|"
    r"i mean|you know|i think|i would say|roughly speaking|long story short|of course|"
    r"honestly|to some extent|also|again|genuinely|fundamentally|not (?:just|only) that)\b[,]?\s*)+",
    re.IGNORECASE,
)
# "Sparsity, I think, is another big lever": the speaker's aside inside a statement.
ASIDE = re.compile(
    r",\s*(?:i think|i would say|i'd say|i guess|i feel like|i believe|of course|basically),\s*",
    re.IGNORECASE,
)
# A verb that reports what someone says ("Karpathy suggests..."): ranks a summary
# sentence (selection).
REPORTING = re.compile(
    r"\b(?:suggest|argue|highlight|note|emphasi[sz]e|believe|compare|explain|describe|advocate|"
    r"foresee|stress|point|see|find|favor|doubt|admire|prefer|practice|share|express|warn|"
    r"critique|envision|propose|discuss|value|encourage|advise)(?:s|d|ed)?\b",
    re.IGNORECASE,
)


def content_words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9][a-z0-9'.-]*[a-z0-9]|[a-z0-9]", text.lower())
    return [w for w in words if w not in _STOPWORDS]
