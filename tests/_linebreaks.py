"""Where Chromium actually broke the lines of a page, and whether each break is allowed.

Shared by the browser tests of every document (report, portfolio, index): open the page,
``measure_lines(page)`` after the width and media are set, then ``line_break_problems(lines)``
returns one readable line per problem ("ตัว|ชี้วัด" style), empty when all is well.

How lines are found: a Range over each grapheme cluster of every text node and its client
rectangle; a cluster that sits at least half a line lower than the one before starts a new line.
Text is gathered per block (the nearest ancestor that is not ``display: inline``), in document
order; a nested block, a ``<br>`` or an inline-block between two stretches of a block's text is
recorded as U+2029 so that the line change it forces is not taken for a break.

What is checked, independently of how thaibreak marked the page:
- no occurrence of a term of ``ita_analysis/words/ita_terms.txt`` or of a ``keep`` phrase of at
  most KEEP_MAX characters spans a break;
- no date and no number with its unit or lead word (regular expressions written here, not
  thaibreak's) spans a break;
- no line starts with ๆ, ฯ, a closing bracket or quote, or a stop;
- every break is at a point ``thaibreak.segment`` allows;
- no character is drawn right of its block's content box, and the page does not scroll sideways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ita_analysis.present.thaibreak import KEEP_MAX, ita_terms, segment, spacing_length

SEPARATOR = "\u2029"

MEASURE_JS = r"""
() => {
  const SKIP = new Set(['SCRIPT', 'STYLE', 'SVG', 'svg', 'MATH', 'math', 'TITLE', 'TEXTAREA',
                        'NOSCRIPT', 'TEMPLATE', 'HEAD']);
  const seg = new Intl.Segmenter('th', {granularity: 'grapheme'});
  const isInline = (el) => {
    const d = getComputedStyle(el).display;
    return d === 'inline' || d === 'contents';
  };
  const blockOf = (node) => {
    let el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    while (el && el !== document.body && isInline(el)) el = el.parentElement;
    return el || document.body;
  };
  const blocks = new Map();
  const entry = (block) => {
    if (!blocks.has(block)) blocks.set(block, {block, text: [], breaks: [], overflow: [],
                                               pending: false, prev: null});
    return blocks.get(block);
  };
  const walker = document.createTreeWalker(document.body,
    NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        if (node.nodeType === Node.ELEMENT_NODE) {
          if (SKIP.has(node.tagName)) return NodeFilter.FILTER_REJECT;
          if (getComputedStyle(node).display === 'none') return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      }});
  let node;
  while ((node = walker.nextNode())) {
    if (node.nodeType === Node.ELEMENT_NODE) {
      if (node.tagName === 'BR' || !isInline(node)) {
        const outer = entry(blockOf(node.parentElement));
        outer.pending = true;
        outer.prev = null;
      }
      continue;
    }
    const e = entry(blockOf(node));
    if (e.pending && e.text.length) e.text.push('\u2029');
    e.pending = false;
    const box = e.block.getBoundingClientRect();
    const cs = getComputedStyle(e.block);
    const right = box.right - parseFloat(cs.borderRightWidth) - parseFloat(cs.paddingRight);
    for (const g of seg.segment(node.data)) {
      const chars = Array.from(g.segment);
      const offset = e.text.length;
      e.text.push(...chars);
      if (/^\s+$/.test(g.segment)) continue;
      const r = document.createRange();
      r.setStart(node, g.index);
      r.setEnd(node, g.index + g.segment.length);
      const rect = [...r.getClientRects()].find(x => x.width > 0 && x.height > 0);
      if (!rect) continue;
      if (e.prev && rect.top > e.prev.top + 0.5 * Math.min(rect.height, e.prev.height)) {
        e.breaks.push(offset);
      }
      if (rect.right > right + 1 && e.overflow.length < 5) {
        e.overflow.push({offset, by: rect.right - right});
      }
      e.prev = {top: rect.top, height: rect.height};
    }
  }
  const out = [];
  for (const e of blocks.values()) {
    const b = e.block;
    const name = b.tagName.toLowerCase() + (b.className ? '.' + String(b.className).trim()
      .split(/\s+/).join('.') : '');
    out.push({where: name, text: e.text.join(''), breaks: e.breaks, overflow: e.overflow});
  }
  return {blocks: out, scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth};
}
"""


@dataclass
class Lines:
    """One measurement of a page: each block's text and the offsets where its lines start."""

    blocks: list[dict[str, Any]] = field(default_factory=list)
    scroll_width: int = 0
    client_width: int = 0


