#!/usr/bin/env python3
"""Turns the raw results of scripts/run_benchmarks.sh (bench/results/) into docs/benchmarks.md.
  scripts/write_benchmarks_md.py RESULTS_DIR TARGET_MD
"""
import json
import os
import platform
import re
import sys

# Compute counts, from docs/reference.md ("Compute per image").
MACS_PER_IMAGE = 55_271_312          # inference, every tap of the model (55.3 M)
ONEDNN_EXECUTED_MACS = 29_056_912    # the onednn backend, upsample convs polyphase (29.1 M)
FLOP_PER_TRAIN_IMAGE = 331_627_872   # forward + backward-data + backward-weights (332 M)
TRAIN_EXECUTED_FLOP = 174_341_472    # what host_train executes, polyphase too (174 M)

PEAK_COMMAND = "build/bench/peak_bench"
# peak.json keys: the preferred kernel first, then what a CPU without it falls back to.
INT8_PEAK_KEYS = [("int8_vnni_gmacs", "vpdpbusd zmm, 64 MAC each"),
                  ("int8_avxvnni_gmacs", "vpdpbusd ymm, 32 MAC each"),
                  ("int8_avx2_gmacs", "vpmaddubsw + vpmaddwd ymm, 32 MAC per pair")]
F32_PEAK_KEYS = [("f32_fma_gflops", "vfmadd231ps zmm, 32 FLOP each"),
                 ("f32_avx2_fma_gflops", "vfmadd231ps ymm, 16 FLOP each")]
BF16_PEAK_KEYS = [("bf16_dot_gflops", "vdpbf16ps zmm, 64 FLOP each")]


class Peak:
    """One measured peak of bench/results/peak.json, in operations per second."""

    def __init__(self, peak_json, keys):
        self.key, self.instruction = next(((k, i) for k, i in keys if peak_json.get(k)),
                                          (None, None))
        self.threads = peak_json["threads"]
        self.all = (peak_json[self.key] * 1e9) if self.key else None
        self.one = (peak_json["one_thread"][self.key] * 1e9) if self.key else None

    def at(self, threads):
        """The peak for `threads` threads: measured for one and for all, linear in between."""
        if threads == 1:
            return self.one
        if threads == self.threads:
            return self.all
        return self.all * threads / self.threads

    def share(self, ops_per_s, threads):
        return f"{100 * ops_per_s / self.at(threads):.0f}%" if self.key else "-"


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


def peer_torch_version(path):
    for line in open(path):
        m = re.match(r"PEER info torch=(\S+)", line)
        if m:
            return m[1]
    return None


