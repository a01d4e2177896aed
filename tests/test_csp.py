"""The Content-Security-Policy allows the theme's inline scripts and nothing else (and, as served
by `mkdocs serve`, exactly the live-reload script it inserts)."""

from __future__ import annotations

from build_scripts.csp import (
    THEME_SCRIPTS,
    add_policy,
    allow_inserted_script,
    inline_script_hashes,
    script_hash,
)

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


def _script_src(page: str) -> list[str]:
    policy = page.split('content="', 1)[1].split('"', 1)[0]
    return next(d for d in policy.split("; ") if d.startswith("script-src ")).split()[1:]


def _insert_before_body_end(page: str, script: str) -> str:
    end = page.rindex("</body>")
    return page[:end] + f"<script>{script}</script>" + page[end:]


def test_a_script_inserted_by_the_dev_server_is_allowed_by_its_own_hash_only() -> None:
    built = add_policy(THEME + "<script>alert(1)</script></body></html>")
    live = 'livereload(1732912345, 1732912399);\n"</>"'
    sent = allow_inserted_script(built, _insert_before_body_end(built, live))
    assert _script_src(sent) == [*_script_src(built), script_hash(live)]
    assert sent == _insert_before_body_end(built, live).replace(
        _script_src(built)[-1], _script_src(built)[-1] + " " + script_hash(live)
    )
    assert script_hash("alert(1)") not in sent


def test_the_inserted_script_is_found_when_it_starts_like_what_follows_it() -> None:
    built = add_policy(THEME + "<p>x</p><script>alert(1)</script></body></html>")
    at = built.index("<script>alert(1)")
    live = "alert(2)"
    sent = allow_inserted_script(built, built[:at] + f"<script>{live}</script>" + built[at:])
    assert _script_src(sent)[-1] == script_hash(live)
    assert script_hash("alert(1)") not in sent


def test_anything_but_one_inserted_script_leaves_the_policy_alone() -> None:
    built = add_policy(THEME + "</body></html>")
    end = built.rindex("</body>")
    for changed in (
        built,
        built[:end] + "<p>hello</p>" + built[end:],
        built[:end] + "<script>a()</script><script>b()</script>" + built[end:],
        built[:end] + '<script src="x.js"></script>' + built[end:],
        built.replace("<head>", "<head><script>a()</script>", 1),
    ):
        assert allow_inserted_script(built, changed) == changed
    bare = THEME + "</body></html>"  # a page without our policy gets none
    assert allow_inserted_script(bare, _insert_before_body_end(bare, "a()")).count("Policy") == 0
