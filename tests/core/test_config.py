from pathlib import Path

import pytest

from core.config import load_settings


def test_defaults_put_everything_in_the_home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings({})
    assert s.home == (tmp_path / "mamoru-data").resolve()
    assert s.db_url == f"sqlite:///{s.home / 'core.db'}"
    assert s.allowed_private_hosts == ()
    assert s.platform_base_urls["tiktok"] == "https://www.tiktok.com"


def test_environment_overrides_toml(tmp_path):
    toml = tmp_path / "m.toml"
    toml.write_text('max_filesize_mb = 50\nkeep_media = true\nallowed_private_hosts = ["10.0.0.0/8"]\n'
                    '[platform_base_urls]\nniconico = "http://127.0.0.1:9/nico"\n')
    s = load_settings({"MAMORU_CONFIG": str(toml), "MAMORU_MAX_FILESIZE_MB": "7",
                       "MAMORU_HOME": str(tmp_path / "h"), "MAMORU_TIKTOK_BASE_URL": "http://127.0.0.1:8/"})
    assert s.max_filesize_mb == 7
    assert s.keep_media is True
    assert s.allowed_private_hosts == ("10.0.0.0/8",)
    assert s.platform_base_urls["niconico"] == "http://127.0.0.1:9/nico"
    assert s.platform_base_urls["tiktok"] == "http://127.0.0.1:8"
    assert s.home == Path(tmp_path / "h").resolve()


def test_bad_values_say_which_setting(tmp_path):
    with pytest.raises(ValueError, match="max_filesize_mb"):
        load_settings({"MAMORU_MAX_FILESIZE_MB": "lots", "MAMORU_HOME": str(tmp_path)})
    with pytest.raises(ValueError, match="keep_media"):
        load_settings({"MAMORU_KEEP_MEDIA": "perhaps", "MAMORU_HOME": str(tmp_path)})
    toml = tmp_path / "bad.toml"
    toml.write_text("no_such_setting = 1\n")
    with pytest.raises(ValueError, match="no_such_setting"):
        load_settings({"MAMORU_CONFIG": str(toml)})


def test_worker_timings_are_settings_the_celery_app_reads(tmp_path):
    """The fault tests shorten the workers' timings through these variables; the Celery app derives its
    limits from them (read in a fresh interpreter: the app reads settings once, at import)."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "MAMORU_HOME": str(tmp_path), "MAMORU_TASK_TIME_LIMIT_S": "180",
           "MAMORU_RETRY_BACKOFF_S": "0.3", "MAMORU_STALL_AFTER_S": "20", "MAMORU_CRAWL_TIMEOUT_S": "30"}
    code = ("import json, workers.celery as c; print(json.dumps([c.TASK_TIME_LIMIT, c.TASK_SOFT_TIME_LIMIT, "
            "c.FETCH_TIMEOUT_S, c.RETRY_BACKOFF_S, c.STALL_AFTER_S, c.CRAWL_TIME_LIMIT, "
            "c.app.conf.task_time_limit]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [180, 135, 90, 0.3, 20, 150, 180]
    with pytest.raises(ValueError, match="retry_backoff_s"):
        load_settings({"MAMORU_RETRY_BACKOFF_S": "soon"})


def test_database_paths_are_relative_to_the_home_so_it_can_move(tmp_path):
    s = load_settings({"MAMORU_HOME": str(tmp_path / "a")})
    stored = s.stored_path(s.evidence_dir / "7" / "3.jpg")
    assert stored == "evidence/7/3.jpg"
    moved = load_settings({"MAMORU_HOME": str(tmp_path / "b")})
    assert moved.home_path(stored) == (tmp_path / "b" / "evidence" / "7" / "3.jpg").resolve()
    outside = tmp_path / "elsewhere.png"
    assert s.stored_path(outside) == str(outside.resolve()) and s.home_path(str(outside)) == outside.resolve()
    assert s.home_path(None) is None and s.home_path("") is None
