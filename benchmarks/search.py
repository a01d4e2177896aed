"""What a reader pays for the site's search, measured in Chromium on a mid-range phone profile.

    python benchmarks/search.py SITE_DIR [--query WORD] [--page scenarios/x/]

`search_figures` serves a built site over HTTP, as a file system hands it over or (compress)
gzipped as static hosts such as GitHub Pages, Netlify and Cloudflare send text, opens a scenario
page in Chromium with the CPU slowed down four times (CDP `Emulation.setCPUThrottlingRate`),
opens Material's search from the keyboard and types queries. It reports the bytes downloaded
until the first result is shown, split into the page and the search (index, worker, lunr's
language files), the time from the page's load to the search worker being ready, and the time
from the last keystroke to the results list being updated (typed at a quick typist's pace, and
the same word pasted at once: one query; with the worker's own share of that query). The
command line does this for the default edition and for the German one (/de/) when the site has
it. It prints; it asserts nothing: people read it.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import re
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
THROTTLING = 4
"""Chromium's CPU slow-down: Lighthouse's mid-range phone profile."""
QUERIES = 5
"""Queries timed per edition (the first is the one asked for, the others words of other titles)."""
TYPING_MS = 120
"""Between keystrokes: a quick typist on a phone."""
QUIET_MS = 1000
"""Results count as settled when the list has not changed for this long (throttled)."""

# Material's worker speaks in numbered messages: 0 set up, 1 ready, 2 query, 3 result. The
# page records when the worker says it is ready, and when the results list last changed.
_PROBE = """
(() => {
  const Native = window.Worker;
  const state = { ready: null, keys: [], changed: null, asked: [], answered: [] };
  window.__fuSearch = state;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", event => {
        const type = event.data && event.data.type;
        if (type === 1 && state.ready === null) state.ready = performance.now();
        if (type === 3) state.answered.push(performance.now());
      });
    }
    postMessage(message, ...rest) {
      if (message && message.type === 2) state.asked.push(performance.now());
      return super.postMessage(message, ...rest);
    }
  };
  // Material reads the query field on keyup.
  document.addEventListener("keyup", () => state.keys.push(performance.now()), true);
  const watch = () => {
    const list = document.querySelector(".md-search-result");
    if (!list) return setTimeout(watch, 50);
    new MutationObserver(() => { window.__fuSearch.changed = performance.now(); })
      .observe(list, { childList: true, subtree: true, characterData: true });
  };
  document.addEventListener("DOMContentLoaded", watch);
})();
"""

_SEARCH_URL = re.compile(r"/search/search_index\.json|/workers/search\.|/javascripts/lunr/")


COMPRESSED_TYPES = ("text/", "application/json", "application/javascript", "application/xml")
"""What a static host compresses (GitHub Pages, Netlify and Cloudflare gzip these)."""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    compress = False

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):
        """The file, gzipped (level 6) when this server compresses, the type is text and the
        browser accepts it; otherwise as the standard handler sends it."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the standard redirect to the folder's slash
            path = path / "index.html"
        kind = self.guess_type(str(path))
        accepted = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (
            self.compress and accepted and path.is_file() and kind.startswith(COMPRESSED_TYPES)
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _GzipHandler(_QuietHandler):
    compress = True


@contextmanager
def served(site_dir: Path, compress: bool = False) -> Iterator[str]:
    """`site_dir` over HTTP on 127.0.0.1 (a free port; gzipped like a static host when
    `compress`, else as a file system hands it over), for the block's length."""
    handler = functools.partial(
        _GzipHandler if compress else _QuietHandler, directory=str(site_dir)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def index_sizes(site_dir: Path, edition: str = "") -> dict:
    """The search index of an edition ("" or "de/"): bytes raw and gzipped (level 6, as static
    hosts compress), and its number of entries."""
    data = (site_dir / edition / "search" / "search_index.json").read_bytes()
    return {
        "index_bytes": len(data),
        "index_gzip_bytes": len(gzip.compress(data, 6)),
        "index_entries": len(json.loads(data)["docs"]),
    }


def title_words(site_dir: Path, edition: str = "") -> list[str]:
    """Words of the scenario titles in an edition's index, most distinctive first (in fewest
    titles), for queries that find a scenario by its title."""
    docs = json.loads((site_dir / edition / "search" / "search_index.json").read_bytes())["docs"]
    titles = [
        d["title"] for d in docs if re.fullmatch(r"scenarios/[^/#]+/", d["location"]) is not None
    ]
    counts: dict[str, int] = {}
    for title in titles:
        for word in {w.lower() for w in re.findall(r"[^\W\d_]{5,}", title)}:
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (counts[w], w))


def search_figures(site_dir: Path, query: str, page: str = "", compress: bool = False) -> dict:
    """Open `page` (a scenario page of `site_dir`, relative to it; the first of the edition whose
    folder `page` starts with when empty or a folder), open search with the keyboard, type
    `query` and then other title words, and return what it cost: bytes (Playwright's
    Request.sizes(), encoded body and headers: what went over the wire, every request of the
    page and its workers finished before the first result), milliseconds, and the index's size."""
    from playwright.sync_api import sync_playwright

    edition = page.split("/", 1)[0] + "/" if re.match(r"[a-z]{2}/", page) else ""
    if not page or page.endswith("scenarios/") or page == edition:
        first = sorted((site_dir / edition / "scenarios").glob("*/index.html"))[0]
        page = first.parent.relative_to(site_dir).as_posix() + "/"
    others = [w for w in title_words(site_dir, edition) if w != query.lower()]
    queries = [query, *others[: QUERIES - 1]]
    figures: dict = {"page": page, "queries": queries, **index_sizes(site_dir, edition)}

    with served(site_dir, compress) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(_PROBE)
            tab = context.new_page()
            # Every finished request of the page and of its workers (the search worker fetches
            # lunr's language files itself, which CDP's Network domain of the page misses).
            finished: list = []
            context.on("requestfinished", lambda request: finished.append(request))
            cdp = context.new_cdp_session(tab)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLING})

            tab.goto(base + page, wait_until="load")
            load_ms = tab.evaluate(
                "performance.timing.loadEventStart - performance.timing.navigationStart"
            )
            # Polled: wait_for_function compiles its predicate in the page, which the site's
            # Content-Security-Policy (no 'unsafe-eval') forbids.
            ready_ms = _poll(tab, "window.__fuSearch.ready")
            # Material binds "/" and "s" to open the search; its field takes the focus.
            tab.keyboard.press("/")
            field = tab.locator("[data-md-component=search-query]")
            field.wait_for(state="visible")
            typed, pasted, worker = [], [], []
            for number, word in enumerate(queries):
                field.fill("")
                field.press("End")
                _settle(tab)
                tab.keyboard.type(word, delay=TYPING_MS)
                tab.locator(".md-search-result__item").first.wait_for(
                    state="visible", timeout=60_000
                )
                if number == 0:
                    figures.update(_bytes(finished, base))
                _settle(tab)
                if number == 0:
                    result = tab.locator(".md-search-result__item").first.inner_text()
                    figures["first_result"] = result.split("\n")[0]
                # Each keystroke asks the worker again: the list settles once it has answered
                # the queries queued behind the last one.
                typed.append(
                    tab.evaluate("window.__fuSearch.changed - window.__fuSearch.keys.at(-1)")
                )
                # The same word pasted: one query, so the worker's and the list's time alone
                # (the keyup of End makes Material read the field).
                field.fill("")
                field.press("End")
                _settle(tab)
                field.fill(word)
                field.press("End")
                _settle(tab)
                pasted.append(
                    tab.evaluate("window.__fuSearch.changed - window.__fuSearch.keys.at(-1)")
                )
                worker.append(
                    tab.evaluate(
                        "window.__fuSearch.answered.at(-1) - window.__fuSearch.asked.at(-1)"
                    )
                )
            figures["load_ms"] = round(load_ms)
            figures["ready_after_load_ms"] = round(ready_ms - load_ms)
            for name, times in (("typed", typed), ("pasted", pasted), ("worker", worker)):
                figures[f"{name}_ms"] = [round(x) for x in times]
                figures[f"{name}_median_ms"] = round(statistics.median(times))
            # The two figures of the targets: megabytes (10^6 bytes) before the first result,
            # and the last keystroke to the results list, median of the typed queries.
            figures["mb"] = round(figures["bytes_until_first_result"] / 1_000_000, 2)
            # A query: the word pasted, one query (typing asks again at every keystroke, and the
            # list settles when the worker has answered the queue: typed_median_ms).
            figures["query_ms"] = figures["pasted_median_ms"]
            figures["compressed"] = compress
        finally:
            browser.close()
    return figures


