"""The invoice as an A4 PDF, laid out the way a Vietnamese accountant reads a VAT invoice.

Top to bottom: the seller; the invoice's name and date, with form, symbol and number on the
right; the buyer; the table STT / Tên hàng hóa, dịch vụ / Đơn vị tính / Số lượng / Đơn giá /
Thành tiền (a Thuế suất column is added when the order mixes VAT rates) with its numbering
row (1) … (6) = (4) × (5); under it, in the same columns so that every amount is right-aligned
in one column, Cộng tiền hàng, Thuế suất GTGT and Tiền thuế GTGT per rate, Tổng tiền thanh
toán; the amount in words; the buyer's and the seller's signature places. A long name or
address wraps within its column; a table too long for one page continues on the next under
its header again, and the totals, amount in words and signatures are kept together.

The page is drawn directly on a reportlab canvas (the platypus table layout cost 7 ms of the
10 ms budget). DejaVu Sans, shipped in `invoices/fonts`, covers all of Vietnamese; it is
registered once per process and embedded as a subset. The output is a function of the
document alone: reportlab runs in invariant mode (no random file id) and the creation date is
the issue date, so the same invoice renders to the same bytes every time. (reportlab also folds
SOURCE_DATE_EPOCH into the file id when the environment sets it: leave it unset, or the same,
wherever invoices are rendered.)
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from invoices.document import InvoiceDocument, InvoiceRow, VatSummary
from locales import N_, Translator, translator

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT, BOLD = "InvoiceSans", "InvoiceSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

SELLER = N_("Seller:")
TAX_CODE = N_("Tax code:")
ADDRESS = N_("Address:")
PHONE = N_("Phone:")
EMAIL = N_("Email:")
DATE = N_("Date: {day}/{month}/{year}")
FORM = N_("Form:")
SERIAL = N_("Serial:")
NUMBER = N_("Invoice no.:")
BUYER_NAME = N_("Buyer's name:")
COMPANY = N_("Company name:")
PAYMENT_METHOD = N_("Payment method:")
CURRENCY = N_("Currency:")
NO, GOODS, UNIT, QUANTITY = N_("No."), N_("Goods, services"), N_("Unit"), N_("Quantity")
UNIT_PRICE, RATE, AMOUNT = N_("Unit price"), N_("VAT rate"), N_("Amount")
UNITS = {"user": N_("User"), "block": N_("Block"), "package": N_("Package")}
USERS = (N_("{count} user"), N_("{count} users"))
DAYS = (N_("{count} day"), N_("{count} days"))
BLOCKS = N_("{count} × {block}")
KIND = N_("{kind}: {what}")
PERIOD = N_("Service period: {start} – {end}")
BEFORE_TAX = N_("Total before VAT:")
VAT_RATE = N_("VAT rate: {rate}")
VAT_RATE_ON = N_("VAT rate: {rate}, amount before VAT {base}")
NOT_SUBJECT = N_("KCT (not subject to VAT)")
VAT_AMOUNT = N_("VAT amount:")
TOTAL = N_("Total payment:")
IN_WORDS = N_("Amount in words:")
BUYER_SIGNS = N_("Buyer")
SELLER_SIGNS = N_("Seller")
SIGNATURE = N_("(Signature and full name)")
CHECK = N_("(Check and compare when issuing, delivering and receiving the invoice)")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 14 * mm
LEFT, RIGHT = MARGIN, PAGE_WIDTH - MARGIN
WIDTH = RIGHT - LEFT
TOP, BOTTOM = PAGE_HEIGHT - 12 * mm, 16 * mm
LABEL_WIDTH = 42 * mm  # the labels of the seller's and buyer's fields
PAD = 3.0  # points inside a table cell, left and right
SIZE, LEADING = 9.0, 11.5
SMALL, SMALL_LEADING = 7.5, 9.5
HEAD_SIZE, HEAD_LEADING = 8.5, 10.5
TITLE_SIZE = 15.0
SIGNATURE_SPACE = 24 * mm
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#808080")
SHADE = colors.HexColor("#eef1f5")
NUMBER_INK = colors.HexColor("#b00020")


@cache
def register_fonts() -> None:
    """Register the shipped DejaVu Sans once per process (parsing the TTF is the slow part)."""
    for name, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / file), asciiReadable=False))


def render(doc: InvoiceDocument) -> bytes:
    """The invoice as PDF bytes; the same document always gives the same bytes."""
    register_fonts()
    out = io.BytesIO()
    # The initial font is ours, so no standard font (Helvetica) is referenced at all. The stubs
    # type initialFontName as a float; reportlab takes a font name.
    canvas = Canvas(
        out,
        pagesize=A4,
        invariant=1,
        pageCompression=1,
        initialFontName=FONT,  # type: ignore[arg-type]
        lang=doc.locale,
    )
    canvas.setTitle(f"{doc.name} {doc.label}")
    canvas.setAuthor(doc.seller.name)
    canvas.setSubject(doc.buyer.company)
    canvas.setCreator(doc.seller.name)
    created = f"D:{doc.issued_on:%Y%m%d}000000+07'00'"
    canvas.setDateFormatter(lambda *_: created)
    _Page(canvas, doc, translator(doc.locale)).draw()
    canvas.save()
    return out.getvalue()


def amount_text(amount: int, locale: str) -> str:
    """1.200.000 in Vietnamese, 1,200,000 in English; a minus sign for a credit or discount."""
    text = f"{abs(amount):,}"
    return ("-" if amount < 0 else "") + (text.replace(",", ".") if locale == "vi" else text)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _width(text: str, font: str = FONT, size: float = SIZE) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def wrap(
    text: str, width: float, font: str = FONT, size: float = SIZE, first: float | None = None
) -> list[str]:
    """Greedy word wrap to `width` points (`first` for the first line); a word longer than a
    whole line is cut between characters rather than drawn past the edge."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        limit = first if first is not None and not lines else width
        candidate = f"{line} {word}" if line else word
        if _width(candidate, font, size) <= limit:
            line = candidate
            continue
        if line:
            lines.append(line)
            limit = width
        while len(word) > 1 and _width(word, font, size) > limit:
            cut = next((i for i in range(len(word) - 1, 0, -1) if _width(word[:i], font, size) <= limit), 1)
            lines.append(word[:cut])
            word, limit = word[cut:], width
        line = word
    return [*lines, line] if line or not lines else lines


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of text in a cell: its words, font, size and leading."""

    text: str
    font: str = FONT
    size: float = SIZE
    leading: float = LEADING
    muted: bool = False


def _lines(
    text: str,
    width: float,
    font: str = FONT,
    size: float = SIZE,
    leading: float = LEADING,
    muted: bool = False,
) -> list[_Line]:
    return [_Line(x, font, size, leading, muted) for x in wrap(text, width, font, size)]


def _head(text: str, width: float) -> list[_Line]:
    """A column name, wrapped between words; a word too long for the column shrinks the font."""
    size = HEAD_SIZE
    while size > 6 and max(_width(word, BOLD, size) for word in text.split()) > width:
        size -= 0.5
    return _lines(text, width, BOLD, size, HEAD_LEADING * size / HEAD_SIZE)


def _height(lines: Sequence[_Line]) -> float:
    return sum(x.leading for x in lines)


class _Page:
    """Draws one document, top to bottom, moving `y` (the top of what comes next) down."""

    def __init__(self, canvas: Canvas, doc: InvoiceDocument, t: Translator) -> None:
        self.c, self.doc, self.t, self.loc = canvas, doc, t, doc.locale
        self.y = TOP
        self.mixed = len(doc.vat) > 1
        self.columns = [NO, GOODS, UNIT, QUANTITY, UNIT_PRICE] + ([RATE] if self.mixed else []) + [AMOUNT]
        widths = [9 * mm, 0.0, 21 * mm, 15 * mm, 23 * mm] + ([14 * mm] if self.mixed else []) + [28 * mm]
        widths[1] = WIDTH - sum(widths)
        self.widths = widths
        self.xs = [LEFT + sum(widths[:i]) for i in range(len(widths) + 1)]

    def gettext(self, message: str) -> str:
        return _nfc(self.t.gettext(message))

    def draw(self) -> None:
        self._footer()
        self._fields(self._seller_fields())
        self.y -= 2 * mm
        self._heading()
        self.y -= 2.5 * mm
        self._fields(self._buyer_fields())
        self.y -= 3 * mm
        self._goods()
        self._closing()

    # -- text primitives ---------------------------------------------------------------------

    def _text(
        self, x: float, baseline: float, line: _Line, align: str = "left", ink: colors.Color = INK
    ) -> None:
        self.c.setFont(line.font, line.size)
        self.c.setFillColor(MUTED if line.muted else ink)
        if align == "right":
            self.c.drawRightString(x, baseline, line.text)
        elif align == "center":
            self.c.drawCentredString(x, baseline, line.text)
        else:
            self.c.drawString(x, baseline, line.text)

    def _block(self, x: float, top: float, lines: Sequence[_Line], align: str = "left") -> None:
        """Lines from `top` down, each on its own leading (baseline ~ 0.78 of the leading)."""
        for line in lines:
            top -= line.leading
            self._text(x, top + (line.leading - line.size) / 2 + 0.1 * line.size, line, align)

    def _rule(self, y: float, x0: float = LEFT, x1: float = RIGHT, width: float = 0.8) -> None:
        self.c.setStrokeColor(RULE)
        self.c.setLineWidth(width)
        self.c.line(x0, y, x1, y)

    def _footer(self) -> None:
        self._text(PAGE_WIDTH / 2, 8 * mm, _Line(self.gettext(CHECK), size=7, muted=True), "center")

    def _new_page(self) -> None:
        """A continuation page, named at its top so that a loose page can be matched."""
        self.c.showPage()
        self._footer()
        name = _Line(f"{self.doc.name} {self.doc.label}", size=SMALL, leading=SMALL_LEADING, muted=True)
        self._block(RIGHT, TOP + SMALL_LEADING, [name], "right")
        self.y = TOP - 2

    # -- seller, heading, buyer ----------------------------------------------------------------

    def _seller_fields(self) -> list[tuple[str, str, bool]]:
        s = self.doc.seller
        return [
            (SELLER, s.name, True),
            (TAX_CODE, s.tax_code, True),
            (ADDRESS, s.address, False),
            (PHONE, s.phone or "", False),
            (EMAIL, s.email or "", False),
        ]

    def _buyer_fields(self) -> list[tuple[str, str, bool]]:
        b, doc = self.doc.buyer, self.doc
        return [
            (BUYER_NAME, b.representative, False),
            (COMPANY, b.company, True),
            (TAX_CODE, b.tax_code or "", True),
            (ADDRESS, b.address, False),
            (EMAIL, b.email or "", False),
            (PAYMENT_METHOD, doc.payment_method or "", False),
            (CURRENCY, doc.currency, False),
        ]

    def _fields(self, fields: Sequence[tuple[str, str, bool]]) -> None:
        """Label / value pairs, the values aligned in one column; an empty value is left out."""
        for label, value, bold in fields:
            if not value:
                continue
            lines = _lines(value, WIDTH - LABEL_WIDTH, BOLD if bold else FONT)
            self._block(LEFT, self.y, [_Line(self.gettext(label))])
            self._block(LEFT + LABEL_WIDTH, self.y, lines)
            self.y -= _height(lines) + 1.5

    def _heading(self) -> None:
        """The name and date centred on the page; form, symbol and number on the right."""
        doc, top = self.doc, self.y - 5
        self._rule(self.y)
        side = 40 * mm
        room = WIDTH - 2 * side
        size = min(TITLE_SIZE, TITLE_SIZE * room / max(_width(doc.name, BOLD, TITLE_SIZE), 1))
        self._block(PAGE_WIDTH / 2, top, [_Line(doc.name, BOLD, size, 19)], "center")
        day = doc.issued_on
        date = self.t.gettext(DATE).format(day=f"{day.day:02d}", month=f"{day.month:02d}", year=day.year)
        self._block(PAGE_WIDTH / 2, top - 19, _lines(_nfc(date), room), "center")
        x = RIGHT - side
        rows = [
            (FORM, doc.form, FONT, INK),
            (SERIAL, doc.serial, BOLD, INK),
            (NUMBER, doc.number_text, BOLD, NUMBER_INK),
        ]
        for i, (label, value, font, ink) in enumerate(rows):
            baseline = top - (i + 1) * 12.5 + 3
            self._text(x, baseline, _Line(self.gettext(label)))
            self._text(x + side * 0.5, baseline, _Line(value, font), ink=ink)
        self.y = top - 3 * 12.5 - 6
        self._rule(self.y)
        self.y -= 3

    # -- the goods table -----------------------------------------------------------------------

    def _header_rows(self) -> float:
        """The column names (wrapped, centred, shaded) and the numbering row under them; returns
        the table's top on this page."""
        heads = [_head(self.gettext(c), w - 2 * PAD) for c, w in zip(self.columns, self.widths, strict=True)]
        height = max(_height(h) for h in heads) + 6
        top = self.y
        self.c.setFillColor(SHADE)
        self.c.rect(LEFT, top - height, WIDTH, height, stroke=0, fill=1)
        for i, head in enumerate(heads):
            centre = (self.xs[i] + self.xs[i + 1]) / 2
            self._block(centre, top - (height - _height(head)) / 2, head, "center")
        last = len(self.columns)
        numbers = [f"({i})" for i in range(1, last)] + [f"({last}) = (4) × (5)"]
        for i, text in enumerate(numbers):
            centre = (self.xs[i] + self.xs[i + 1]) / 2
            self._block(centre, top - height - 1, [_Line(text, FONT, 7, 9, muted=True)], "center")
        self._rule(top, width=0.5)
        self._rule(top - height, width=0.5)
        self.y = top - height - 11
        self._rule(self.y, width=0.5)
        return top

    def _goods(self) -> None:
        loc, goods_width = self.loc, self.widths[1] - 2 * PAD
        rows: list[list[list[_Line]]] = []
        for i, row in enumerate(self.doc.rows, 1):
            cells = [[_Line(str(i))], self._description(row, goods_width)]
            if row.amount > 0:
                unit = _lines(self.gettext(UNITS[row.unit]), self.widths[2] - 2 * PAD)
                cells += [
                    unit,
                    [_Line(amount_text(row.count, loc))],
                    [_Line(amount_text(row.unit_price, loc))],
                ]
            else:  # a credit for unused days: an amount only
                cells += [[], [], []]
            cells += [[_Line(self._rate(row.vat_rate, short=True))]] if self.mixed else []
            rows.append([*cells, [_Line(amount_text(row.amount, loc))]])
        for d in self.doc.discounts:
            blank: list[list[_Line]] = [[] for _ in self.columns[2:-1]]
            rows.append(
                [[], _lines(_nfc(d.label), goods_width), *blank, [_Line(amount_text(-d.amount, loc))]]
            )
        segment_top = self._header_rows()
        for cells in rows:
            height = max(_height(cell) for cell in cells) + 5.5
            if self.y - height < BOTTOM:
                self._columns(segment_top)
                self._new_page()
                segment_top = self._header_rows()
            self._row(cells)
            self.y -= height
            self._rule(self.y, width=0.5)
        self._columns(segment_top)

    def _description(self, row: InvoiceRow, width: float) -> list[_Line]:
        """The item in the body size; what it counts and the period it covers smaller, in grey."""
        t, loc = self.t, self.loc
        what = row.item + (" " + row.tier if row.tier else "")
        if row.kind:
            what = t.gettext(KIND).format(kind=row.kind, what=what)
        details = [row.cycle] if row.cycle else []
        if row.seats:
            details.append(t.gettext(USERS[row.seats != 1]).format(count=amount_text(row.seats, loc)))
        if row.quantity is not None and row.block:
            details.append(t.gettext(BLOCKS).format(count=amount_text(row.quantity, loc), block=row.block))
        if row.days:
            details.append(t.gettext(DAYS[row.days != 1]).format(count=amount_text(row.days, loc)))
        period = t.gettext(PERIOD).format(start=t.date(row.period.start), end=t.date(row.period.last_day))
        lines = _lines(_nfc(what), width)
        for small in (" · ".join(details), period):
            if small:
                lines += _lines(_nfc(small), width, FONT, SMALL, SMALL_LEADING, muted=True)
        return lines

    def _row(self, cells: Sequence[Sequence[_Line]]) -> None:
        """A row of the goods table: No. and unit centred, text left, numbers right; tops aligned."""
        top = self.y - 2.5
        last = len(cells) - 1
        for i, cell in enumerate(cells):
            if i == 1:
                self._block(self.xs[1] + PAD, top, cell)
            elif i in (0, 2) or (self.mixed and i == last - 1):
                self._block((self.xs[i] + self.xs[i + 1]) / 2, top, cell, "center")
            else:
                self._block(self.xs[i + 1] - PAD, top, cell, "right")

    def _columns(self, top: float) -> None:
        """The vertical lines of the table from `top` down to the last row drawn."""
        self.c.setStrokeColor(RULE)
        self.c.setLineWidth(0.5)
        for x in self.xs:
            self.c.line(x, top, x, self.y)

    def _rate(self, rate: str, short: bool = False) -> str:
        if rate == "KCT":
            return "KCT" if short else self.gettext(NOT_SUBJECT)
        return f"{rate}%"

    # -- totals, amount in words, signatures -----------------------------------------------------

    def _closing(self) -> None:
        """Totals, the amount in words and the signatures, kept together on one page."""
        doc, loc = self.doc, self.loc
        totals = [("", BEFORE_TAX, doc.before_tax, False)]
        totals += [(self._vat_text(v), VAT_AMOUNT, v.amount, False) for v in doc.vat]
        totals.append(("", TOTAL, doc.total, True))
        label = self.gettext(IN_WORDS) + " "
        first = WIDTH - 2 * PAD - _width(label)
        words = wrap(doc.total_in_words, WIDTH - 2 * PAD, BOLD, SIZE, first=first)
        needed = len(totals) * 13 + 6 + len(words) * LEADING + 8 * mm + 3 * LEADING + SIGNATURE_SPACE
        if self.y - needed < BOTTOM:
            self._new_page()
        self.y -= 2
        # Labels start at the unit price column, or further left when an amount is very long.
        amounts = [_width(amount_text(x[2], loc), BOLD) for x in totals]
        labels = [_width(self.gettext(x[1]), BOLD) for x in totals]
        label_x = min(self.xs[-4] + PAD, RIGHT - PAD - max(amounts) - max(labels) - 4 * mm)
        for left, name, amount, bold in totals:
            font = BOLD if bold else FONT
            rate = _lines(left, label_x - LEFT - 2 * PAD - 2 * mm) if left else []
            self._block(LEFT + PAD, self.y - 1.5, rate)
            self._block(label_x, self.y - 1.5, [_Line(self.gettext(name), font)])
            self._block(RIGHT - PAD, self.y - 1.5, [_Line(amount_text(amount, loc), font)], "right")
            self.y -= max(13, _height(rate) + 1.5)
        self._rule(self.y - 1, width=0.5)
        self.y -= 4
        self._block(LEFT + PAD, self.y, [_Line(label)])
        x = LEFT + PAD + _width(label)
        for i, line in enumerate(words):
            self._block(x if i == 0 else LEFT + PAD, self.y, [_Line(line, BOLD)])
            self.y -= LEADING
        self.y -= 6 * mm
        self._signatures()

    def _vat_text(self, v: VatSummary) -> str:
        if self.mixed:
            return self.t.gettext(VAT_RATE_ON).format(
                rate=self._rate(v.rate), base=amount_text(v.base, self.loc)
            )
        return self.t.gettext(VAT_RATE).format(rate=self._rate(v.rate))

    def _signatures(self) -> None:
        hint = _Line(self.gettext(SIGNATURE), FONT, SMALL, SMALL_LEADING, muted=True)
        for i, who in enumerate((BUYER_SIGNS, SELLER_SIGNS)):
            centre = LEFT + WIDTH * (0.25 + 0.5 * i)
            self._block(centre, self.y, [_Line(self.gettext(who), BOLD), hint], "center")
        self.y -= LEADING + SMALL_LEADING + SIGNATURE_SPACE
