"""Shared fixtures of the Python package's tests: paths CTest passes in the environment
(tests/python/CMakeLists.txt), runtime_demo, the C API's reference outputs, a PNG reader."""

import os
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

import dnz

MNIST_COUNT = 1000  # every backend, uint8 (the 1,000 noisy test digits)
F32_COUNT = 100  # float32 input: ref alone takes 20 ms a digit here


def env_path(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run these tests through CTest (label python)")
    return Path(value)


EXAMPLES = env_path("DNZ_EXAMPLES_DIR")
EXAMPLE_PNGS = sorted(EXAMPLES.glob("digit_*.png"))
PHOTO = EXAMPLES / "photo_digit.jpg"


def built_in_backends():
    """The backend table's built-in rows (dnz_backend_info_at), never a list of names."""
    return [row["name"] for row in dnz.backend_table() if row["built_in"]]


def read_gray_png(path):
    """A stdlib-only reader of 8-bit gray PNGs (what runtime_demo writes), to read its output
    without going through the package under test."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert (depth, color, interlace) == (8, 0, 0), f"{path}: not 8-bit gray"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    out = np.zeros((height, width), np.int32)
    prev = np.zeros(width, np.int32)
    for y in range(height):
        f = raw[y * (width + 1)]
        line = np.frombuffer(raw, np.uint8, width, y * (width + 1) + 1).astype(np.int32)
        cur = np.zeros(width, np.int32)
        for x in range(width):
            a = cur[x - 1] if x else 0
            b = prev[x]
            c = prev[x - 1] if x else 0
            if f == 0:
                p = 0
            elif f == 1:
                p = a
            elif f == 2:
                p = b
            elif f == 3:
                p = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[x] = (line[x] + p) & 255
        out[y] = cur
        prev = cur
    return out.astype(np.uint8)


def run_demo(*args, cwd=None):
    demo = env_path("DNZ_RUNTIME_DEMO")
    result = subprocess.run([str(demo), *map(str, args)], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def c_api_reference(out, count, f32_count):
    """Runs c_api_reference: the C API's outputs for the first `count` noisy MNIST test digits."""
    subprocess.run(
        [
            str(env_path("DNZ_C_API_REFERENCE")),
            str(env_path("DNZ_MNIST_DIR")),
            str(count),
            str(out),
            str(env_path("DNZ_MODEL_FILE")),
            str(f32_count),
        ],
        check=True,
    )


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    """The C API's outputs for the first 1,000 noisy MNIST test digits."""
    out = tmp_path_factory.mktemp("c_api")
    c_api_reference(out, MNIST_COUNT, F32_COUNT)

    def load(name, dtype=np.uint8):
        return np.fromfile(out / name, dtype).reshape(-1, 28, 28)

    return {
        "dir": out,
        "load": load,
        "clean": load("clean.u8"),
        "noisy": load("noisy.u8"),
        "noisy_f32": load("noisy.f32", np.float32),
    }
