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
        (["--meeting", "C27", "--resolution", "999"], "There is no Resolution 999"),
        (
            ["--meeting", "C27", "--resolution", "73", "--assembly", "WTSA-16"],
            "No Resolution 73 of WTSA-16",
        ),
        (
            ["--meeting", "C27", "--document-number", "C27/1\u202eE"],
            "U\\+202E is not one of them",
        ),
    ],
)
def test_the_command_refuses_what_it_cannot_find_and_writes_nothing(
    c27, tmp_path, monkeypatch, arguments, message
):
    monkeypatch.chdir(tmp_path)

    with pytest.raises(CommandError, match=message):
        call_command("council_report", *arguments)
    assert list(tmp_path.iterdir()) == []


def test_a_resolution_is_taken_in_the_version_of_the_period_or_refused_with_the_form_reason(
    c27, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    builders.assembly("WTSA-28", start=datetime.date(2028, 10, 10))
    builders.resolution(101, assembly_code="WTSA-28")

    call_command("council_report", "--meeting", "C27", "--resolution", "73", stdout=io.StringIO())
    with pytest.raises(CommandError, match="adopted by WTSA-28, after this session"):
        call_command("council_report", "--meeting", "C27", "--resolution", "101")

    assert [path.name[:40] for path in tmp_path.iterdir()] == [
        "C27-WTSA-implementation-Resolution-73-20"
    ]
