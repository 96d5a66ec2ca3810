"""The Colab notebook finds its own code: with REPO left empty it clones the GitHub repository
and revision it was opened from, which Colab's Jupyter server lists as the notebook's session
(path "fileId=https://github.com/OWNER/REPO/blob/REVISION/host_train/colab/train_on_colab.ipynb"),
and where it cannot it stops with one line saying why and what to do.

The notebook's own cells run (parameters, find-code, get-code) in a python3 kernel, against a
stand-in for Colab's session list on 127.0.0.1, and git clones from a small local repository in
place of github.com (git's url.<base>.insteadOf), so nothing here needs the network.
"""
import contextlib
import http.server
import json
import os
import socket
import subprocess
import threading
import urllib.parse
from pathlib import Path

import pytest

from notebook_kernel import NOTEBOOK, kernel_environment, missing_tools, plain

SOURCE = Path(os.environ.get("DNZ_SOURCE_DIR", Path(__file__).resolve().parents[2]))
CELLS = ("parameters", "find-code", "get-code")
FORK = "https://github.com/example-owner/dnz-fork"  # the address the notebook is "opened" from


def git(*args, cwd):
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def fork(tmp_path_factory):
    """A repository standing in for the fork on GitHub: two commits on main, one on a branch
    whose name has a slash. Returns its folder and each revision's commit."""
    repo = tmp_path_factory.mktemp("fork")
    git("init", "-q", "-b", "main", cwd=repo)
    commits = {}
    for name, branch in (("first", "main"), ("main", "main"), ("feature/int4-qat", None)):
        if branch is None:
            git("checkout", "-q", "-b", name, cwd=repo)
        (repo / "revision.txt").write_text(name)
        git("add", "revision.txt", cwd=repo)
        git("commit", "-q", "-m", name, cwd=repo)
        commits[name] = git("rev-parse", "HEAD", cwd=repo)
    git("checkout", "-q", "main", cwd=repo)
    return repo, commits


class ColabSessions(http.server.BaseHTTPRequestHandler):
    """GET /api/sessions answers the sessions given, as Colab's Jupyter server lists them."""
    sessions = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = json.dumps(self.sessions).encode()
        self.send_response(200 if self.path == "/api/sessions" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def colab(monkeypatch):
    """Starts the stand-in session list; returns a function that sets what it lists."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ColabSessions)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("COLAB_JUPYTER_IP", "127.0.0.1")
    monkeypatch.setenv("KMP_TARGET_PORT", str(server.server_address[1]))
    yield lambda sessions: setattr(ColabSessions, "sessions", sessions)
    server.shutdown()
    thread.join()


def session(opened_from, quoted=True):
    """A session as Colab lists it: the notebook's address after "fileId=", URL-quoted."""
    return {"id": "s", "name": "train_on_colab.ipynb", "type": "notebook",
            "path": "fileId=" + (urllib.parse.quote(opened_from, safe="") if quoted else opened_from)}


def run_cells(tmp_path, monkeypatch, fork_repo, cells=CELLS, repo=None):
    """Runs these cells of the notebook in a fresh folder, with REPO empty or REPO; returns (the
    folder, the error text or None, the cells' output)."""
    missing = missing_tools()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}: scripts/install_deps.sh installs them")
        pytest.skip(missing)
    import nbclient
    import nbformat
    from nbclient.exceptions import CellExecutionError

    for name, value in kernel_environment(str(tmp_path / "kernel")).items():
        monkeypatch.setenv(name, value)
    if repo is None:
        monkeypatch.delenv("DNZ_REPO", raising=False)
    else:
        monkeypatch.setenv("DNZ_REPO", repo)
    # git clones the fork from its folder where the notebook names it on github.com.
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", f"url.{fork_repo}.insteadOf")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", f"{FORK}.git")
    nb = nbformat.read(SOURCE / NOTEBOOK, as_version=4)
    nb.cells = [cell for cell in nb.cells if cell.get("id") in cells]
    assert [cell.id for cell in nb.cells] == list(cells), "the notebook's cells changed"
    work = tmp_path / "content"
    work.mkdir()
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(work)}})
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = plain(str(e))
    output = "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))
    return work, error, output


