"""The printable certificate (志愿服务记录证明) of a :class:`~linli.records.models.Certificate`.

An A4 PDF in Chinese, whatever the reader's language: it is shown to schools, employers and
offices. It is built with reportlab's platypus so a long list of records flows over as many pages
as it needs, the table header repeated on each, and every page carries the verification code and
its number so pages cannot be swapped between certificates.

The font is embedded: a subset (only the glyphs used) of WenQuanYi Micro Hei (Apache-2.0), vendored
in ``fonts/`` because reportlab embeds only TrueType-outline fonts (Noto CJK is CFF), so the
certificate prints the same on every machine and every viewer. ``LINLI_CERTIFICATE_FONT`` (and
``LINLI_CERTIFICATE_FONT_INDEX`` for a ``.ttc``) may name another TrueType file.

It holds what the 《志愿服务记录与证明出具办法（试行）》 (§14–15) asks of a certificate: the
volunteer, service time, service content and the recording unit of each record, the issuer and
the date, and a code anyone can check on the verification page. It never prints an ID number or a
mobile number. A certificate the organising unit has not certified is titled 志愿服务记录（平台记录）
and says so in a line of its own; once certified it is titled 志愿服务记录证明 and names the unit.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linli.ledger.units import hours_text as hours

FONT = "LinliCJK"
DEFAULT_FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
PLATFORM = "邻里社区服务平台"
TITLE_CERTIFIED = "志愿服务记录证明"
TITLE_PLATFORM = "志愿服务记录（平台记录）"
UNCERTIFIED_LINE = "本记录为平台记录，未经组织单位证明。"
#: Characters of a record's content printed in the table (the snapshot keeps 200).
CONTENT_CHARS = 30
MARGIN = 15 * mm
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b76")
RED = colors.HexColor("#a1231a")
LINE = colors.HexColor("#9aa5b1")
HEAD = colors.HexColor("#eef1f4")


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = getattr(settings, "LINLI_CERTIFICATE_FONT", "") or DEFAULT_FONT_FILE
        index = int(getattr(settings, "LINLI_CERTIFICATE_FONT_INDEX", 0) or 0)
        # A TrueType font is always embedded by reportlab, as a subset of the glyphs used.
        pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=index))


def _style(name: str, size: float, *, align=TA_LEFT, color=INK, leading: float | None = None, **kw) -> ParagraphStyle:
    # wordWrap="CJK": Chinese has no spaces, so a line may break between any two characters.
    return ParagraphStyle(name, fontName=FONT, fontSize=size, leading=leading or size * 1.45, alignment=align,
                          textColor=color, wordWrap="CJK", **kw)


def _p(text, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: what people typed is escaped, never read as markup."""
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _day(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.year}年{value.month}月{value.day}日"


def _local_day(moment) -> str:
    return _day(timezone.localtime(moment).date()) if moment else ""




