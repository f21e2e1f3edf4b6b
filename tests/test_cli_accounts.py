"""``cmgis users``, ``cmgis --as``, and where ``cmgis app`` listens (issue 17)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cmgis import imports as imp
from cmgis.accounts import add_account
from cmgis.cli.core import app_address, app_command, app_env, network_warning
from cmgis.cli.main import main
from cmgis.store import open_app_store
from cmgis.user_layers import records as ul
from cmgis.workshop import audit_log, create_workshop, get_workshop
from tests.test_cli_app import REPO_ROOT, _free_port, _healthy
from tests.test_user_layers import PARAMS, candidate_fixture


def run(
    argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite")


def test_users_add_list_disable_reset(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the first account needs no --as; the password comes from stdin (twice on a tty)
    code, out, _ = run(["users", "--db", db, "add", "boss", "--role", "admin"],
                       "boss-Secret-123\n", monkeypatch, capsys)  # fmt: skip
    assert code == 0 and "added boss (admin)" in out
    # later ones need an admin: without --as refused, naming --as
    code, _, err = run(["users", "--db", db, "add", "nok", "--role", "editor"],
                       "nok-Secret-4567\n", monkeypatch, capsys)  # fmt: skip
    assert code == 2 and "--as USER" in err
    code, out, err = run(
        ["--as", "boss", "users", "--db", db, "add", "nok", "--role", "editor",
         "--display-name", "Nok K."],
        "boss-Secret-123\nnok-Secret-4567\n", monkeypatch, capsys,
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(["--as", "boss", "users", "--db", db, "add", "x1", "--role", "editor"],
                       "wrong-password\nxx-Secret-4567\n", monkeypatch, capsys)  # fmt: skip
    assert code == 2 and "wrong username or password" in err
    code, out, _ = run(["users", "--db", db, "list"], "", monkeypatch, capsys)
    lines = out.splitlines()
    assert lines[0].startswith("username\tdisplay_name\trole\tstate")
    assert lines[1].startswith("boss\tboss\tadmin\tenabled")
    assert lines[2].startswith("nok\tNok K.\teditor\tenabled")
    assert "Secret" not in out and "scrypt" not in out
    code, out, _ = run(["--as", "boss", "users", "--db", db, "disable", "nok"],
                       "boss-Secret-123\n", monkeypatch, capsys)  # fmt: skip
    assert code == 0 and "nok: disabled" in out
    code, out, _ = run(["--as", "boss", "users", "--db", db, "reset-password", "nok"],
                       "boss-Secret-123\nnok-New-Secret-1\n", monkeypatch, capsys)  # fmt: skip
    assert code == 0 and "new password set for nok" in out
    # an editor may not manage accounts
    run(["--as", "boss", "users", "--db", db, "disable", "--enable", "nok"],
        "boss-Secret-123\n", monkeypatch, capsys)  # fmt: skip
    code, _, err = run(["--as", "nok", "users", "--db", db, "disable", "boss"],
                       "nok-New-Secret-1\n", monkeypatch, capsys)  # fmt: skip
    assert code == 2 and "needs the role admin" in err


def test_a_password_is_never_an_argument(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["users", "add", "nok", "--role", "editor", "--password", "x"])
    assert "unrecognized arguments" in capsys.readouterr().err


def test_cli_writes_act_as_local_editor_until_accounts_exist(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_app_store(db) as store:
        for name in ("one", "two"):
            ul.save_candidate_layer(
                store, candidate_fixture(), name=name, created_by="me", parameters=PARAMS
            )
    code, out, _ = run(["user-layers", "--db", db, "delete", "user:one"], "", monkeypatch, capsys)
    assert code == 0 and "deleted user:one" in out  # no accounts: the local editor
    run(["users", "--db", db, "add", "boss", "--role", "admin"], "boss-Secret-123\n",
        monkeypatch, capsys)  # fmt: skip
    code, _, err = run(["user-layers", "--db", db, "delete", "user:two"], "", monkeypatch, capsys)
    assert code == 2 and "--as USER" in err
    code, _, _ = run(["--as", "boss", "user-layers", "--db", db, "delete", "user:two"],
                     "boss-Secret-123\n", monkeypatch, capsys)  # fmt: skip
    assert code == 0
    with open_app_store(db) as store:
        assert ul.list_user_layers(store) == []


def test_the_app_listens_on_localhost_unless_asked() -> None:
    local = app_command(8501, app_address(argparse.Namespace(address=None)))
    assert local[local.index("--server.address") + 1] == "127.0.0.1"
    assert app_command(8501)[app_command(8501).index("--server.address") + 1] == "127.0.0.1"
    opened = app_command(8501, app_address(argparse.Namespace(address="0.0.0.0")))
    assert opened[opened.index("--server.address") + 1] == "0.0.0.0"
    assert app_env("127.0.0.1", public=True)["CMGIS_PUBLIC"] == "1"
    assert "CMGIS_PUBLIC" not in app_env("127.0.0.1", public=False)
    assert app_env("0.0.0.0", public=False)["CMGIS_BIND_ADDRESS"] == "0.0.0.0"


def test_opening_to_a_network_warns_with_the_reachable_roles() -> None:
    assert network_warning("127.0.0.1", public=False, accounts_defined=False) is None
    assert network_warning("localhost", public=False, accounts_defined=True) is None
    none = network_warning("0.0.0.0", public=False, accounts_defined=False)
    assert none and "WARNING" in none and "nobody can edit" in none and "participant" in none
    some = network_warning("192.168.1.20", public=False, accounts_defined=True)
    assert some and "editor and admin" in some
    public = network_warning("0.0.0.0", public=True, accounts_defined=True)
    assert public and "read-only" in public and "editor" not in public


def _listening(port: int) -> set[str]:
    """Local addresses listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(table).read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                addr, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(addr)
    return found


