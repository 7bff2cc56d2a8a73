"""CV upload: text read from PDF and DOCX, reviewed before it is saved; files without text or lying about their
type are refused."""
import io
import zipfile
import zlib

import docx
import pytest

from talent_match.extensions import db
from talent_match.models import SeekerProfile
from talent_match.services.errors import ValidationFailed
from talent_match.services.hiring import cv

CV_LINES = ["Kim Hana - AI engineer", "Skills: Python, PyTorch, Machine Learning, Computer Vision",
            "Changwon National University, Computer Engineering"]


def make_pdf(lines=CV_LINES) -> bytes:
    """A one-page PDF with its text in Helvetica, built by hand (offsets and all) so pypdf reads it cleanly."""
    def escape(line):
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({escape(line)}) Tj T*" for line in lines) + " ET"
    if not lines:
        content = "0 0 1 rg 72 600 200 100 re f"  # a blue rectangle: a page with a picture and no text
    return pdf_with_page_contents(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream".encode("latin-1"))


def pdf_with_page_contents(contents: bytes, trailer: str = "") -> bytes:
    """A one-page PDF whose content stream object is `contents` (dictionary and stream), offsets and all."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
              b"/Resources << /Font << /F1 5 0 R >> >> >>",
              contents, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R {trailer}>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def flate_stream(chunks, extra: str = "") -> bytes:
    packer = zlib.compressobj(9)
    packed = b"".join(packer.compress(chunk) for chunk in chunks) + packer.flush()
    return f"<< /Length {len(packed)} /Filter /FlateDecode {extra}>>\nstream\n".encode() + packed + b"\nendstream"


def docx_without_relationships() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def make_docx(paragraphs=("김하나 — AI 엔지니어", "기술: 파이썬, 머신러닝, 컴퓨터 비전"), table=True) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=1, cols=2)
        grid.rows[0].cells[0].text = "자격증"
        grid.rows[0].cells[1].text = "ADsP, 정보처리기사"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_text_is_read_from_a_pdf():
    text = cv.extract_text("이력서.pdf", make_pdf())
    assert "Kim Hana - AI engineer" in text and "PyTorch" in text and "Changwon National University" in text


def test_text_is_read_from_a_docx_with_its_tables():
    text = cv.extract_text("CV.DOCX", make_docx())
    assert "머신러닝" in text and "자격증 | ADsP, 정보처리기사" in text


def test_a_pdf_without_text_is_refused():
    with pytest.raises(ValidationFailed, match="no text"):
        cv.extract_text("scan.pdf", make_pdf([]))


def test_an_empty_docx_is_refused():
    with pytest.raises(ValidationFailed, match="no text"):
        cv.extract_text("empty.docx", make_docx(paragraphs=(), table=False))


@pytest.mark.parametrize("name, data", [
    ("cv.pdf", b"<html><body>not a pdf</body></html>" * 10),
    ("cv.pdf", make_docx()),
    ("cv.docx", make_pdf()),
    ("cv.docx", b"PK\x03\x04 this is not really a zip"),
])
def test_content_decides_the_type_not_the_name(name, data):
    with pytest.raises(ValidationFailed, match="is not a"):
        cv.extract_text(name, data)


@pytest.mark.parametrize("name", ["cv.txt", "cv.hwp", "cv", "cv.pdf.exe"])
def test_only_pdf_and_docx_are_accepted(name):
    with pytest.raises(ValidationFailed, match="PDF"):
        cv.extract_text(name, make_pdf())


def test_a_large_file_and_a_damaged_pdf_are_refused():
    with pytest.raises(ValidationFailed, match="too large"):
        cv.extract_text("cv.pdf", make_pdf(), max_bytes=100)
    with pytest.raises(ValidationFailed, match="could not be read"):
        cv.extract_text("cv.pdf", b"%PDF-1.4\n" + b"garbage " * 50)


@pytest.mark.parametrize("name, data", [
    ("bomb.pdf", pdf_with_page_contents(flate_stream(bytes(1 << 20) for _ in range(600)))),
    ("columns.pdf", pdf_with_page_contents(flate_stream([b"BT ET" * 50],
                                                        "/DecodeParms << /Predictor 12 /Columns 2000000000 >> "))),
    ("encrypt.pdf", pdf_with_page_contents(b"<< /Length 5 >>\nstream\nBT ET\nendstream",
                                           "/Encrypt << /Filter /Bogus /V 9 /R 9 >> /ID [<00> <00>] ")),
    ("norels.docx", docx_without_relationships()),
], ids=["decompression-bomb", "huge-predictor-columns", "bogus-encrypt", "docx-without-relationships"])
def test_hostile_files_are_refused_with_a_message_not_a_crash(name, data):
    assert len(data) < cv.MAX_BYTES
    with pytest.raises(ValidationFailed) as refused:
        cv.extract_text(name, data)
    assert set(refused.value.errors) == {"cv"}


def test_the_reader_runs_under_a_memory_limit(monkeypatch):
    monkeypatch.setattr(cv, "MEMORY_BYTES", 4 * 1024 * 1024)  # less than the interpreter already holds
    with pytest.raises(ValidationFailed) as refused:
        cv.extract_text("이력서.pdf", make_pdf())
    assert "could not be read as a PDF" in str(refused.value.errors["cv"][0])


def test_extracted_text_is_tidied():
    assert cv.tidy("a\x00b\u200b  c\r\n\r\n\r\n\r\nd\t e") == "a b c\n\nd e"


# ---- the two-step page: read, review, then save -----------------------------------------------------------------

def upload(client, name, data):
    return client.post("/seekers/cv", data={"cv": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def cv_text_of(app, user_id):
    with app.app_context():
        return db.session.query(SeekerProfile).filter_by(user_id=user_id).one().cv_text


def test_the_cv_text_is_shown_for_review_with_suggested_skills_and_saved_only_on_confirmation(app, login_as):
    client, user_id = login_as("seeker")
    response = upload(client, "cv.pdf", make_pdf())
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Kim Hana - AI engineer" in page
    assert 'value="PyTorch"' in page and 'value="Computer Vision"' in page  # suggested skills to tick
    assert cv_text_of(app, user_id) == ""  # nothing saved yet
    response = client.post("/seekers/cv/save", data={"cv_text": "Kim Hana\nPython, PyTorch",
                                                     "add_skills": ["PyTorch", "not offered"]})
    assert response.status_code == 302
    assert cv_text_of(app, user_id) == "Kim Hana\nPython, PyTorch"
    with app.app_context():
        labels = [s.label for s in db.session.query(SeekerProfile).filter_by(user_id=user_id).one().skills]
    assert labels == ["PyTorch"]


def test_a_cv_without_text_is_refused_with_a_message_and_nothing_is_saved(app, login_as):
    client, user_id = login_as("seeker")
    response = upload(client, "scan.pdf", make_pdf([]))
    assert response.status_code == 422 and 'id="cv-err"' in response.get_data(as_text=True)
    response = upload(client, "fake.pdf", b"GIF89a" + b"\x00" * 100)
    assert response.status_code == 422 and 'id="cv-err"' in response.get_data(as_text=True)
    assert cv_text_of(app, user_id) == ""