def test_a_branch_is_cloned_and_checked_out(tmp_path, monkeypatch, fork, colab):
    fork_repo, commits = fork
    colab([session("1AbCdEfGhIjK"),  # another notebook, from Drive
           session(f"{FORK}/blob/feature/int4-qat/{NOTEBOOK}")])
    work, error, output = run_cells(tmp_path, monkeypatch, fork_repo)
    assert error is None, error
    assert f"the project: {FORK}.git feature/int4-qat" in output
    assert git("rev-parse", "HEAD", cwd=work / "dnz") == commits["feature/int4-qat"]


def test_a_commit_is_checked_out(tmp_path, monkeypatch, fork, colab):
    fork_repo, commits = fork
    colab([session(f"{FORK}/blob/{commits['first']}/{NOTEBOOK}", quoted=False)])
    work, error, _ = run_cells(tmp_path, monkeypatch, fork_repo)
    assert error is None, error
    assert (work / "dnz/revision.txt").read_text() == "first"


def test_a_notebook_from_drive_is_told_to_set_repo(tmp_path, monkeypatch, fork, colab):
    colab([session("1AbCdEfGhIjK"),
           session(f"{FORK}/blob/main;touch pwned/{NOTEBOOK}")])  # no shell syntax taken
    work, error, _ = run_cells(tmp_path, monkeypatch, fork[0])
    assert "RuntimeError: REPO is empty and this notebook was not opened from GitHub " \
           "(Colab has it from 1AbCdEfGhIjK, " in error
    assert "put the repository's git URL into REPO" in error
    assert not (work / "dnz").exists() and not (work / "pwned").exists()


def test_off_colab_it_says_so(tmp_path, monkeypatch, fork):
    monkeypatch.delenv("COLAB_JUPYTER_IP", raising=False)
    work, error, _ = run_cells(tmp_path, monkeypatch, fork[0])
    assert "RuntimeError: REPO is empty and this is not Colab: open the notebook from GitHub " \
           "on Colab, or put the repository's git URL into REPO" in error
    assert not (work / "dnz").exists()


@contextlib.contextmanager
def port_nothing_listens_on():
    """A port on 127.0.0.1 that is bound, never listening, while in use."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_a_silent_session_list_is_one_line(tmp_path, monkeypatch, fork):
    with port_nothing_listens_on() as port:
        monkeypatch.setenv("COLAB_JUPYTER_IP", "127.0.0.1")
        monkeypatch.setenv("KMP_TARGET_PORT", str(port))
        _, error, _ = run_cells(tmp_path, monkeypatch, fork[0])
    assert f"RuntimeError: REPO is empty and Colab's session list " \
           f"(http://127.0.0.1:{port}/api/sessions) gave no answer" in error


def test_the_package_is_installed_though_the_clone_is_named_dnz(tmp_path, monkeypatch, fork):
    """The clone's folder "dnz" in the notebook's folder imports as an empty namespace package:
    the install cell must still install the package and import it, not that folder. A stand-in
    `pip` puts the built package on the kernel's PYTHONPATH, as pip would into site-packages."""
    site = tmp_path / "site"
    site.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pip = bin_dir / "pip"
    pip.write_text('#!/bin/sh\n[ "$*" = "install -q ./dnz" ] || exit 2\n'
                   f'cp -r "{Path(os.environ["DNZ_BUILD_DIR"]) / "python/dnz"}" "{site}/dnz"\n')
    pip.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PYTHONPATH", str(site))  # no dnz there yet
    work, error, output = run_cells(tmp_path, monkeypatch, fork[0],
                                    cells=("parameters", "find-code", "get-code", "install-dnz"),
                                    repo=str(SOURCE))  # linked as the folder "dnz"
    assert error is None, error
    assert (site / "dnz").is_dir(), "the cell did not install the package"
    assert (work / "dnz").is_symlink()
    assert "dnz 0." in output and "backends:" in output