def grouped(code: str) -> str:
    """``ABCDEFGHJKLM`` → ``ABCD EFGH JKLM``: easier to read aloud and to type."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def _shorten(text: str, limit: int = CONTENT_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _qr(value: str, size: float) -> Drawing:
    widget = QrCodeWidget(value, barLevel="M", barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def certificate_pdf(certificate, *, verify_url: str) -> bytes:
    """The certificate as PDF bytes. ``verify_url`` is printed and encoded in the QR code."""
    _register_font()
    certified = certificate.certified
    title = TITLE_CERTIFIED if certified else TITLE_PLATFORM
    volunteer = certificate.volunteer

    s_title = _style("title", 20, align=TA_CENTER, leading=28, spaceAfter=2 * mm)
    s_warn = _style("warn", 11, align=TA_CENTER, color=RED, spaceAfter=3 * mm)
    s_label = _style("label", 10, color=MUTED)
    s_value = _style("value", 11)
    s_h2 = _style("h2", 12, spaceBefore=4 * mm, spaceAfter=2 * mm)
    s_cell = _style("cell", 8.5, leading=11)
    s_cell_num = _style("cellnum", 8.5, leading=11, align=TA_RIGHT)
    s_head = _style("head", 8.5, leading=11, color=MUTED)
    s_text = _style("text", 9.5, leading=14)
    s_code = _style("code", 22, leading=28)
    s_small = _style("small", 8, leading=11, color=MUTED)

    width = A4[0] - 2 * MARGIN
    story = [_p(title, s_title)]
    if not certified:
        story.append(_p(UNCERTIFIED_LINE, s_warn))

    facts = [
        ("志愿者姓名", volunteer.name),
        ("服务时间合计", f"{hours(certificate.minutes)} 小时"),
        ("服务记录", f"{certificate.records} 条"),
        ("服务期间", f"{_day(certificate.first_date)} 至 {_day(certificate.last_date)}"),
        ("出具日期", _local_day(certificate.issued_at)),
        ("出具平台", PLATFORM),
    ]
    if certified:
        facts += [("证明单位", certificate.certifying_unit), ("证明日期", _local_day(certificate.certified_at))]
    facts_table = Table([[_p(k, s_label), _p(v, s_value)] for k, v in facts], colWidths=[28 * mm, width - 28 * mm])
    facts_table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story += [facts_table, _p("服务记录明细", s_h2)]

    header = [_p(h, s_head) for h in ("日期", "活动名称", "服务内容", "时长（小时）", "组织单位（记录单位）", "负责人")]
    rows = [header] + [[
        _p(r.get("date", ""), s_cell), _p(r.get("activity", ""), s_cell),
        _p(_shorten(r.get("content", "")), s_cell), _p(hours(r.get("minutes", 0)), s_cell_num),
        _p(r.get("unit", ""), s_cell), _p(r.get("person_in_charge", ""), s_cell),
    ] for r in certificate.snapshot]
    col = [20 * mm, 32 * mm, 44 * mm, 19 * mm, 44 * mm]
    records_table = Table(rows, colWidths=col + [width - sum(col)], repeatRows=1)
    records_table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, LINE),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story.append(records_table)

    statement = (
        "依据《志愿服务记录与证明出具办法（试行）》第十四条、第十五条，本文件载明志愿者参加志愿服务的"
        "服务时间、服务内容和记录单位。各条记录的记录单位为“组织单位（记录单位）”栏所列单位，"
        "服务时间为志愿者实际提供服务的时间（不含往返时间），以记录单位确认的志愿服务记录为准；"
        f"本文件由{PLATFORM}依据上述记录于{_local_day(certificate.issued_at)}生成，免费出具。"
    )
    if certified:
        statement += f"经{certificate.certifying_unit}于{_local_day(certificate.certified_at)}核实证明。"
    else:
        statement += "本文件未经组织单位证明，仅为平台记录。"
    story += [Spacer(1, 4 * mm), _p(statement, s_text)]
    if certified:
        story += [Spacer(1, 6 * mm), _p(f"证明单位（盖章）：{certificate.certifying_unit}", s_value),
                  Spacer(1, 14 * mm)]

    qr_size = 32 * mm
    verify = Table([[
        [_p("验证码", s_label), _p(grouped(certificate.code), s_code), Spacer(1, 2 * mm),
         _p("扫描二维码或访问以下网址核验本文件（也可在核验页输入验证码）：", s_small), _p(verify_url, s_small)],
        _qr(verify_url, qr_size),
    ]], colWidths=[width - qr_size - 4 * mm, qr_size + 4 * mm])
    verify.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BOX", (0, 0), (-1, -1), 0.6, LINE),
        ("LEFTPADDING", (0, 0), (0, 0), 4 * mm),
    ]))
    story += [Spacer(1, 5 * mm), KeepTogether([verify])]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 9 * mm, f"{title}　验证码 {certificate.code}")
        canvas.drawRightString(A4[0] - MARGIN, 9 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=18 * mm,
        title=f"{title} {certificate.code}", author=PLATFORM, subject=title, creator="Linli",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
