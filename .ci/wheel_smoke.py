"""Smoke test of the wheel as a user gets it: built from this checkout, installed into a fresh venv
outside it, and run from a folder where the checkout's modules cannot be imported by accident.

    .venv/bin/python .ci/wheel_smoke.py     # or: make wheel-smoke (part of .ci/run)

The test suite runs the editable install, which finds modules in the checkout; only this finds a
module or template the wheel lacks, a dependency pyproject.toml does not declare, or a generic
top-level package (`index`, `search`, `web`) leaking into site-packages. The build must print no
warnings. Dependencies come from pip's configured index (on the CI machine its local mirror).
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = "Syria speaker:Lavrov"
GENERIC_PACKAGES = ("index", "search", "web")
# What the installed commands run with: nothing that points Python at the checkout; output unbuffered,
# so that serve's "serving ... at URL" line arrives while it serves.
ENV = {**{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "NEWSFIND_INDEX")},
       "PYTHONUNBUFFERED": "1"}


def run(command: list, cwd: Path, timeout: float = 300, check: bool = True,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a command, echo it; on failure print what it said and stop."""
    print("+", " ".join(str(c) for c in command), flush=True)
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            env=env or ENV)
    if check and result.returncode != 0:
        sys.exit(f"exit code {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def expect(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"wheel smoke test FAILED: {message}")


def build_wheel(tmp: Path) -> Path:
    """Build sdist and wheel (the wheel from the sdist, so both must be complete) from a copy of the
    checkout's files as git sees them (tracked and new, not ignored): the build writes egg-info and
    build/ folders, which stay out of the checkout."""
    source = tmp / "source"
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT).stdout
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():  # a deleted file git still tracks is not copied
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    # byte-compiling is skipped, with a warning, where PYTHONDONTWRITEBYTECODE is set; a wheel holds no .pyc
    env = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = run([sys.executable, "-m", "build", "--outdir", tmp / "dist", source], cwd=tmp, env=env)
    warnings = [line for line in (result.stdout + result.stderr).splitlines() if re.search(r"warn", line, re.I)]
    expect(not warnings, "the build printed warnings:\n" + "\n".join(warnings))
    (wheel,) = (tmp / "dist").glob("newsfind-*.whl")
    return wheel


def install(wheel: Path, tmp: Path) -> Path:
    """A fresh venv with the wheel and its dependencies; its bin folder."""
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=tmp)
    run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], cwd=tmp, timeout=1200)
    return venv / "bin"


def check_cli(bin_dir: Path, index_dir: Path, work: Path) -> str:
    """index, query, show, tag, tags, watch through the installed script; the id of a hit."""
    newsfind = [bin_dir / "newsfind", "--index", index_dir]
    indexed = run([*newsfind, "index", ROOT / "seeds"], cwd=work).stdout
    expect(indexed.startswith("indexed 5 (5 new"), f"index said {indexed!r}")
    data = json.loads(run([*newsfind, "query", QUERY, "--json"], cwd=work).stdout)
    expect(data["total"] > 0 and data["hits"], f"no hits for {QUERY!r}")
    hit = data["hits"][0]
    shown = run([*newsfind, "show", hit["id"]], cwd=work).stdout
    expect(shown.startswith(hit["title"]), f"show {hit['id']} did not show its title")
    tagged = run([*newsfind, "tag", hit["id"], "smoke", "--user", "smoke-test"], cwd=work).stdout
    expect(tagged.startswith("change #1: "), f"tag said {tagged!r}")
    tags = run([*newsfind, "tags"], cwd=work).stdout
    expect(tags.split() == ["smoke", "1"], f"tags said {tags!r}")
    run([*newsfind, "watch", "add", "follow", "tag:follow", "--user", "smoke-test"], cwd=work)
    run([*newsfind, "tag", hit["id"], "follow", "--user", "smoke-test"], cwd=work)
    new = json.loads(run([*newsfind, "watch", "new", "follow", "--json", "--user", "smoke-test"], cwd=work).stdout)
    expect([h["id"] for h in new["hits"]] == [hit["id"]], f"watch new said {new!r}")
    return hit["id"]


def check_serve(bin_dir: Path, index_dir: Path, work: Path, hit_id: str) -> None:
    """`newsfind serve --port 0`: the search page with its form, a search with the hit, a static file."""
    command = [str(bin_dir / "newsfind"), "--index", str(index_dir), "serve", "--port", "0"]
    print("+", " ".join(command), "&", flush=True)
    server = subprocess.Popen(command, cwd=work, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said, found, deadline = [], None, time.monotonic() + 120
        while found is None and time.monotonic() < deadline:  # the line comes once the socket listens;
            ready, _, _ = select.select([server.stdout], [], [], deadline - time.monotonic())  # warnings may precede it
            line = server.stdout.readline() if ready else ""
            if not line:
                break
            said.append(line)
            found = re.search(r"at (http://\S+/) ", line)
        expect(found is not None, f"serve did not say where it listens: {''.join(said)!r}")
        base = found.group(1)
        pages = {path: fetch(base + path) for path in ("", "?q=Syria", "static/style.css")}
        expect('<form class="search" role="search"' in pages[""], "the start page has no search form")
        expect('<li class="hit">' in pages["?q=Syria"] and f'href="/articles/{hit_id}"' in pages["?q=Syria"],
               f"the search page for Syria does not list {hit_id}")
        expect("{" in pages["static/style.css"], "the stylesheet is empty")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            raise


def fetch(url: str) -> str:
    print("  GET", url, flush=True)
    with urllib.request.urlopen(url, timeout=30) as response:
        expect(response.status == 200, f"{url}: HTTP {response.status}")
        return response.read().decode("utf-8")


def check_packages(bin_dir: Path, work: Path) -> None:
    """newsfind comes from the venv, and nothing else of ours is importable at the top level."""
    python = bin_dir / "python"
    where = run([python, "-c", "import newsfind; print(newsfind.__file__)"], cwd=work).stdout.strip()
    expect(where.startswith(str(bin_dir.parent)), f"newsfind was imported from {where}, not the venv")
    # Modules only a request imports, which check_serve does not make (the feed view: feedgen, lxml).
    lazy = run([python, "-c", "import newsfind.web.atom"], cwd=work, check=False)
    expect(lazy.returncode == 0, f"`import newsfind.web.atom` fails in the venv: {lazy.stderr.strip()[-300:]}")
    for name in GENERIC_PACKAGES:
        imported = run([python, "-c", f"import {name}"], cwd=work, check=False)
        expect(imported.returncode != 0, f"`import {name}` works in the venv: a generic top-level package")


def main() -> None:
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="newsfind-wheel-smoke-"))
    try:
        wheel = build_wheel(tmp)
        print(f"built {wheel.name} in {time.monotonic() - started:.0f}s", flush=True)
        bin_dir = install(wheel, tmp)
        print(f"installed into a fresh venv after {time.monotonic() - started:.0f}s", flush=True)
        work = tmp / "work"  # outside the checkout: nothing of it is on sys.path
        work.mkdir()
        check_packages(bin_dir, work)
        hit_id = check_cli(bin_dir, tmp / "index", work)
        check_serve(bin_dir, tmp / "index", work, hit_id)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"wheel smoke test passed in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
