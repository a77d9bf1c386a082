"""Where Thai text may break across lines, and the HTML that makes a browser keep to it.

Thai is written without spaces between words, so a browser finds its own line-break
opportunities with a dictionary (ICU's, in Chromium), and that dictionary is not ours: left
alone, Chromium breaks "ตัว|ชี้วัด", "งบ|ประมาณ" and "สำ|นัก", splits "พ.ศ.|๒๕๖๕" and starts a
line with "ๆ". Here the text is segmented once, by pythainlp's newmm with pythainlp's Thai words
plus our own ITA and government terms (``ita_analysis/words/``), and typesetting rules decide which
word boundaries may break (:func:`segment`). In HTML (:func:`mark_breaks`, :func:`wrap_html`)
each run of inline text becomes one element that does not wrap, with ``<wbr>`` at every allowed
break: the old NOBR/WBR pattern, which Chromium honours.

Measured in Chromium 150 and 156 (tests/test_thaibreak_browser.py, and by hand):

- Inside ``white-space: nowrap`` a space is no break opportunity, so every allowed break,
  spaces included, carries its ``<wbr>``; a zero-width space is none either.
- Between two adjacent nowrap elements Chromium still breaks wherever ICU allows, even inside
  a word ("ตัวชี้|วัด" across ``<span>ตัวชี้</span><span>วัด</span>``). So a run's text may not
  be wrapped node by node: the whole run of inline content (text and inline elements such as
  ``<b>`` or ``<a>``) goes into ONE element, and ``<wbr>`` is written into its text nodes.
- ``white-space-collapse: inherit`` keeps a ``pre-line`` cell's line feeds (the measures table).

Cost: one ``<span class="tb">``/``</span>`` (24 bytes) per run of Thai text and 5 bytes per
allowed break; over the seed report's body (113,000 characters) that is 14 kB and about 40 ms,
once the dictionary is built (0.12 s per process). bench/thaibreak.py measures it.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from markupsafe import Markup, escape
from pythainlp.util.date import thai_abbr_months, thai_full_months  # as ita_analysis.thai

from .htmltree import INLINE, SKIP, Element, Event, parse
from .thaiwords import (
    dictionary,
    ita_terms,
    number_leads,
    segmentation_hints,
    short_dictionary,
    spacing_length,
    tokens,
    trie_pattern,
    units,
)

__all__ = [
    "CLASS",
    "CSS",
    "KEEP_MAX",
    "ita_terms",
    "mark_breaks",
    "number_leads",
    "segment",
    "segmentation_hints",
    "spacing_length",
    "units",
    "wrap_html",
]

CLASS = "tb"
"""Class of the element that holds a run of Thai text (short: it is written once per run)."""

CSS = f".{CLASS}{{white-space:nowrap;white-space-collapse:inherit}}"
"""The one rule every stylesheet that shows marked text needs.

``white-space: nowrap`` stops the browser's own breaks; ``white-space-collapse: inherit``
then keeps the parent's handling of spaces and line feeds (a ``pre-line`` cell keeps its line
feeds; browsers without the longhand simply collapse them, as ``nowrap`` does).
"""

KEEP_MAX = 24
"""Longest unbreakable phrase, in Thai spacing characters (combining marks not counted).

