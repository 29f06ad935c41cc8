"""The volunteer's certificate: its PDF, the public verification page, the download and certifying.

The PDF is read back as a PDF reader would: with poppler (``pdftotext``, or else LibreOffice's
poppler-based ``xpdfimport`` helper), and only without either with a small reader of our own
streams below (reportlab writes the embedded TrueType subset's one-byte codes, with a ToUnicode map).
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from django.urls import reverse

from linli.ledger.tests.factories import confirmed, volunteer
from linli.records.certificates import certificate_pdf
from linli.records.models import Certificate
from linli.records.services import certificate_certify, certificate_issue
from linli.supply.models import Volunteer

pytestmark = pytest.mark.urls("linli.records.tests.urls_for_tests")

XPDFIMPORT = Path("/usr/lib/libreoffice/program/xpdfimport")
UNIT = "西林寺社区居民委员会"


# --- reading a PDF -------------------------------------------------------------------------------


def _poppler_text(pdf: bytes, tmp_path) -> str | None:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        return subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"],  # noqa: S603 - fixed arguments
                              capture_output=True, check=True, timeout=60).stdout.decode()
    if XPDFIMPORT.exists():
        # one "drawChar x0 y0 x1 y1 a b c d size CHAR" line per glyph, as poppler decoded it
        out = subprocess.run([str(XPDFIMPORT), str(path)],  # noqa: S603 - fixed arguments
                             capture_output=True, stdin=subprocess.DEVNULL, check=True, timeout=60).stdout.decode("utf-8", "replace")
        chars = []
        for line in out.split("\n"):
            if line.startswith("drawChar "):
                chars.append(line[len("drawChar "):].split(" ", 9)[-1])
            elif line.startswith(("endTextObject", "startPage")):
                chars.append("\n\f" if line.startswith("startPage") else "\n")
        return "".join(chars)
    return None


def _to_unicode_maps(pdf: bytes) -> dict[bytes, dict[int, str]]:
    """Font resource name -> its ToUnicode map (code -> text), read from the font dictionaries."""
    streams = {}
    for num, header, body in re.findall(rb"(\d+) 0 obj\s*<<([^<>]*?)>>\s*stream\r?\n(.*?)endstream", pdf, re.S):
        if b"ASCII85Decode" in header:
            body = base64.a85decode(body.strip(), adobe=True)
        if b"FlateDecode" in header:
            body = zlib.decompress(body)
        streams[num] = body
    maps = {}
    for font in re.findall(rb"<<([^<>]*?/Type /Font[^<>]*?)>>", pdf, re.S):
        name, cmap = re.search(rb"/Name /([\w+]+)", font), re.search(rb"/ToUnicode (\d+) 0 R", font)
        if name and cmap:
            pairs = re.findall(rb"<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>", streams[cmap.group(1)].split(b"endcodespacerange")[-1])
            maps[name.group(1)] = {int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in pairs}
    return maps


def _stream_text(pdf: bytes) -> str:
    """The text of every page stream: the embedded font's one-byte codes through its ToUnicode map,
    Helvetica's as Latin-1."""
    maps = _to_unicode_maps(pdf)
    text = []
    for header, body in re.findall(rb"<<([^<>]*?)>>\s*stream\r?\n(.*?)endstream", pdf, re.S):
        if b"ASCII85Decode" in header:
            body = base64.a85decode(body.strip(), adobe=True)
        if b"FlateDecode" in header:
            body = zlib.decompress(body)
        if b" Tf" not in body:
            continue
        font = None
        for token in re.finditer(rb"/([\w+]+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj|(ET)", body, re.S):
            if token.group(1):
                font = token.group(1)
            elif token.group(3):
                text.append("\n")
            else:
                raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit()
                             else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m.group(1), m.group(1)), token.group(2),
                             flags=re.S)
                text.append("".join(maps[font].get(b, "") for b in raw) if font in maps else raw.decode("latin-1"))
    return "".join(text)


def pdf_text(pdf: bytes, tmp_path) -> str:
    """All the text, whitespace removed (a phrase may wrap at any character)."""
    text = _poppler_text(pdf, tmp_path)
    if text is None:
        text = _stream_text(pdf)
    return "".join(text.split())


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


# --- making certificates -------------------------------------------------------------------------


@pytest.fixture
def li(world):
    """李秀英, a volunteer of grid A1 with two confirmed records (1.5 h + 2 h)."""
    vol = volunteer(world, "李秀英")
    confirmed(world, vol, minutes=90, activity="助老探访")
    confirmed(world, vol, minutes=120, activity="社区<环境>整治 & 清扫")
    return vol


def _issue(client, vol) -> Certificate:
    client.force_login(vol.user)
    response = client.post(reverse("certificates:issue"))
    certificate = Certificate.objects.get(volunteer=vol)
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:download", args=[certificate.code])
    return certificate


# --- the PDF -------------------------------------------------------------------------------------


