"""A Content-Security-Policy for every built page: our own files only, no third-party requests,
and no inline script except the theme's own few (allowed by their hashes)."""

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


THEME_SCRIPTS = frozenset(
    {
        '__md_scope=new URL(BASE,location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}',
        'var palette=__md_get("__palette");if(palette&&palette.color){if("(prefers-color-scheme)"===palette.color.media){var media=matchMedia("(prefers-color-scheme: light)"),input=document.querySelector(media.matches?"[data-md-color-media=\'(prefers-color-scheme: light)\']":"[data-md-color-media=\'(prefers-color-scheme: dark)\']");palette.color.media=input.getAttribute("data-md-color-media"),palette.color.scheme=input.getAttribute("data-md-color-scheme"),palette.color.primary=input.getAttribute("data-md-color-primary"),palette.color.accent=input.getAttribute("data-md-color-accent")}for(var[key,value]of Object.entries(palette.color))document.body.setAttribute("data-md-color-"+key,value)}',
        'var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))',
    }
)
"""The inline scripts of Material for MkDocs 9.8, with the page's base path written BASE. Only
these exact scripts are allowed: any other inline script, however it got into a page, is
blocked by the browser (a theme update that changes them fails the browser tests)."""

_BASE = re.compile(r'new URL\("[./]*",location\)')


def _is_theme_script(body: str) -> bool:
    return _BASE.sub("new URL(BASE,location)", body, count=1) in THEME_SCRIPTS


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions for the theme's inline scripts in a page, in order of appearance."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        body = match.group("body")
        if _executable(match.group("attrs")) and _is_theme_script(body):
            digest = hashlib.sha256(body.encode("utf-8")).digest()
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
