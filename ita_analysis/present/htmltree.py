"""An HTML fragment as a tree whose every node knows its place in the source.

Text can then be marked by inserting tags at source offsets, so everything else (tags,
attributes, references, white space) is copied byte for byte, never re-serialised. Built on
``html.parser``, with HTML's optional end tags and void elements.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["CLOSES", "INLINE", "SKIP", "VOID", "Element", "Event", "Lexer", "parse"]

# Elements whose content is left exactly as it is: code, scripts, styles, SVG and MathML,
# the document title, form controls.
SKIP = frozenset({"script", "style", "svg", "math", "title", "textarea", "code", "pre", "kbd",
                  "samp", "template", "noscript", "select", "option", "iframe", "object",
                  "head"})
# Phrasing elements a run of text may cross; anything else (blocks, cells, line breaks,
# images, controls) ends a run.
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "font",
                    "i", "ins", "label", "mark", "q", "s", "small", "span", "strong", "sub",
                    "sup", "time", "u", "var", "wbr", "nobr"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})
# Start tags that close an open element of these names (HTML's optional end tags).
CLOSES = {
    "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "tr": {"tr", "td", "th"},
    "td": {"td", "th"}, "th": {"td", "th"}, "option": {"option"},
    **{t: {"p"} for t in ("p", "div", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5",
                          "h6", "section", "article", "aside", "header", "footer", "nav",
                          "figure", "blockquote", "hr", "pre", "form", "main", "address")},
}


@dataclass(slots=True)
class Event:
    """One token of the source: its kind, where it starts and ends, and its tag."""

    kind: str  # "start", "startend", "end", "text", "ref", "other", "stray" (an unmatched end)
    start: int
    end: int = 0
    tag: str = ""
    attrs: list[tuple[str, str | None]] = field(default_factory=list)


class Lexer(HTMLParser):
    """html.parser's tokens, each with its place in the source (so nothing is re-serialised)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.events: list[Event] = []
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", source))]

    def _at(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _add(self, kind: str, tag: str = "", attrs: list | None = None) -> None:
        self.events.append(Event(kind, self._at(), tag=tag, attrs=attrs or []))

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
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    start: int  # raw offset of the start tag
    end: int = -1  # raw offset after the end tag; -1 while open
    explicit_end: bool = False
    children: list[Element | Event] = field(default_factory=list)

    def has_class(self, name: str) -> bool:
        classes = next((v for k, v in self.attrs if k == "class"), None) or ""
        return name in classes.split()


def parse(source: str) -> Element:
    lexer = Lexer(source)
    lexer.feed(source)
    lexer.close()
    events = lexer.events
    for event, following in itertools.pairwise(events):
        event.end = following.start
    if events:
        events[-1].end = len(source)
    root = Element("#root", [], 0)
    stack = [root]

    def close_top(at: int) -> None:
        stack.pop().end = at

    for event in events:
        if event.kind == "start":
            closes = CLOSES.get(event.tag, ())
            if closes and len(stack) > 1 and stack[-1].tag in closes:
                close_top(event.start)
            element = Element(event.tag, event.attrs, event.start)
            stack[-1].children.append(element)
            if event.tag in VOID:
                element.end, element.explicit_end = event.end, True
            else:
                stack.append(element)
        elif event.kind == "startend":
            stack[-1].children.append(
                Element(event.tag, event.attrs, event.start, event.end, explicit_end=True))
        elif event.kind == "end":
            depth = next((i for i in range(len(stack) - 1, 0, -1)
                          if stack[i].tag == event.tag), None)
            if depth is None:  # an end tag with nothing to close ends any run
                stack[-1].children.append(Event("stray", event.start, event.end))
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
