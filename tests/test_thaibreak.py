"""Tests for ita_analysis.present.thaibreak: where Thai text may break, and the HTML that marks it.

Expected segmentations are worked out by hand from the rules (a break falls after a space or
between two Thai words, never inside a term, a date, a number and its unit, before ๆ or a
closing mark, after an opening one); spacing-character counts are counted by hand.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from ita_analysis.present.thaibreak import (
    CLASS,
    CSS,
    KEEP_MAX,
    ita_terms,
    mark_breaks,
    number_leads,
    segment,
    segmentation_hints,
    spacing_length,
    units,
    wrap_html,
)

OPEN = f'<span class="{CLASS}">'


def cuts(text: str, keep: tuple[str, ...] = ()) -> str:
    return "|".join(segment(text, keep))


def unmark(html: str) -> str:
    """The HTML with everything thaibreak adds taken out again."""
    return re.sub(rf'{re.escape(OPEN)}|</span>|<wbr>', "", html)


# ----------------------------------------------------------------------------- word files


def test_word_files_are_clean():
    for words in (ita_terms(), units(), number_leads(), segmentation_hints()):
        assert words and all(w == w.strip() and " " not in w for w in words)
        assert not any(re.search("[0-9\u0e50-\u0e59]", w) for w in words)
    assert {"ตัวชี้วัด", "งบประมาณ", "ผู้รับผิดชอบ", "ธรรมาภิบาล", "ถอดบทเรียน", "หลักธรรมาภิบาล",
            "ท้องถิ่น", "ส่งเสริม", "สำนัก", "สำนักปลัด", "องค์การบริหารส่วนตำบล", "เทศบาลตำบล",
            "องค์กรปกครองส่วนท้องถิ่น", "ผู้มีส่วนได้ส่วนเสีย", "คุณธรรม", "ความโปร่งใส",
            "ป.ป.ช."} <= set(ita_terms())


@pytest.mark.parametrize("term", ita_terms())
def test_every_term_fits_a_phone_line_and_stays_whole_in_a_sentence(term):
    assert spacing_length(term) <= KEEP_MAX
    assert segment(term) == [term]
    text = f"ควรพัฒนา{term}ต่อไป"
    start = text.index(term)
    at = 0
    for chunk in segment(text)[:-1]:
        at += len(chunk)
        assert not start < at < start + len(term), cuts(text)


def test_spacing_length_leaves_out_marks_above_and_below():
    # อ ง ค ก า ร บ ร ห า ร ส ว น ต ำ บ ล: 18 (์ ิ ่ are marks; ำ takes width)
    assert spacing_length("องค์การบริหารส่วนตำบล") == 18
    assert spacing_length("หนองแสง") == 7
    assert spacing_length("บ้านนาดี") == 6
    assert spacing_length("ITA 2565") == 8


def test_our_dictionary_segments_as_pythainlps_trie_does():
    """Second method: pythainlp's own Trie over the same words gives the same tokens."""
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import dict_trie

    from ita_analysis.present.thaiwords import dictionary, tokens

    trie = dict_trie(dictionary().words)
    text = ("ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ ควรเผยแพร่"
            "แผนการจัดซื้อจัดจ้างหรือแผนการจัดหาพัสดุประจำปีตั้งแต่ต้นปีงบประมาณ ๒๕๖๕ "
            "ผู้รับบริการสอบถามและร้องเรียนได้ ITA 98.47")
    assert tokens(text, dictionary()) == word_tokenize(text, custom_dict=trie, engine="newmm")


# ---------------------------------------------------------------------------- segmentation


