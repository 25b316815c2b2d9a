"""`make load` in its quick mode: ten sessions through the proxy, its last line the
headline."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(180)

ROOT = Path(__file__).resolve().parents[2]
HEADLINE = re.compile(r"N=10 replicas=2 p50_ms=\d+ p95_ms=\d+ errors=(\d+) "
                      r"rss_per_session_mb=\d+\.\d")


def test_quick_load_through_the_proxy(team):
    pids = [str(team.pid(f"app-{i + 1}")) for i in range(2)]
    result = subprocess.run(
        [sys.executable, "scripts/load.py", "--url", team.proxy_url, "--replicas", "2",
         "--pid", pids[0], "--pid", pids[1], "--sizes", "10", "--think-s", "0.5",
         "--ramp-s", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=170)
    lines = result.stdout.strip().splitlines()
    assert lines, result.stderr[-2000:]
    headline = HEADLINE.fullmatch(lines[-1])
    assert headline, result.stdout[-2000:] + result.stderr[-2000:]
    assert headline.group(1) == "0", result.stdout[-2000:]
    assert result.returncode == 0


def test_the_load_client_talks_to_this_machine_only():
    result = subprocess.run([sys.executable, "scripts/load.py", "--url", "http://example.org",
                             "--sizes", "1"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0
    assert "only talks to this machine" in result.stderr
    too_many = subprocess.run([sys.executable, "scripts/load.py", "--sizes", "500"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    assert too_many.returncode == 2 and "each N from 1 to 200" in too_many.stderr
