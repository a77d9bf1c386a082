"""What python-docx has no call for, written as WordprocessingML: Thai fonts and language,
complex-script sizes, repeating table headers, fields (page number, table of contents) and
the font table's fallback.

Thai is a complex script to Word: it draws Thai text with the ``w:cs`` font at the ``w:szCs``
size, bold with ``w:bCs``, and checks it against the ``w:bidi`` language. python-docx's
``font.size`` and ``font.bold`` set only the Latin values, so every size and weight here is
written for both.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

FONT = "TH Sarabun New"  # what Thai offices have (the government's standard face)
FALLBACK = "Sarabun"  # its open successor, which the package ships
LANG = "th-TH"
LATIN_LANG = "en-US"


def _child(parent: etree._Element, tag: str, before: tuple[str, ...] = ()) -> etree._Element:
    """The parent's ``tag`` child, made (before any of ``before``) when missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        for name in before:
            anchor = parent.find(qn(name))
            if anchor is not None:
                anchor.addprevious(found)
                break
        else:
            parent.append(found)
    return found


def set_fonts(rpr: etree._Element) -> None:
    """Name the Thai face for every script: theme fonts would win over names, so they go."""
    fonts = _child(rpr, "w:rFonts", before=("w:b", "w:bCs", "w:i", "w:color", "w:sz",
                                            "w:szCs", "w:lang"))
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def set_lang(rpr: etree._Element) -> None:
    """Thai for the complex script (``w:bidi``: Thai letters and digits), English for the
    Latin letters of the text (ITA, IIT, O36): as Word writes a Thai office's document. A
    Latin word marked Thai is broken anywhere by LibreOffice ("Transpar-ency")."""
    lang = _child(rpr, "w:lang")
    lang.set(qn("w:val"), LATIN_LANG)
    lang.set(qn("w:eastAsia"), LANG)
    lang.set(qn("w:bidi"), LANG)


def set_size(rpr: etree._Element, points: float) -> None:
    """Size for Latin and complex script (Thai) alike, in points."""
    half = str(round(points * 2))
    for tag in ("w:sz", "w:szCs"):
        _child(rpr, tag, before=("w:highlight", "w:u", "w:effect", "w:vertAlign", "w:lang")
               ).set(qn("w:val"), half)


def set_bold(rpr: etree._Element, bold: bool = True) -> None:
    for tag in ("w:b", "w:bCs"):
        _child(rpr, tag, before=("w:i", "w:iCs", "w:caps", "w:strike", "w:color", "w:sz",
                                 "w:szCs", "w:u", "w:lang")).set(qn("w:val"), "1" if bold else "0")


def thai_run(rpr: etree._Element) -> None:
    """A run's fonts and language, so that Word and spell-checkers read it as Thai."""
    set_fonts(rpr)
    set_lang(rpr)


def style_fonts(styles_element: etree._Element) -> None:
    """Every font named in the styles part becomes the Thai face (the template names theme
    fonts: Calibri, Cambria) and the document defaults to Thai."""
    for fonts in styles_element.iter(qn("w:rFonts")):
        rpr = fonts.getparent()
        set_fonts(rpr)
    defaults = styles_element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    set_lang(rpr)
    for lang in styles_element.iter(qn("w:lang")):
        set_lang(lang.getparent())


def repeat_header(row: object) -> None:
    """The row repeats at the top of every page the table runs onto."""
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    _child(trpr, "w:tblHeader").set(qn("w:val"), "1")


def cant_split(row: object) -> None:
    """The row stays whole on one page."""
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    _child(trpr, "w:cantSplit", before=("w:tblHeader",)).set(qn("w:val"), "1")


def shade(cell: object, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = _child(tcpr, "w:shd", before=("w:noWrap", "w:tcMar", "w:textDirection", "w:vAlign",
                                        "w:hideMark"))
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)


def add_field(paragraph: object, instruction: str, shown: str = "",
              rpr: etree._Element | None = None) -> etree._Element:
    """A complex field (``PAGE``, ``TOC …``) at the paragraph's end, showing ``shown`` until
    Word updates it. Returns the run that holds the shown text (more runs may follow it)."""
    p = paragraph._p  # type: ignore[attr-defined]

    def run() -> etree._Element:
        r = OxmlElement("w:r")
        if rpr is not None:
            r.append(_copy(rpr))
        p.append(r)
        return r

    def char(kind: str, dirty: bool = False) -> None:
        c = OxmlElement("w:fldChar")
        c.set(qn("w:fldCharType"), kind)
        if dirty:
            c.set(qn("w:dirty"), "1")
        run().append(c)

    char("begin", dirty=instruction.startswith("TOC"))
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run().append(text)
    char("separate")
    shown_run = run()
    if shown:
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = shown
        shown_run.append(t)
    char("end")
    return shown_run


def _copy(element: etree._Element) -> etree._Element:
    from copy import deepcopy

    return deepcopy(element)


def page_number_format(section: object, thai: bool) -> None:
    """Page numbers counted in Thai digits (``thaiNumbers``) or Arabic ones."""
    sectpr = section._sectPr  # type: ignore[attr-defined]
    pg = _child(sectpr, "w:pgNumType", before=("w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
                                               "w:titlePg", "w:textDirection", "w:bidi",
                                               "w:rtlGutter", "w:docGrid"))
    pg.set(qn("w:fmt"), "thaiNumbers" if thai else "decimal")


def font_table(blob: bytes) -> bytes:
    """The font table with the Thai face declared and Sarabun named as its alternative, so a
    machine without TH Sarabun New knows what to draw it with."""
    root = etree.fromstring(blob)
    for old in root.findall(qn("w:font")):
        if old.get(qn("w:name")) in (FONT, FALLBACK):
            root.remove(old)
    for name, alt in ((FONT, FALLBACK), (FALLBACK, None)):
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        if alt:
            font.append(_val("w:altName", alt))
        font.append(_val("w:charset", "DE"))  # THAI_CHARSET
        font.append(_val("w:family", "swiss"))
        font.append(_val("w:pitch", "variable"))
        sig = OxmlElement("w:sig")
        # Unicode ranges: Basic Latin, Latin-1 and Thai (bit 24); code page 874 (Thai)
        for key, value in (("w:usb0", "01000003"), ("w:usb1", "00000000"),
                           ("w:usb2", "00000000"), ("w:usb3", "00000000"),
                           ("w:csb0", "00010001"), ("w:csb1", "00000000")):
            sig.set(qn(key), value)
        font.append(sig)
        root.insert(0, font) if name == FONT else root.insert(1, font)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _val(tag: str, value: str) -> etree._Element:
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    return element


def settings(settings_element: etree._Element) -> None:
    """Ask Word to refresh the fields (the table of contents' page numbers) on opening, and
    set the document's language for proofing."""
    update = _child(settings_element, "w:updateFields",
                    before=("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
                            "w:docVars", "w:rsids"))
    update.set(qn("w:val"), "true")
    theme = _child(settings_element, "w:themeFontLang",
                   before=("w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
                           "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
                           "w:readModeInkLockDown", "w:smartTagType", "w:shapeDefaults",
                           "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator"))
    theme.set(qn("w:val"), LATIN_LANG)
    theme.set(qn("w:bidi"), LANG)