@pytest.mark.parametrize(("text", "expected"), [
    ("ตัวชี้วัดงบประมาณสำนักปลัด", "ตัวชี้วัด|งบประมาณ|สำนักปลัด"),
    ("ถอดบทเรียนตามหลักธรรมาภิบาล", "ถอดบทเรียน|ตาม|หลักธรรมาภิบาล"),
    ("ท้องถิ่นส่งเสริมผู้มีส่วนได้ส่วนเสีย", "ท้องถิ่น|ส่งเสริม|ผู้มีส่วนได้ส่วนเสีย"),
    ("ควรนำผลการประเมินรายตัวชี้วัดมาปรับปรุง", "ควร|นำ|ผลการประเมิน|รายตัวชี้วัด|มา|ปรับปรุง"),
    # a line never ends with the prefixes การ, ความ, ผู้
    ("เพื่อป้องกันการทุจริต", "เพื่อ|ป้องกัน|การทุจริต"),
])
def test_ita_terms_stay_whole(text, expected):
    assert cuts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # may break before พ.ศ., never inside "พ.ศ. ๒๕๖๕", in either digit script
    ("ปีงบประมาณ พ.ศ. ๒๕๖๕", "ปีงบประมาณ |พ.ศ. ๒๕๖๕"),
    ("ปีงบประมาณ พ.ศ. 2565", "ปีงบประมาณ |พ.ศ. 2565"),
    ("๑ ตุลาคม ๒๕๖๔", "๑ ตุลาคม ๒๕๖๔"),
    ("1 ตุลาคม 2564", "1 ตุลาคม 2564"),
    ("ตุลาคม ๒๕๖๔", "ตุลาคม ๒๕๖๔"),
    ("เมื่อวันที่ ๑๕ ธันวาคม ๒๕๖๕ แล้ว", "เมื่อ|วันที่ ๑๕ ธันวาคม ๒๕๖๕ |แล้ว"),
    ("ณ วันที่ 15 ธ.ค. 65", "ณ |วันที่ 15 ธ.ค. 65"),
    # a dash between two dates: a break after it, never before it
    ("๑ ตุลาคม ๒๕๖๔ – ๓๐ กันยายน ๒๕๖๕", "๑ ตุลาคม ๒๕๖๔ – |๓๐ กันยายน ๒๕๖๕"),
    ("ตุลาคม ๒๕๖๔–กันยายน ๒๕๖๕", "ตุลาคม ๒๕๖๔–|กันยายน ๒๕๖๕"),
])
def test_dates_stay_whole(text, expected):
    assert cuts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("ได้ ๙๘.๔๗ คะแนน", "ได้ |๙๘.๔๗ คะแนน"),
    ("ได้ 98.47 คะแนน", "ได้ |98.47 คะแนน"),
    ("ร้อยละ ๘๕ ของ", "ร้อยละ ๘๕ |ของ"),
    ("จาก ๑๐ ตัวชี้วัด ใน ๓ เครื่องมือ", "จาก |๑๐ ตัวชี้วัด |ใน |๓ เครื่องมือ"),
    ("ทั้ง ๑๓ แห่ง", "ทั้ง |๑๓ แห่ง"),
    # the ordinal ที่ binds the word before it as well as the number after it
    ("ส่วนตัวชี้วัดที่ ๑๐ ได้", "ส่วน|ตัวชี้วัดที่ ๑๐ |ได้"),
    ("อยู่ในลำดับที่ ๓", "อยู่|ใน|ลำดับที่ ๓"),
    ("เวลา ๐๙.๑๐ น.", "เวลา ๐๙.๑๐ น."),
    ("ลดลง −๒.๕๐ คะแนน", "ลดลง |−๒.๕๐ คะแนน"),
    ("ข้อ O36 ยังไม่ผ่าน", "ข้อ O36 |ยัง|ไม่|ผ่าน"),
    # a short range of numbers stays whole; years may break after the dash
    ("(ตัวชี้วัดที่ ๑–๕)", "(ตัวชี้วัดที่ ๑–๕)"),
    ("ปี ๒๕๖๔–๒๕๖๕", "ปี ๒๕๖๔–|๒๕๖๕"),
])
def test_numbers_stay_with_their_units_and_lead_words(text, expected):
    assert cuts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("สิ่งต่าง ๆ ที่", "สิ่ง|ต่าง ๆ |ที่"),
    ("ต่างๆ นานา", "ต่างๆ |นานา"),
    ("กรุงเทพฯ และ ฯลฯ", "กรุงเทพฯ |และ ฯลฯ"),
])
def test_repetition_and_abbreviation_marks_stay_with_the_word_before(text, expected):
    assert cuts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("คือ “ความโปร่งใส” ของ", "คือ |“ความโปร่งใส” |ของ"),
    ("ระดับ AA (ผ่าน) และ", "ระดับ |AA |(ผ่าน) |และ"),
    ("( ตัวชี้วัด ) และ", "( ตัวชี้วัด ) |และ"),
    ("เป็นต้น. ดังนี้: ตัวชี้วัด", "เป็นต้น. |ดังนี้: |ตัวชี้วัด"),
    ("ITA 2565 report", "ITA |2565 |report"),
    # after a slash between words, not between numbers
    ("มาตรการ/แนวทาง", "มาตรการ/|แนวทาง"),
    ("ปี ๒๕๖๔/๒๕๖๕", "ปี ๒๕๖๔/๒๕๖๕"),
])
def test_punctuation(text, expected):
    assert cuts(text) == expected


