#!/usr/bin/env python3
"""scripts/gpu_benchmarks_md.py on a made-up gpu_check folder: the GPU section of
docs/benchmarks.md shows the figures of the files it is given, and says "not run" without them.
The lines below are in the formats host_train, bench/pytorch_peer.py and gpu_check.sh print."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from gpu_benchmarks_md import gpu_section  # noqa: E402

BENCH = ('BENCH train backend=cudnn-{p} device="cuda NVIDIA H100 80GB HBM3 (sm_90, 79 GiB), '
         'cuDNN 9.10.2" batch=128 img_per_s={ips} median_step_ms={ms} omp_wait=default '
         'data=device launch="{launch}"')
PROFILE = 'PROFILE backend=cudnn-f16 steps=203 stage="{stage}" ms_per_step={ms} share={share}%'
FILES = {
    "nvidia-smi.txt": "NVIDIA H100 80GB HBM3, 81559 MiB, 550.54.15, 1980 MHz\n",
    "summary.txt": "== gpu_check 2026-12-01T10:00:00Z ==\n"
                   "-- training: 50 epochs on the GPU, precision auto\n"
                   "== gpu_check done: exit 0 ==\n",
    "bench_f32_graph_on.log": BENCH.format(p="f32", ips="120000.0", ms="1.067", launch="graph"),
    "bench_f16_graph_on.log": BENCH.format(p="f16", ips="240000.0", ms="0.533", launch="graph"),
    "bench_bf16_graph_on.log": "host_train: cuda: cudaMalloc: cudaErrorMemoryAllocation (out of memory)\n",
    "bench_f16_graph_off.log": BENCH.format(p="f16", ips="160000.0", ms="0.800", launch="direct")
    + "\n" + "\n".join(PROFILE.format(stage=stage, ms=ms, share=share) for stage, ms, share in (
        ("setup", "0.0100", "1.3"), ("layer 1 forward", "0.0500", "6.3"),
        ("layer 12 backward", "0.7300", "92.4")))
    + "\n" + PROFILE.format(stage="total", ms="0.7900", share="100.0") + " untimed_step_ms=0.800\n",
    "pytorch_peer.log": "PEER cuda-train precision=f16 mode=eager batch=128 steps=468 "
                        "img_per_s=60000.0 s_per_epoch=1.000 step_ms=2.133\n"
                        "PEER skip cuda-train precision=f16 mode=compile reason: RuntimeError: x\n",
    "train.log": "host_train: cudnn-f16 on cuda NVIDIA H100 80GB HBM3 (sm_90, 79 GiB), cuDNN "
                 "9.10.2; 60000 training images, batch 128\n"
                 "epoch 1/50  train BCE 0.1800  val BCE 0.1600  val PSNR 15.00 dB  1.5 s\n"
                 "epoch 2/50  train BCE 0.1300  val BCE 0.1250  val PSNR 16.80 dB  1.1 s\n"
                 "epoch 3/50  train BCE 0.1100  val BCE 0.1080  val PSNR 18.70 dB  1.2 s\n",
    "export.log": "float (float): BCE 0.1079  PSNR 18.70 dB  SSIM 0.8160\n"
                  "int8  (onednn): BCE 0.1100  PSNR 18.58 dB  SSIM 0.8170\n",
}


def main():
    with tempfile.TemporaryDirectory() as empty:
        text = "\n".join(gpu_section(empty))
        assert "Not run on a GPU yet" in text, text
    with tempfile.TemporaryDirectory() as folder:
        for name, content in FILES.items():
            with open(os.path.join(folder, name), "w") as f:
                f.write(content)
        text = "\n".join(gpu_section(folder))
    expected = [
        "**NVIDIA H100 80GB HBM3** (2026-12-01T10:00:00Z); the PyTorch peer",
        "Batch 128; our steps",
        "### The 50-epoch run",
        "`host_train: cudnn-f16 on cuda NVIDIA H100 80GB HBM3 (sm_90, 79 GiB), cuDNN 9.10.2;",
        "| host_train | f16 | graph | 240,000 | 0.250 | 0.533 ms | 4.2% of 989.4 TFLOP/s |",
        "| host_train | f32 | graph | 120,000 | 0.500 | 1.067 ms | 31.3% of 66.9 TFLOP/s |",
        "| host_train | bf16 | graph on | failed: host_train: cuda: cudaMalloc:",
        "| host_train | f16 | direct | 160,000 | 0.375 |",
        "| PyTorch (eager) | f16 | - | 60,000 | 1.000 |",
        "4.00x the fastest PyTorch case (eager f16, 60,000 images/s)",
        "- f16: CUDA graphs 1.50x the direct launches.",
        # T4: 65/989.4 of the tensor peak, 0.32/3.35 of the bandwidth: 0.25 s scaled by 10.47
        # (bandwidth) to 15.22 (compute).
        "gives 2.62 to 3.81 s per epoch on a T4",
        "`epoch 3/50  train BCE 0.1100  val BCE 0.1080  val PSNR 18.70 dB  1.2 s` (last epoch); "
        "median epoch time 1.20 s",
        "| int8 (onednn) | 0.1100 | 18.58 dB | 0.8170 |",
        "int8 costs 0.12 dB of PSNR (goal: at most 0.15 dB); float test BCE 0.1079",
        "PEER skip cuda-train precision=f16 mode=compile",
        "| stage | f16 |",
        "| layer 12 backward | 0.730 ms (92.4%) |",
        "| **step** | 0.790 ms (untimed 0.800 ms) |",
    ]
    missing = [e for e in expected if e not in text]
    if missing:
        print(text)
        sys.exit("check_gpu_benchmarks_md: not in the section:\n  " + "\n  ".join(missing))
    print("check_gpu_benchmarks_md: ok")


if __name__ == "__main__":
    main()