def _bytes(requests: list, base: str) -> dict:
    """What `requests` downloaded (encoded body and headers, as on the wire), in total and split
    into the search (index, worker, lunr) and the page (everything else), and the search's URLs."""
    wire = [(r.url, _wire_size(r)) for r in list(requests)]
    search = [(url, n) for url, n in wire if _SEARCH_URL.search(url)]
    return {
        "bytes_until_first_result": sum(n for _, n in wire),
        "bytes_page": sum(n for _, n in wire) - sum(n for _, n in search),
        "bytes_search": sum(n for _, n in search),
        "search_requests": {url.removeprefix(base): n for url, n in search},
        "largest_page_requests": dict(
            sorted(
                ((url.removeprefix(base), n) for url, n in wire if not _SEARCH_URL.search(url)),
                key=lambda item: -item[1],
            )[:5]
        ),
    }


def _wire_size(request: object) -> int:
    """Encoded body and headers of a finished request. Chromium reports no body size for a
    worker's own script: its Content-Length stands in (what this server sent, compressed or
    not)."""
    sizes = request.sizes()
    body = sizes["responseBodySize"]
    response = request.response()
    if not body and response is not None:
        body = int(response.headers.get("content-length", "0"))
    return body + sizes["responseHeadersSize"]


def _poll(tab: object, expression: str, timeout: float = 120) -> object:
    """The value of `expression` in the page once it is not null."""
    deadline = time.monotonic() + timeout
    while (value := tab.evaluate(expression)) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.02)
    return value


def _settle(tab: object) -> None:
    """Wait until the worker has answered every query asked and the results list has not
    changed for QUIET_MS since."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        quiet = tab.evaluate(
            "(() => { const s = window.__fuSearch;"
            " return s.asked.length === s.answered.length"
            " ? performance.now() - Math.max(s.changed ?? 0, s.answered.at(-1) ?? 0) : 0; })()"
        )
        if quiet >= QUIET_MS:
            return
        time.sleep(QUIET_MS / 1000 / 4)
    raise TimeoutError("the search results did not settle")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site_dir", type=Path, help="a built site (mkdocs build's site/)")
    parser.add_argument("--query", help="the first query (default: a word of a scenario title)")
    parser.add_argument(
        "--compress", action="store_true", help="serve text gzipped, as static hosts do"
    )
    args = parser.parse_args()
    editions = [""] + (["de/"] if (args.site_dir / "de" / "search").is_dir() else [])
    for edition in editions:
        query = args.query if args.query and not edition else title_words(args.site_dir, edition)[0]
        figures = search_figures(args.site_dir, query, edition, compress=args.compress)
        print(
            json.dumps({"edition": edition or "default", **figures}, indent=1, ensure_ascii=False)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
