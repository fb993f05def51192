"""Every PDF is set in the Noto CJK fonts throughout, its page footers included (issue 11, item 10).

A page's margin boxes (``@page { @bottom-center { … } }``) inherit nothing from ``body``: the footer
"第 1 页，共 2 页" was set in DejaVu Serif beside a body in Noto Sans CJK. ``pdffonts`` (poppler-utils,
installed by ``make test``) lists the fonts each PDF embeds; every PDF view of the system is rendered
(the cases of ``tests/test_pdf_production.py``, which fails on a PDF view without one).
"""

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from tests.factories import log_in
from tests.test_pdf_production import PDF_CASES

NOTO_CJK = re.compile(r"^(?:[A-Z]{6}\+)?Noto-(?:Sans|Serif)-CJK-(?:SC|TC|JP|KR|HK)(?:-[A-Za-z]+)?$")


def embedded_fonts(pdf: bytes, tmp_path) -> list[str]:
    """Return the names of the fonts ``pdf`` uses, as ``pdffonts`` lists them."""
    if shutil.which("pdffonts") is None:
        pytest.fail("pdffonts not found: run `make test`, which installs poppler-utils.")
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]


@pytest.mark.parametrize("name", sorted(PDF_CASES))
def test_every_pdf_uses_only_the_noto_cjk_fonts(client, db, tmp_path, name):
    url, user, _ = PDF_CASES[name](db)
    log_in(client, user)
    response = client.get(url)
    assert response.status_code == 200
    fonts = embedded_fonts(b"".join(response.streaming_content), tmp_path)
    assert fonts, "pdffonts found no font"
    assert [font for font in fonts if not NOTO_CJK.match(font)] == [], fonts


def test_the_pattern_knows_a_western_font_from_a_cjk_one():
    assert NOTO_CJK.match("TSPJMR+Noto-Sans-CJK-SC") and NOTO_CJK.match("DFCEGX+Noto-Sans-CJK-SC-Bold")
    assert not NOTO_CJK.match("BAWKYD+DejaVu-Serif")
    assert reverse("selection:case_record_pdf", args=[1]).endswith(".pdf")
