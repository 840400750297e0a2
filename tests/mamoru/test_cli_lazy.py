"""`mamoru scan` starts without the database, web, worker and crawler stacks: their imports take
longer than scanning a short clip."""

import subprocess
import sys

HEAVY = ("sqlalchemy", "celery", "fastapi", "matplotlib", "scrapy", "alembic", "weasyprint", "scipy")


def test_scan_imports_none_of_the_heavy_stacks():
    code = ("import sys\n"
            "from click.testing import CliRunner\n"
            "from mamoru.cli.main import cli\n"
            "r = CliRunner().invoke(cli, ['scan', '--help'])\n"
            "assert r.exit_code == 0, r.output\n"
            "import matcher\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"`mamoru scan` imports {out.strip()}: each adds 0.1-0.5 s to every scan"


def test_every_command_is_listed_and_loads():
    from mamoru.cli.main import COMMANDS, cli

    assert "scan" in COMMANDS
    for name in COMMANDS:
        assert cli.commands[name].name == name
