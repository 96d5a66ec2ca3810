"""Every bad input is a dnz exception carrying a one-line message; none crashes python3."""

import numpy as np
import pytest

import dnz
from conftest import EXAMPLES, env_path


def one_line(error):
    text = str(error.value)
    assert text and "\n" not in text
    return text


def test_the_hierarchy():
    for cls in (dnz.ModelError, dnz.BackendError, dnz.InputError, dnz.ImageError, dnz.SessionError):
        assert issubclass(cls, dnz.Error)
    assert issubclass(dnz.SessionBusyError, dnz.SessionError)
    assert issubclass(dnz.InputError, TypeError) and issubclass(dnz.InputError, ValueError)


@pytest.mark.parametrize(
    "data,words",
    [
        (b"", "0 bytes"),
        (b"garbage", "not a model file"),
        (b"\x00" * 4096, "not a valid dnz model"),
    ],
)
def test_bad_model_bytes(data, words):
    with pytest.raises(dnz.ModelError) as error:
        dnz.Model(data)
    assert "not a valid dnz model" in one_line(error)


def test_corrupt_model_file_carries_the_runtimes_line():
    data = bytearray(env_path("DNZ_MODEL_FILE").read_bytes())
    data[4:8] = b"XXXX"  # the file identifier
    with pytest.raises(dnz.ModelError) as error:
        dnz.Model(bytes(data))
    assert "identifier" in one_line(error).lower()
    truncated = bytes(data[: len(data) // 2])
    with pytest.raises(dnz.ModelError):
        dnz.Model(truncated)


def test_missing_model_file(tmp_path):
    with pytest.raises(dnz.ModelError) as error:
        dnz.Model(tmp_path / "missing.dnz")
    assert "missing.dnz" in one_line(error)
    with pytest.raises(dnz.ModelError):
        dnz.Model(str(tmp_path))  # a directory


def test_not_a_model_argument():
    with pytest.raises(dnz.InputError):
        dnz.Model(42)


def test_bad_backend():
    with pytest.raises(dnz.BackendError) as error:
        dnz.Session(backend="tpu")
    assert "tpu" in one_line(error)
    unavailable = [row["name"] for row in dnz.backend_table() if not row["built_in"]]
    for name in unavailable:
        with pytest.raises(dnz.BackendError):
            dnz.Session(backend=name)
    with pytest.raises(dnz.InputError):
        dnz.Session(max_batch=0)
    with pytest.raises(dnz.InputError):
        dnz.Session(threads=100000)


@pytest.mark.parametrize(
    "x",
    [
        np.zeros((28, 28), np.float64),
        np.zeros((28, 28), np.int32),
        np.zeros((28, 28), np.int8),
        np.zeros((28, 28), np.uint16),
    ],
    ids=["float64", "int32", "int8", "uint16"],
)
def test_wrong_dtype(x):
    with pytest.raises(dnz.InputError) as error:
        dnz.Session(backend="ref").run(x)
    assert "dtype" in one_line(error)


@pytest.mark.parametrize("shape", [(28,), (27, 28), (28, 28, 1), (2, 28, 27), (1, 1, 28, 28), (784,), ()])
def test_wrong_shape(shape):
    with pytest.raises(dnz.InputError) as error:
        dnz.Session(backend="ref").run(np.zeros(shape, np.uint8))
    assert "shape" in one_line(error)


def test_not_an_array():
    with pytest.raises(dnz.InputError):
        dnz.Session(backend="ref").run([[0] * 28] * 28)


def test_non_contiguous():
    session = dnz.Session(backend="ref")
    big = np.zeros((56, 56), np.uint8)
    with pytest.raises(dnz.InputError) as error:
        session.run(big[::2, ::2])
    assert "contiguous" in one_line(error)
    with pytest.raises(dnz.InputError):
        session.run(np.zeros((28, 28), np.uint8).T.copy(order="F")[:, :].T.T)  # Fortran order


def test_read_only_and_bad_out():
    session = dnz.Session(backend="ref")
    x = np.zeros((28, 28), np.uint8)
    x.setflags(write=False)
    assert session.run(x).shape == (28, 28)  # a read-only input is fine
    out = np.zeros((28, 28), np.uint8)
    out.setflags(write=False)
    with pytest.raises(dnz.InputError) as error:
        session.run(x, out=out)
    assert "read-only" in one_line(error)
    with pytest.raises(dnz.InputError):
        session.run(x, out=np.zeros((28, 28), np.float32))
    with pytest.raises(dnz.InputError):
        session.run(x, out=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(dnz.InputError):
        session.run(x, out=np.zeros((56, 56), np.uint8)[::2, ::2])


def test_closed_session():
    session = dnz.Session(backend="ref")
    session.close()
    with pytest.raises(dnz.SessionError) as error:
        session.run(np.zeros((28, 28), np.uint8))
    assert "closed" in one_line(error)


def test_bad_images(tmp_path):
    with pytest.raises(dnz.ImageError) as error:
        dnz.load_image(tmp_path / "missing.png")
    assert "missing.png" in one_line(error)
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(dnz.ImageError):
        dnz.load_image(tmp_path / "bad.png")
    with pytest.raises(dnz.InputError):
        dnz.load_image(EXAMPLES / "digit_0_clean.png", framing="square")


def test_bad_noise_and_metrics():
    x = np.zeros((28, 28), np.uint8)
    with pytest.raises(dnz.InputError):
        dnz.add_noise(x, factor=-1)
    with pytest.raises(dnz.InputError):
        dnz.add_noise(x.astype(np.float64))
    with pytest.raises(dnz.InputError):
        dnz.psnr(x, np.zeros((27, 28), np.uint8))
    with pytest.raises(dnz.InputError):
        dnz.ssim(np.zeros((4, 4), np.uint8), np.zeros((4, 4), np.uint8))
    with pytest.raises(dnz.InputError):
        dnz.bce(x, "x")
