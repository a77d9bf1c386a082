"""The words Thai segmentation knows: pythainlp's Thai words, our ITA and government terms,
units and number leads (``ita_analysis/words/``), and the dictionary newmm reads them from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

__all__ = [
    "COMBINING_RE",
    "Dictionary",
    "dictionary",
    "ita_terms",
    "number_leads",
    "segmentation_hints",
    "short_dictionary",
    "spacing_length",
    "tokens",
    "trie_pattern",
    "units",
    "word_file",
]

COMBINING_RE = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
"""Thai vowel and tone marks written above or below a letter (they take no width)."""


def word_file(name: str) -> tuple[str, ...]:
    text = resources.files("ita_analysis").joinpath("words", name).read_text(encoding="utf-8")
    words = (line.strip() for line in text.splitlines())
    return tuple(dict.fromkeys(w for w in words if w and not w.startswith("#")))


@cache
def ita_terms() -> tuple[str, ...]:
    """Our ITA and government terms (``words/ita_terms.txt``): never broken inside."""
    return word_file("ita_terms.txt")


@cache
def segmentation_hints() -> tuple[str, ...]:
    """Ordinary words that steer newmm (``words/segmentation_hints.txt``); not protected."""
    return word_file("segmentation_hints.txt")


@cache
def units() -> tuple[str, ...]:
    """Units that stay with the number before them (``words/units.txt``)."""
    return word_file("units.txt")


@cache
def number_leads() -> tuple[str, ...]:
    """Words that stay with the number after them (``words/number_leads.txt``)."""
    return word_file("number_leads.txt")


def spacing_length(text: str) -> int:
    """Characters that take width: Thai vowel and tone marks above or below are not counted."""
    return len(COMBINING_RE.sub("", text))


class Dictionary:
    """The segmenter's dictionary: pythainlp's Thai words, our terms and hints.

    newmm asks its dictionary one thing, the words that start at a position of a text
    (``prefixes``). pythainlp answers with a trie of Python objects that takes 0.3 to 0.9 s to
    build; two frozen sets (the words, and every proper prefix of a word) take about 0.12 s
    and answer faster, with the same segmentation (tests/test_thaibreak.py compares them).
    ``limit`` leaves out words longer than that many spacing characters.
    """

    __slots__ = ("limit", "stems", "words")

    def __init__(self, words: frozenset[str], stems: frozenset[str], limit: int = 0) -> None:
        self.words, self.stems, self.limit = words, stems, limit

    def __len__(self) -> int:
        return len(self.words)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        found, end, stop = [], start + 1, len(text)
        words, stems = self.words, self.stems
        while end <= stop:
            piece = text[start:end]
            if piece in words:
                if not self.limit or spacing_length(piece) <= self.limit:
                    found.append(piece)
            elif piece not in stems:
                break
            end += 1
        return found


@cache
def dictionary() -> Dictionary:
    """Built once per process."""
    from pythainlp.corpus import thai_words

    words = frozenset(filter(None, (w.strip() for w in (*thai_words(), *ita_terms(),
                                                         *segmentation_hints()))))
    stems = frozenset(w[:k] for w in words for k in range(1, len(w)))
    return Dictionary(words, stems)


@cache
def short_dictionary(limit: int) -> Dictionary:
    """The same words but those longer than ``limit`` spacing characters: splits an
    over-long word."""
    full = dictionary()
    return Dictionary(full.words, full.stems, limit)


def tokens(text: str, known: Dictionary) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, custom_dict=known, engine="newmm",  # type: ignore[arg-type]
                         keep_whitespace=True)


def trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, longest first, shaped as a trie so that
    a search tries only the words that start with the character at hand."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + pattern(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return pattern(root)
