"""Log-ins the user already has: MAMORU_<PLATFORM>_COOKIES_FILE on loopback servers that demand the cookie."""

from __future__ import annotations

import json
import os

from crawler_testkit import Route

SECRET = "s3cr3t-session-value"
IG_ANSWER = {"data": {"recent": {"sections": [{"layout_content": {"medias": [
    {"media": {"code": "C0video1", "media_type": 2, "taken_at": 1733000000, "video_duration": 12.5,
               "caption": {"text": "ルフィ dance #ワンピース"}, "user": {"username": "fan", "full_name": "Fan"},
               "play_count": 42}},
    {"media": {"code": "C0photo1", "media_type": 1, "caption": {"text": "a photo"}}}]}}]}}}
X_RESULTS = """<html><body><article><a href="/fan/status/1900000000000000007">t</a>
  <div data-testid="tweetText">ナルト #AI生成</div><video poster="https://pbs.twimg.com/p.jpg"></video>
  <time datetime="2025-06-01T00:00:00.000Z"></time></article></body></html>"""


def _cookies_file(tmp_path, name: str, mode: int = 0o600) -> str:
    path = tmp_path / f"{name}.txt"
    path.write_text("# Netscape HTTP Cookie File\n"
                    f".instagram.com\tTRUE\t/\tTRUE\t0\tsessionid\t{SECRET}\n"
                    f".x.com\tTRUE\t/\tTRUE\t0\tauth_token\t{SECRET}\n"
                    f".example.com\tTRUE\t/\tFALSE\t0\tother\tnot-for-platforms\n")
    os.chmod(path, mode)
    return str(path)


def _demanding(body: str, content_type: str, cookie: str):
    def answer(query, headers):
        if f"{cookie}={SECRET}" not in headers.get("Cookie", ""):
            return Route(b'{"message": "login_required"}', 401, "application/json")
        return Route(body.encode(), 200, content_type)

    return answer


def _env(server, cookies: str | None) -> dict:
    env = {"MAMORU_INSTAGRAM_BASE_URL": f"{server.base}/ig", "MAMORU_X_BASE_URL": f"{server.base}/x"}
    if cookies:
        env.update({"MAMORU_INSTAGRAM_COOKIES_FILE": cookies, "MAMORU_X_COOKIES_FILE": cookies})
    return env


def test_instagram_hashtag_with_the_users_cookies(server, discover, tmp_path):
    server.header_handlers["/ig/api/v1/tags/web_info/"] = _demanding(json.dumps(IG_ANSWER, ensure_ascii=False),
                                                                     "application/json", "sessionid")
    refused = discover("ワンピース", platform="instagram", kind="hashtag", env=_env(server, None))
    assert refused.items == [] and "MAMORU_INSTAGRAM_COOKIES_FILE" in refused.outcome["stopped"]
    result = discover("#ワンピース", platform="instagram", kind="hashtag",
                      env=_env(server, _cookies_file(tmp_path, "ig")))
    [item] = result.items  # the video post, not the photo
    assert (item["platform_id"], item["uploader_id"], item["duration"]) == ("C0video1", "fan", 12.5)
    assert item["hashtags"] == ["ワンピース"]
    sent = [h.get("Cookie", "") for p, h in server.requests if p.startswith("/ig/api")]
    assert sent == [f"sessionid={SECRET}"]  # this platform's cookie only
    assert SECRET not in result.stderr and SECRET not in json.dumps(result.outcome)


def test_x_search_with_the_users_cookies(server, discover, tmp_path):
    server.header_handlers["/x/search"] = _demanding(X_RESULTS, "text/html; charset=utf-8", "auth_token")
    assert "MAMORU_X_COOKIES_FILE" in discover("ナルト", platform="x", kind="search",
                                               env=_env(server, None)).outcome["stopped"]
    result = discover("ナルト", platform="x", kind="search", env=_env(server, _cookies_file(tmp_path, "x")))
    [item] = result.items
    assert item["platform_id"] == "1900000000000000007" and item["hashtags"] == ["AI生成"]
    assert SECRET not in result.stderr


def test_a_cookies_file_readable_by_others_is_refused(server, discover, tmp_path):
    result = discover("ナルト", platform="x", kind="search", env=_env(server, _cookies_file(tmp_path, "x", 0o644)))
    assert result.items == [] and "open to other users" in result.outcome["stopped"]
    assert "chmod 600" in result.outcome["stopped"] and SECRET not in result.stderr + result.outcome["stopped"]
    assert not any(p.startswith("/x/") for p in server.paths())
