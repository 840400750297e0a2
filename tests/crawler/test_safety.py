"""Politeness and safety: public addresses only (directly and through redirects), robots.txt, the
User-Agent, backoff on HTTP 429, response size caps."""

from __future__ import annotations

import pytest

from core.urlsafety import UnsafeURLError, check_url
from crawler_sites import demo_site
from core.config import Settings


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8080/x", "http://[::1]/", "http://10.1.2.3/", "http://192.168.0.1/",
    "http://169.254.169.254/latest/meta-data/", "http://224.0.0.251/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/",
    "http://240.0.0.1/", "ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)", "data:video/mp4;base64,AA",
])
def test_non_public_or_non_http_refused(url):
    with pytest.raises(UnsafeURLError) as info:
        check_url(url, Settings())
    assert "\n" not in str(info.value) and str(info.value).startswith("refused")


def test_public_literal_passes_and_allowlist_by_host_or_cidr():
    assert check_url("https://93.184.215.14/v", Settings()) == "https://93.184.215.14/v"
    assert check_url("http://127.0.0.1:9/", Settings(allowed_private_hosts=("127.0.0.1",)))
    assert check_url("http://localhost:9/", Settings(allowed_private_hosts=("127.0.0.0/8", "::1/128")))
    assert check_url("http://10.2.3.4/", Settings(allowed_private_hosts=("10.0.0.0/8",)))
    with pytest.raises(UnsafeURLError):  # an address entry allows that address only
        check_url("http://127.0.0.2:9/", Settings(allowed_private_hosts=("127.0.0.1",)))
    with pytest.raises(UnsafeURLError):  # a host-name entry allows that name only
        check_url("http://127.0.0.1:9/", Settings(allowed_private_hosts=("demo.local",)))


def test_crawl_refuses_private_address_with_one_log_line(server, discover):
    demo_site(server)
    result = discover(f"{server.base}/feed.rss", env={"MAMORU_ALLOWED_PRIVATE_HOSTS": ""})
    assert result.items == [] and server.paths() == []  # not even robots.txt was asked for
    refusals = [line for line in result.stderr.splitlines() if "WARNING: refused" in line]
    assert len(refusals) == 1, result.stderr
    assert "non-public address 127.0.0.1" in refusals[0] and "MAMORU_ALLOWED_PRIVATE_HOSTS" in refusals[0]
    assert result.outcome["refused"] == 1 and result.outcome["errors"] >= 1


def test_crawl_refuses_redirect_into_private_address(server, discover):
    demo_site(server)
    # 127.0.0.1 is allow-listed; the redirect leads to 127.0.0.2 (loopback too), which is not
    server.add("/go", "", status=302, headers={"Location": f"http://127.0.0.2:{server.port}/feed.rss"})
    result = discover(f"{server.base}/go")
    assert result.items == []
    refusals = [line for line in result.stderr.splitlines() if "WARNING: refused" in line]
    assert len(refusals) == 1, result.stderr
    assert f"redirect from '{server.base}/go' to 'http://127.0.0.2:{server.port}/feed.rss'" in refusals[0]
    assert server.paths().count("/feed.rss") == 0


def test_robots_txt_obeyed_and_user_agent_names_mamoru(server, discover):
    demo_site(server)
    server.add("/robots.txt", "User-agent: *\nDisallow: /v/\n", "text/plain")
    result = discover(f"{server.base}/v/-k9Xq2", env={"MAMORU_CONTACT_URL": "https://example.org/abuse"})
    assert result.items == []
    assert "/v/-k9Xq2" not in server.paths() and "/robots.txt" in server.paths()
    assert result.outcome["robots_forbidden"] == 1 and "robots.txt" in result.outcome["notes"][0]
    agents = {headers.get("User-Agent") for _, headers in server.requests}
    assert agents == {f"Mamoru/0.1.0 (+https://example.org/abuse)"}


def test_429_backs_off_retries_and_is_reported(server, discover):
    demo_site(server)
    feed = server.routes["/feed.rss"]
    server.add("/feed.rss", "slow down", "text/plain", status=429, headers={"Retry-After": "0"}, times=2, then=feed)
    result = discover(f"{server.base}/feed.rss")
    assert result.outcome["rate_limited"] == 2
    assert {i["platform_id"] for i in result.items} == {"127.0.0.1/v/-k9Xq2", "127.0.0.1/v/op42"}
    assert "rate limited (HTTP 429)" in result.stderr


def test_429_forever_gives_up_and_reports(server, discover):
    server.add("/feed.rss", "slow down", "text/plain", status=429)
    result = discover(f"{server.base}/feed.rss", extra=["-s", "MAMORU_BACKOFF_TRIES=2"])
    assert result.outcome["rate_limited"] == 3 and result.outcome["errors"] >= 1
    assert server.paths().count("/feed.rss") == 3


def test_response_size_cap(server, discover):
    demo_site(server)
    page = server.routes["/v/-k9Xq2"].body
    server.add("/v/big", page + b"<!--" + b"x" * 200_000 + b"-->")
    result = discover(f"{server.base}/v/big", extra=["-s", "DOWNLOAD_MAXSIZE=100000"])
    assert result.items == []
    assert "download max size" in result.stderr or "larger than" in result.stderr, result.stderr[-2000:]


REBIND = ("import ipaddress, runpy, sys\n"
          "import core.urlsafety as u\n"
          "real = u._resolve\n"
          "# the first DNS answer (seen by the request check) is public; the one Scrapy connects with is not\n"
          "u._resolve = lambda host: [ipaddress.ip_address('93.184.215.14')] if host == 'localhost' else real(host)\n"
          "sys.argv = ['crawler.run', *sys.argv[1:]]\n"
          "runpy.run_module('crawler.run', run_name='__main__', alter_sys=True)\n")


@pytest.mark.parametrize("resolver", ["crawler.resolver.PublicOnlyResolver", "scrapy.resolver.CachingThreadedResolver"])
def test_dns_rebinding_is_refused_at_connection(server, tmp_path, resolver):
    """A name that passes the request check but resolves to loopback when Scrapy connects is refused by
    Mamoru's resolver; Scrapy's plain resolver (the control) would have connected."""
    import subprocess
    import sys

    from crawler_testkit import FAST, REPO, crawl_env

    demo_site(server)
    args = [f"--discover=http://localhost:{server.port}/feed.rss", *FAST, "-s", f"TWISTED_DNS_RESOLVER={resolver}"]
    proc = subprocess.run([sys.executable, "-c", REBIND, *args], cwd=REPO, capture_output=True, text=True,
                          env=crawl_env(tmp_path / "home", MAMORU_ALLOWED_PRIVATE_HOSTS=""), timeout=120)
    if resolver.startswith("crawler."):
        assert server.paths() == [], proc.stderr
        assert "refused connection: host localhost is the non-public address 127.0.0.1" in proc.stderr
    else:
        assert "/feed.rss" in server.paths(), proc.stderr
