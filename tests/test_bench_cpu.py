"""The benchmarks' CPU sampler (benchmarks/_cpu.py): a busy child is charged its CPU time,
a sleeping one none, and only the time between the marks counts."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from _cpu import CpuSampler  # benchmarks/_cpu.py

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

BUSY = "import time\nend = time.time() + {s}\nwhile time.time() < end: pass\n"


def _actor(cmdlines: list[str]) -> str | None:
    if not cmdlines:
        return "me"
    for name in ("early", "busy", "sleepy"):
        if cmdlines[-1].split()[-1:] == [name.upper()]:
            return name
    return None


def test_busy_child_is_charged_its_cpu_and_a_sleeping_one_none() -> None:
    cpu = CpuSampler(_actor).start()
    before = subprocess.Popen([sys.executable, "-c", BUSY.format(s=0.8), "EARLY"])
    before.wait()  # its CPU time is used before the start mark: it must not count
    cpu.mark_start()
    busy = subprocess.Popen([sys.executable, "-c", BUSY.format(s=1.5), "BUSY"])
    sleepy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1.5)", "SLEEPY"])
    time.sleep(1.0)  # the sampler sees both while they run
    busy.wait()
    sleepy.wait()
    cpu.mark_end()
    cpu.stop()
    used = cpu.by_actor()
    assert 1.0 <= used["busy"] <= 3.0  # 1.5 s of spinning (and its interpreter's start)
    assert used["sleepy"] < 0.5
    assert used.get("early", 0.0) < 0.05
    assert "busy" in cpu.summary(2.0) and "% of all" in cpu.summary(2.0)


def test_without_proc_it_says_it_measured_nothing() -> None:
    cpu = CpuSampler(_actor)
    cpu.available = False
    cpu.start()
    cpu.mark_start()
    cpu.mark_end()
    cpu.stop()
    assert cpu.by_actor() == {}
    assert "not measured" in cpu.summary(1.0)
