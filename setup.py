"""Builds the extension dnz._dnz with this project's CMake (pyproject.toml says why).

The version is the runtime's (runtime/include/dnz/dnz.h). Environment:
  DNZ_CMAKE_ARGS        extra CMake arguments (e.g. "-DDNZ_WITH_ONEDNN=OFF")
  DNZ_CMAKE_BUILD_DIR   an already configured build folder with DNZ_PYTHON=ON: build the
                        target dnz_python there instead of configuring a new one (the tests)
  DNZ_BUILD_JOBS        parallel build jobs (default: the CPU count)
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def runtime_version():
    header = (ROOT / "runtime/include/dnz/dnz.h").read_text()
    parts = [re.search(rf"#define DNZ_VERSION_{p} (\d+)", header).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def pybind11_cmake_args():
    """The pybind11 that pip put in this build's environment (pyproject.toml asks for one that
    knows Python 3.13, as Colab runs: Ubuntu 24.04's pybind11-dev 2.11 does not), ahead of the
    system's; none offline (pip install --no-build-isolation: Debian's pybind11-dev)."""
    try:
        import pybind11
    except ImportError:
        return []
    return [f"-Dpybind11_DIR={pybind11.get_cmake_dir()}"]


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = os.environ.get("DNZ_CMAKE_BUILD_DIR")
        jobs = os.environ.get("DNZ_BUILD_JOBS", str(os.cpu_count() or 1))
        if build:
            build = Path(build).resolve()
        else:
            build = Path(self.build_temp).resolve() / "cmake"
            args = [
                "-DCMAKE_BUILD_TYPE=Release",
                "-DDNZ_PYTHON=ON",
                f"-DPython3_EXECUTABLE={sys.executable}",
                "-DDNZ_BUILD_TESTS=OFF",
                "-DDNZ_BUILD_BENCH=OFF",
                "-DDNZ_BUILD_TRAINER=OFF",
                "-DDNZ_WITH_CUDA=OFF",
            ] + pybind11_cmake_args() + os.environ.get("DNZ_CMAKE_ARGS", "").split()
            subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), *args], check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "dnz_python", "-j", jobs], check=True)
        built = next((build / "python/dnz").glob("_dnz*.so"), None)
        if built is None:
            raise RuntimeError(f"the CMake build left no python/dnz/_dnz*.so in {build}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(
    version=runtime_version(),
    ext_modules=[Extension("dnz._dnz", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    # Not build/: that is the project's own CMake build folder (scripts/build.sh).
    options={"build": {"build_base": "build-pip"}},
)