def measure_lines(page: Any) -> Lines:
    """Where Chromium broke the lines of ``page`` as it is laid out now."""
    page.evaluate("document.fonts.ready.then(() => true)")
    raw = page.evaluate(MEASURE_JS)
    return Lines(raw["blocks"], raw["scrollWidth"], raw["clientWidth"])


_D = "[0-9\u0e50-\u0e59]"
_NUM = rf"[\u2212\-]?{_D}+(?:[.,]{_D}+)*"
_MONTHS = ("มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|"
           "พฤศจิกายน|ธันวาคม")
# Written here, apart from thaibreak's own patterns, so the check does not share their mistakes.
WHOLE = re.compile("|".join([
    rf"{_D}{{1,2}} (?:{_MONTHS})(?: {_D}{{4}})?",  # ๑ ตุลาคม ๒๕๖๔, ๑๕ ธันวาคม
    rf"(?:{_MONTHS}) {_D}{{4}}",  # ตุลาคม ๒๕๖๔
    rf"พ\.ศ\. ?{_D}{{4}}",  # พ.ศ. ๒๕๖๕
    rf"{_NUM} (?:คะแนน|ตัวชี้วัด|เครื่องมือ|แห่ง|หน่วยงาน|ข้อ|คน|ครั้ง|ปี|น\.)",  # ๙๘.๔๗ คะแนน
    rf"(?:ร้อยละ|ที่|ลำดับ|อันดับ) ?{_NUM}",  # ร้อยละ ๘๕, ลำดับที่ ๓
    rf"{_D}{{1,2}}\.{_D}{{2}} น\.",  # ๐๙.๑๐ น.
    r"\S ๆ",  # ต่าง ๆ
]))
NEVER_FIRST = set(")]}\u201d\u2019.,:;!?%\u0e46\u0e2f")


def _pieces(text: str) -> Iterable[tuple[int, str]]:
    start = 0
    for part in text.split(SEPARATOR):
        yield start, part
        start += len(part) + 1


def _show(text: str, at: int) -> str:
    left = text[max(0, at - 14):at].replace("\n", " ").lstrip()
    right = text[at:at + 14].replace("\n", " ").rstrip()
    return f"{left}|{right}"


def line_break_problems(lines: Lines, keep: Iterable[str] = (), *,
                        check_allowed: bool = True) -> list[str]:
    """Every break that falls inside a term, a date, a number and its unit or a kept phrase,
    that starts a line badly or that thaibreak does not allow; and every overflow."""
    keep = tuple(k for k in keep if k)
    whole_terms = [*ita_terms(), *(k for k in keep if spacing_length(k) <= KEEP_MAX)]
    problems = []
    if lines.scroll_width > lines.client_width:
        problems.append(f"page scrolls sideways: {lines.scroll_width} px wide in "
                        f"{lines.client_width} px")
    for block in lines.blocks:
        text, where = block["text"], block["where"]
        breaks = set(block["breaks"])
        for item in block["overflow"]:
            problems.append(f"{where}: drawn {item['by']:.1f} px outside its box at "
                            f"{_show(text, item['offset'])!r}")
        if not breaks:
            continue
        for term in whole_terms:
            for m in re.finditer(re.escape(term), text):
                inside = [b for b in breaks if m.start() < b < m.end()]
                if inside:
                    problems.append(f"{where}: breaks inside {term!r}: "
                                    f"{_show(text, inside[0])!r}")
        for m in WHOLE.finditer(text):
            inside = [b for b in breaks if m.start() < b < m.end()]
            if inside:
                problems.append(f"{where}: breaks inside {m.group()!r}: "
                                f"{_show(text, inside[0])!r}")
        for b in sorted(breaks):
            if text[b] in NEVER_FIRST:
                problems.append(f"{where}: a line starts with {text[b]!r}: {_show(text, b)!r}")
        if check_allowed:
            for start, piece in _pieces(text):
                allowed, at = set(), start
                for chunk in segment(piece, keep):
                    at += len(chunk)
                    allowed.add(at)
                for b in sorted(x for x in breaks if start < x < start + len(piece)):
                    if b not in allowed:
                        problems.append(f"{where}: a break thaibreak does not allow: "
                                        f"{_show(text, b)!r}")
    return problems
