"""The package installs: `cmake --install --component python` and `pip install
--no-build-isolation` (offline, Debian's setuptools; setup.py drives CMake) each give an
importable dnz that is the build's. pip reuses this build folder (DNZ_CMAKE_BUILD_DIR) so
that the test does not compile the project again; a full `pip install .` is in docs/python.md."""

import os
import subprocess
import sys

import numpy as np

from conftest import env_path

PROBE = (
    "import dnz, numpy as np; "
    "s = dnz.Session(); "
    "print(dnz.__file__); print(dnz.__version__, s.run(np.full((28, 28), 9, np.uint8)).sum())"
)


def probe(path_entry, cwd):
    env = dict(os.environ, PYTHONPATH=str(path_entry))
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=cwd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_cmake_install(tmp_path):
    build = env_path("DNZ_BUILD_DIR")
    prefix = tmp_path / "prefix"
    subprocess.run(
        ["cmake", "--install", str(build), "--prefix", str(prefix), "--component", "python"],
        check=True,
        capture_output=True,
    )
    site = next(prefix.glob("lib*/python3*/site-packages"))
    assert sorted(p.name for p in (site / "dnz").iterdir() if not p.name.startswith("_dnz.c")) == [
        "__init__.py",
        "_dnz.pyi",
        "py.typed",
    ]
    where, answer = probe(site, tmp_path)
    assert where.startswith(str(site))
    assert answer == probe(build / "python", tmp_path)[1]


def test_pip_install_offline(tmp_path):
    target = tmp_path / "target"
    env = dict(os.environ, DNZ_CMAKE_BUILD_DIR=str(env_path("DNZ_BUILD_DIR")), PIP_NO_INDEX="1")
    out = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
         "--target", str(target), str(env_path("DNZ_SOURCE_DIR"))],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert (target / "dnz" / "_dnz.pyi").exists() and (target / "dnz" / "py.typed").exists()
    assert list(target.glob("dnz-*.dist-info"))
    where, answer = probe(target, tmp_path)
    assert where.startswith(str(target))
    assert answer == probe(env_path("DNZ_BUILD_DIR") / "python", tmp_path)[1]
