"""The progress ``localspot seed`` and ``import`` show on stderr, run as the real command:
on a terminal (a pseudo-terminal here) a bar with the rate and the time left; elsewhere
plain lines, ending with a summary of the rows, the time taken and the rate."""

from __future__ import annotations

import os
import pty
import re
import subprocess
from pathlib import Path

from conftest import localspot_command

NOW = "2026-02-01T00:00:00Z"
SEED = ("seed", "--calls", "3000", "--now", NOW)


def test_without_a_terminal_progress_is_plain_lines_ending_in_a_summary(tmp_path: Path) -> None:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": f"sqlite:///{tmp_path / 'plain.db'}"}
    done = subprocess.run(
        localspot_command(*SEED), env=env, capture_output=True, text=True, timeout=120, check=True
    )
    lines = done.stderr.splitlines()
    assert re.fullmatch(
        r"seeding calls: 3,000/3,000 rows in [\d.,]+ s \([\d,]+ rows/s\)", lines[-2]
    )
    assert lines[-1] == "imported 3000 calls into portal 1"
    assert "\x1b[" not in done.stderr  # no terminal codes in a log


def test_on_a_terminal_progress_is_a_bar_with_rate_and_eta(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LOCALSPOT_DATABASE_URL": f"sqlite:///{tmp_path / 'tty.db'}",
        "TERM": "xterm-256color",
        "COLUMNS": "120",
    }
    env.pop("NO_COLOR", None)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        localspot_command(*SEED),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    seen = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command has exited
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0
    os.close(leader)
    text = seen.decode(errors="replace")
    assert "seeding calls" in text
    assert re.search(r"\d+/3000", text)
    assert "rows/s" in text and "ETA" in text
    assert "\x1b[" in text  # drawn on the terminal, not as plain lines