def test_cmgis_app_listens_on_127_0_0_1(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ, CMGIS_DB=str(tmp_path / "cmgis.sqlite"))
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)])
    proc = subprocess.Popen(
        [sys.executable, "-m", "cmgis.cli.main", "app", "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _healthy(port):
            assert proc.poll() is None, "cmgis app exited before serving"
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.3)
        assert _listening(port) == {"0100007F"}  # 127.0.0.1 only, no 0.0.0.0 or ::
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    assert proc.stderr is not None and b"WARNING" not in proc.stderr.read()


def test_cli_imports_need_an_editor_account_once_accounts_exist(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gpkg = tmp_path / "agency.gpkg"
    candidate_fixture().to_file(gpkg, layer="cands", driver="GPKG")
    csv = tmp_path / "clinics.csv"
    csv.write_text("zone_id,clinics\nnimman,3\nold_town,5\n", encoding="utf-8")
    code, out, _ = run(["import", str(gpkg), "--db", db, "--title", "Laptop layer"], "",
                       monkeypatch, capsys)  # fmt: skip
    assert code == 0 and "user:laptop_layer" in out  # no accounts: the local editor
    run(["users", "--db", db, "add", "boss", "--role", "admin"], "boss-Secret-123\n",
        monkeypatch, capsys)  # fmt: skip
    run(["--as", "boss", "users", "--db", db, "add", "nok", "--role", "editor"],
        "boss-Secret-123\nnok-Secret-4567\n", monkeypatch, capsys)  # fmt: skip
    run(["--as", "boss", "users", "--db", db, "add", "fa", "--role", "facilitator"],
        "boss-Secret-123\nfa-Secret-45678\n", monkeypatch, capsys)  # fmt: skip
    for argv in (["import", str(gpkg), "--title", "Agency"], ["import-table", str(csv)]):
        code, _, err = run([*argv, "--db", db], "", monkeypatch, capsys)
        assert code == 2 and "--as USER" in err
        code, _, err = run(["--as", "fa", *argv, "--db", db], "fa-Secret-45678\n",
                           monkeypatch, capsys)  # fmt: skip
        assert code == 2 and "needs the role editor" in err
        code, _, err = run(["--as", "nok", *argv, "--db", db, "--by", "Nok K."],
                           "nok-Secret-4567\n", monkeypatch, capsys)  # fmt: skip
        assert code == 0, err
    with open_app_store(db) as store:
        layer = ul.get_user_layer(store, "user:agency")
        assert (layer.owner, layer.created_by) == ("nok", "Nok K.")
        tables = imp.list_tables(store)
        assert [(r.owner, r.created_by) for r in tables] == [("nok", "Nok K.")]


def test_cli_workshop_publish_and_merge_as_a_facilitator_account(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_app_store(db) as store:
        pin_only = create_workshop(store, title="Before accounts", pin="4321").code
        add_account(store, "fa", "fa-Secret-45678", role="facilitator")
    # `--as fa workshop create`: the account owns the workshop (password first, then PIN)
    rc, out, err = run(["--as", "fa", "workshop", "--db", db, "create", "--title", "Co-sensing",
                        "--pin", "-"], "fa-Secret-45678\n4321\n", monkeypatch, capsys)  # fmt: skip
    assert rc == 0 and "run by the account fa" in err, err
    code = out.strip()
    rc, out, _ = run(["workshop", "--db", db, "list", "--json"], "", monkeypatch, capsys)
    owners = {row["code"]: row["owner"] for row in json.loads(out)}
    assert owners == {code: "fa", pin_only: ""}
    # a workshop made with the PIN only is not the account's: its PIN is needed
    rc, _, err = run(["--as", "fa", "workshop", "--db", db, "publish", pin_only],
                     "fa-Secret-45678\n", monkeypatch, capsys)  # fmt: skip
    assert rc == 2 and "made without an account" in err and "PIN" in err
    rc, _, err = run(["workshop", "--db", db, "publish", code], "", monkeypatch, capsys)
    assert rc == 2 and "--as USER" in err  # neither a PIN nor an account
    rc, out, err = run(["--as", "fa", "workshop", "--db", db, "publish", code],
                       "fa-Secret-45678\n", monkeypatch, capsys)  # fmt: skip
    assert rc == 0 and "published" in out, err
    rc, out, _ = run(["workshop", "--db", db, "publish", code, "--off", "--pin", "4321"], "",
                     monkeypatch, capsys)  # fmt: skip
    assert rc == 0 and "visible only with its code" in out  # the PIN as before
    gpkg = tmp_path / "ws.gpkg"
    run(["workshop", "--db", db, "export", code, "--output", str(gpkg)], "", monkeypatch, capsys)
    rc, out, err = run(["--as", "fa", "workshop", "--db", db, "import", str(gpkg), "--into", code],
                       "fa-Secret-45678\n", monkeypatch, capsys)  # fmt: skip
    assert rc == 0 and out.strip() == code, err
    with open_app_store(db) as store:
        ws = get_workshop(store, code)
        actions = [(e.actor, e.action) for e in audit_log(store, ws.id)]
    assert ("facilitator:fa", "publish") in actions  # the account, without a PIN
    assert ("facilitator", "unpublish") in actions  # the PIN
    assert ("facilitator:fa", "import") in actions
    # imported as a new workshop by the account: the account's (the file's owner never travels)
    rc, out, err = run(["--as", "fa", "workshop", "--db", db, "import", str(gpkg), "--pin", "2468"],
                       "fa-Secret-45678\n", monkeypatch, capsys)  # fmt: skip
    assert rc == 0, err
    with open_app_store(db) as store:
        assert get_workshop(store, out.splitlines()[0]).owner == "fa"
