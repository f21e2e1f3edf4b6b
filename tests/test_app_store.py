"""The app's store has one owner (`cmgis.store.open_app_store`); settings are read at call time;
the CLI's paths to a workshop share the library's join-code and PIN throttles."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmgis import AuthError, settings
from cmgis.sources import providers
from cmgis.store import app_migrations, open_app_store, open_store
from cmgis.workshop import (
    CLI_CLIENT,
    FREE_JOIN_ATTEMPTS,
    TooManyAttemptsError,
    create_workshop,
    list_workshops,
    verify_pin,
)


def _tables(store_path: Path) -> set[str]:
    with open_store(store_path) as store:
        rows = store.query("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r["name"] for r in rows}


def test_open_app_store_runs_every_feature_s_migrations_once(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite"
    with open_app_store(path) as store:
        applied = {(m.feature, m.version) for m in store.applied_migrations()}
        assert applied == {(m.feature, m.version) for m in app_migrations()}
        assert store.migrate(app_migrations()) == []  # nothing left to do
    tables = _tables(path)
    assert {"workshop_workshops", "workshop_join_failures"} <= tables
    assert any(t.startswith("project") for t in tables)
    assert any(t.startswith("user_layer") for t in tables)
    assert {m.feature for m in app_migrations()} >= {
        "workshop",
        "workshop_visibility",
    }


def test_features_do_not_migrate_at_their_call_sites(tmp_path: Path) -> None:
    """A bare store (`open_store`) gets no tables from a feature call: only the owner migrates."""
    path = tmp_path / "bare.sqlite"
    with open_store(path) as store, pytest.raises(Exception, match="no such table"):
        create_workshop(store, title="x", pin="1357")
    assert not any(t.startswith("workshop_") for t in _tables(path))


def test_settings_are_read_at_call_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMGIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "s.sqlite"))
    monkeypatch.setenv("CMGIS_CACHE_DIR", str(tmp_path / "cache"))
    assert settings.data_dir() == tmp_path / "data"
    assert settings.layers_dir() == tmp_path / "data" / "layers"
    assert settings.layers_gpkg() == tmp_path / "data" / "layers" / "cmgis.gpkg"
    assert settings.spec_dir() == tmp_path / "data" / "spec"
    assert settings.raw_dir() == tmp_path / "data" / "raw"
    assert settings.store_url() == str(tmp_path / "s.sqlite")
    assert settings.cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("CMGIS_DATA_DIR")
    monkeypatch.delenv("CMGIS_DB")
    assert settings.data_dir() == settings.REPO_ROOT / "data"
    assert settings.store_url() == ""


def test_no_module_reads_the_environment_variables_but_settings() -> None:
    src = Path(settings.__file__).parent
    offenders = []
    for path in [*src.rglob("*.py"), *(src.parents[1] / "ui").rglob("*.py")]:
        if path.name == "settings.py":
            continue
        text = path.read_text(encoding="utf-8")
        for var in ("CMGIS_DATA_DIR", "CMGIS_DB", "CMGIS_CACHE_DIR", "CMGIS_USER_LAYERS_DIR"):
            if f'environ.get("{var}"' in text or f'environ["{var}"]' in text:
                offenders.append(f"{path.name}: {var}")
    assert offenders == []


def test_the_cli_path_to_a_workshop_is_throttled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cmgis export workshop:CODE` resolves the code through the library's join throttle."""
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "cli.sqlite"))
    with open_app_store(tmp_path / "cli.sqlite") as store:
        code = create_workshop(store, title="Throttled", pin="1357").code
    assert providers.resolve_workshop(code).meta().title.startswith("Workshop: Throttled")
    for i in range(FREE_JOIN_ATTEMPTS):  # different wrong codes from the command line
        with pytest.raises(AuthError, match="no workshop"):
            providers.resolve_workshop(f"ZZZZZ{i}")
    with pytest.raises(TooManyAttemptsError, match="wait"):
        providers.resolve_workshop(code)  # refused without looking, even the right code
    with open_app_store(tmp_path / "cli.sqlite") as store, pytest.raises(TooManyAttemptsError):
        verify_pin(store, code, "1357", client=CLI_CLIENT)  # the PIN check shares it too


def test_cmgis_workshop_publish_shares_the_count_of_wrong_codes(tmp_path: Path) -> None:
    """Wrong codes typed on the command line slow down the next `cmgis workshop publish`."""
    db = tmp_path / "p.sqlite"
    now = datetime.now(UTC)
    with open_app_store(db) as store:
        code = create_workshop(store, title="Published?", pin="1357").code
        for i in range(FREE_JOIN_ATTEMPTS + 4):  # spaced out: each one is looked at
            at = now - timedelta(seconds=30 * (FREE_JOIN_ATTEMPTS + 3 - i))
            with pytest.raises(AuthError, match="no workshop"):
                verify_pin(store, f"QQQQQ{i}", "1357", client=CLI_CLIENT, now=at)
    run = subprocess.run(
        [sys.executable, "-m", "cmgis.cli.main", "workshop", "publish", code, "--pin", "1357"],
        capture_output=True, text=True, env={**os.environ, "CMGIS_DB": str(db)}, check=False,
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.startswith("cmgis: error: too many wrong join codes; wait")
    with open_app_store(db) as store:
        assert [(w.code, w.published) for w in list_workshops(store)] == [(code, False)]