def test_keep_phrases_stay_whole():
    text = "อยู่ในอำเภอเมืองปราจีนบุรี ซึ่ง"
    assert cuts(text) == "อยู่|ใน|อำเภอ|เมือง|ปราจีนบุรี |ซึ่ง"
    assert cuts(text, ("อำเภอเมืองปราจีนบุรี",)) == "อยู่|ใน|อำเภอเมืองปราจีนบุรี |ซึ่ง"
    assert cuts("วังชมภูทอง", "วังชมภูทอง") == "วังชมภูทอง"  # a bare string is one phrase


def test_a_text_breaks_by_the_phrases_it_holds_whatever_was_kept_before():
    # Breaks are remembered per text from report to report; only the kept phrases a text
    # holds may count, and they must: each call below gives what a first call would.
    text = "อยู่ในอำเภอเมืองปราจีนบุรี ซึ่ง"
    plain, kept = "อยู่|ใน|อำเภอ|เมือง|ปราจีนบุรี |ซึ่ง", "อยู่|ใน|อำเภอเมืองปราจีนบุรี |ซึ่ง"
    for _ in range(2):
        assert cuts(text, ("อำเภอวังชมภูทอง",)) == plain  # another report's place
        assert cuts(text, ("อำเภอวังชมภูทอง", "อำเภอเมืองปราจีนบุรี")) == kept
        assert cuts(text) == plain
        assert cuts(text, ("อำเภอเมืองปราจีนบุรี", "จังหวัดปราจีนบุรี")) == kept


def test_a_long_keep_phrase_breaks_only_after_its_terms_and_spaces():
    # 18 + 6 = 24 spacing characters: whole; 18 + 7 = 25: may break after the term
    name24, name25 = "องค์การบริหารส่วนตำบลบ้านนาดี", "องค์การบริหารส่วนตำบลหนองแสง"
    assert cuts(f"ของ{name24}", (name24,)) == f"ของ|{name24}"
    assert cuts(f"ของ{name25}", (name25,)) == "ของ|องค์การบริหารส่วนตำบล|หนองแสง"
    name = "องค์การบริหารส่วนตำบลหนองมะขามเฒ่า"
    assert "หนอง|มะขาม|เฒ่า" in cuts(name)  # the dictionary alone splits the place name
    assert cuts(name, (name,)) == "องค์การบริหารส่วนตำบล|หนองมะขามเฒ่า"
    place = "องค์การบริหารส่วนตำบลหนองมะขามเฒ่า อำเภอวังชมภูทอง จังหวัดพนมไพรวัลย์"
    assert cuts(place, (place, "อำเภอวังชมภูทอง")) == (
        "องค์การบริหารส่วนตำบล|หนองมะขามเฒ่า |อำเภอวังชมภูทอง |จังหวัดพนมไพรวัลย์")
    # a part that fits keeps its terms too: only the too-long part breaks after เทศบาลตำบล
    town = "เทศบาลตำบลนาดี อำเภอเมืองปราจีนบุรี จังหวัดปราจีนบุรี"
    assert cuts(town, (town,)) == "เทศบาลตำบลนาดี |อำเภอเมืองปราจีนบุรี |จังหวัดปราจีนบุรี"


def test_a_part_still_too_long_breaks_between_its_words_never_inside_them():
    nacc = "สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ"
    chunks = segment(nacc, (nacc,))
    assert chunks[0] == "สำนักงาน" and "".join(chunks) == nacc
    assert all(spacing_length(c) <= KEEP_MAX for c in chunks)
    # also without keep: a dictionary word wider than a phone line is split into its parts
    assert all(spacing_length(c) <= KEEP_MAX for c in segment(f"ตาม{nacc}"))


def test_text_without_thai_and_empty_text():
    assert segment("") == []
    assert mark_breaks("ITA <2565> & co") == Markup("ITA &lt;2565&gt; &amp; co")
    assert mark_breaks("") == Markup("")
    assert wrap_html("<p title='x'>ITA 98.47</p>") == "<p title='x'>ITA 98.47</p>"


