"""A Content-Security-Policy for every built page: our own files only, no third-party requests,
and no inline script except the theme's own few (allowed by their hashes); under `mkdocs serve`,
also the live-reload script that the development server inserts into each page it sends."""

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


def script_hash(body: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions for the theme's inline scripts in a page, in order of appearance."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        body = match.group("body")
        if _executable(match.group("attrs")) and _is_theme_script(body):
            hashes.append(script_hash(body))
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


_POLICY_META = re.compile(
    r'\s*<meta http-equiv="Content-Security-Policy" content="(?P<policy>[^"]*)">'
)
_BARE_SCRIPT = re.compile(r"<script>(?P<body>.*)</script>", re.S)
_MAX_SHIFT = 4096
"""How far the inserted script may start before the first changed character: it can begin with
the same characters as the text it was inserted in front of (`<script>` before `<script>...`)."""


def allow_inserted_script(before: str, after: str) -> str:
    """`after` is the page `before` as a development server sends it, with one inline
    `<script>...</script>` inserted somewhere (MkDocs' live reload, before `</body>`). Returns
    `after` with the hash of exactly that script added to the page's own policy, so the browser
    runs it and still blocks every other inline script. Anything else (no policy, nothing or more
    than one script inserted) comes back unchanged."""
    added = len(after) - len(before)
    head = _HEAD.search(before)
    if added <= 0 or head is None or _POLICY_META.match(before, head.end()) is None:
        return after
    first_change = next(
        (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), len(before)
    )
    for point in range(first_change, max(-1, first_change - _MAX_SHIFT), -1):
        if not after.startswith(before[point:], point + added):
            continue
        script = _BARE_SCRIPT.fullmatch(after, point, point + added)
        if script is None or "</script" in script.group("body").lower():
            continue
        if point <= head.end():  # inserted above our policy: not a script we would allow
            return after
        return _with_script_hash(after, head.end(), script_hash(script.group("body")))
    return after


def _with_script_hash(html: str, policy_at: int, source: str) -> str:
    meta = _POLICY_META.match(html, policy_at)
    if meta is None:
        return html
    directives = [d.strip() for d in meta.group("policy").split(";")]
    directives = [d + " " + source if d.startswith("script-src ") else d for d in directives]
    start, end = meta.span("policy")
    return html[:start] + "; ".join(directives) + html[end:]
