#!/usr/bin/env python3
"""The project's PyTorch peer: the same denoising autoencoder as our trainer and runtime
(docs/reference.md), timed in PyTorch so that docs/benchmarks.md can put the two side by side.
It is a yardstick, not part of the product.

On the CPU (the default) it trains and infers in float32, as scripts/run_benchmarks.sh runs it:

  /usr/bin/python3 bench/pytorch_peer.py --mnist data/mnist info
  /usr/bin/python3 bench/pytorch_peer.py --mnist data/mnist --threads 1,2 --steps 20 train
  /usr/bin/python3 bench/pytorch_peer.py --mnist data/mnist --threads 1,2 infer
  /usr/bin/python3 bench/pytorch_peer.py --mnist data/mnist all

With --device cuda (or auto, which picks cuda when torch sees a GPU) it times training per
precision: f32 (TF32 off), AMP f16 (with a gradient scaler), AMP bf16, and tf32 if asked; each
eager and under torch.compile when that works, and inference at batch 1 and 128 the same way. A
case that fails is printed as a skip line with its reason and the others go on; an eager failure
also makes the exit status 1. cudnn.benchmark is on (Keras autotunes too). Not yet run on a GPU.

  python3 bench/pytorch_peer.py --mnist data/mnist --device cuda train
  python3 bench/pytorch_peer.py --mnist data/mnist --device cuda --precisions bf16 --no-compile all

CPU needs Debian's PyTorch (apt-get install -y python3-torch python3-numpy; run it with
/usr/bin/python3, another python3 may come first on PATH). DIR holds the MNIST IDX files
(scripts/fetch_mnist.sh), plain or gzipped. Every result is one line starting with PEER; the CPU lines are
what scripts/write_benchmarks_md.py reads:

  PEER train threads=2 batch=128 img_per_s=144.5 median_step_ms=760.0
  PEER infer threads=1 batch=1 median_ms=7.283 img_per_s=137
  PEER cuda-train precision=bf16 mode=eager batch=128 steps=468 img_per_s=51234.5 s_per_epoch=1.171 step_ms=2.498
  PEER cuda-infer precision=f16 mode=compile batch=128 median_ms=0.412 img_per_s=310680
  PEER skip cuda-train precision=f16 mode=compile reason: ...

s_per_epoch is 60,000 images at the measured rate (468 full batches of 128 are timed by default).
"""
import argparse
import gzip
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TRAIN_IMAGES = 60000
BATCH = 128
NOISE_STDDEV = 0.7  # noisy = clip(clean + 0.7 * N(0, 1), 0, 1), drawn once (docs/reference.md)


# ------------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------------

def read_idx_images(path):
    """[N][1][rows][cols] uint8 from an IDX3 file, or from PATH.gz when only that exists."""
    opener = open
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path, opener = path + ".gz", gzip.open
    with opener(path, "rb") as f:
        magic, count, rows, cols = struct.unpack(">4I", f.read(16))
        if magic != 0x803:
            sys.exit(f"{path}: magic {magic:#x}, expected 0x803 (IDX3 images)")
        pixels = np.frombuffer(f.read(count * rows * cols), dtype=np.uint8)
    return pixels.reshape(count, 1, rows, cols)


def noisy_and_clean(mnist_dir, count):
    """The first `count` training digits, float32 in [0, 1]: (noisy input, clean target)."""
    images = read_idx_images(os.path.join(mnist_dir, "train-images-idx3-ubyte"))
    clean = images[:count].astype(np.float32) / 255.0
    noise = np.random.default_rng(0).standard_normal(clean.shape)
    noisy = np.clip(clean + NOISE_STDDEV * noise, 0.0, 1.0).astype(np.float32)
    return torch.from_numpy(noisy), torch.from_numpy(clean)


# ------------------------------------------------------------------------------------------------
# Model: the 14 layers of docs/reference.md, NCHW. It returns logits; the sigmoid is in the loss
# (training) or applied after the call (inference).
# ------------------------------------------------------------------------------------------------

def conv(cin, cout, k, pad):
    layer = nn.Conv2d(cin, cout, k, padding=pad)
    nn.init.xavier_uniform_(layer.weight)  # Keras's Glorot-uniform weights and zero biases
    nn.init.zeros_(layer.bias)
    return layer


def build_model():
    up = lambda: nn.Upsample(scale_factor=2, mode="nearest")
    return nn.Sequential(
        conv(1, 32, 3, 1), nn.ReLU(), nn.MaxPool2d(2),                    # 28x28x32 -> 14x14
        conv(32, 64, 3, 1), nn.ReLU(), nn.MaxPool2d(2),                   # 14x14x64 -> 7x7
        conv(64, 128, 3, 1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),  # 7x7x128 -> 4x4
        up(), conv(128, 128, 3, 1), nn.ReLU(),                            # 8x8x128
        up(), conv(128, 64, 3, 1), nn.ReLU(),                             # 16x16x64
        up(), conv(64, 32, 3, 1), nn.ReLU(),                              # 32x32x32
        conv(32, 1, 5, 0), nn.ReLU(),                                     # 28x28x1 (valid)
        conv(1, 1, 3, 1))                                                 # 28x28x1 logits


