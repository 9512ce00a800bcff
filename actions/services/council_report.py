"""The report to ITU Council: requested, generated to Word and a spreadsheet, frozen.

The files are written from the data dict of ``actions.council_report``, in
time linear in the number of actions: table rows are added with
``add_row()`` and filled through their own cells, never with
``table.cell()``, which walks the whole table on every call.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from resolutions.models import Resolution
from wtsa_tracker.characters import without_control_characters

from .. import permissions
from ..choices import ActionStatus, MeetingKind, ReportFormat, ReportRunState
from ..council_report import (
    ACTION_REQUIRED,
    REFERENCES,
    council_report_data,
    default_document_number,
    report_file_name,
    summary_text,
)
from ..display import day
from ..models import Body, CouncilReportRun, CouncilReportSnapshot, GoverningBodyMeeting, User
from ..validators import document_number_validator, normalized_document_number

GENERATE_TASK = "actions.tasks.generate_council_report"
# The document itself is in English, as the original of an ITU Council document
# is; its translations are made by ITU's language services, not here.
# A bar of the chart at full length, in characters: the widest a table cell holds.
CHART_WIDTH = 40
NO_REPORT = "No approved report for this period"
NO_COUNCIL_ACTION = (
    "No action of this resolution reports to Council; it is assessed for this period."
)
# The action table's columns in cm, filling A4 landscape within 2 cm margins:
# the text and the progress get the room, the item and the status what they need.
ACTION_COLUMN_WIDTHS = (2.2, 7.0, 1.8, 2.7, 2.2, 9.8)
XLSX_CELL_LIMIT = 32767
CUT_NOTE = " […] (cut: a spreadsheet cell holds 32,767 characters; the Word file has all of it)"
TITLE = "Implementation of the resolutions of the World Telecommunication Standardization Assembly"
# Who the Word and spreadsheet files' properties name as their author: the
# Bureau whose Director reports (``SOURCE``), not the library that wrote them.
AUTHOR = "ITU Telecommunication Standardization Bureau (TSB)"


# --- Requesting and generating -------------------------------------------------


def _checked_document_number(document_number: str) -> str:
    """The number as the files will carry it, or a refusal naming the field."""
    number = normalized_document_number(document_number)
    try:
        document_number_validator(number)
    except ValidationError as refused:
        raise ValidationError({"document_number": refused.messages}) from None
    return number


def council_report_request(
    *,
    meeting: GoverningBodyMeeting,
    by: User,
    document_number: str = "",
    bureau: Body | None = None,
    resolution: Resolution | None = None,
    now: datetime.datetime | None = None,
) -> CouncilReportRun:
    """Ask for a Council report; a worker generates it (``GENERATE_TASK``) once committed."""
    if not permissions.can_generate_council_report(by, bureau.pk if bureau else None):
        raise PermissionDenied(permissions.GENERATE_REPORT_REFUSED)
    if meeting.kind != MeetingKind.COUNCIL:
        raise ValidationError({"meeting": _("The report is for a session of Council.")})
    document_number = _checked_document_number(document_number)
    run = CouncilReportRun.objects.create(
        meeting=meeting,
        bureau=bureau,
        resolution=resolution,
        document_number=document_number or default_document_number(meeting),
        requested_by=by,
        requested_at=now or timezone.now(),
    )
    # By name: the task module sits above the services. After the commit, so
    # that the worker finds the row.
    transaction.on_commit(lambda: current_app.send_task(GENERATE_TASK, args=[run.pk]))
    return run


def council_report_generate(*, run_id: int, now: datetime.datetime | None = None) -> bool:
    """Generate a requested report: the data, the Word file and the spreadsheet.

    Claims the run with a compare-and-set on its state, so a task delivered
    twice generates once. Progress is written as it goes, for the page that
    polls it; a failure is recorded on the run, never reported as success.
    """
    claimed = CouncilReportRun.objects.filter(pk=run_id, state=ReportRunState.QUEUED).update(
        state=ReportRunState.RUNNING, progress=1
    )
    if not claimed:
        return False
    run = CouncilReportRun.objects.for_list().get(pk=run_id)
    try:

        def progress(done: int, total: int) -> None:
            # Reading the data is most of the work; writing the two files the rest.
            CouncilReportRun.objects.filter(pk=run_id).update(
                progress=max(1, 60 * done // max(total, 1))
            )

        data = council_report_data(
            meeting=run.meeting,
            document_number=run.document_number,
            generated_at=now or timezone.now(),
            bureau=run.bureau,
            resolution=run.resolution,
            on_progress=progress,
        )
        docx_bytes = council_report_docx(data=data)
        CouncilReportRun.objects.filter(pk=run_id).update(progress=80)
        xlsx_bytes = council_report_xlsx(data=data)
        run.data = data
        run.docx.save(report_file_name(data, "docx"), ContentFile(docx_bytes), save=False)
        run.xlsx.save(report_file_name(data, "xlsx"), ContentFile(xlsx_bytes), save=False)
        CouncilReportRun.objects.filter(pk=run_id).update(
            data=data,
            docx=run.docx.name,
            xlsx=run.xlsx.name,
            state=ReportRunState.DONE,
            progress=100,
            finished_at=timezone.now(),
        )
    except Exception as error:  # recorded on the run for the page to show; nothing half-made
        CouncilReportRun.objects.filter(pk=run_id).update(
            state=ReportRunState.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    return True


# --- Freezing ------------------------------------------------------------------


def _canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def council_report_freeze(
    *, run: CouncilReportRun, by: User, now: datetime.datetime | None = None
) -> CouncilReportSnapshot:
    """Store a generated report as submitted: files, data, their SHA-256, who and when."""
    if not permissions.can_generate_council_report(by, run.bureau_id):
        raise PermissionDenied(permissions.FREEZE_REPORT_REFUSED)
    if run.state != ReportRunState.DONE:
        raise ValidationError(_("Only a report that is ready can be frozen."))
    if CouncilReportSnapshot.objects.filter(run=run).exists():
        raise ValidationError(_("This report is frozen already."))
    with run.docx.open("rb") as docx_file:
        docx_bytes = docx_file.read()
    with run.xlsx.open("rb") as xlsx_file:
        xlsx_bytes = xlsx_file.read()
    data = _canonical_json(run.data)
    period = run.data["period"]
    try:
        with transaction.atomic():
            return CouncilReportSnapshot.objects.create(
                run=run,
                meeting=run.meeting,
                bureau=run.bureau,
                resolution=run.resolution,
                document_number=run.document_number,
                period_start=parse_date(period["start"]),
                period_end=parse_date(period["end"]),
                data=data,
                docx=docx_bytes,
                xlsx=xlsx_bytes,
                data_sha256=hashlib.sha256(data.encode()).hexdigest(),
                docx_sha256=hashlib.sha256(docx_bytes).hexdigest(),
                xlsx_sha256=hashlib.sha256(xlsx_bytes).hexdigest(),
                generated_at=parse_datetime(run.data["generated_at"]),
                frozen_by=by,
                frozen_at=now or timezone.now(),
            )
    except IntegrityError:
        # A second click froze it a moment before: one snapshot per run (a unique key).
        raise ValidationError(_("This report is frozen already.")) from None


def council_report_snapshot_delete(*, snapshot: CouncilReportSnapshot, by: User) -> None:
    """Refused, always: a report submitted to Council is a record."""
    raise PermissionDenied(permissions.SNAPSHOT_FROZEN)


# --- The Word document ----------------------------------------------------------


def _writable(value: Any) -> Any:
    """The report's data with every text stripped of what Word and Excel cannot hold.

    Forms, the API, the admin and the import refuse such characters; this keeps
    a text stored before they did from stopping the report.
    """
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, dict):
        return {key: _writable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_writable(item) for item in value]
    return value


def _cells(table: Table, row) -> list[_Cell]:
    # The row's own cells, in constant time per row (never ``table.cell()``).
    return [_Cell(tc, table) for tc in row._tr.tc_lst]


def _run(text: str, *, bold: bool = False, italic: bool = False, link: bool = False):
    # A <w:r> built directly: python-docx's add_run() and .bold look up the
    # schema's order of siblings on each call, most of the time of a big report.
    run = OxmlElement("w:r")
    if bold or italic or link:
        properties = OxmlElement("w:rPr")
        if bold:
            properties.append(OxmlElement("w:b"))
        if italic:
            properties.append(OxmlElement("w:i"))
        if link:
            # Blue and underlined, as Word shows a link (the default template has no
            # "Hyperlink" style to name).
            color = OxmlElement("w:color")
            color.set(qn("w:val"), "0563C1")
            underline = OxmlElement("w:u")
            underline.set(qn("w:val"), "single")
            properties.extend([color, underline])
        run.append(properties)
    # Word reads a line break in <w:t> as a space: a report's paragraphs are kept
    # apart by <w:br/>, as python-docx's own runs do.
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if number:
            run.append(OxmlElement("w:br"))
        text_element = OxmlElement("w:t")
        text_element.set(qn("xml:space"), "preserve")
        text_element.text = line
        run.append(text_element)
    return run


def _set(cell: _Cell, text: str, *, bold: bool = False) -> None:
    cell._tc.p_lst[0].append(_run(text, bold=bold))


def _add_paragraph(cell: _Cell, text: str) -> None:
    """Another paragraph in the cell, below what it holds."""
    paragraph = OxmlElement("w:p")
    paragraph.append(_run(text))
    cell._tc.append(paragraph)


def _item_lines(action: dict[str, Any]) -> list[str]:
    """The item's text, then each of its sub-items ("i) …"), one line each."""
    subs = action.get("sub_items", [])  # none in the data of reports frozen before they were
    return [action["text"], *(f"{sub['label']} {sub['text']}" for sub in subs)]


