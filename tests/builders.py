"""Small builders for test data. Tests build what they need; they do not load
the shipped fixtures, so a change to the reference data cannot hide a bug."""

import datetime
import itertools

from django.contrib.auth.models import Group

from actions.choices import ActionStatus, BodyKind, ReportState, Role, Strength
from actions.models import Action, Body, GoverningBodyMeeting, ProgressReport, User
from resolutions.choices import ClauseVerb, PartKind
from resolutions.models import Assembly, Clause, Resolution

_sequence = itertools.count(1)

BUREAU_CODES = {"TSB", "BDT", "BR", "GS"}


def body(code: str, *, kind: str | None = None, bureau: str | None = None) -> Body:
    """Get or create a body; non-Bureau bodies are supported by ``bureau`` (default TSB)."""
    if kind is None:
        kind = BodyKind.BUREAU if code in BUREAU_CODES else BodyKind.STUDY_GROUP
    supporting = None
    if kind not in {BodyKind.BUREAU, BodyKind.GENERAL_SECRETARIAT}:
        supporting = body(bureau or "TSB")
    found, _ = Body.objects.get_or_create(
        code=code, defaults={"name": code, "kind": kind, "supporting_bureau": supporting}
    )
    return found


def user(
    username: str | None = None, *, bureau: str | None = None, role: Role | None = None, **extra
) -> User:
    username = username or f"user{next(_sequence)}"
    created = User.objects.create_user(
        username=username,
        password="secret-pass-123",
        bureau=body(bureau) if bureau else None,
        **extra,
    )
    if role is not None:
        # The data migration creates the groups; a test that committed and
        # flushed the database (live server, real worker) took them away.
        created.groups.add(Group.objects.get_or_create(name=role)[0])
    return created


# Where the assemblies met: an import checks a text's heading against the place.
PLACES = {"WTSA-16": "Hammamet", "WTSA-20": "Geneva", "WTSA-24": "New Delhi"}


def assembly(code: str = "WTSA-20", start: datetime.date | None = None) -> Assembly:
    start = start or datetime.date(2022, 3, 1)
    found, _ = Assembly.objects.get_or_create(
        code=code,
        defaults={
            "name": f"World Telecommunication Standardization Assembly ({code})",
            "place": PLACES.get(code, "Geneva"),
            "start_date": start,
            "end_date": start + datetime.timedelta(days=8),
        },
    )
    return found


def resolution(number: int | None = None, *, assembly_code: str = "WTSA-20", **extra) -> Resolution:
    number = number or next(_sequence) + 1000
    return Resolution.objects.create(
        assembly=assembly(assembly_code),
        number=number,
        title=extra.pop("title", f"Resolution {number} title"),
        **extra,
    )


def clause(res: Resolution | None = None, *, verb: str = ClauseVerb.INSTRUCTS, **extra) -> Clause:
    res = res or resolution()
    order = res.clauses.count() + 1
    return Clause.objects.create(
        resolution=res,
        key=extra.pop("key", f"{verb}.1/{order}"),
        part=extra.pop("part", PartKind.OPERATIVE),
        verb=verb,
        label=extra.pop("label", str(order)),
        text=extra.pop("text", f"to do thing number {order};"),
        order=order,
        **extra,
    )


def action(
    res: Resolution | None = None,
    *,
    owner: str = "TSB",
    collaborators: tuple[str, ...] = (),
    status: str = ActionStatus.NOT_STARTED,
    **extra,
) -> Action:
    res = res or resolution()
    cl = clause(res)
    created = Action.objects.create(
        resolution=res,
        clause=cl,
        number=res.actions.count() + 1,
        strength=extra.pop("strength", Strength.INSTRUCTS),
        owner=body(owner),
        status=status,
        **extra,
    )
    created.collaborators.set([body(code) for code in collaborators])
    return created


def report(act: Action, *, author: User, state: str = ReportState.DRAFT, **extra) -> ProgressReport:
    return ProgressReport.objects.create(
        action=act,
        author=author,
        bureau=extra.pop("bureau", author.bureau),
        report_date=extra.pop("report_date", datetime.date(2025, 5, 1)),
        period_start=extra.pop("period_start", datetime.date(2024, 6, 1)),
        period_end=extra.pop("period_end", datetime.date(2025, 5, 1)),
        text=extra.pop("text", "Held two workshops."),
        state=state,
        **extra,
    )


def meeting(start: datetime.date, **extra) -> GoverningBodyMeeting:
    return GoverningBodyMeeting.objects.create(
        kind=extra.pop("kind", "council"),
        name=extra.pop("name", f"Council {start.year}"),
        start_date=start,
        end_date=extra.pop("end_date", start + datetime.timedelta(days=9)),
        **extra,
    )


# -- Word files --------------------------------------------------------------
# Official ITU Word files hold what python-docx cannot write (revision marks,
# footnotes, soft line breaks), so these builders write WordprocessingML itself.

W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.footnotes+xml"/>'
    "</Types>"
)


def wml_text(text: str) -> str:
    """Runs for plain text; a tab becomes Word's <w:tab/>."""
    from xml.sax.saxutils import escape

    pieces = [f'<w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r>' for p in text.split("\t")]
    return "<w:r><w:tab/></w:r>".join(pieces)


def wml_paragraph(*content: str) -> str:
    """A paragraph of plain text and raw run-level XML (anything starting with "<")."""
    inner = "".join(c if c.startswith("<") else wml_text(c) for c in content)
    return f"<w:p>{inner}</w:p>"


