"""``manage.py council_report``: the report for a session, from the command line."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from actions.choices import ReportState
from tests import builders


@pytest.fixture
def c27(tsb_staff):
    council = builders.meeting(
        datetime.date(2027, 5, 18), reporting_period_start_override=datetime.date(2026, 5, 1)
    )
    res = builders.resolution(73, title="ICTs and climate change")
    action = builders.council_duty(builders.action(res, owner="TSB"))
    builders.report(
        action,
        author=tsb_staff,
        state=ReportState.APPROVED,
        text="Approved text.",
        period_start=datetime.date(2026, 6, 1),
        period_end=datetime.date(2027, 3, 1),
    )
    return council


def test_the_command_writes_the_word_report_for_a_session_named_by_its_code(c27, tmp_path):
    out = io.StringIO()
    target = tmp_path / "c27.docx"

    call_command(
        "council_report",
        "--meeting",
        "C27",
        "--output",
        str(target),
        "--document-number",
        "C27/35-E",
        stdout=out,
    )

    document = Document(target)
    assert "Document C27/35-E" in "\n".join(p.text for p in document.paragraphs)
    assert "Approved text." in document.tables[-1].rows[1].cells[5].text
    assert f"Wrote {target}" in out.getvalue()


def test_the_command_writes_the_spreadsheet_with_its_default_name(c27, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    call_command("council_report", "--meeting", "c2027", "--format", "xlsx", stdout=io.StringIO())

    [written] = list(tmp_path.glob("C27-WTSA-implementation-*.xlsx"))
    assert load_workbook(io.BytesIO(written.read_bytes()))["Actions"].max_row == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--meeting", "C26"], "No Council session"),
        (["--meeting", "C27", "--bureau", "XYZ"], "No Bureau"),
        (["--meeting", "C27", "--resolution", "999"], "No Resolution 999"),
    ],
)
def test_the_command_refuses_what_it_cannot_find_and_writes_nothing(
    c27, tmp_path, monkeypatch, arguments, message
):
    monkeypatch.chdir(tmp_path)

    with pytest.raises(CommandError, match=message):
        call_command("council_report", *arguments)
    assert list(tmp_path.iterdir()) == []
