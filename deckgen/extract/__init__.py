"""Find the claims worth a card in a Document and draft each as a card.

The only package that imports spaCy (lazily, in pipeline.py). The work is staged so
the model runs only where it matters:

1. sentences (sentences.py): spaCy's rule-based sentencizer over the whole text
   (cheap), each sentence timed by the segment (or word) where it begins;
2. selection (selection.py): cheap pattern scoring keeps sentences that state
   something: numbers, definitions, contrasts, comparisons, named lists,
   recommendations, framings; and drops greetings, questions, meta-talk, sponsor
   reads and filler;
3. drafting (drafting.py): the pipeline, batched with ``nlp.pipe``, runs on the
   candidates the cheap tests leave (not the host's words, nor a claim ending on a
   word that opens a phrase), without the entities; then the gates; then on the
   sentences just before a claim only when it has a pronoun to resolve; the entities
   last, only for the claims whose card's form is still to choose. It picks the
   cloze or the question, resolves pronouns, and names the card.
   gates.py refuses a claim that makes no card, forms.py chooses the question or the
   cloze, phrases.py reads what they need from the parse (lexicon.py: the word lists
   it compares with), and blanks.py chooses what a cloze hides.

claims.py runs the stages for one document; cleanup.py tidies a claim's words;
patterns.py holds the text tables more than one stage uses. Without a trained English
pipeline installed, a rules-only drafter is used, with a warning.
"""

from deckgen.extract.claims import (
    Claim,
    ExtractOptions,
    claim_id,
    extract_claims,
    is_near_duplicate,
    near_duplicate_counts,
)
from deckgen.extract.cleanup import clean_claim, third_person
from deckgen.extract.drafting import SpacyDrafter, draft_with_rules, main_person
from deckgen.extract.forms import Draft
from deckgen.extract.patterns import content_words
from deckgen.extract.pipeline import (
    MODEL_CANDIDATES,
    Pipeline,
    load_pipeline,
    model_identity,
    rules_only_warning,
    sentence_splitter,
)
from deckgen.extract.selection import (
    DEFAULT_MAX_PER_HOUR,
    DEFAULT_MIN_SCORE,
    SUMMARY_CARDS_PER_100_WORDS,
    Score,
    card_budget,
    score_in_context,
    score_sentence,
    score_summary_sentence,
)
from deckgen.extract.sentences import Sentence, claim_units, split_sentences

__all__ = [
    "DEFAULT_MAX_PER_HOUR",
    "DEFAULT_MIN_SCORE",
    "MODEL_CANDIDATES",
    "SUMMARY_CARDS_PER_100_WORDS",
    "Claim",
    "Draft",
    "ExtractOptions",
    "Pipeline",
    "Score",
    "Sentence",
    "SpacyDrafter",
    "card_budget",
    "claim_id",
    "claim_units",
    "clean_claim",
    "content_words",
    "draft_with_rules",
    "extract_claims",
    "is_near_duplicate",
    "load_pipeline",
    "main_person",
    "model_identity",
    "near_duplicate_counts",
    "rules_only_warning",
    "score_in_context",
    "score_sentence",
    "score_summary_sentence",
    "sentence_splitter",
    "split_sentences",
    "third_person",
]