def wml_footnote_call(footnote_id: int) -> str:
    """A footnote call as Word makes it, with the footnote reference style."""
    return (
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        f'<w:footnoteReference w:id="{footnote_id}"/></w:r>'
    )


def word_file(
    body: list[str],
    *,
    footnotes: dict[int, str] | None = None,
    members: dict[str, bytes] | None = None,
) -> bytes:
    """A .docx whose body holds ``body`` (plain strings become paragraphs).

    ``footnotes`` maps footnote ids to their text, written to the footnotes
    part; ``members`` adds other parts (pictures) as they are.
    """
    import io
    import zipfile

    blocks = "".join(b if b.startswith("<") else wml_paragraph(b) for b in body)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NAMESPACE}" '
        'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        f"<w:body>{blocks}<w:sectPr/></w:body></w:document>"
    )
    relations = ""
    notes = ""
    if footnotes is not None:
        relations = (
            f'<Relationship Id="rId1" Type="{_PACKAGE_RELS}/footnotes" Target="footnotes.xml"/>'
        )
        notes = "".join(
            f'<w:footnote w:id="{number}"><w:p><w:r><w:footnoteRef/></w:r>{wml_text(" " + text)}'
            "</w:p></w:footnote>"
            for number, text in footnotes.items()
        )
        notes = (
            f'<w:footnotes xmlns:w="{W_NAMESPACE}"><w:footnote w:type="separator" w:id="-1">'
            f"<w:p><w:r><w:separator/></w:r></w:p></w:footnote>{notes}</w:footnotes>"
        )
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_PACKAGE_RELS}/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", document)
        archive.writestr(
            "word/_rels/document.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{relations}</Relationships>",
        )
        if footnotes is not None:
            archive.writestr("word/footnotes.xml", notes)
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return stream.getvalue()


def seed_text(times: int = 1) -> str:
    """The detailed text of the WTSA-20 seed, ``times`` over with renumbered resolutions.

    Copy ``k`` numbers its resolutions ``n + 1000 * k``, so the text stays valid
    however often it is repeated: a benchmark and a test of parsing time use it.
    """
    import re
    from pathlib import Path

    seed = Path(__file__).resolve().parents[1] / "fixtures" / "wtsa20_itud_background.txt"
    text = seed.read_text(encoding="utf-8")
    detailed = text[re.search(r"^\s*RESOLUTION 2$", text, re.MULTILINE).start() :]
    heading = re.compile(r"^(\s*RESOLUTION\s+)(\d+)", re.MULTILINE)
    return "\n".join(
        heading.sub(lambda m, k=k: f"{m.group(1)}{int(m.group(2)) + 1000 * k}", detailed)
        for k in range(times)
    )


def zip_bomb_docx(unpacked_mb: int) -> bytes:
    """A real .docx with one more part: ``unpacked_mb`` MB of zeros in about 1/1000 the space.

    Written by hand because zipfile would need the whole part in memory or
    minutes of compression: each 1 MB block is deflated once and repeated
    (a full flush makes the blocks independent), so the archive is valid and
    really unpacks to that size.
    """
    import io
    import struct
    import zipfile
    import zlib

    members: list[tuple[str, bytes, int, int]] = []  # name, deflated data, crc, size
    with zipfile.ZipFile(
        io.BytesIO(word_file(["RESOLUTION 1", "Title", "resolves", "to act"]))
    ) as z:
        for info in z.infolist():
            data = z.read(info)
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            members.append(
                (info.filename, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))
            )
    block = bytes(1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packer.compress(block)
    deflated_block = packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(unpacked_mb):
        crc = zlib.crc32(block, crc)
    members.append(
        (
            "word/media/image1.png",
            deflated_block * unpacked_mb + packer.flush(),
            crc,
            unpacked_mb << 20,
        )
    )
    out = io.BytesIO()
    directory = b""
    for name, data, checksum, size in members:
        offset = out.tell()
        encoded = name.encode()
        header = (8, 0, 33, checksum, len(data), size, len(encoded))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *header, 0) + encoded + data)
        directory += (
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *header, 0, 0, 0, 0, 0, offset)
            + encoded
        )
    start = out.tell()
    out.write(directory)
    count = len(members)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


# --- Resolution 83 assessments and the Council report (issue 9b) ----------------


def council_duty(act: Action, recipient: str = "council_annual") -> Action:
    """Give an action a duty to report to Council, as the text would."""
    from actions.models import ReportingObligation

    ReportingObligation.objects.create(action=act, recipient=recipient)
    return act


def evidence(rep: ProgressReport, url: str, title: str = "") -> ProgressReport:
    from actions.models import EvidenceLink

    EvidenceLink.objects.create(report=rep, url=url, title=title)
    return rep


def assessment(res: Resolution, meet: GoverningBodyMeeting, *, by: User, **extra):
    """An assessment as proposed; ``confirmed_by`` confirms it too."""
    from django.utils import timezone

    from actions.choices import AssessmentRating, AssessmentState
    from actions.models import Assessment

    confirmed_by = extra.pop("confirmed_by", None)
    return Assessment.objects.create(
        resolution=res,
        meeting=meet,
        rating=extra.pop("rating", AssessmentRating.PARTLY_MET),
        rationale=extra.pop("rationale", "Half of the actions progressed."),
        proposed_by=by,
        proposed_at=timezone.now(),
        state=AssessmentState.CONFIRMED if confirmed_by else AssessmentState.PROPOSED,
        confirmed_by=confirmed_by,
        confirmed_at=timezone.now() if confirmed_by else None,
        **extra,
    )
