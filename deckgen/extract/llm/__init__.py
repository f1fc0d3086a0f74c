"""The second drafter: a language model the user runs, reached through the
OpenAI-compatible chat API, every card grounded in a quote deckgen finds in the talk.

client.py speaks to the server (httpx, from the ``llm`` extra, imported only when a
request is made); passages.py cuts the talk; prompt.py asks and reads the answer;
grounding.py checks each card against the talk's own words; drafter.py runs them.
"""

from deckgen.extract.llm.client import (
    ChatClient,
    Completion,
    ContextTooLong,
    Endpoint,
    LLMError,
    ModeMemory,
    resolve_endpoint,
)
from deckgen.extract.llm.drafter import DraftReport, LLMDrafter
from deckgen.extract.llm.prompt import CARD_SCHEMA, PROMPT_VERSION

__all__ = [
    "CARD_SCHEMA",
    "PROMPT_VERSION",
    "ChatClient",
    "Completion",
    "ContextTooLong",
    "DraftReport",
    "Endpoint",
    "LLMDrafter",
    "LLMError",
    "ModeMemory",
    "resolve_endpoint",
]
