"""import dnz gives the C API's and runtime_demo's bytes: denoised digits for every built-in
backend, load_image's conversion, add_noise's noise."""

import numpy as np
import pytest

import dnz
from conftest import EXAMPLE_PNGS, PHOTO, MNIST_COUNT, F32_COUNT, built_in_backends, read_gray_png, run_demo

BACKENDS = built_in_backends()


def test_there_are_ten_example_digits():
    assert len(EXAMPLE_PNGS) == 10


@pytest.mark.parametrize("backend", BACKENDS)
def test_mnist_digits_match_the_c_api(reference, backend):
    session = dnz.Session(backend=backend)
    expected_u8 = reference["load"](f"out_{backend}.u8")
    expected_f32 = reference["load"](f"out_{backend}.f32", np.float32)
    assert expected_u8.shape == (MNIST_COUNT, 28, 28)
    np.testing.assert_array_equal(session.run(reference["noisy"]), expected_u8)
    assert expected_f32.shape == (F32_COUNT, 28, 28)
    assert session.run(reference["noisy_f32"][:F32_COUNT]).tobytes() == expected_f32.tobytes()
    # One at a time: the same bytes as the batch.
    for i in range(0, MNIST_COUNT, 97):
        np.testing.assert_array_equal(session.run(reference["noisy"][i]), expected_u8[i])


def test_add_noise_gives_the_test_sets_noise(reference):
    noisy = dnz.add_noise(reference["clean"], 0.7, seed=dnz.TEST_NOISE_SEED)
    np.testing.assert_array_equal(noisy, reference["noisy"])
    noisy_f32 = dnz.add_noise(reference["clean"].astype(np.float32) / np.float32(255), 0.7)
    assert noisy_f32.tobytes() == reference["noisy_f32"].tobytes()


@pytest.mark.parametrize("backend", BACKENDS)
def test_example_digits_match_runtime_demo(tmp_path, backend):
    run_demo("--backend", backend, "-o", tmp_path, *EXAMPLE_PNGS)
    session = dnz.Session(backend=backend)
    for png in EXAMPLE_PNGS:
        frame, _ = dnz.load_image(png)
        expected = read_gray_png(tmp_path / (png.stem + ".denoised.png"))
        np.testing.assert_array_equal(session.run(frame), expected, err_msg=str(png))


@pytest.mark.parametrize("framing", ["auto", "mnist", "none"])
def test_load_image_is_runtime_demos_conversion(tmp_path, framing):
    # --add-noise 0 writes the conversion itself as NAME.noisy.png (clip(x + 0 * n) = x).
    inputs = [*EXAMPLE_PNGS, PHOTO]
    run_demo("--framing", framing, "--add-noise", "0", "-o", tmp_path, *inputs)
    for path in inputs:
        frame, info = dnz.load_image(path, framing=framing)
        assert frame.dtype == np.uint8 and frame.shape == (28, 28)
        np.testing.assert_array_equal(frame, read_gray_png(tmp_path / (path.stem + ".noisy.png")), err_msg=str(path))
    _, info = dnz.load_image(PHOTO, framing=framing)
    assert info["framed"] == (framing != "none") and info["inverted"]
    assert info["input_size"] == (680, 580)


@pytest.mark.parametrize("factor,seed", [(0.7, None), (0.5, 7), (1.3, 123456789)])
def test_add_noise_is_runtime_demos(tmp_path, factor, seed):
    args = ["--add-noise", factor] + (["--seed", seed] if seed is not None else [])
    run_demo(*args, "-o", tmp_path, *EXAMPLE_PNGS)
    for png in EXAMPLE_PNGS:
        frame, _ = dnz.load_image(png)
        noisy = dnz.add_noise(frame, factor) if seed is None else dnz.add_noise(frame, factor, seed=seed)
        np.testing.assert_array_equal(noisy, read_gray_png(tmp_path / (png.stem + ".noisy.png")), err_msg=str(png))


def test_metrics_are_host_libs(reference):
    # host_lib's metrics of the shipped model on these digits, as printed in its provenance,
    # are over 10,000 digits; here: self-consistency and values in range.
    clean = reference["clean"]
    denoised = dnz.Session().run(reference["noisy"])
    assert dnz.psnr(clean, clean) == 100.0
    assert dnz.ssim(clean, clean) == pytest.approx(1.0)
    psnr, ssim, bce = dnz.psnr(denoised, clean), dnz.ssim(denoised, clean), dnz.bce(denoised, clean)
    assert 15 < psnr < 25 and 0.7 < ssim < 0.9 and 0.05 < bce < 0.2
    as_float = denoised.astype(np.float32) / np.float32(255)
    assert dnz.psnr(as_float, clean) == psnr