def main(results, target):
    peak_json = json.load(open(os.path.join(results, "peak.json")))
    int8_peak = Peak(peak_json, INT8_PEAK_KEYS)
    f32_peak = Peak(peak_json, F32_PEAK_KEYS)
    bf16_peak = Peak(peak_json, BF16_PEAK_KEYS)
    bench = json.load(open(os.path.join(results, "runtime.json")))
    ours = {}
    for b in bench["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        m = re.match(r"denoise/(\w+)/batch:(\d+)/threads:(\d+)", b["name"])
        ours[(m[1], int(m[2]), int(m[3]))] = b
    peer_infer_path = os.path.join(results, "peer_infer.txt")
    peer = peer_lines(peer_infer_path, "infer")
    torch_version = peer_torch_version(peer_infer_path)
    pytorch = f"PyTorch {torch_version}" if torch_version else "PyTorch"
    cores = peak_json["threads"]
    machine = peak_json.get("cpu") or cpu_name()

    def peak_text(name, peak, unit):
        if not peak.key:
            return f"{name}: not measured (the CPU has none of the kernels)"
        return (f"{name} {peak.all / 1e9:.0f} {unit} on {cores} threads, "
                f"{peak.one / 1e9:.0f} on one (`{peak.key}`: {peak.instruction})")

    lines = ["# Benchmarks", "",
             f"Machine: {machine}, {cores} cores (shared, noisy VM). "
             "Produced by `scripts/run_benchmarks.sh` in one run: our figures and the "
             f"{pytorch} peer (`bench/pytorch_peer.py`, float32, same model) side by side. "
             "Medians of 5 repetitions (ours) and of the peer's runs; only the ratios "
             "measured in the same run mean much. The raw results are in `bench/results/`; "
             "`python3 scripts/write_benchmarks_md.py bench/results docs/benchmarks.md` "
             "rewrites this page from them.", "",
             f"Peaks measured on this machine in the same run by `{PEAK_COMMAND}` "
             "(`bench/peak_bench.cc`: register-only loops of independent multiply-add "
             f"instructions on every thread, best of {peak_json['runs']} runs of "
             f"{peak_json['seconds_per_run']:g} s; raw in "
             "`bench/results/peak.json`): "
             + "; ".join([peak_text("int8", int8_peak, "GMAC/s"),
                          peak_text("float32", f32_peak, "GFLOP/s"),
                          peak_text("bf16", bf16_peak, "GFLOP/s")])
             + ". A share of peak for n threads divides by the one-thread peak for one "
             "thread and by the all-thread peak for all.", "",
             "## Inference (denoise one 28x28 digit)", "",
             "GMAC/s counts the model's 55.3 M multiply-adds per image (`docs/reference.md`, "
             "\"Compute per image\"). The `onednn` backend runs the three upsample convs "
             f"polyphase and so executes only {ONEDNN_EXECUTED_MACS / 1e6:.1f} M per image; the "
             "last column is the share of the measured int8 peak those executed MACs use (a "
             "share counted with the model's MACs could pass 100%: it is not shown).", "",
             "| backend | batch | threads | ms per batch | images/s | PyTorch images/s | speed-up | GMAC/s (55.3 M/image) | executed MACs, of int8 peak |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (backend, batch, threads), b in sorted(ours.items()):
        ms = b["real_time"] / 1e6 if b["time_unit"] == "ns" else b["real_time"]
        ips = batch / (ms / 1e3)
        p = peer.get((threads, batch))
        pips = float(p["img_per_s"]) if p else None
        ratio = f"{ips / pips:.1f}x" if pips else "-"
        gmacs = ips * MACS_PER_IMAGE / 1e9
        executed = ONEDNN_EXECUTED_MACS if backend == "onednn" else MACS_PER_IMAGE
        peer_ips = f"{pips:.0f}" if pips else "-"
        lines.append(f"| {backend} | {batch} | {threads} | {ms:.3f} | {ips:.0f} | {peer_ips} | "
                     f"{ratio} | {gmacs:.0f} | {int8_peak.share(ips * executed, threads)} |")
    lines += ["", "PyTorch peer lines as printed:", "", "```"]
    lines += [l.rstrip() for l in open(os.path.join(results, "peer_infer.txt")) if l.startswith("PEER")]
    lines += ["```", "", "## Training (batch 128)", "",
              "GFLOP/s counts 332 MFLOP per image and step (`docs/reference.md`, \"Compute per "
              "image\": forward, backward-data and backward-weights of every conv). The trainer "
              "runs the upsample convs as polyphase convs too and executes about "
              f"{TRAIN_EXECUTED_FLOP / 1e6:.0f} MFLOP; the last column is the share of the "
              "measured peak of the trainer's precision (f32 FMA, or bf16 dot products) those use.",
              "",
              "| trainer | threads | images/s | PyTorch images/s | speed-up | GFLOP/s (332 M/image) | executed FLOP, of peak |",
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
        peak = bf16_peak if precision.endswith("bf16") else f32_peak
        share = peak.share(ips * TRAIN_EXECUTED_FLOP, threads)
        if share != "-":
            share += " of bf16" if peak is bf16_peak else " of f32"
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
