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
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html.parser import HTMLParser
from importlib import resources

from markupsafe import Markup, escape
from pythainlp.util.date import thai_abbr_months, thai_full_months  # as ita_analysis.thai

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
_COMBINING_RE = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
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


# ------------------------------------------------------------------------------ word lists


def _word_file(name: str) -> tuple[str, ...]:
    text = resources.files("ita_analysis").joinpath("words", name).read_text(encoding="utf-8")
    words = (line.strip() for line in text.splitlines())
    return tuple(dict.fromkeys(w for w in words if w and not w.startswith("#")))


@cache
def ita_terms() -> tuple[str, ...]:
    """Our ITA and government terms (``words/ita_terms.txt``): never broken inside."""
    return _word_file("ita_terms.txt")


@cache
def segmentation_hints() -> tuple[str, ...]:
    """Ordinary words that steer newmm (``words/segmentation_hints.txt``); not protected."""
    return _word_file("segmentation_hints.txt")


@cache
def units() -> tuple[str, ...]:
    """Units that stay with the number before them (``words/units.txt``)."""
    return _word_file("units.txt")


@cache
def number_leads() -> tuple[str, ...]:
    """Words that stay with the number after them (``words/number_leads.txt``)."""
    return _word_file("number_leads.txt")


def spacing_length(text: str) -> int:
    """Characters that take width: Thai vowel and tone marks above or below are not counted."""
    return len(_COMBINING_RE.sub("", text))


class _Dictionary:
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
def _dictionary() -> _Dictionary:
    """Built once per process."""
    from pythainlp.corpus import thai_words

    words = frozenset(filter(None, (w.strip() for w in (*thai_words(), *ita_terms(),
                                                         *segmentation_hints()))))
    stems = frozenset(w[:k] for w in words for k in range(1, len(w)))
    return _Dictionary(words, stems)


@cache
def _short_dictionary() -> _Dictionary:
    """The same words but those longer than KEEP_MAX: splits an over-long word."""
    full = _dictionary()
    return _Dictionary(full.words, full.stems, KEEP_MAX)


def _tokens(text: str, dictionary: _Dictionary) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, custom_dict=dictionary, engine="newmm",  # type: ignore[arg-type]
                         keep_whitespace=True)


