"""A Content-Security-Policy for every built page: our own files only, no third-party requests,
and no inline script except the exact scripts the theme ships (allowed by their hashes)."""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.I)

POLICY = (
    "default-src 'self'",
    "script-src 'self'{hashes}",
    # Material and Python-Markdown put style attributes in pages (table alignment, progress).
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
)


def _executable(attrs: str) -> bool:
    if re.search(r"\ssrc\s*=", attrs, re.I):
        return False
    kind = re.search(r"\stype\s*=\s*[\"']?([^\"'\s>]+)", attrs, re.I)
    return kind is None or kind.group(1).lower() in (
        "text/javascript",
        "module",
        "application/javascript",
    )


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions for the inline scripts of a page, in order of appearance."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        if _executable(match.group("attrs")):
            digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
            hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return list(dict.fromkeys(hashes))


def policy(html: str) -> str:
    hashes = "".join(" " + h for h in inline_script_hashes(html))
    return "; ".join(POLICY).replace("{hashes}", hashes)


def add_policy(html: str) -> str:
    """The page with a CSP meta element as the first child of <head>."""
    match = _HEAD.search(html)
    if match is None:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    return html[: match.end()] + "\n    " + meta + html[match.end() :]