PIECES = [*"กขคงจตัวชี้วัดงบประมาณ่้๊๋ำะาเแโใไๆฯ ๑๒๓0123.,:;()“”–-/\n&<>\"'",
          "พ.ศ. ", "ตุลาคม", "ร้อยละ", " คะแนน", "ที่ "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_round_trip_is_exact(text):
    assert "".join(segment(text)) == text
    html = str(mark_breaks(text))
    assert html.count("<span") <= 1
    assert unmark(html) == str(Markup.escape(text))
    fragment = f"<p>{Markup.escape(text)}</p>"
    marked = wrap_html(fragment)
    assert unmark(marked) == fragment
    assert wrap_html(marked) == marked


# ------------------------------------------------------------------------------------ HTML


def test_mark_breaks_writes_one_no_wrap_run_with_wbr_at_each_break():
    assert mark_breaks("ตัวชี้วัดงบประมาณ") == Markup(f"{OPEN}ตัวชี้วัด<wbr>งบประมาณ</span>")
    # outer white space stays outside, where it breaks as usual; text is escaped
    assert mark_breaks(" ได้ ๙๘.๔๗ คะแนน <ITA> ") == Markup(
        f" {OPEN}ได้ <wbr>๙๘.๔๗ คะแนน <wbr>&lt;ITA&gt;</span> ")
    assert mark_breaks("๙๘.๔๗") == Markup("๙๘.๔๗")  # nothing a browser could break
    assert mark_breaks("ตัวชี้วัด", keep=()) == Markup(f"{OPEN}ตัวชี้วัด</span>")


def test_marking_twice_is_marking_once():
    once = mark_breaks("ผลการประเมินของสำนักปลัด")
    assert mark_breaks(once) == once
    page = f"<h1>{once} และงบประมาณ</h1>"
    assert wrap_html(wrap_html(page)) == wrap_html(page)
    assert wrap_html(page).count(OPEN) == 2  # the new text gets a run; the old one is kept


def test_a_run_crosses_inline_elements_so_breaks_at_their_edges_obey_the_rules():
    assert wrap_html("<p>ได้ <b>๙๘.๔๗</b> คะแนน และ<a href='#x'>ตัวชี้วัด</a>ที่ ๑๐</p>") == (
        f"<p>{OPEN}ได้ <wbr><b>๙๘.๔๗</b> คะแนน <wbr>และ<wbr><a href='#x'>ตัวชี้วัด</a>ที่ ๑๐"
        "</span></p>")
    # blocks, cells and line breaks end runs
    assert wrap_html("<td>งบ<br>ประมาณ</td><td>คะแนน</td>") == (
        f"<td>{OPEN}งบ</span><br>{OPEN}ประมาณ</span></td><td>{OPEN}คะแนน</span></td>")


def test_html_outside_text_nodes_is_left_byte_for_byte():
    fragment = (
        '<div class="x" title="ตัวชี้วัด งบประมาณ" data-n=\'๑ ตุลาคม\'>'
        "<!-- ตัวชี้วัด งบประมาณ -->"
        "<svg viewBox='0 0 10 10'><text x='1'>ตัวชี้วัด งบประมาณ</text><path d='M0 0'/></svg>"
        "<script>var s = 'ตัวชี้วัด งบประมาณ' < 1;</script>"
        "<style>.a::after{content:'ตัวชี้วัด งบประมาณ'}</style>"
        "<code>ตัวชี้วัด งบประมาณ</code><pre>ตัวชี้วัด งบประมาณ</pre>"
        "<textarea>ตัวชี้วัด งบประมาณ</textarea>"
        "<select><option>ตัวชี้วัด งบประมาณ</option></select>"
        "</div>")
    assert wrap_html(fragment) == fragment
    doc = "<html><head><title>ตัวชี้วัด งบประมาณ</title></head><body><p>งบประมาณ</p></body></html>"
    assert wrap_html(doc) == doc.replace("<p>งบประมาณ</p>", f"<p>{OPEN}งบประมาณ</span></p>")


def test_character_references_are_kept_and_read_as_text():
    # &#3611; is ป: งบประมาณ is one word, whatever spelling its letters have in the source
    assert wrap_html("<p>๙๘.๔๗&nbsp;คะแนน &amp; งบ&#3611;ระมาณ</p>") == (
        f"<p>{OPEN}๙๘.๔๗&nbsp;คะแนน <wbr>&amp; <wbr>งบ&#3611;ระมาณ</span></p>")


def test_unclosed_and_stray_tags_never_end_up_inside_a_run():
    assert wrap_html("<p>งบประมาณ<p>ตัวชี้วัด</b>คะแนน") == (
        f"<p>{OPEN}งบประมาณ</span><p>{OPEN}ตัวชี้วัด</span></b>{OPEN}คะแนน</span>")
    assert wrap_html("<li>งบประมาณ<li>ตัวชี้วัด") == (
        f"<li>{OPEN}งบประมาณ</span><li>{OPEN}ตัวชี้วัด</span>")
    assert wrap_html("<p><i>งบประมาณ</p>") == "<p><i>" + f"{OPEN}งบประมาณ</span></p>"


def test_line_feeds_of_pre_line_text_and_the_css_rule():
    assert wrap_html("<td>จัดทำคู่มือ\nเผยแพร่</td>") == (
        f"<td>{OPEN}จัดทำ<wbr>คู่มือ\n<wbr>เผยแพร่</span></td>")
    assert CSS == ".tb{white-space:nowrap;white-space-collapse:inherit}"
