"""scripts/backup and scripts/restore (issue 15): a populated database and its files
restored into a fresh database and empty folders, with equal row counts and hashes."""

import hashlib
import json
import os
import subprocess
import sys

import psycopg
import pytest
from django.db import connection

from tests.deploy.conftest import database_url
from tests.deploy.stack import ROOT
from tests.factories import order_document, order_in_state, png_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("loopback-services")]


def counts_of(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE'"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM public."{t}"').fetchone()[0] for t in tables}  # noqa: S608


def hashes_of(folder) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def run(script, env, *args):
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "scripts" / script), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_a_backup_restores_into_a_fresh_database_with_equal_counts_and_hashes(race_db, settings, tmp_path):
    # Populated: orders with private attachments, plus a public media file.
    for _ in range(2):
        order_in_state("in_service", attachments=[order_document()])
    media = tmp_path / "media"
    (media / "services").mkdir(parents=True)
    (media / "services" / "picture.png").write_bytes(png_bytes())
    private = settings.PRIVATE_MEDIA_ROOT
    assert any(p.is_file() for p in private.rglob("*"))

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DATABASE_URL=database_url(), DJANGO_MEDIA_ROOT=str(media), DJANGO_PRIVATE_MEDIA_ROOT=str(private))
    backups = tmp_path / "backups"
    made = run("backup", env, "--out", backups, "--keep", "2")
    assert made.returncode == 0, made.stderr
    (backup,) = [p for p in backups.iterdir() if p.name.startswith("smeportal-")]
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"]["orders_order"] == 2
    assert manifest["tables"]["orders_orderattachment"] == 2

    fresh_name = f"{connection.settings_dict['NAME']}_restore"
    admin_url = database_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh_name}"')
        admin.execute(f'CREATE DATABASE "{fresh_name}"')
    try:
        restored_media, restored_private = tmp_path / "r_media", tmp_path / "r_private"
        restore_env = {
            **env,
            "DATABASE_URL": database_url(fresh_name),
            "DJANGO_MEDIA_ROOT": str(restored_media),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(restored_private),
        }
        restored = run("restore", restore_env, backup)
        assert restored.returncode == 0, restored.stderr
        assert "all match" in restored.stdout
        assert counts_of(database_url(fresh_name)) == counts_of(database_url())
        assert hashes_of(restored_media) == hashes_of(media)
        assert hashes_of(restored_private) == hashes_of(private)

        # A second restore into the now populated database is refused and changes nothing.
        again = run("restore", {**restore_env, "DJANGO_MEDIA_ROOT": str(tmp_path / "other")}, backup)
        assert again.returncode == 1
        assert "empty database" in again.stderr
        assert counts_of(database_url(fresh_name)) == counts_of(database_url())
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh_name}" WITH (FORCE)')
