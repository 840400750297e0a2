"""The embedded one-machine setup: a redis-server, Celery worker(s), beat, and optionally the web app
and Flower, as child processes.

Each child gets the parent's MAMORU_* settings plus MAMORU_REDIS_URL; its log goes to <home>/logs/.
Redis keeps an append-only file in <home>/redis, so queued tasks survive its restart. `stop()` ends
them all (SIGTERM, then SIGKILL after a grace period); it is safe to call twice. `kill()` and
`restart()` exist for operators and for the fault tests.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.childproc import child_environ, python_module
from core.config import Settings

log = logging.getLogger(__name__)


class StackError(RuntimeError):
    """Something the embedded stack needs is missing or did not start."""


REDIS_PASSWORD_FILE = "password"  # in <home>/redis, 0600, made once per home
REDIS_CONFIG_FILE = "redis.conf"  # the password goes to redis-server here, never on its command line
FLOWER_USER = "mamoru"
FLOWER_PASSWORD_FILE = "flower-password"  # in the home, 0600
CHILD_UMASK = 0o077  # the children's files (logs, Redis data, beat schedule) readable by the owner only


def private_secret(path: Path) -> str:
    """A random secret kept in PATH (0600), made on first use."""
    import secrets

    if path.is_file():
        return path.read_text().strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(24) + "\n")
    return path.read_text().strip()


def write_private(path: Path, text: str) -> None:
    """Write TEXT to PATH readable by its owner only (also when the file existed with looser bits)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def redacted(url: str) -> str:
    """A Redis URL as printed: the password replaced by ***."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def find_redis_url(settings: Settings) -> str | None:
    """MAMORU_REDIS_URL, else the URL of the embedded Redis last started in this home."""
    from core.queue import find_broker_url

    return find_broker_url(settings)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_port(host: str, port: int, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise StackError(f"process exited with code {proc.returncode} before listening on {host}:{port}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise StackError(f"nothing listening on {host}:{port} after {timeout:.0f} s")


@dataclass
class Child:
    name: str
    proc: subprocess.Popen
    log_path: Path
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class EmbeddedStack:
    """Starts and stops the processes of one machine's Mamoru."""

    settings: Settings
    children: list[Child] = field(default_factory=list)
    redis_url: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. shorter task limits for tests

    @property
    def log_dir(self) -> Path:
        path = self.settings.home / "logs"
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def child_env(self) -> dict[str, str]:
        env = child_environ()
        env["MAMORU_HOME"] = str(self.settings.home)
        if self.settings.database_url:
            env["MAMORU_DATABASE_URL"] = self.settings.database_url
        if self.settings.allowed_private_hosts:
            env["MAMORU_ALLOWED_PRIVATE_HOSTS"] = ",".join(self.settings.allowed_private_hosts)
        if self.redis_url:
            env["MAMORU_REDIS_URL"] = self.redis_url
        env.setdefault("PYTHONUNBUFFERED", "1")
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Child:
        log_path = self.log_dir / f"{name}.log"
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        out = os.fdopen(fd, "ab")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**self.child_env(), **(env or {})}, cwd=os.getcwd(), start_new_session=True,
                                umask=CHILD_UMASK)
        out.close()
        child = Child(name, proc, log_path, list(argv), dict(env or {}))
        self.children.append(child)
        log.info("started %s (pid %d), log: %s", name, proc.pid, log_path)
        return child

    def child(self, name: str) -> Child:
        for child in self.children:
            if child.name == name:
                return child
        raise StackError(f"no child process named {name!r}")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send SIG to the child's whole process group (a worker and its pool), and reap it."""
        child = self.child(name)
        try:
            os.killpg(child.proc.pid, sig)
        except ProcessLookupError:
            pass
        child.proc.wait(timeout=30)
        log.warning("%s (pid %d) ended by signal %d", name, child.proc.pid, sig)

    def restart(self, name: str) -> Child:
        """Start a child again with the same command line (a killed Redis reloads its append-only file)."""
        old = self.child(name)
        if old.proc.poll() is None:
            self.kill(name, signal.SIGTERM)
        self.children.remove(old)
        child = self._spawn(name, old.argv, old.env)
        if name == "redis":
            port = int(self.redis_url.rsplit(":", 1)[1].split("/")[0])
            wait_for_port("127.0.0.1", port, timeout=30, proc=child.proc)
        return child

    def start_redis(self) -> str:
        """Use MAMORU_REDIS_URL when set; otherwise start redis-server on a free loopback port, with a
        password made once per home (0600 in <home>/redis) and passed in a 0600 config file."""
        if self.settings.redis_url:
            self.redis_url = self.settings.redis_url
            log.info("using Redis at %s", redacted(self.redis_url))
            return self.redis_url
        binary = shutil.which("redis-server")
        if binary is None:
            raise StackError("redis-server is not installed: apt-get install -y redis-server "
                             "(or set MAMORU_REDIS_URL to a running Redis)")
        port = free_port()
        data = self.settings.home / "redis"
        data.mkdir(mode=0o700, parents=True, exist_ok=True)
        data.chmod(0o700)
        password = private_secret(data / REDIS_PASSWORD_FILE)
        config = data / REDIS_CONFIG_FILE
        write_private(config, f"requirepass {password}\n")
        child = self._spawn("redis", [binary, str(config), "--bind", "127.0.0.1", "--port", str(port),
                                      "--dir", str(data), "--appendonly", "yes", "--appendfsync", "always",
                                      "--save", "", "--protected-mode", "yes"])
        wait_for_port("127.0.0.1", port, timeout=15, proc=child.proc)
        self.redis_url = f"redis://:{password}@127.0.0.1:{port}/0"
        write_private(data / "url", self.redis_url + "\n")  # for `mamoru status` and `mamoru retry`
        return self.redis_url

    def start_worker(self, concurrency: int = 2, queues: str = "io,cpu", name: str = "worker") -> Child:
        return self._spawn(name, python_module("workers.main", "worker", "-Q", queues, "-c", str(concurrency),
                                               "--loglevel", "INFO", "-n", f"{name}@%h", "--without-gossip",
                                               "--without-mingle"))

    def flower_password(self) -> str:
        return private_secret(self.settings.home / FLOWER_PASSWORD_FILE)

    def start_flower(self, port: int = 5555) -> Child | None:
        """Flower (task monitor) on 127.0.0.1:PORT, behind HTTP basic authentication (user `mamoru`, the
        password made once per home in <home>/flower-password); None when flower is not installed."""
        import importlib.util

        if importlib.util.find_spec("flower") is None:
            log.warning("flower is not installed: pip install flower (it is a dependency of mamoru)")
            return None
        auth = {"FLOWER_BASIC_AUTH": f"{FLOWER_USER}:{self.flower_password()}"}  # not on the command line
        child = self._spawn("flower", python_module("workers.main", "flower",
                                                     "--address=127.0.0.1", f"--port={port}"), env=auth)
        wait_for_port("127.0.0.1", port, timeout=30, proc=child.proc)
        return child

    def start_beat(self) -> Child:
        schedule = self.settings.home / "celerybeat-schedule"
        return self._spawn("beat", python_module("workers.main", "beat",
                                                  "--loglevel", "INFO", "-s", str(schedule)))

    def start_web(self, port: int | None = None) -> str:
        """Serve the web app (`mamoru web`) on 127.0.0.1; returns its address once it listens."""
        port = port or free_port()
        child = self._spawn("web", python_module("mamoru.cli.main", "web", "--host", "127.0.0.1",
                                                 "--port", str(port)))
        wait_for_port("127.0.0.1", port, timeout=30, proc=child.proc)
        return f"http://127.0.0.1:{port}/"

    def check_alive(self) -> None:
        for child in self.children:
            if child.proc.poll() is not None:
                raise StackError(f"{child.name} exited with code {child.proc.returncode}; see {child.log_path}")

    def stop(self, grace: float = 10.0) -> None:
        """Stop children in reverse order of start: TERM, wait, then KILL what is left."""
        for child in reversed(self.children):
            if child.proc.poll() is None:
                try:
                    os.killpg(child.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        for child in reversed(self.children):
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %.0f s: killing it", child.name, grace)
                try:
                    os.killpg(child.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                child.proc.wait()
        if self.children:
            log.info("stopped %s", ", ".join(c.name for c in reversed(self.children)))
        self.children.clear()

    def __enter__(self) -> EmbeddedStack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
