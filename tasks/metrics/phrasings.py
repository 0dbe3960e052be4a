"""One regex for many phrasings, shared by the readers of care text (channels, urgency).

Word boundaries are ASCII (`(?-u:\\b)`): a Unicode `\\b` stops the regex engine's fast DFA on any
text with a non-ASCII character (an emoji, a curly quote: most tweets), which made the readers
several times slower with the same answers (tests/benchmarks, issue 28 item 9).
"""

from __future__ import annotations


def any_of(*phrasings: str) -> str:
    """One case-insensitive pattern matching any of the phrasings, with ASCII word boundaries."""
    return ascii_boundaries(r"(?i)(?:" + "|".join(phrasings) + ")")


def ascii_boundaries(pattern: str) -> str:
    """The pattern with every `\\b` read as an ASCII word boundary."""
    return pattern.replace(r"\b", r"(?-u:\b)")