def _trie_pattern(words: Iterable[str]) -> str:
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


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    months = [*thai_full_months, *thai_abbr_months]
    month = _trie_pattern(months)
    era = r"(?:[พค]\.\s?ศ\.\s*)"
    return {
        # ๑ ตุลาคม ๒๕๖๔, ตุลาคม พ.ศ. ๒๕๖๔, ๑๕ ธ.ค. ๖๕, ๑ ตุลาคม
        "date": re.compile(
            rf"(?:{_DIGIT}{{1,2}}\s*)?(?:{month})(?:\s*{era}?{_DIGIT}{{2,4}}(?!{_DIGIT}))?"),
        "lead": re.compile(rf"(?:{_trie_pattern(number_leads())})\s*{_NUMBER}"),
        "unit": re.compile(rf"{_NUMBER}\s*(?:{_trie_pattern(units())})"),
        "ordinal": re.compile(rf"{_ORDINAL}\s*{_NUMBER}"),
        "term": re.compile(rf"(?=({_trie_pattern(ita_terms())}))"),
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


@lru_cache(maxsize=1 << 16)
def _breaks(text: str, keep: tuple[str, ...]) -> tuple[int, ...]:
    """Offsets where ``text`` may break (a line starts there), ascending."""
    candidates: set[int] = set()
    forbidden: set[int] = set()
    pos = 0
    tokens = _tokens(text, _dictionary())
    for i, token in enumerate(tokens):
        end = pos + len(token)
        if end < len(text):
            candidates.add(end)
            if token in _PREFIXES and not tokens[i + 1][:1].isspace():
                forbidden.add(end)
        if spacing_length(token) > KEEP_MAX and _THAI_LETTER_RE.search(token):
            sub = pos
            for part in _tokens(token, _short_dictionary())[:-1]:
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


# Elements whose content is left exactly as it is: code, scripts, styles, SVG and MathML,
# the document title, form controls.
_SKIP = frozenset({"script", "style", "svg", "math", "title", "textarea", "code", "pre", "kbd",
                   "samp", "template", "noscript", "select", "option", "iframe", "object",
                   "head"})
# Phrasing elements a run of text may cross; anything else (blocks, cells, line breaks,
# images, controls) ends a run.
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "font",
                     "i", "ins", "label", "mark", "q", "s", "small", "span", "strong", "sub",
                     "sup", "time", "u", "var", "wbr", "nobr"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
# Start tags that close an open element of these names (HTML's optional end tags).
_CLOSES = {
    "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "tr": {"tr", "td", "th"},
    "td": {"td", "th"}, "th": {"td", "th"}, "option": {"option"},
    **{t: {"p"} for t in ("p", "div", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5",
                          "h6", "section", "article", "aside", "header", "footer", "nav",
                          "figure", "blockquote", "hr", "pre", "form", "main", "address")},
}


@dataclass(slots=True)
class _Event:
    """One token of the source: its kind, where it starts and ends, and its tag."""

    kind: str  # "start", "startend", "end", "text", "ref", "other", "stray" (an unmatched end)
    start: int
    end: int = 0
    tag: str = ""
    attrs: list[tuple[str, str | None]] = field(default_factory=list)


class _Lexer(HTMLParser):
    """html.parser's tokens, each with its place in the source (so nothing is re-serialised)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.events: list[_Event] = []
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", source))]

    def _at(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _add(self, kind: str, tag: str = "", attrs: list | None = None) -> None:
        self.events.append(_Event(kind, self._at(), tag=tag, attrs=attrs or []))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("startend", tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("text")

    def handle_entityref(self, name: str) -> None:
        self._add("ref")

    def handle_charref(self, name: str) -> None:
        self._add("ref")

    def handle_comment(self, data: str) -> None:
        self._add("other")

    def handle_decl(self, decl: str) -> None:
        self._add("other")

    def handle_pi(self, data: str) -> None:
        self._add("other")

    def unknown_decl(self, data: str) -> None:
        self._add("other")


@dataclass(slots=True)
class _Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    start: int  # raw offset of the start tag
    end: int = -1  # raw offset after the end tag; -1 while open
    explicit_end: bool = False
    children: list[_Element | _Event] = field(default_factory=list)

    @property
    def marked(self) -> bool:
        """A run this module already wrote: its content is left alone."""
        if self.tag != "span":
            return False
        classes = next((v for k, v in self.attrs if k == "class"), None) or ""
        return CLASS in classes.split()


def _tree(source: str) -> _Element:
    lexer = _Lexer(source)
    lexer.feed(source)
    lexer.close()
    events = lexer.events
    for event, following in itertools.pairwise(events):
        event.end = following.start
    if events:
        events[-1].end = len(source)
    root = _Element("#root", [], 0)
    stack = [root]

    def close_top(at: int) -> None:
        stack.pop().end = at

    for event in events:
        if event.kind == "start":
            closes = _CLOSES.get(event.tag, ())
            if closes and len(stack) > 1 and stack[-1].tag in closes:
                close_top(event.start)
            element = _Element(event.tag, event.attrs, event.start)
            stack[-1].children.append(element)
            if event.tag in _VOID:
                element.end, element.explicit_end = event.end, True
            else:
                stack.append(element)
        elif event.kind == "startend":
            stack[-1].children.append(
                _Element(event.tag, event.attrs, event.start, event.end, explicit_end=True))
        elif event.kind == "end":
            depth = next((i for i in range(len(stack) - 1, 0, -1)
                          if stack[i].tag == event.tag), None)
            if depth is None:  # an end tag with nothing to close ends any run
                stack[-1].children.append(_Event("stray", event.start, event.end))
                continue
            while len(stack) - 1 > depth:
                close_top(event.start)
            element = stack.pop()
            element.end, element.explicit_end = event.end, True
        else:
            stack[-1].children.append(event)
    while len(stack) > 1:
        close_top(len(source))
    root.end = len(source)
    return root


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

    def pure(self, node: _Element | _Event) -> bool:
        """Whether ``node`` may sit inside a run: text, a comment, or a closed inline element
        holding nothing else."""
        if isinstance(node, _Event):
            return node.kind in ("text", "ref", "other")
        key = id(node)
        if key not in self._pure:
            self._pure[key] = node.marked or (
                node.tag in _INLINE and node.explicit_end and node.tag not in _SKIP
                and all(self.pure(child) for child in node.children))
        return self._pure[key]

    def visit(self, element: _Element) -> None:
        run: list[_Element | _Event] = []
        for child in element.children:
            if self.pure(child):
                run.append(child)
                continue
            self.flush(run)
            run = []
            if isinstance(child, _Element) and child.tag not in _SKIP and not child.marked:
                self.visit(child)
        self.flush(run)

    def pieces(self, nodes: list[_Element | _Event]) -> Iterator[_Piece]:
        for node in nodes:
            if isinstance(node, _Element):
                if node.marked:
                    raw = self.source[node.start:node.end]
                    yield _Piece(_visible(raw), node.start, node.end, False, marked=True)
                else:
                    yield from self.pieces(node.children)
            elif node.kind == "text":
                yield _Piece(self.source[node.start:node.end], node.start, node.end, True)
            elif node.kind == "ref":
                raw = self.source[node.start:node.end]
                yield _Piece(html.unescape(raw), node.start, node.end, False)

    def flush(self, run: list[_Element | _Event]) -> None:
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
    wrapper.visit(_tree(fragment))
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
