"""Serve the registry: one web server and one Celery worker, stopped together on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

SAMPLES_DIR = settings.BASE_DIR / "ingest" / "samples"


class Command(BaseCommand):
    help = (
        "Run the web server (on 127.0.0.1:8000 unless --bind says otherwise) and a Celery worker "
        "until interrupted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--bind",
            default="127.0.0.1:8000",
            metavar="HOST:PORT",
            help="Address the web server listens on (default 127.0.0.1:8000; 0.0.0.0:8080 to "
            "listen on every interface, port 8080). `make run PORT=8080` passes 127.0.0.1:8080.",
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="Gunicorn workers (registry/gunicorn.conf.py says why 2)"
        )
        parser.add_argument(
            "--timeout", type=int, default=60, help="Seconds before gunicorn replaces a silent worker"
        )
        parser.add_argument(
            "--ingest-samples", action="store_true", help="Queue the bundled sample reports first"
        )

    def handle(self, *args, bind: str, workers: int, timeout: int, ingest_samples: bool, **options) -> None:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "registry",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
            ],
        )
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(settings.BASE_DIR / "registry" / "gunicorn.conf.py"),
                "registry.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--timeout",
                str(timeout),
            ],
        )
        children = (web, worker)

        def stop(signum=None, frame=None) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()

        signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
        try:
            if ingest_samples and SAMPLES_DIR.is_dir() and "ingest" in _commands():
                call_command("ingest", str(SAMPLES_DIR))
            self.stdout.write(self.style.SUCCESS(f"Registry at http://{bind}/ — Ctrl-C stops it"))
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            # Ctrl-C reaches the children too (same process group), so one of them may notice
            # first; only an exit with an error is worth reporting.
            failed = [child for child in children if child.returncode not in (None, 0, -2, -15)]
            if failed:
                child = failed[0]
                self.stderr.write(f"{child.args[2]} exited with {child.returncode}; stopping the rest")
        except KeyboardInterrupt:
            self.stdout.write("stopping…")
        finally:
            stop()


def _commands() -> set[str]:
    from django.core.management import get_commands

    return set(get_commands())
