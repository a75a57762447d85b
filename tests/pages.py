"""Helpers for comparing rendered pages."""

import re


def comparable(html: bytes) -> str:
    """The page minus what differs on every response: CSRF tokens and CSP nonces."""
    text = re.sub(r"[A-Za-z0-9]{64}", "<token>", html.decode())
    return re.sub(r'nonce="[^"]+"', 'nonce=""', text)