Measured in Chromium with the embedded Sarabun: a spacing character of the package's
organisation, district and province names is at most 0.57 em wide in the regular face and
0.59 em in bold. A 390 px phone shows the report's text 352 px wide (5 mm margins), and the
largest type the documents set text in is their title (report cover and portfolio), 1.55 em
of 16 px in bold: 352 / (0.59 × 24.8) = 24.0 characters. So a phrase of at most 24 spacing
characters fits one phone line at every size the documents use (in body text it takes at most
24 × 0.57 × 16 = 219 px). A ``keep`` phrase longer than this may break, but only at its
spaces; in a part still too long, at the edges of the ITA terms in it
("องค์การบริหารส่วนตำบล|วังชมภูทอง"); in a piece still too long, between its words. A dictionary
word longer than this (the NACC's full name) breaks between its own parts.
"""

_WS = " \t\n\r\f"
_WS_RE = re.compile(f"[{_WS}]+")
_THAI_LETTER = "\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e"
_THAI_LETTER_RE = re.compile(f"[{_THAI_LETTER}]")
_THAI_DIGIT_RE = re.compile("[\u0e50-\u0e59]")
_DIGIT = "[0-9\u0e50-\u0e59]"
# A number as printed: optional sign, an item code's letters (O36), digits with decimal or
# thousands separators or a time's point (๐๙.๑๐), a per cent sign.
_NUMBER = rf"[+\-\u2212]?(?:[A-Z]{{1,3}})?{_DIGIT}+(?:[.,:]{_DIGIT}+)*%?"

# No break right before these (closing brackets and quotes, stops, repetition marks, dashes).
_NO_BREAK_BEFORE = frozenset(")]}\u201d\u2019\u00bb\u300b.,:;!?%\u2026\u0e46\u0e2f\u2013\u2014/")
# No break right after these, even before a space.
_OPENING = frozenset("([{\u201c\u2018\u00ab\u300a")
# Prefixes that make a noun of the word after them; a line never ends with one.
_PREFIXES = frozenset({"การ", "ความ", "ผู้"})
_ORDINAL = "ที่"




@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    months = [*thai_full_months, *thai_abbr_months]
    month = trie_pattern(months)
    era = r"(?:[พค]\.\s?ศ\.\s*)"
    return {
        # ๑ ตุลาคม ๒๕๖๔, ตุลาคม พ.ศ. ๒๕๖๔, ๑๕ ธ.ค. ๖๕, ๑ ตุลาคม
        "date": re.compile(
            rf"(?:{_DIGIT}{{1,2}}\s*)?(?:{month})(?:\s*{era}?{_DIGIT}{{2,4}}(?!{_DIGIT}))?"),
        "lead": re.compile(rf"(?:{trie_pattern(number_leads())})\s*{_NUMBER}"),
        "unit": re.compile(rf"{_NUMBER}\s*(?:{trie_pattern(units())})"),
        "ordinal": re.compile(rf"{_ORDINAL}\s*{_NUMBER}"),
        "term": re.compile(rf"(?=({trie_pattern(ita_terms())}))"),
        "fixed": re.compile("\u0e2f\u0e25\u0e2f|\u0e2f\u0e1e\u0e13\u0e2f"),  # ฯลฯ, ฯพณฯ
    }


# ---------------------------------------------------------------------------- segmentation


def _keep_key(keep: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(keep, str):
        keep = (keep,)
    return tuple(sorted({k for k in keep if k}, key=lambda k: (-len(k), k)))


def _allowed_here(text: str, b: int) -> bool:
    """The typesetting rules at one word boundary ``b`` (0 < b < len(text))."""
    before, after = text[b - 1], text[b]
    if after in _WS or after in _NO_BREAK_BEFORE:
        return False
    if before in _WS:  # after a space, unless the space follows an opening bracket
        i = b - 1
        while i > 0 and text[i - 1] in _WS:
            i -= 1
        return i == 0 or text[i - 1] not in _OPENING
    if before in "\u2013\u2014":  # a dash between two dates breaks after itself...
        if not after.isdigit():
            return True
        digits = 0  # ...but not in a short range of numbers (ตัวชี้วัดที่ ๑–๕)
        while b - 2 - digits >= 0 and text[b - 2 - digits].isdigit():
            digits += 1
        return digits >= 4
    thai_after = bool(_THAI_LETTER_RE.match(after))
    if before in "\u0e46\u0e2f":  # ๆ or ฯ written against the next word
        return thai_after
    if before == "-":  # a Latin compound: ita-analysis
        return after.isalpha() and b > 1 and text[b - 2].isalpha()
    if before == "/":  # after the slash between two words: ผู้บริหาร/|หัวหน้าส่วนราชการ
        return thai_after and b > 1 and bool(_THAI_LETTER_RE.match(text[b - 2]))
    return thai_after and bool(_THAI_LETTER_RE.match(before))


def _spans(pattern: re.Pattern[str], text: str, group: int = 0) -> Iterator[tuple[int, int]]:
    for m in pattern.finditer(text):
        if m.end(group) > m.start(group):
            yield m.start(group), m.end(group)


def _occurrences(phrase: str, text: str) -> Iterator[int]:
    start = text.find(phrase)
    while start >= 0:
        yield start
        start = text.find(phrase, start + 1)


def _breaks(text: str, keep: tuple[str, ...]) -> tuple[int, ...]:
    """Offsets where ``text`` may break (a line starts there), ascending.

    Cached under the kept phrases that occur in ``text`` only: a document's phrases (its
    organisation's name, say) change from report to report, and most of its texts hold none
    of them, so a warm kernel segments those texts once for a whole batch."""
    return _text_breaks(text, tuple(phrase for phrase in keep if phrase in text))


@lru_cache(maxsize=1 << 16)
def _text_breaks(text: str, keep: tuple[str, ...]) -> tuple[int, ...]:
    candidates: set[int] = set()
    forbidden: set[int] = set()
    pos = 0
    words = tokens(text, dictionary())
    for i, token in enumerate(words):
        end = pos + len(token)
        if end < len(text):
            candidates.add(end)
            if token in _PREFIXES and not words[i + 1][:1].isspace():
                forbidden.add(end)
        if spacing_length(token) > KEEP_MAX and _THAI_LETTER_RE.search(token):
            sub = pos
            for part in tokens(token, short_dictionary(KEEP_MAX))[:-1]:
                sub += len(part)
                candidates.add(sub)
        pos = end

    def protect(start: int, end: int) -> None:
        forbidden.update(range(start + 1, end))

    patterns = _patterns()
    for name in ("date", "lead", "unit", "fixed"):
        for start, end in _spans(patterns[name], text):
            protect(start, end)
    for start, end in _spans(patterns["ordinal"], text):
        protect(start, end)
        if start > 0 and text[start - 1] not in _WS:  # ตัวชี้วัดที่ ๑๐ binds to the left too
            forbidden.add(start)
    terms = list(_spans(patterns["term"], text, 1))
    for start, end in terms:
        protect(start, end)

    for phrase in keep:
        for start in _occurrences(phrase, text):
            end = start + len(phrase)
            if spacing_length(phrase) <= KEEP_MAX:
                protect(start, end)
                continue
            inside = _long_phrase_breaks(text, start, end, terms, candidates)
            candidates.update(inside)
            forbidden.update(set(range(start + 1, end)) - inside)

    return tuple(sorted(b for b in candidates - forbidden if _allowed_here(text, b)))


def _long_phrase_breaks(text: str, start: int, end: int, terms: list[tuple[int, int]],
                        candidates: set[int]) -> set[int]:
    """Where a kept phrase longer than KEEP_MAX may break, coarsest first: after its spaces;
    in a part still too long, at the edges of the terms in it; in a piece still too long,
    between its words."""

    def too_long(a: int, b: int) -> bool:
        return spacing_length(text[a:b].strip(_WS)) > KEEP_MAX

    def split(a: int, b: int, points: Iterable[int]) -> list[tuple[int, int]]:
        edges = [a, *sorted(p for p in set(points) if a < p < b), b]
        return list(itertools.pairwise(edges))

    inside: set[int] = set()
    for a, b in split(start, end, (m.end() for m in _WS_RE.finditer(text, start, end))):
        inside.add(a)
        if not too_long(a, b):
            continue
        edges = [e for ts, te in terms if a <= ts and te <= b for e in (ts, te)]
        for c, d in split(a, b, edges):
            inside.add(c)
            if too_long(c, d):
                inside.update(x for x in candidates if c < x < d)
    inside.discard(start)
    return inside


def segment(text: str, keep: Iterable[str] | str = ()) -> list[str]:
    """``text`` cut where a line may break: joined, the pieces give ``text`` back exactly.

    A break falls only between words (pythainlp's newmm, with pythainlp's Thai words and our
    ITA terms), after a space rather than before it, and never inside an ITA term, a date
    (``๑ ตุลาคม ๒๕๖๔``, ``พ.ศ. ๒๕๖๕``), a number and its unit or lead word (``๙๘.๔๗ คะแนน``,
    ``ร้อยละ ๘๕``, ``ตัวชี้วัดที่ ๑๐``), before ``ๆ``/``ฯ``, a closing bracket, a stop or a
    dash, after an opening bracket or the prefixes การ/ความ/ผู้, or inside a ``keep`` phrase
    (see :data:`KEEP_MAX` for long ones).
    """
    if not text:
        return []
    edges = [0, *_breaks(text, _keep_key(keep)), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(edges)]


# ------------------------------------------------------------------------------------ HTML

_OPEN_TAG = f'<span class="{CLASS}">'
_CLOSE_TAG = "</span>"
_WBR = "<wbr>"


def _needs_marking(text: str) -> bool:
    """Thai letters, or Thai digits with a space a browser could break at (๙๘.๔๗ คะแนน)."""
    if _THAI_LETTER_RE.search(text):
        return True
    return bool(_THAI_DIGIT_RE.search(text)) and bool(_WS_RE.search(text.strip(_WS)))


def _trim(text: str, breaks: tuple[int, ...]) -> tuple[int, int]:
    """How much leading and trailing white space may stay outside the no-wrap run.

    Outside it, white space breaks as usual; leading white space stays inside when the text
    after it may not start a line (``" ๆ"``)."""
    lead = len(text) - len(text.lstrip(_WS))
    if lead == len(text):
        return 0, 0
    if lead and lead not in breaks:
        lead = 0
    trail = len(text) - len(text.rstrip(_WS))
    return lead, trail


def mark_breaks(text: str, keep: Iterable[str] | str = ()) -> Markup:
    """``text`` escaped for HTML, as one no-wrap run with ``<wbr>`` where it may break.

    Text without Thai comes back escaped and otherwise unchanged. Markup (already HTML) goes
    through :func:`wrap_html`, so marking twice does no harm.
    """
    if hasattr(text, "__html__"):
        return Markup(wrap_html(str(text), keep))
    text = str(text)
    if not _needs_marking(text):
        return escape(text)
    breaks = _breaks(text, _keep_key(keep))
    lead, trail = _trim(text, breaks)
    end = len(text) - trail
    edges = [lead, *(b for b in breaks if lead < b < end), end]
    inner = _WBR.join(str(escape(text[a:b])) for a, b in itertools.pairwise(edges))
    return Markup(f"{escape(text[:lead])}{_OPEN_TAG}{inner}{_CLOSE_TAG}{escape(text[end:])}")



def _marked(node: Element | Event) -> bool:
    """A run this module already wrote: its content is left alone."""
    return isinstance(node, Element) and node.tag == "span" and node.has_class(CLASS)


@dataclass(slots=True)
class _Piece:
    """Text a run holds: its decoded characters and where they sit in the source."""

    text: str
    raw_start: int
    raw_end: int
    splittable: bool  # a text node (a <wbr> may go inside); not a reference or a marked run
    marked: bool = False


class _Wrapper:
    def __init__(self, source: str, keep: tuple[str, ...]) -> None:
        self.source = source
        self.keep = keep
        self.inserts: list[tuple[int, int, str]] = []
        self._pure: dict[int, bool] = {}

    def pure(self, node: Element | Event) -> bool:
        """Whether ``node`` may sit inside a run: text, a comment, or a closed inline element
        holding nothing else."""
        if isinstance(node, Event):
            return node.kind in ("text", "ref", "other")
        key = id(node)
        if key not in self._pure:
            self._pure[key] = _marked(node) or (
                node.tag in INLINE and node.explicit_end and node.tag not in SKIP
                and all(self.pure(child) for child in node.children))
        return self._pure[key]

    def visit(self, element: Element) -> None:
        run: list[Element | Event] = []
        for child in element.children:
            if self.pure(child):
                run.append(child)
                continue
            self.flush(run)
            run = []
            if isinstance(child, Element) and child.tag not in SKIP and not _marked(child):
                self.visit(child)
        self.flush(run)

    def pieces(self, nodes: list[Element | Event]) -> Iterator[_Piece]:
        for node in nodes:
            if isinstance(node, Element):
                if _marked(node):
                    raw = self.source[node.start:node.end]
                    yield _Piece(_visible(raw), node.start, node.end, False, marked=True)
                else:
                    yield from self.pieces(node.children)
            elif node.kind == "text":
                yield _Piece(self.source[node.start:node.end], node.start, node.end, True)
            elif node.kind == "ref":
                raw = self.source[node.start:node.end]
                yield _Piece(html.unescape(raw), node.start, node.end, False)

    def flush(self, run: list[Element | Event]) -> None:
        pieces = list(self.pieces(run))
        if not pieces or not _needs_marking("".join(p.text for p in pieces if not p.marked)):
            return
        text = "".join(p.text for p in pieces)
        breaks = _breaks(text, self.keep)
        lead, trail = _trim(text, breaks)
        first, last = pieces[0], pieces[-1]
        if not first.splittable or lead > len(first.text):
            lead = 0
        if not last.splittable or trail > len(last.text) or len(text) - trail < lead:
            trail = 0
        open_at = run[0].start if lead == 0 else first.raw_start + lead
        close_at = run[-1].end if trail == 0 else last.raw_end - trail
        self.inserts.append((open_at, 0, _OPEN_TAG))
        starts, offset = [], 0
        for piece in pieces:
            starts.append(offset)
            offset += len(piece.text)
        k = 0
        for b in breaks:
            if not lead < b < len(text) - trail:
                continue
            while k + 1 < len(pieces) and starts[k + 1] <= b:
                k += 1
            piece, local = pieces[k], b - starts[k]
            if local == 0 and k > 0:  # at a piece's start: after the previous piece
                self.inserts.append((pieces[k - 1].raw_end, 1, _WBR))
            elif piece.splittable:
                self.inserts.append((piece.raw_start + local, 1, _WBR))
        self.inserts.append((close_at, 2, _CLOSE_TAG))

    def result(self) -> str:
        out, at = [], 0
        for pos, _, tag in sorted(self.inserts):
            out.append(self.source[at:pos])
            out.append(tag)
            at = pos
        out.append(self.source[at:])
        return "".join(out)


_TAG_RE = re.compile(r"<[^>]*>")


def _visible(fragment: str) -> str:
    """The text of a marked run (it holds only text, <wbr> and inline tags)."""
    return html.unescape(_TAG_RE.sub("", fragment))


def _wrap(fragment: str, keep: tuple[str, ...]) -> str:
    wrapper = _Wrapper(fragment, keep)
    wrapper.visit(parse(fragment))
    return wrapper.result()


_wrap_small = lru_cache(maxsize=8192)(_wrap)  # template snippets repeat; documents do not


def wrap_html(fragment: str, keep: Iterable[str] | str = ()) -> str:
    """Mark where every Thai text of an HTML fragment may break (see :func:`mark_breaks`).

    Each run of inline content (text, and inline elements such as ``<b>``, ``<a>``, ``<span>``
    that hold only text) that has Thai in it is wrapped in one no-wrap element with ``<wbr>``
    in its text nodes; tags, attributes, character references, white space outside runs, and
    the content of ``<script>``, ``<style>``, ``<svg>``, ``<math>``, ``<title>``, ``<textarea>``,
    ``<code>``, ``<pre>`` and form controls are copied byte for byte. Runs already marked are
    left alone, so wrapping twice gives the same HTML as wrapping once.
    """
    if not _THAI_LETTER_RE.search(fragment) and not _THAI_DIGIT_RE.search(fragment):
        return fragment
    if len(fragment) <= 2048:
        return _wrap_small(fragment, _keep_key(keep))
    return _wrap(fragment, _keep_key(keep))
