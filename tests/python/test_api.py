"""The package's surface: version, backends, the model's description, sessions."""

from pathlib import Path

import numpy as np
import pytest

import dnz
from conftest import built_in_backends, c_api_reference, env_path


def test_version_is_the_runtimes():
    header = (env_path("DNZ_SOURCE_DIR") / "runtime/include/dnz/dnz.h").read_text()
    parts = [
        line.split()[2]
        for line in header.splitlines()
        if line.startswith("#define DNZ_VERSION_") and line.split()[1][12:] in ("MAJOR", "MINOR", "PATCH")
    ]
    assert dnz.__version__ == dnz.version() == ".".join(parts)


def test_backends_come_from_the_table():
    table = dnz.backend_table()
    assert [row["name"] for row in table if row["built_in"]] == dnz.backends()
    assert "ref" in dnz.backends()
    for name in dnz.backends():
        assert dnz.Session(backend=name).backend == name
    auto = dnz.Session().backend
    assert auto == next(row["name"] for row in table if row["built_in"] and row["auto_picks"])


def test_built_in_model_is_models_default():
    model = dnz.Model.default()
    assert model.source == "built-in"
    assert model.bytes == env_path("DNZ_MODEL_FILE").read_bytes()
    assert model.input_shape == model.output_shape == (28, 28, 1)
    assert len(model.ops) == 8 and len(model.tensors) == 9
    assert model.ops[0]["kind"] == "conv" and model.ops[0]["kernel"] == (3, 3)
    assert model.ops[-1]["activation"] == "sigmoid"
    assert model.provenance["trainer"].startswith("host_train")
    assert model.has_float_weights


def test_model_from_path_and_bytes_like():
    path = env_path("DNZ_MODEL_FILE")
    data = path.read_bytes()
    for source in (str(path), path, data, bytearray(data), memoryview(data), np.frombuffer(data, np.uint8)):
        model = dnz.Model(source)
        assert model.bytes == data
    del data  # the model keeps its own copy
    assert dnz.Session(model, backend="ref").run(np.zeros((28, 28), np.uint8)).shape == (28, 28)


def test_arena_bytes_match_the_c_api(tmp_path):
    c_api_reference(tmp_path, 1, 1)
    model = dnz.Model.default()
    for name in built_in_backends():
        expected = int((tmp_path / f"arena_{name}.txt").read_text())
        assert model.arena_bytes(name) == expected
        assert dnz.Session(model, backend=name, max_batch=1).arena_bytes >= expected


def test_shapes_and_dtypes_out():
    session = dnz.Session(backend="ref")
    one = np.zeros((28, 28), np.uint8)
    assert session.run(one).shape == (28, 28) and session.run(one).dtype == np.uint8
    assert session.run(np.zeros((3, 28, 28), np.uint8)).shape == (3, 28, 28)
    assert session.run(np.zeros((0, 28, 28), np.uint8)).shape == (0, 28, 28)
    f = session.run(np.zeros((2, 28, 28), np.float32))
    assert f.dtype == np.float32 and f.shape == (2, 28, 28)
    out = np.empty((28, 28), np.uint8)
    assert session.run(one, out=out) is out


def test_session_closes():
    with dnz.Session() as session:
        assert not session.closed
    assert session.closed
    session.close()  # twice is fine


def test_a_memory_budget_streams_rows_with_the_same_bytes():
    rng = np.random.default_rng(7)
    x = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    table = {row["name"]: row for row in dnz.backend_table()}
    for name in built_in_backends():
        whole = dnz.Session(backend=name, max_batch=1)
        assert "whole tensors" in whole.plan
        if not table[name]["streams"]:
            with pytest.raises(dnz.BackendError, match="keeps whole tensors"):
                dnz.Session(backend=name, max_arena_bytes=whole.arena_bytes - 1)
            continue
        streamed = dnz.Session(backend=name, max_batch=1, max_arena_bytes=whole.arena_bytes // 2)
        assert "streamed" in streamed.plan
        assert streamed.arena_bytes <= whole.arena_bytes // 2
        assert np.array_equal(streamed.run(x), whole.run(x))
        with pytest.raises(dnz.BackendError, match="the smallest needs"):
            dnz.Session(backend=name, max_arena_bytes=1000)
