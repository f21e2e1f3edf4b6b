"""CPU time by actor, read from Linux's ``/proc`` (imported as a sibling module of the
benchmark scripts): who used the machine's cores while a benchmark waited.

`CpuSampler` looks at every process of this benchmark (its descendants) every half
second and adds each process's CPU time (user + system) to the actor its ``name`` rule
gives it, e.g. "phones' browsers" for a Chromium whose ancestor was started with the flag
``--class=cmgis-phone``. Only the time used between `mark_start` and `mark_end` counts.
Where ``/proc`` is missing (not Linux) it records nothing and says so.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used so far) of ``pid``, or ``None`` once it is gone."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks


def _cmdline(pid: int) -> str:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


class CpuSampler:
    """CPU seconds by actor of the processes below ``root_pid`` (this process by default).

    ``name(cmdlines)`` gets the command lines of a process and its ancestors (the process
    first, up to ``root_pid``'s child) and returns its actor, or ``None`` for "other".
    """

    def __init__(
        self, name: Callable[[list[str]], str | None], root_pid: int | None = None
    ) -> None:
        self.name = name
        self.root = root_pid or os.getpid()
        self.available = PROC.is_dir()
        self._used: dict[int, float] = {}  # pid: CPU seconds at the last look
        self._actor: dict[int, str] = {}
        self._at_start: dict[int, float] | None = None
        self._at_end: dict[int, float] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> CpuSampler:
        if self.available:
            self._thread.start()
        return self

    def _look(self) -> None:
        parents: dict[int, int] = {}
        used: dict[int, float] = {}
        for entry in PROC.iterdir():
            if entry.name.isdigit():
                got = _stat(int(entry.name))
                if got is not None:
                    parents[int(entry.name)], used[int(entry.name)] = got
        for pid, seconds in used.items():
            chain, p = [], pid
            while p in parents and p != self.root and p > 1:
                chain.append(p)
                p = parents[p]
            if p != self.root:
                continue  # not a process of this benchmark
            if pid not in self._actor:
                self._actor[pid] = self.name([_cmdline(c) for c in chain]) or "other"
            self._used[pid] = seconds

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._look()

    def mark_start(self) -> None:
        """From now on the CPU time counts."""
        if self.available:
            self._look()
            self._at_start = dict(self._used)

    def mark_end(self) -> None:
        """Up to now the CPU time counts."""
        if self.available:
            self._look()
            self._at_end = dict(self._used)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def by_actor(self) -> dict[str, float]:
        """CPU seconds each actor used between the marks (processes that ended before the
        end mark count up to their last look)."""
        start, end = self._at_start or {}, self._at_end or self._used
        totals: dict[str, float] = {}
        for pid, seconds in end.items():
            actor = self._actor.get(pid, "other")
            totals[actor] = totals.get(actor, 0.0) + seconds - start.get(pid, 0.0)
        return dict(sorted(totals.items(), key=lambda kv: -kv[1]))

    def summary(self, wall_s: float) -> str:
        """One line: each actor's CPU seconds and share of the machine's cores."""
        if not self.available:
            return "CPU by actor: not measured (no /proc on this system)"
        cores = os.cpu_count() or 1
        parts = [
            f"{actor} {seconds:.1f} ({100 * seconds / (wall_s * cores):.0f}%)"
            for actor, seconds in self.by_actor().items()
        ]
        return f"CPU s by actor over {wall_s:.0f} s on {cores} cores (% of all): " + " | ".join(
            parts
        )
