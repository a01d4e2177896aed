"""The Content-Security-Policy allows the theme's inline scripts and nothing else."""

from __future__ import annotations

from build_scripts.csp import THEME_SCRIPTS, add_policy, inline_script_hashes

SCOPE = next(s for s in THEME_SCRIPTS if s.startswith("__md_scope")).replace("BASE", '"../.."')
THEME = (
    f"<html><head><script>{SCOPE}</script>"
    '<script id="__config" type="application/json">{"a": 1}</script>'
    "<title>x</title></head><body>"
)


def test_only_the_themes_inline_scripts_get_a_hash() -> None:
    lookalike = SCOPE + ";alert(2)"
    injected = THEME + f"<script>alert(1)</script><script>{lookalike}</script></body></html>"
    hashes = inline_script_hashes(injected)
    assert len(hashes) == 1
    assert inline_script_hashes(THEME + "</body></html>") == hashes


def test_the_policy_is_the_first_thing_in_head() -> None:
    page = add_policy(THEME + "</body></html>")
    head = page[page.index("<head>") + len("<head>") :].lstrip()
    assert head.startswith('<meta http-equiv="Content-Security-Policy" content="default-src')
    for directive in ("object-src 'none'", "base-uri 'self'", "form-action 'none'"):
        assert directive in page
    assert "unsafe-inline" not in page.split("script-src", 1)[1].split(";", 1)[0]
