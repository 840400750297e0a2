"""Route tables for the fixture sites (the demo platform's shapes)."""

from __future__ import annotations

from crawler_testkit import FILES

SITE = FILES / "site"


def demo_site(server) -> None:  # noqa: ANN001
    """A site shaped like the demo platform: home, /v/<id> pages, tag page, RSS, video sitemap."""
    server.add("/robots.txt", "User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n", "text/plain")
    server.add("/", (SITE / "index.html").read_text("utf-8"))
    server.add("/about", (SITE / "about.html").read_text("utf-8"))
    for vid in ("-k9Xq2", "op42"):
        server.add(f"/v/{vid}", (SITE / f"v_{vid}.html").read_text("utf-8"))
    server.add("/tag/%E9%AC%BC%E6%BB%85%E3%81%AE%E5%88%83",
               '<html><body><a href="/v/-k9Xq2">x</a></body></html>')
    server.add("/feed.rss", (SITE / "feed.rss").read_text("utf-8"), "application/rss+xml; charset=utf-8")
    server.add("/sitemap.xml", (SITE / "sitemap.xml").read_text("utf-8"), "application/xml")
