"""Generic extraction on small documents of each shape (in-process, no crawl)."""

from __future__ import annotations

from parsel import Selector

from crawler.extract import feed_records, page_records, sitemap_records, web_platform_id, xml_selector

PAGE = "https://videos.example.jp/watch/42"


def test_microdata_videoobject():
    html = """<html><body><div itemscope itemtype="https://schema.org/VideoObject">
      <meta itemprop="name" content="ワンピース &amp; 仲間たち"><meta itemprop="duration" content="PT1M5S">
      <meta itemprop="uploadDate" content="2025-03-01T12:00:00+09:00">
      <link itemprop="contentUrl" href="/media/42.mp4"><meta itemprop="thumbnailUrl" content="/t/42.jpg">
      <span itemprop="description">説明 #ワンピース</span><meta itemprop="interactionCount" content="77"></div></body></html>"""
    [record] = page_records(Selector(text=html), PAGE)
    assert record["title"] == "ワンピース & 仲間たち" and record["duration"] == 65.0
    assert record["content_url"] == "https://videos.example.jp/media/42.mp4" and record["view_count"] == 77
    assert record["hashtags"] == ["ワンピース"] and record["published_at"].isoformat() == "2025-03-01T03:00:00+00:00"


def test_og_video_twitter_player_and_video_tag():
    og = '<meta property="og:video" content="https://cdn.example.jp/a.mp4"><meta property="og:title" content="A">'
    assert page_records(Selector(text=f"<html><head>{og}</head></html>"), PAGE)[0]["content_url"] == \
        "https://cdn.example.jp/a.mp4"
    player = '<meta name="twitter:player" content="https://example.jp/embed/1"><title>P</title>'
    [record] = page_records(Selector(text=f"<html><head>{player}</head></html>"), PAGE)
    assert record["content_url"] is None and record["player_url"] == "https://example.jp/embed/1"  # never media
    [record] = page_records(Selector(text='<video><source src="/v.webm"></video>'), PAGE)
    assert record["content_url"] == "https://videos.example.jp/v.webm"
    # a blob: source is never media, and alone it does not make a video page
    assert page_records(Selector(text='<video src="blob:https://x/1"></video><p>x</p>'), PAGE) == []
    assert page_records(Selector(text="<html><body><p>no video</p></body></html>"), PAGE) == []


def test_jsonld_graph_and_broken_jsonld():
    html = """<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": ["VideoObject"],
      "name": "G", "duration": "PT10S", "thumbnailUrl": ["https://t/1.jpg"], "author": [{"name": "作者"}]}]}</script>
      <script type="application/ld+json">{broken</script>"""
    [record] = page_records(Selector(text=html), PAGE)
    assert (record["title"], record["duration"], record["thumbnail_url"], record["uploader_name"]) == (
        "G", 10.0, "https://t/1.jpg", "作者")


def test_atom_and_rss_enclosures():
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T &amp;amp; U</title>
      <link rel="alternate" href="https://blog.example/p/1"/><link rel="enclosure" type="video/mp4" href="https://blog.example/1.mp4"/>
      <updated>2025-01-01T00:00:00Z</updated><author><name>N</name></author></entry></feed>"""
    [record] = feed_records(xml_selector(atom), "https://blog.example/atom.xml")
    assert record["link"] == "https://blog.example/p/1" and record["content_url"] == "https://blog.example/1.mp4"
    assert record["title"] == "T & U" and record["uploader_name"] == "N"
    rss = b"""<rss version="2.0"><channel><item><title>audio</title><link>https://pod/1</link>
      <enclosure url="https://pod/1.mp3" type="audio/mpeg"/></item></channel></rss>"""
    [record] = feed_records(xml_selector(rss), "https://pod/feed")
    assert record["content_url"] is None  # audio is not a clip


def test_sitemap_index_and_plain_sitemap():
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://s/a.xml.gz</loc>
      </sitemap></sitemapindex>"""
    assert sitemap_records(xml_selector(index), "https://s/sitemap.xml") == ([], [], ["https://s/a.xml.gz"])
    plain = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://s/v/1</loc></url></urlset>"""
    assert sitemap_records(xml_selector(plain), "https://s/sitemap.xml") == ([], ["https://s/v/1"], [])


def test_web_platform_id_is_stable_across_ports_and_tracking():
    assert web_platform_id("http://127.0.0.1:8001/v/-abc?utm_source=rss") == web_platform_id("http://127.0.0.1:9999/v/-abc")
    assert web_platform_id("https://www.example.com/watch?id=5&fbclid=x") == "example.com/watch?id=5"


def test_long_web_ids_fit_the_column_and_stay_stable():
    url = "https://example.com/" + "a" * 300
    assert len(web_platform_id(url)) <= 200 and web_platform_id(url) == web_platform_id(url + "?utm_source=x")
    assert web_platform_id(url) != web_platform_id(url + "b")
