#!/usr/bin/env python3
"""Turns the raw results of scripts/run_benchmarks.sh into docs/benchmarks.md."""
import json
import os
import platform
import re
import subprocess
import sys

MACS_PER_IMAGE = 55.3e6     # SEED.md, inference
# What the onednn backend executes when the three upsample convs run polyphase
# (docs/runtime.md): 8.09 M in the other convs + 4/9 of 47.19 M.
ONEDNN_EXECUTED_MACS = 8.086e6 + 47.186e6 * 4 / 9
FLOP_PER_TRAIN_IMAGE = 332e6  # SEED.md, forward + backward
# What host_train executes: its upsample convs run as parity convs too (4/9 of their work).
TRAIN_EXECUTED_FLOP = FLOP_PER_TRAIN_IMAGE * ONEDNN_EXECUTED_MACS / MACS_PER_IMAGE
# Peak assumptions (stated in the output): per core and cycle, two 512-bit VNNI
# instructions (2 x 64 int8 MACs) and two 512-bit FMAs (2 x 16 x 2 FLOP).
INT8_MACS_PER_CYCLE = 128
F32_FLOP_PER_CYCLE = 64


def cpu_ghz():
    for line in open("/proc/cpuinfo"):
        if line.startswith("cpu MHz"):
            return float(line.split(":", 1)[1]) / 1000
    return float("nan")


def cpu_name():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def peer_lines(path, kind):
    rows = {}
    for line in open(path):
        if not line.startswith(f"PEER {kind}"):
            continue
        fields = dict(f.split("=") for f in line.split()[2:])
        rows[(int(fields["threads"]), int(fields.get("batch", 128)))] = fields
    return rows


def main(results, target):
    bench = json.load(open(os.path.join(results, "runtime.json")))
    ours = {}
    for b in bench["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        m = re.match(r"denoise/(\w+)/batch:(\d+)/threads:(\d+)", b["name"])
        ours[(m[1], int(m[2]), int(m[3]))] = b
    peer = peer_lines(os.path.join(results, "peer_infer.txt"), "infer")
    ghz, cores = cpu_ghz(), os.cpu_count()
    int8_peak = cores * ghz * 1e9 * INT8_MACS_PER_CYCLE
    f32_peak = cores * ghz * 1e9 * F32_FLOP_PER_CYCLE
    lines = ["# Benchmarks", "",
             f"Machine: {cpu_name()}, {os.cpu_count()} cores (shared, noisy VM). "
             "Produced by `scripts/run_benchmarks.sh` in one run: our figures and the PyTorch "
             "1.13 peer (`../shared/peers/pytorch_peer.py`, float32, same model) side by side. "
             "Medians of 5 repetitions (ours) and of the peer's runs; only the ratios "
             "measured in the same run mean much.", "",
             f"Peaks assumed for this {cores}-core machine at {ghz:.2f} GHz: int8 "
             f"{int8_peak / 1e9:.0f} GMAC/s ({INT8_MACS_PER_CYCLE} MAC per cycle per core: two "
             f"512-bit VNNI per cycle), float32 {f32_peak / 1e9:.0f} GFLOP/s "
             f"({F32_FLOP_PER_CYCLE} FLOP per cycle per core: two 512-bit FMA). One thread "
             "can use half of each.", "",
             "## Inference (denoise one 28x28 digit)", "",
             "GMAC/s counts the model's 55.3 M multiply-adds per image (SEED.md). The `onednn` backend "
             "runs the three upsample convs polyphase and so executes only "
             f"{ONEDNN_EXECUTED_MACS / 1e6:.1f} M per image; the last column is the share of the "
             "int8 peak those executed MACs use.", "",
             "| backend | batch | threads | ms per batch | images/s | PyTorch images/s | speed-up | GMAC/s (55.3 M/image) | of int8 peak | executed MACs, of int8 peak |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (backend, batch, threads), b in sorted(ours.items()):
        ms = b["real_time"] / 1e6 if b["time_unit"] == "ns" else b["real_time"]
        ips = batch / (ms / 1e3)
        p = peer.get((threads, batch))
        pips = float(p["img_per_s"]) if p else None
        ratio = f"{ips / pips:.1f}x" if pips else "-"
        gmacs = ips * MACS_PER_IMAGE / 1e9
        peak_share = gmacs * 1e9 / (int8_peak * threads / cores)
        executed = ONEDNN_EXECUTED_MACS if backend == "onednn" else MACS_PER_IMAGE
        executed_share = ips * executed / (int8_peak * threads / cores)
        peer_ips = f"{pips:.0f}" if pips else "-"
        lines.append(f"| {backend} | {batch} | {threads} | {ms:.3f} | {ips:.0f} | {peer_ips} | "
                     f"{ratio} | {gmacs:.0f} | {100 * peak_share:.0f}% | "
                     f"{100 * executed_share:.0f}% |")
    lines += ["", "PyTorch peer lines as printed:", "", "```"]
    lines += [l.rstrip() for l in open(os.path.join(results, "peer_infer.txt")) if l.startswith("PEER")]
    lines += ["```", "", "## Training (batch 128)", "",
              "GFLOP/s counts SEED.md's 332 MFLOP per image and step. The trainer runs the upsample "
              "convs as parity convs too and executes about "
              f"{TRAIN_EXECUTED_FLOP / 1e6:.0f} MFLOP; the last column is the share of the f32 "
              "peak those use.", "",
              "| trainer | threads | images/s | PyTorch images/s | speed-up | GFLOP/s (332 M/image) | executed FLOP, of f32 peak |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    tpeer = peer_lines(os.path.join(results, "peer_train.txt"), "train")
    for line in open(os.path.join(results, "train.txt")):
        if not line.startswith("BENCH train"):
            continue
        ips = float(re.search(r"img_per_s=([\d.]+)", line)[1])
        threads = int(re.search(r"(\d+) threads?\b", line)[1])
        precision = re.search(r"backend=(\S+)", line)[1]
        p = tpeer.get((threads, 128))
        pips = float(p["img_per_s"]) if p else float("nan")
        gflops = ips * FLOP_PER_TRAIN_IMAGE / 1e9
        executed = ips * TRAIN_EXECUTED_FLOP
        share = (f"{100 * executed / (f32_peak * threads / cores):.0f}%"
                 if precision.endswith("f32") else "- (bf16 peak is higher)")
        lines.append(f"| host_train {precision} | {threads} | {ips:.0f} | {pips:.0f} | "
                     f"{ips / pips:.2f}x | {gflops:.0f} | {share} |")
    lines += ["", "Raw lines:", "", "```"]
    lines += [l.rstrip() for l in open(os.path.join(results, "train.txt")) if l.startswith("BENCH")]
    lines += [l.rstrip() for l in open(os.path.join(results, "peer_train.txt")) if l.startswith("PEER")]
    lines += ["```", ""]
    tmp = target + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines))
    os.replace(tmp, target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
