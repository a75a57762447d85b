"""QR codes drawn as inline SVG (no image files, nothing fetched): the authenticator
enrollment and the patient's questionnaire link use them."""

from __future__ import annotations

import segno


def qr_svg(data: str) -> str:
    return str(segno.make(data, error="m").svg_inline(scale=4, dark="#1f2a37"))