def _page_number_field(paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _table(document, headers: list[str], *, widths: tuple[float, ...] = ()) -> Table:
    """A table with a header row; ``widths`` (cm) give each column its room, where
    Word would otherwise share the page equally."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    if widths:
        table.autofit = False
        for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
            # The grid for Word's layout, the cell for LibreOffice's; added rows take the grid's.
            column.width = cell.width = Cm(width)
    header_row = table.rows[0]
    # Repeated at the top of every page the table runs onto, as in a printed Council document.
    header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, header in zip(_cells(table, header_row), headers, strict=True):
        _set(cell, header, bold=True)
    return table


def _session_name(data: dict[str, Any]) -> str:
    # A report frozen before sessions were marked has no "provisional": confirmed.
    meeting = data["meeting"]
    return f"{meeting['name']} (provisional)" if meeting.get("provisional") else meeting["name"]


class _Hyperlinks:
    """The web addresses a document links to, each related to it once.

    python-docx's own lookup (``relate_to``) scans every relationship of the
    document on each call: quadratic in the evidence of a large report.
    """

    def __init__(self, document) -> None:
        self.relationships = document.part.rels
        self.ids: dict[str, str] = {}

    def link(self, url: str):
        """A ``<w:hyperlink>`` to ``url`` that reads as the address itself, for paper too."""
        rid = self.ids.get(url)
        if rid is None:
            rid = self.ids[url] = f"rIdLink{len(self.ids) + 1}"
            self.relationships.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rid)
        hyperlink.append(_run(url, link=True))
        return hyperlink


def _status_heading(data: dict[str, Any]) -> str:
    """ "Status on 19 May 2026": the day the statuses are of (a report made before
    statuses were dated says "Status")."""
    status_on = data.get("status_on")
    return f"Status on {day(parse_date(status_on))}" if status_on else "Status"


def _progress_label(report: dict[str, Any]) -> str:
    """Who reported, when, and the period the report covers: "TSB, 1 March 2027
    (for 1 June 2026 – 31 March 2027)", so that earlier work does not read as this period's."""
    label = f"{report['bureau']}, {day(parse_date(report['report_date']))}"
    if report.get("period_start") and report.get("period_end"):
        start, end = parse_date(report["period_start"]), parse_date(report["period_end"])
        label += f" (for {day(start)} – {day(end)})"
    return label


def _progress_text(cell: _Cell, progress: list[dict[str, Any]], links: _Hyperlinks) -> None:
    tc = cell._tc
    if not progress:
        tc.p_lst[0].append(_run(NO_REPORT, italic=True))
        return

    def new_paragraph():
        paragraph = OxmlElement("w:p")
        tc.append(paragraph)
        return paragraph

    first = True
    for report in progress:
        paragraph = tc.p_lst[0] if first else new_paragraph()
        first = False
        paragraph.append(_run(f"{_progress_label(report)}: ", bold=True))
        paragraph.append(_run(report["text"]))
        for link in report["evidence"]:
            evidence = new_paragraph()
            if link["title"]:
                evidence.append(_run(f"{link['title']}: "))
            evidence.append(links.link(link["url"]))


@dataclass(frozen=True)
class _FileProperties:
    """What both files say they are, as a document library or File › Info shows it."""

    title: str
    subject: str
    comments: str
    created: datetime.datetime  # UTC: both libraries write the time as UTC whatever its zone
    keywords: str = "WTSA; ITU Council; Resolution 83"

    @classmethod
    def of(cls, data: dict[str, Any]) -> _FileProperties:
        return cls(
            title=f"{TITLE} ({data['document_number']})",
            subject=f"Report to {data['meeting']['name']}",
            comments=data["source"],
            created=parse_datetime(data["generated_at"]).astimezone(datetime.UTC),
        )


def _set_properties(document, data: dict[str, Any]) -> None:
    """Title, author, dates and language of the Word file."""
    said, properties = _FileProperties.of(data), document.core_properties
    properties.title, properties.subject, properties.keywords = (
        said.title,
        said.subject,
        said.keywords,
    )
    properties.author = properties.last_modified_by = AUTHOR
    properties.comments = said.comments
    properties.created = properties.modified = said.created
    properties.language = "en"


def _action_table(document, actions: list[dict[str, Any]], status_heading: str, links) -> None:
    """A resolution's actions, a row each, with their progress in the period."""
    table = _table(
        document,
        ["Item", "Text", "Owner", "Collaborators", status_heading, "Progress in the period"],
        widths=ACTION_COLUMN_WIDTHS,
    )
    for action in actions:
        cells = _cells(table, table.add_row())
        _set(cells[0], action["item"])
        first, *subs = _item_lines(action)
        _set(cells[1], first)
        for line in subs:
            _add_paragraph(cells[1], line)
        _set(cells[2], action["owner"])
        _set(cells[3], ", ".join(action["collaborators"]))
        _set(cells[4], action["status_label"])
        _progress_text(cells[5], action["progress"], links)


def council_report_docx(*, data: dict[str, Any]) -> bytes:
    """The report as a Council document: number, date, source, title, summary, a table per
    resolution with its actions and its assessment, page numbers in the footer."""
    data = _writable(data)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    section = document.sections[0]
    # A4 landscape, as ITU prints its documents (python-docx starts on US Letter).
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(2)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{data['document_number']} – ")
    _page_number_field(footer)

    meeting = data["meeting"]
    generated = parse_datetime(data["generated_at"])
    _set_properties(document, data)
    heading = document.add_paragraph()
    heading.add_run(_session_name(data)).bold = True
    if meeting["place"]:
        heading.add_run(f"\n{meeting['place']}, {day(parse_date(meeting['start_date']))}")
    for line in (
        f"Document {data['document_number']}",
        day(generated),
        "Original: English",
    ):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph().add_run(data["source"]).bold = True
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(TITLE.upper()).bold = True

    summary = data["summary"]
    document.add_heading("Summary", level=2)
    document.add_paragraph(summary_text(data))
    document.add_heading("Action required", level=2)
    document.add_paragraph(ACTION_REQUIRED)
    document.add_heading("References", level=2)
    document.add_paragraph(REFERENCES)

    document.add_heading("1 Executive summary", level=1)
    statuses = summary["by_status"]
    status_heading = _status_heading(data)
    document.add_paragraph("Actions by status", style="Caption")
    table = _table(document, [status_heading, "Actions", "Share"])
    top = max((entry["n"] for entry in statuses), default=0) or 1
    for entry in statuses:
        cells = _cells(table, table.add_row())
        _set(cells[0], entry["label"])
        _set(cells[1], str(entry["n"]))
        # A bar chart in the table itself: it prints, and every reader opens it.
        _set(cells[2], "█" * round(CHART_WIDTH * entry["n"] / top))
    document.add_paragraph()
    document.add_paragraph("Actions by Bureau", style="Caption")
    table = _table(document, ["Bureau", "Actions", *[str(s.label) for s in ActionStatus]])
    for entry in summary["by_bureau"]:
        cells = _cells(table, table.add_row())
        _set(cells[0], entry["bureau"])
        _set(cells[1], str(entry["n"]))
        for cell, status in zip(cells[2:], ActionStatus, strict=True):
            _set(cell, str(entry["by_status"][status.value]))

    document.add_heading("2 Implementation, resolution by resolution", level=1)
    links = _Hyperlinks(document)
    for entry in data["resolutions"]:
        revision = entry.get("revision") or entry["marker_label"]
        marker = f" ({revision})" if revision else ""
        document.add_heading(f"Resolution {entry['number']}{marker} – {entry['title']}", level=2)
        if not entry["actions"]:
            document.add_paragraph(f"{entry['assembly']} · {NO_COUNCIL_ACTION}")
        else:
            document.add_paragraph(
                f"{entry['assembly']} · Lead Bureau: {entry['lead_bureau'] or '–'}"
            )
            _action_table(document, entry["actions"], status_heading, links)
        assessment = entry["assessment"]
        paragraph = document.add_paragraph()
        paragraph.add_run("Resolution 83 assessment: ").bold = True
        if assessment:
            paragraph.add_run(f"{assessment['rating_label']}. {assessment['rationale']}")
        else:
            paragraph.add_run("No confirmed assessment for this period.")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- The spreadsheet ------------------------------------------------------------

# (title, width in characters): wide enough for the title, or for the text
# below it where that wraps.
ACTION_COLUMNS = [
    ("Assembly", 10),
    ("Resolution", 11),
    ("Action", 8),
    ("Item", 28),
    ("Text", 60),
    ("Owner", 10),
    ("Bureau", 8),
    ("Collaborators", 16),
    ("Status", 28),  # "Status on 30 September 2027"
    ("Approved progress in the period", 80),
    ("Evidence", 45),
]
ASSESSMENT_COLUMNS = [
    ("Assembly", 10),
    ("Resolution", 11),
    ("Title", 50),
    ("Rating", 40),
    ("Rationale", 60),
    ("Confirmed by", 24),
    ("Confirmed at", 20),
]
EVIDENCE_COLUMNS = [
    ("Assembly", 10),
    ("Resolution", 11),
    ("Action", 8),
    ("Item", 28),
    ("Report", 24),
    ("Title", 40),
    ("Address", 60),
]
NO_ASSESSMENT = "No confirmed assessment for this period"
# Dates as the site writes them ("9 October 2026"), but numbers a spreadsheet sorts.
DATE_FORMAT = "d mmmm yyyy"
MOMENT_FORMAT = "d mmmm yyyy hh:mm"
WRAPPED = Alignment(wrap_text=True, vertical="top")
LINK_FONT = Font(color="0563C1", underline="single")


def _table_sheet(workbook, name: str, columns: list[tuple[str, int]]):
    """A sheet of rows under a frozen header row, its columns as wide as given."""
    sheet = workbook.create_sheet(name)
    sheet.freeze_panes = "A2"
    for index, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(_header(sheet, [title for title, _width in columns]))
    return sheet


def _header(sheet, titles: list[str]) -> list[WriteOnlyCell]:
    bold = Font(bold=True)
    row = []
    for title in titles:
        cell = _cell(sheet, title)
        cell.font = bold
        row.append(cell)
    return row


def _xlsx_row(sheet, values: list, *, alignment: Alignment | None = None) -> list:
    """A row whose texts stay texts: one that begins with "=" would be a live formula.

    openpyxl writes such a string as a formula, which the spreadsheet runs on
    opening: a report or a rationale written "=HYPERLINK(…)" would send
    Council's readers elsewhere. Marked as a string, it shows as written.
    With ``alignment``, every cell of the row is aligned so (long text wraps).
    """
    if alignment is None:
        return [_cell(sheet, value) if isinstance(value, str) else value for value in values]
    row = [value if isinstance(value, Cell) else _cell(sheet, value) for value in values]
    for cell in row:
        cell.alignment = alignment
    return row


def _cell(sheet, value: Any) -> WriteOnlyCell:
    """A cell of ``value``, kept as text where openpyxl would read a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _date_cell(sheet, value: str | None) -> WriteOnlyCell | None:
    if not value:
        return None
    cell = WriteOnlyCell(sheet, value=parse_date(value))
    cell.number_format = DATE_FORMAT
    return cell


def _moment_cell(sheet, value: str | None) -> WriteOnlyCell | None:
    """A moment in the site's time zone (``TIME_ZONE``), to the second: a spreadsheet
    keeps no time zone, and Geneva's time is the one its readers work to."""
    if not value:
        return None
    local = timezone.localtime(parse_datetime(value), timezone.get_default_timezone())
    cell = WriteOnlyCell(sheet, value=local.replace(tzinfo=None, microsecond=0))
    cell.number_format = MOMENT_FORMAT
    return cell


def _link_cell(sheet, url: str) -> WriteOnlyCell:
    cell = _cell(sheet, url)
    cell.hyperlink = url
    cell.font = LINK_FONT
    return cell


def _progress_cell_text(progress: list[dict[str, Any]]) -> str:
    text = "\n\n".join(f"{_progress_label(p)}: {p['text']}" for p in progress) or NO_REPORT
    if len(text) > XLSX_CELL_LIMIT:
        # A spreadsheet cell holds at most 32,767 characters: cut where it says so.
        text = text[: XLSX_CELL_LIMIT - len(CUT_NOTE)] + CUT_NOTE
    return text


def _evidence_cell(sheet, progress: list[dict[str, Any]]) -> WriteOnlyCell:
    """The addresses of an action's evidence; a link when there is one (a cell holds one
    link: the Evidence sheet has each of several)."""
    urls = [link["url"] for report in progress for link in report["evidence"]]
    if len(urls) == 1:
        return _link_cell(sheet, urls[0])
    return _cell(sheet, "\n".join(urls))


def council_report_xlsx(*, data: dict[str, Any]) -> bytes:
    """The report as a workbook (write-only, so memory stays flat): a summary sheet, every
    action with an autofilter and a frozen header, the assessments and the evidence."""
    data = _writable(data)
    workbook = Workbook(write_only=True)
    # The same title and author as the Word file (openpyxl names itself otherwise).
    said, properties = _FileProperties.of(data), workbook.properties
    properties.title, properties.subject, properties.keywords = (
        said.title,
        said.subject,
        said.keywords,
    )
    properties.creator = properties.lastModifiedBy = AUTHOR
    properties.description = said.comments
    properties.created = properties.modified = said.created.replace(tzinfo=None)
    properties.language = "en"
    summary = data["summary"]

    sheet = workbook.create_sheet("Summary")
    for letter, width in zip("ABCDEF", (28, 18, 12, 18, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(_header(sheet, ["Council report", data["document_number"]]))
    sheet.append(_xlsx_row(sheet, ["Council session", _session_name(data)]))
    sheet.append(_xlsx_row(sheet, ["Summary", summary_text(data)]))
    sheet.append(
        [
            "Reporting period",
            _date_cell(sheet, data["period"]["start"]),
            "to",
            _date_cell(sheet, data["period"]["end"]),
        ]
    )
    sheet.append(["Generated", _moment_cell(sheet, data["generated_at"])])
    sheet.append(["Actions", summary["actions"]])
    sheet.append(["With an approved report", summary["with_approved_report"]])
    sheet.append(["Without one", summary["without_approved_report"]])
    sheet.append([])
    sheet.append(_header(sheet, [_status_heading(data), "Actions"]))
    for entry in summary["by_status"]:
        sheet.append([entry["label"], entry["n"]])
    sheet.append([])
    sheet.append(_header(sheet, ["Bureau", "Actions", *[str(s.label) for s in ActionStatus]]))
    for entry in summary["by_bureau"]:
        sheet.append(
            [entry["bureau"], entry["n"], *[entry["by_status"][s.value] for s in ActionStatus]]
        )

    columns = [
        (_status_heading(data), width) if title == "Status" else (title, width)
        for title, width in ACTION_COLUMNS
    ]
    sheet = _table_sheet(workbook, "Actions", columns)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(ACTION_COLUMNS))}{summary['actions'] + 1}"
    for entry in data["resolutions"]:
        for action in entry["actions"]:
            progress = action["progress"]
            sheet.append(
                _xlsx_row(
                    sheet,
                    [
                        entry["assembly"],
                        entry["number"],
                        action["number"],
                        action["item"],
                        "\n".join(_item_lines(action)),
                        action["owner"],
                        action["bureau"],
                        ", ".join(action["collaborators"]),
                        action["status_label"],
                        _progress_cell_text(progress),
                        _evidence_cell(sheet, progress),
                    ],
                    alignment=WRAPPED,
                )
            )

    sheet = _table_sheet(workbook, "Assessments", ASSESSMENT_COLUMNS)
    for entry in data["resolutions"]:
        assessment = entry["assessment"] or {}
        sheet.append(
            _xlsx_row(
                sheet,
                [
                    entry["assembly"],
                    entry["number"],
                    entry["title"],
                    assessment.get("rating_label", NO_ASSESSMENT),
                    assessment.get("rationale", ""),
                    assessment.get("confirmed_by", ""),
                    _moment_cell(sheet, assessment.get("confirmed_at")),
                ],
                alignment=WRAPPED,
            )
        )

    sheet = _table_sheet(workbook, "Evidence", EVIDENCE_COLUMNS)
    for entry in data["resolutions"]:
        for action in entry["actions"]:
            for report in action["progress"]:
                made = f"{report['bureau']}, {day(parse_date(report['report_date']))}"
                for link in report["evidence"]:
                    sheet.append(
                        _xlsx_row(
                            sheet,
                            [
                                entry["assembly"],
                                entry["number"],
                                action["number"],
                                action["item"],
                                made,
                                link["title"],
                                _link_cell(sheet, link["url"]),
                            ],
                            alignment=WRAPPED,
                        )
                    )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def council_report_write(
    *,
    meeting: GoverningBodyMeeting,
    fmt: ReportFormat | str,
    document_number: str = "",
    bureau: Body | None = None,
    resolution: Resolution | None = None,
    now: datetime.datetime | None = None,
) -> tuple[str, bytes]:
    """One file of the report, at once, for the command line: its name and its bytes."""
    fmt = ReportFormat(fmt)
    document_number = _checked_document_number(document_number)
    data = council_report_data(
        meeting=meeting,
        document_number=document_number or default_document_number(meeting),
        generated_at=now or timezone.now(),
        bureau=bureau,
        resolution=resolution,
    )
    render = council_report_docx if fmt == ReportFormat.DOCX else council_report_xlsx
    return report_file_name(data, fmt), render(data=data)
