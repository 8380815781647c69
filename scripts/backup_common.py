"""What scripts/backup and scripts/restore share (no Django: they run where only the
database and the media folders are reachable)."""

import argparse
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDIA_PARTS = ("media", "private_media")


def reexec_in_venv() -> None:
    """Run under the project's venv (psycopg) when started with another python."""
    venv_python = ROOT / ".venv" / "bin" / "python"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        if venv_python.exists() and Path(sys.executable) != venv_python:
            os.execv(venv_python, [str(venv_python), *sys.argv])  # noqa: S606
        raise SystemExit("psycopg is missing: run `make setup` (or use .venv/bin/python)") from None


def _settings(env) -> dict:
    url = env.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name the PostgreSQL database (postgres://user@host:5432/name).")
    return {
        "database_url": url,
        "media": Path(env.get("DJANGO_MEDIA_ROOT") or ROOT / "media"),
        "private_media": Path(env.get("DJANGO_PRIVATE_MEDIA_ROOT") or ROOT / "private_media"),
    }


def _row_counts(cursor) -> dict[str, int]:
    from psycopg import sql

    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    counts = {}
    for (table,) in cursor.fetchall():
        # psycopg's sql composition quotes the name as an identifier (not str.format).
        count_query = sql.SQL("SELECT count(*) FROM public.{}").format(sql.Identifier(table))
        cursor.execute(count_query)
        counts[table] = cursor.fetchone()[0]
    return counts


def _file_hashes(folders: dict[str, Path]) -> dict[str, str]:
    hashes = {}
    for part, folder in folders.items():
        if not folder.exists():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            hashes[f"{part}/{path.relative_to(folder).as_posix()}"] = digest.hexdigest()
    return hashes


def backup_main(argv, env) -> int:
    import psycopg

    parser = argparse.ArgumentParser(prog="scripts/backup", description="Back up the database and the media.")
    parser.add_argument("--out", default=env.get("BACKUP_DIR", "/var/backups/smeportal"))
    parser.add_argument("--keep", type=int, default=int(env.get("BACKUP_KEEP", "14")), help="newest backups kept")
    args = parser.parse_args(argv)
    cfg = _settings(env)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    target = out / f"smeportal-{stamp}"
    partial = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=out))
    try:
        # One REPEATABLE READ snapshot for the counts, handed to pg_dump (--snapshot).
        with psycopg.connect(cfg["database_url"]) as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            with conn.cursor() as cursor:
                counts = _row_counts(cursor)
            subprocess.run(  # noqa: S603,S607
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(partial / "database.dump"),
                    cfg["database_url"],
                ],
                check=True,
            )
            conn.rollback()
        folders = {part: cfg[part] for part in MEDIA_PARTS}
        hashes = _file_hashes(folders)
        with tarfile.open(partial / "media.tar.gz", "w:gz") as archive:
            for part, folder in folders.items():
                if folder.exists():
                    archive.add(folder, arcname=part)
        manifest = {
            "created": stamp,
            "format": 1,
            "tables": counts,
            "files": hashes,
            "database_dump_sha256": hashlib.sha256((partial / "database.dump").read_bytes()).hexdigest(),
        }
        (partial / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True))
        partial.rename(target)  # complete backups only ever appear under their final name
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    backups = sorted(p for p in out.glob("smeportal-*") if (p / "manifest.json").exists())
    for old in backups[: max(len(backups) - args.keep, 0)]:
        shutil.rmtree(old)
    print(f"{target}: {len(counts)} tables, {sum(counts.values())} rows, {len(hashes)} files")
    return 0


def restore_main(argv, env) -> int:
    import psycopg

    parser = argparse.ArgumentParser(prog="scripts/restore", description="Restore a backup and check it.")
    parser.add_argument("backup", type=Path)
    args = parser.parse_args(argv)
    cfg = _settings(env)
    manifest = json.loads((args.backup / "manifest.json").read_text())
    dump = args.backup / "database.dump"
    if hashlib.sha256(dump.read_bytes()).hexdigest() != manifest["database_dump_sha256"]:
        print("The database dump does not match its manifest: the backup is damaged.", file=sys.stderr)
        return 1
    with psycopg.connect(cfg["database_url"]) as conn:
        existing = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    if existing:
        print(f"The database already has {existing} tables: restore only into an empty database.", file=sys.stderr)
        return 1
    for part in MEDIA_PARTS:
        folder = cfg[part]
        if folder.exists() and any(folder.iterdir()):
            print(f"{folder} is not empty: restore only into empty media folders.", file=sys.stderr)
            return 1
    subprocess.run(  # noqa: S603,S607
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", cfg["database_url"], str(dump)],
        check=True,
    )
    with tarfile.open(args.backup / "media.tar.gz", "r:gz") as archive:
        for part in MEDIA_PARTS:
            members = [m for m in archive.getmembers() if m.name == part or m.name.startswith(part + "/")]
            for member in members:
                member.name = member.name[len(part) :].lstrip("/") or "."
            cfg[part].mkdir(parents=True, exist_ok=True)
            # filter="data": no absolute paths, no links out of the folder, no devices.
            archive.extractall(cfg[part], members=members, filter="data")
    with psycopg.connect(cfg["database_url"]) as conn, conn.cursor() as cursor:
        counts = _row_counts(cursor)
    hashes = _file_hashes({part: cfg[part] for part in MEDIA_PARTS})
    problems = [
        f"table {table}: {counts.get(table)} rows, the backup had {expected}"
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    ]
    problems += [
        f"file {name}: missing or changed" for name, digest in manifest["files"].items() if hashes.get(name) != digest
    ]
    problems += [f"file {name}: not in the backup" for name in hashes.keys() - manifest["files"].keys()]
    if problems:
        print("The restore does not match the backup:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(
        f"Restored {args.backup.name}: {len(counts)} tables, {sum(counts.values())} rows, "
        f"{len(hashes)} files; all match."
    )
    return 0