def adam(model):
    return torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)


# ------------------------------------------------------------------------------------------------
# CPU, float32: the lines scripts/write_benchmarks_md.py reads
# ------------------------------------------------------------------------------------------------

def cpu_train(mnist_dir, threads, steps, warm=10):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    noisy, clean = noisy_and_clean(mnist_dir, BATCH * (warm + steps))
    model = build_model().train()
    opt = adam(model)
    step_seconds = []
    for i in range(warm + steps):
        x, y = noisy[i * BATCH:(i + 1) * BATCH], clean[i * BATCH:(i + 1) * BATCH]
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        F.binary_cross_entropy_with_logits(model(x), y).backward()
        opt.step()
        if i >= warm:
            step_seconds.append(time.perf_counter() - start)
    print(f"PEER train threads={threads} batch={BATCH} "
          f"img_per_s={steps * BATCH / sum(step_seconds):.1f} "
          f"median_step_ms={1e3 * statistics.median(step_seconds):.1f}", flush=True)


def cpu_infer(mnist_dir, threads, runs):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    noisy, _ = noisy_and_clean(mnist_dir, BATCH)
    model = build_model().eval()
    with torch.inference_mode():
        for batch, default_runs, warm in ((1, 1000, 50), (BATCH, 20, 5)):
            x = noisy[:batch].clone()
            for _ in range(warm):
                torch.sigmoid(model(x))
            seconds = []
            for _ in range(runs or default_runs):
                start = time.perf_counter()
                torch.sigmoid(model(x))
                seconds.append(time.perf_counter() - start)
            median = statistics.median(seconds)
            print(f"PEER infer threads={threads} batch={batch} median_ms={1e3 * median:.3f} "
                  f"img_per_s={batch / median:.0f}", flush=True)


# ------------------------------------------------------------------------------------------------
# CUDA: per precision, eager and torch.compile
# ------------------------------------------------------------------------------------------------

AUTOCAST_DTYPE = {"f32": None, "tf32": None, "f16": torch.float16, "bf16": torch.bfloat16}


def cuda_setup(precision):
    tf32 = precision == "tf32"  # f32 means true float32 math, not PyTorch's TF32 default for convs
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.benchmark = True


def cuda_model(mode, train, channels_last):
    model = build_model().cuda().train(train)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    if mode == "eager":
        return model, model
    if not hasattr(torch, "compile"):
        raise RuntimeError(f"torch {torch.__version__} has no torch.compile")
    return model, torch.compile(model, dynamic=False)  # one specialized graph per batch size


def autocast(precision):
    dtype = AUTOCAST_DTYPE[precision]
    return torch.autocast("cuda", dtype=dtype, enabled=dtype is not None)


def cuda_train(noisy, clean, precision, mode, steps, channels_last, warm=20):
    cuda_setup(precision)
    torch.manual_seed(0)
    model, forward = cuda_model(mode, True, channels_last)
    opt = adam(model)
    scale = precision == "f16"  # bf16 has float32's range and needs no loss scaling
    scaler = (torch.amp.GradScaler("cuda", enabled=scale) if hasattr(torch.amp, "GradScaler")
              else torch.cuda.amp.GradScaler(enabled=scale))  # before torch 2.3
    order = torch.randperm(noisy.shape[0], device="cuda")
    full_batches = noisy.shape[0] // BATCH

    def step(i):
        idx = order[(i % full_batches) * BATCH:(i % full_batches + 1) * BATCH]
        opt.zero_grad(set_to_none=True)
        with autocast(precision):
            loss = F.binary_cross_entropy_with_logits(forward(noisy[idx]), clean[idx])
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()

    for i in range(warm):  # also where torch.compile compiles, and so where it fails
        step(i)
    torch.cuda.synchronize()
    start = time.perf_counter()
    for i in range(steps):
        step(warm + i)
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    img_per_s = steps * BATCH / seconds
    print(f"PEER cuda-train precision={precision} mode={mode} batch={BATCH} steps={steps} "
          f"img_per_s={img_per_s:.1f} s_per_epoch={TRAIN_IMAGES / img_per_s:.3f} "
          f"step_ms={1e3 * seconds / steps:.3f}", flush=True)


