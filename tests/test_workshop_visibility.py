"""One visibility rule: a workshop is seen only with its code unless it is published."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cmgis import AuthError
from cmgis import workshop as sk
from cmgis.store import open_app_store


def test_published_flag_through_a_new_migration(tmp_path: Path) -> None:
    with open_app_store(tmp_path / "s.sqlite") as store:
        hidden = sk.create_workshop(store, title="Private", pin="1357")
        public = sk.create_workshop(store, title="Public", pin="2468")
        assert not hidden.published
        assert [w.code for w in sk.list_workshops(store, published_only=True)] == []
        with pytest.raises(AuthError):
            sk.set_published(store, public.code, "0000", published=True)
        assert sk.set_published(store, public.code, "2468", published=True).published
        assert [w.code for w in sk.list_workshops(store, published_only=True)] == [public.code]
        assert len(sk.list_workshops(store)) == 2
        assert [e.action for e in sk.audit_log(store, public.id)][-1] == "publish"
        sk.set_published(store, public.code, "2468", published=False)
        assert sk.list_workshops(store, published_only=True) == []
        applied = {(m.feature, m.version) for m in store.applied_migrations()}
        assert ("workshop_visibility", 1) in applied


def test_cli_publish(tmp_path: Path) -> None:
    env = {**os.environ, "CMGIS_DB": str(tmp_path / "s.sqlite")}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cmgis.cli.main", "workshop", *args],
                              capture_output=True, text=True, env=env, input=stdin,
                              timeout=120)  # fmt: skip

    code = run("create", "--title", "T", "--pin", "-", stdin="2468\n").stdout.strip()
    out = run("publish", code, "--pin", "-", stdin="2468\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"{code}\tpublished"
    listed = run("list").stdout.splitlines()
    assert listed[0].split("\t")[-1] == "published" and listed[1].split("\t")[-1] == "1"
    out = run("publish", code, "--pin", "-", "--off", stdin="2468\n")
    assert out.stdout.strip() == f"{code}\tvisible only with its code"
    wrong = run("publish", code, "--pin", "-", stdin="0000\n")
    assert wrong.returncode == 2 and wrong.stderr.startswith("cmgis: error:")
