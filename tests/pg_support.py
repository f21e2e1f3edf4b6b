"""A throwaway PostgreSQL 15 + PostGIS 3 cluster for tests and benchmarks.

`PgCluster.start()` runs ``initdb`` in a new temporary folder, starts ``postgres`` on a
free localhost port and creates the database ``cmgis`` with the ``postgis`` extension;
`stop()` stops the server and removes the folder. ``initdb`` refuses to run as root, so
as root the cluster runs as the ``postgres`` user (``runuser -u postgres --``) in a
folder that user owns.

Debian packages: ``postgresql-15 postgresql-15-postgis-3`` (binaries in
``/usr/lib/postgresql/15/bin``; ``CMGIS_PG_BIN`` names another folder).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

PG_BIN = Path(os.environ.get("CMGIS_PG_BIN", "/usr/lib/postgresql/15/bin"))
DB_NAME = "cmgis"
SUPERUSER = "cmgis_test"
PASSWORD = "s3cret-test-pw"
START_TIMEOUT_S = 60.0


class PgClusterError(RuntimeError):
    """The throwaway cluster could not be created or started."""


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def available() -> bool:
    """Whether the PostgreSQL binaries and the PostGIS extension are installed."""
    share = Path("/usr/share/postgresql/15/extension/postgis.control")
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists() and share.exists()


class PgCluster:
    """A PostgreSQL cluster in a temp folder on a free port (see the module docstring)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="cmgis-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as_postgres = os.geteuid() == 0
        self.started = False

    # --- commands -------------------------------------------------------------------
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
        if check and proc.returncode != 0:
            raise PgClusterError(
                f"{' '.join(args[:2])} failed ({proc.returncode}): {proc.stderr.strip()}\n"
                f"{self._log_tail()}"
            )
        return proc

    def _log_tail(self) -> str:
        try:
            return "server log:\n" + self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``pg_ctl -D data -l log ARGS`` as the cluster's owner."""
        return self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), *args, check=check
        )

    def psql(self, sql: str, *, db: str = "postgres") -> str:
        """Run ``sql`` as the superuser (autocommit); returns the rows as ``a|b`` lines."""
        import psycopg  # the store's driver

        with psycopg.connect(self.url(db=db), autocommit=True) as conn:
            cur = conn.execute(sql)  # type: ignore[arg-type]  # test SQL, no parameters
            rows = cur.fetchall() if cur.description else []
        return "".join("|".join(str(v) for v in row) + "\n" for row in rows)

    # --- life cycle -----------------------------------------------------------------
    def start(self) -> PgCluster:
        """initdb, start, create the ``cmgis`` database with PostGIS; returns ``self``."""
        if not available():
            raise PgClusterError(
                f"PostgreSQL 15 with PostGIS 3 is not installed ({PG_BIN}); install the Debian "
                "packages postgresql-15 postgresql-15-postgis-3"
            )
        if self._as_postgres:
            pg = pwd.getpwnam("postgres")
            os.chown(self.folder, pg.pw_uid, pg.pw_gid)
            self.folder.chmod(0o700)
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self._as_postgres:
            os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-E", "UTF8",
            "--locale=C.UTF-8", "-A", "scram-sha-256", f"--pwfile={pwfile}", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        self.start_server()
        self.psql(f"CREATE DATABASE {DB_NAME}")
        self.psql("CREATE EXTENSION postgis", db=DB_NAME)
        return self

    def start_server(self) -> None:
        """Start the server of the initialised cluster on its port (waits until it is up)."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c max_connections=300 -c shared_buffers=64MB -c fsync=on "
            "-c synchronous_commit=on -c log_min_messages=warning"
        )
        self.pg_ctl("-w", "-t", str(int(START_TIMEOUT_S)), "-o", options, "start")
        self.started = True

    def stop_server(self) -> None:
        """Stop the server (``-m fast``: sessions are disconnected), keep the cluster."""
        self.pg_ctl("-w", "-m", "fast", "stop")

    def restart(self) -> float:
        """``pg_ctl restart -m fast``; returns how long the command took in seconds."""
        started = time.monotonic()
        self.pg_ctl("-w", "-m", "fast", "restart")
        return time.monotonic() - started

    def stop(self) -> None:
        """Stop the server (fast) and delete its folder."""
        if self.started:
            self.pg_ctl("-w", "-m", "fast", "stop", check=False)
            self.started = False
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- URLs -----------------------------------------------------------------------
    def url(self, *, schema: str | None = None, db: str = DB_NAME) -> str:
        """A ``postgresql://`` URL of the database (a ``schema`` first on the search path)."""
        url = f"postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{self.port}/{db}"
        if schema:
            url += f"?options=-csearch_path%3D{schema},public"
        return url

    def new_schema(self) -> str:
        """A new empty schema in the ``cmgis`` database; returns its name."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.psql(f"CREATE SCHEMA {name}", db=DB_NAME)
        return name

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