def cuda_infer(noisy, precision, mode, runs, channels_last):
    cuda_setup(precision)
    torch.manual_seed(0)
    _, forward = cuda_model(mode, False, channels_last)
    with torch.inference_mode(), autocast(precision):
        for batch in (1, BATCH):
            x = noisy[:batch].clone()
            for _ in range(20):
                torch.sigmoid(forward(x))
            seconds = []
            for _ in range(runs or 200):
                torch.cuda.synchronize()
                start = time.perf_counter()
                torch.sigmoid(forward(x))
                torch.cuda.synchronize()
                seconds.append(time.perf_counter() - start)
            median = statistics.median(seconds)
            print(f"PEER cuda-infer precision={precision} mode={mode} batch={batch} "
                  f"median_ms={1e3 * median:.3f} img_per_s={batch / median:.0f}", flush=True)


def run_or_skip(kind, precision, mode, bench):
    """Runs one CUDA case. A failure (torch.compile raises many kinds: dynamo, Inductor, Triton;
    eager bf16 needs a GPU that has it) is printed as a skip line with its reason, and the other
    cases go on. Returns False when it failed."""
    try:
        bench()
        return True
    except Exception as error:
        reason = (str(error).strip().splitlines() or [""])[0][:200]
        print(f"PEER skip {kind} precision={precision} mode={mode} reason: "
              f"{type(error).__name__}: {reason}", flush=True)
        if hasattr(torch, "_dynamo"):
            torch._dynamo.reset()
        return False


# ------------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------------

def info(device):
    print(f"PEER info torch={torch.__version__} mkldnn={torch.backends.mkldnn.is_available()} "
          f"cuda_available={torch.cuda.is_available()} device={device}")
    if device == "cuda":
        name = torch.cuda.get_device_name().replace(" ", "_")
        print(f"PEER info gpu={name} cuda={torch.version.cuda} "
              f"cudnn={torch.backends.cudnn.version()}")
    else:
        print("\n".join(torch.__config__.show().splitlines()[:8]))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mnist", required=True, help="folder with the four MNIST IDX files")
    ap.add_argument("--device", choices=["cpu", "cuda", "auto"], default="cpu",
                    help="cpu (default), cuda, or auto: cuda when torch sees a GPU")
    ap.add_argument("--threads", default="1,2", help="CPU: comma-separated thread counts")
    ap.add_argument("--steps", type=int,
                    help="timed training steps (default: 50 on the CPU, 468 = one epoch on cuda)")
    ap.add_argument("--runs", type=int,
                    help="timed inference runs per batch size (default: CPU 1000 at batch 1 "
                         "and 20 at batch 128; cuda 200)")
    ap.add_argument("--precisions", default="f32,f16,bf16",
                    help="cuda: comma-separated, from f32, tf32, f16, bf16")
    ap.add_argument("--no-compile", action="store_true", help="cuda: eager only")
    ap.add_argument("--channels-last", action="store_true", help="cuda: NHWC tensors")
    ap.add_argument("what", choices=["info", "train", "infer", "all"])
    a = ap.parse_args()

    device = a.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        sys.exit("pytorch_peer: --device cuda, but torch sees no GPU")
    if a.what in ("info", "all"):
        info(device)

    if device == "cpu":
        threads = [int(t) for t in a.threads.split(",")]
        if a.what in ("train", "all"):
            for t in threads:
                cpu_train(a.mnist, t, a.steps or 50)
        if a.what in ("infer", "all"):
            for t in threads:
                cpu_infer(a.mnist, t, a.runs)
        return

    precisions = a.precisions.split(",")
    for p in precisions:
        if p not in AUTOCAST_DTYPE:
            sys.exit(f"pytorch_peer: unknown precision {p!r} (f32, tf32, f16, bf16)")
    modes = ["eager"] if a.no_compile else ["eager", "compile"]
    noisy, clean = (t.cuda() for t in noisy_and_clean(a.mnist, TRAIN_IMAGES))
    if a.channels_last:
        noisy = noisy.contiguous(memory_format=torch.channels_last)
        clean = clean.contiguous(memory_format=torch.channels_last)
    # Eager cases first (seconds each), then torch.compile (a minute or more each, compiling
    # the forward and backward graphs) from the likely fastest precision down: under
    # gpu_check.sh's time limit, what gets cut is the slowest compiled case.
    speed_rank = {"bf16": 0, "f16": 1, "tf32": 2, "f32": 3}
    cases = [(p, "eager") for p in precisions]
    if "compile" in modes:
        cases += [(p, "compile") for p in sorted(precisions, key=speed_rank.get)]
    eager_failed = False
    for p, mode in cases:
        ok = True
        if a.what in ("train", "all"):
            ok &= run_or_skip("cuda-train", p, mode, lambda: cuda_train(
                noisy, clean, p, mode, a.steps or TRAIN_IMAGES // BATCH, a.channels_last))
        if a.what in ("infer", "all"):
            ok &= run_or_skip("cuda-infer", p, mode,
                              lambda: cuda_infer(noisy, p, mode, a.runs, a.channels_last))
        eager_failed |= mode == "eager" and not ok
    sys.exit(1 if eager_failed else 0)  # a compile skip alone is not an error


if __name__ == "__main__":
    main()
