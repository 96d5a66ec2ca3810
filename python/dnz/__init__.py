"""dnz: denoise handwritten digits with the dnz int8 runtime, numpy in and out.

    import dnz
    session = dnz.Session()                      # the built-in model, backend "auto"
    frame, info = dnz.load_image("photo.jpg")    # a 28x28 uint8 MNIST-style digit
    clean = session.run(frame)                   # (28, 28) uint8, or (N, 28, 28) batches
    noisy = dnz.add_noise(frame, 0.7, seed=1)    # the trainer's noise, runtime_demo's bytes

Everything is computed by the C/C++ libraries the command-line tools use (the runtime's C
API, runtime_demo's image conversion, host_lib's noise and metrics); this package only binds
them. See docs/python.md.
"""

from ._dnz import (
    DEFAULT_NOISE_FACTOR,
    FORMAT_VERSION,
    TEST_NOISE_SEED,
    BackendError,
    Error,
    ImageError,
    InputError,
    Model,
    ModelError,
    Session,
    SessionBusyError,
    SessionError,
    add_noise,
    backend_table,
    backends,
    bce,
    load_image,
    psnr,
    ssim,
    version,
)

__version__: str = version()

__all__ = [
    "DEFAULT_NOISE_FACTOR",
    "FORMAT_VERSION",
    "TEST_NOISE_SEED",
    "BackendError",
    "Error",
    "ImageError",
    "InputError",
    "Model",
    "ModelError",
    "Session",
    "SessionBusyError",
    "SessionError",
    "__version__",
    "add_noise",
    "backend_table",
    "backends",
    "bce",
    "load_image",
    "psnr",
    "ssim",
    "version",
]