def test_volunteer_issues_a_certificate_and_downloads_its_pdf_titled_as_a_platform_record(world, client, li, tmp_path,
                                                                                          settings):
    certificate = _issue(client, li)
    response = client.get(reverse("certificates:download", args=[certificate.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="linli-certificate-{certificate.code}.pdf"'
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "志愿服务记录（平台记录）" in text
    assert "本记录为平台记录，未经组织单位证明。" in text
    assert "志愿服务记录证明" not in text
    assert "李秀英" in text
    assert "服务时间合计3.5小时" in text
    assert "服务记录2条" in text
    assert "服务期间2026年11月2日至2026年11月2日" in text
    assert "社区<环境>整治&清扫" in text
    assert f"{UNIT}王主任" in text
    assert "服务时间、服务内容和记录单位" in text
    assert certificate.code in text
    public = getattr(settings, "LINLI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    assert f"{public}/verify/{certificate.code}/" in text


def test_certified_certificate_is_titled_证明_and_names_the_unit(world, client, li, tmp_path):
    certificate = _issue(client, li)
    certificate_certify(user=world.users["community_a"], certificate=certificate, unit=UNIT)
    pdf = client.get(reverse("certificates:download", args=[certificate.code])).content
    text = pdf_text(pdf, tmp_path)
    assert "志愿服务记录证明" in text
    assert "平台记录" not in text
    assert f"证明单位{UNIT}" in text
    assert f"证明单位（盖章）：{UNIT}" in text


def test_pdf_has_no_mobile_or_id_number(world, client, tmp_path):
    vol = volunteer(world, "张秀英", region=world.micro_a1)
    Volunteer.objects.filter(pk=vol.pk).update(resident=world.resident_a1)
    confirmed(world, vol)
    certificate = _issue(client, vol)
    text = pdf_text(client.get(reverse("certificates:download", args=[certificate.code])).content, tmp_path)
    vol.refresh_from_db()
    assert "张秀英" in text
    assert vol.mobile and vol.mobile not in text and vol.mobile[-4:] not in text
    assert world.resident_a1.id_number not in text and world.resident_a1.mobile not in text


def test_many_records_flow_over_pages_with_the_table_header_on_each(world, li, tmp_path):
    certificate = certificate_issue(user=li.user)
    row = certificate.snapshot[0]
    certificate.snapshot = [dict(row, activity=f"探访第{i}次") for i in range(1, 121)]
    pdf = certificate_pdf(certificate, verify_url="https://linli.example/verify/X/")
    pages = _pages(pdf)
    text = pdf_text(pdf, tmp_path)
    assert pages >= 3
    assert text.count("组织单位（记录单位）") == pages + 1  # the header on each page, and the statement
    assert text.count(f"验证码{certificate.code}第") == pages  # the footer on each page: code and page number
    assert f"第{pages}页" in text
    assert "探访第1次" in text and "探访第120次" in text


def test_our_own_stream_reader_agrees_with_poppler(world, li, tmp_path):
    certificate = certificate_issue(user=li.user)
    pdf = certificate_pdf(certificate, verify_url="https://linli.example/verify/X/")
    ours = "".join(_stream_text(pdf).split())
    assert "志愿服务记录（平台记录）" in ours and certificate.code in ours and "李秀英" in ours
    poppler = _poppler_text(pdf, tmp_path)
    if poppler is not None:
        assert "".join(poppler.split()) == ours


# --- the verification page -----------------------------------------------------------------------


def test_verify_page_shows_the_masked_name_and_the_figures_without_login(world, client, li):
    certificate = certificate_issue(user=li.user)
    page = client.get(reverse("verify:result", args=[certificate.code]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-valid="true"' in html
    assert '<dd data-name>李**</dd>' in html
    assert "李秀英" not in html and "秀英" not in html
    assert "<dd data-hours>3.5 hours</dd>" in html
    assert "<dd data-records>2</dd>" in html
    assert "2026-11-02 – 2026-11-02" in html
    assert "<dd lang=\"zh-CN\" data-title>志愿服务记录（平台记录）</dd>" in html
    assert "Platform record: not certified by the organising unit" in html
    assert 'id="certify"' not in html
    assert "王主任" not in html and "陪伴聊天" not in html


def test_verify_page_reads_in_one_query(world, client, li, django_assert_num_queries):
    certificate = certificate_issue(user=li.user)
    with django_assert_num_queries(1):
        assert client.get(reverse("verify:result", args=[certificate.code])).status_code == 200


def test_code_typed_in_lowercase_with_spaces_and_hyphens_finds_the_certificate(world, client, li):
    certificate = certificate_issue(user=li.user)
    code = certificate.code
    typed = f" {code[:4].lower()}-{code[4:8]} {code[8:].lower()} "
    response = client.get(reverse("verify:form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:result", args=[code])
    response = client.get(f"/verify/{code[:4].lower()}-{code[4:8].lower()}-{code[8:]}/")
    assert response["Location"] == reverse("verify:result", args=[code])


def test_unknown_code_is_a_404_that_says_so(world, client, li):
    response = client.get(reverse("verify:result", args=["ABCDEFGHJKLM"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    html = response.content.decode()
    assert "No certificate has this code." in html and 'data-valid="false"' in html
    assert client.get("/verify/NOT-A-CODE/").status_code == 404


def test_malformed_code_in_the_form_is_explained_on_the_form(world, client):
    response = client.get(reverse("verify:form"), {"code": "ABC1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "A verification code has 12 letters and digits" in response.content.decode()
    assert client.get(reverse("verify:form")).status_code == 200


# --- who may download and certify ----------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), [
    ("community_a", 200), ("grid_a1", 200), ("social_a", 200), ("org_admin_a", 200),
    ("grid_a2", 404), ("community_b", 404), ("volunteer_a", 404), ("outsider", 404),
])
def test_pdf_is_for_its_volunteer_and_the_recorders_of_the_area(world, client, li, persona, status):
    certificate = certificate_issue(user=li.user)
    client.force_login(world.users[persona])
    assert client.get(reverse("certificates:download", args=[certificate.code])).status_code == status


def test_another_volunteer_cannot_download_the_pdf(world, client, li):
    certificate = certificate_issue(user=li.user)
    other = volunteer(world, "赵六")
    confirmed(world, other)
    client.force_login(other.user)
    assert client.get(reverse("certificates:download", args=[certificate.code])).status_code == 404
    client.logout()
    response = client.get(reverse("certificates:download", args=[certificate.code]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_nothing_to_certify_is_said_and_issues_nothing(world, client):
    vol = volunteer(world, "钱七")
    client.force_login(vol.user)
    response = client.post(reverse("certificates:issue"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "You have no confirmed service records yet" in response.content.decode()
    assert not Certificate.objects.exists()
    assert client.get(reverse("certificates:issue")).status_code == 405


def test_recorder_of_the_area_certifies_and_the_verify_page_then_says_证明(world, client, li):
    certificate = certificate_issue(user=li.user)
    client.force_login(world.users["community_a"])
    page = client.get(reverse("verify:result", args=[certificate.code])).content.decode()
    assert 'id="certify"' in page and f'value="{UNIT}"' in page
    response = client.post(reverse("certificates:certify", args=[certificate.code]), {"unit": UNIT})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:result", args=[certificate.code])
    certificate.refresh_from_db()
    assert (certificate.certified, certificate.certifying_unit, certificate.certified_by) == (True, UNIT, world.users["community_a"])
    client.logout()
    html = client.get(reverse("verify:result", args=[certificate.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<dd lang=\"zh-CN\" data-title>志愿服务记录证明</dd>" in html
    assert f"<dd data-unit>{UNIT}</dd>" in html
    assert f"Certified by {UNIT} on" in html
    assert 'data-certified="true"' in html


def test_certifying_twice_or_without_a_unit_is_refused_with_a_message(world, client, li):
    certificate = certificate_issue(user=li.user)
    client.force_login(world.users["community_a"])
    url = reverse("certificates:certify", args=[certificate.code])
    page = client.post(url, {"unit": "  "}, HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "This field is required" in page
    certificate.refresh_from_db()
    assert not certificate.certified
    client.post(url, {"unit": UNIT})
    page = client.post(url, {"unit": "别的单位"}, HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "This certificate is already certified" in page
    certificate.refresh_from_db()
    assert certificate.certifying_unit == UNIT


@pytest.mark.parametrize("persona", ["community_b", "grid_a2", "volunteer_a", "street"])
def test_certifying_outside_ones_area_is_a_404(world, client, li, persona):
    certificate = certificate_issue(user=li.user)
    client.force_login(world.users[persona])
    assert client.post(reverse("certificates:certify", args=[certificate.code]), {"unit": UNIT}).status_code == 404
    certificate.refresh_from_db()
    assert not certificate.certified


def test_the_chinese_font_is_embedded_as_a_truetype_subset(world, li):
    pdf = certificate_pdf(certificate_issue(user=li.user), verify_url="https://linli.example/verify/X/")
    assert b"/FontFile2" in pdf  # the TrueType outlines travel with the PDF
    assert re.search(rb"/BaseFont /[A-Z]{6}\+WenQuanYiMicroHei", pdf)  # a subset (tagged name)
    assert b"STSong-Light" not in pdf  # no font left for the viewer to supply
    assert len(pdf) < 200_000  # the subset, not the 5 MB font


def test_the_qr_code_and_link_use_the_public_address_of_the_deployment(world, client, li, settings, tmp_path):
    settings.LINLI_PUBLIC_URL = "https://linli.xihu.example/"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "10.0.0.5"]
    certificate = _issue(client, li)
    pdf = client.get(reverse("certificates:download", args=[certificate.code]), HTTP_HOST="10.0.0.5:8000").content
    text = pdf_text(pdf, tmp_path)
    url = "https://linli.xihu.example" + reverse("verify:result", args=[certificate.code])
    assert url in text
    assert "10.0.0.5" not in text
