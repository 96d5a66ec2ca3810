#!/usr/bin/env python3
"""The GPU section of docs/benchmarks.md, from what scripts/gpu_check.sh wrote on a GPU machine.

  scripts/gpu_benchmarks_md.py GPU_DIR        prints the section (Markdown)

GPU_DIR holds gpu_check's small files, as committed under bench/results/gpu/: nvidia-smi.txt,
summary.txt, bench_<precision>_graph_<on|off>.log, pytorch_peer.log, train.log, export.log.
scripts/write_benchmarks_md.py calls gpu_section() for docs/benchmarks.md. Nothing here is
measured: every figure comes from those files, and a missing file leaves its rows out.
"""
import os
import re
import statistics
import sys

TRAIN_IMAGES = 60_000
TRAIN_EXECUTED_FLOP = 174_341_472  # per image and step, as write_benchmarks_md.py counts it

# Spec-sheet peaks (dense, boost clock) by the name nvidia-smi prints: f32 on CUDA cores (our
# f32 convolutions are forced onto them, CUDNN_FMA_MATH), f16/bf16 on tensor cores, and memory
# bandwidth. Sources: NVIDIA's H100, H200 and T4 datasheets.
GPU_PEAKS = [
    # (name pattern, f32 TFLOP/s, f16 tensor TFLOP/s, bf16 tensor TFLOP/s, TB/s)
    (r"H100.*PCIe", 51.2, 756.5, 756.5, 2.0),
    (r"H100 NVL", 60.0, 835.0, 835.0, 3.9),
    (r"H100", 66.9, 989.4, 989.4, 3.35),  # SXM5 ("NVIDIA H100 80GB HBM3")
    (r"H200 NVL", 60.0, 835.0, 835.0, 4.8),
    (r"H200", 66.9, 989.4, 989.4, 4.8),
    (r"T4", 8.1, 65.0, None, 0.32),  # Colab's GPU: no bf16
]
T4 = next(p for p in GPU_PEAKS if p[0] == r"T4")
REFERENCE_T4_S_PER_EPOCH = 8.0  # the Keras reference on Colab's T4 (docs/reference.md)


def peaks_for(name):
    return next((p for p in GPU_PEAKS if re.search(p[0], name)), None)


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def fields(line):
    """key=value and key="quoted value" pairs of one BENCH or PEER line."""
    return {k: (q if q else v) for k, q, v in re.findall(r'(\w+)=(?:"([^"]*)"|(\S+))', line)}


def our_rows(gpu_dir):
    rows = []
    for graph in ("on", "off"):
        for precision in ("f32", "f16", "bf16"):
            text = read(os.path.join(gpu_dir, f"bench_{precision}_graph_{graph}.log"))
            line = next((l for l in text.splitlines() if l.startswith("BENCH train")), None)
            if line is None:
                if text:
                    rows.append({"precision": precision, "graph": graph,
                                 "failed": text.strip().splitlines()[-1][:160]})
                continue
            f = fields(line)
            rows.append({"precision": precision, "graph": graph, "img_per_s": float(f["img_per_s"]),
                         "step_ms": float(f["median_step_ms"]), "launch": f.get("launch", "?"),
                         "device": f.get("device", ""), "batch": f.get("batch", "?")})
    return rows


def peer_rows(gpu_dir):
    rows, skips = [], []
    for line in read(os.path.join(gpu_dir, "pytorch_peer.log")).splitlines():
        if line.startswith("PEER cuda-train"):
            f = fields(line)
            rows.append({"precision": f["precision"], "mode": f["mode"],
                         "img_per_s": float(f["img_per_s"])})
        elif line.startswith("PEER skip cuda-train"):
            skips.append(line)
    return rows, skips


def stage_profile(text):
    """host_train --bench-profile's PROFILE lines: ({stage: (ms per step, share %)}, stage
    order, the total line's fields); empty where the text has none."""
    stages, order, total = {}, [], {}
    for line in text.splitlines():
        if not line.startswith("PROFILE "):
            continue
        f = fields(line)
        if f.get("stage") == "total":
            total = f
        elif "stage" in f:
            stages[f["stage"]] = (float(f["ms_per_step"]), float(f["share"].rstrip("%")))
            order.append(f["stage"])
    return stages, order, total


def stage_table(columns):
    """A Markdown table of stage times, one column per (label, stage_profile(...)) with
    PROFILE lines; the total row sets the stage-timed step beside the untimed one."""
    columns = [(label, p) for label, p in columns if p[0]]
    if not columns:
        return []
    order = columns[0][1][1]
    lines = ["| stage | " + " | ".join(label for label, _ in columns) + " |",
             "| --- |" + " --- |" * len(columns)]
    for stage in order:
        cells = []
        for _, (stages, _, _) in columns:
            ms, share = stages.get(stage, (float("nan"), float("nan")))
            cells.append(f"{ms:.3f} ms ({share:.1f}%)")
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    totals = [f"{float(t.get('ms_per_step', 'nan')):.3f} ms (untimed "
              f"{float(t.get('untimed_step_ms', 'nan')):.3f} ms)" for _, (_, _, t) in columns]
    lines.append("| **step** | " + " | ".join(totals) + " |")
    return lines + [""]


def gpu_name(gpu_dir):
    first = read(os.path.join(gpu_dir, "nvidia-smi.txt")).splitlines()
    return first[0].split(",")[0].strip() if first else "unknown GPU"


def share_of_peak(img_per_s, precision, peaks):
    if peaks is None:
        return "-"
    peak = {"f32": peaks[1], "f16": peaks[2], "bf16": peaks[3]}[precision]
    if not peak:
        return "-"
    return f"{100 * img_per_s * TRAIN_EXECUTED_FLOP / (peak * 1e12):.1f}% of {peak:g} TFLOP/s"


def training_run(gpu_dir):
    """The training run's first line (what trained where), its epoch lines, their times,
    and the export's lines."""
    log = read(os.path.join(gpu_dir, "train.log")).splitlines()
    setup = next((l for l in log if l.startswith("host_train: ")), "")
    epochs = [l for l in log if re.match(r"epoch \d+/\d+  train", l)]
    seconds = [float(m[1]) for l in epochs if (m := re.search(r"([\d.]+) s$", l))]
    export = {}
    for line in read(os.path.join(gpu_dir, "export.log")).splitlines():
        m = re.match(r"(float|int8)\s+\(([^)]*)\): BCE ([\d.]+)\s+PSNR ([\d.]+) dB\s+SSIM ([\d.]+)",
                     line)
        if m:
            export[m[1]] = {"backend": m[2], "bce": float(m[3]), "psnr": float(m[4]),
                            "ssim": float(m[5])}
    return setup, epochs, seconds, export


def gpu_section(gpu_dir):
    if not os.path.exists(os.path.join(gpu_dir, "summary.txt")):
        return ["## Training on the GPU", "",
                "Not run on a GPU yet: `scripts/gpu_check.sh` has not run (`docs/gpu.md`).", ""]
    name = gpu_name(gpu_dir)
    peaks = peaks_for(name)
    summary = read(os.path.join(gpu_dir, "summary.txt")).splitlines()
    when = next((l.strip("= ").replace("gpu_check ", "") for l in summary
                 if l.startswith("== gpu_check") and "done" not in l), "")
    ours = our_rows(gpu_dir)
    peer, skips = peer_rows(gpu_dir)
    batches = sorted({r["batch"] for r in ours if "batch" in r})
    peer_said = ("the PyTorch peer (`bench/pytorch_peer.py`) ran in the same script on the same "
                 "GPU" if peer else "the PyTorch peer did not run")
    lines = ["## Training on the GPU", "",
             f"One run of `scripts/gpu_check.sh` on one **{name}** ({when}); {peer_said}. "
             f"Batch {' and '.join(batches) or '?'}; our steps draw fresh noise on the GPU each "
             "step, the peer's use a fixed noisy set. Seconds per epoch = 60,000 / images per "
             "second (training steps only). Share of peak: executed FLOP (174 M per image and "
             "step) against the spec-sheet dense peak of the precision's units.", "",
             "| trainer | precision | steps | images/s | s/epoch | median step | share of peak |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in ours:
        if "failed" in r:
            lines.append(f"| host_train | {r['precision']} | graph {r['graph']} | failed: "
                         f"{r['failed']} | | | |")
            continue
        lines.append(f"| host_train | {r['precision']} | {r['launch']} | {r['img_per_s']:,.0f} | "
                     f"{TRAIN_IMAGES / r['img_per_s']:.3f} | {r['step_ms']:.3f} ms | "
                     f"{share_of_peak(r['img_per_s'], r['precision'], peaks)} |")
    for r in peer:
        lines.append(f"| PyTorch ({r['mode']}) | {r['precision']} | - | {r['img_per_s']:,.0f} | "
                     f"{TRAIN_IMAGES / r['img_per_s']:.3f} | - | "
                     f"{share_of_peak(r['img_per_s'], r['precision'], peaks)} |")
    lines.append("")
    measured = [r for r in ours if "img_per_s" in r]
    if measured and peer:
        best = max(measured, key=lambda r: r["img_per_s"])
        best_peer = max(peer, key=lambda r: r["img_per_s"])
        lines.append(f"Fastest: host_train {best['precision']} ({best['launch']}), "
                     f"{TRAIN_IMAGES / best['img_per_s']:.3f} s per epoch, "
                     f"{best['img_per_s'] / best_peer['img_per_s']:.2f}x the fastest PyTorch case "
                     f"({best_peer['mode']} {best_peer['precision']}, "
                     f"{best_peer['img_per_s']:,.0f} images/s). Goals: at most 0.5 s per epoch on "
                     "an H100, at least 3x PyTorch.")
        for precision in ("f32", "f16", "bf16"):
            on = next((r for r in measured if r["precision"] == precision and r["graph"] == "on"),
                      None)
            off = next((r for r in measured
                        if r["precision"] == precision and r["graph"] == "off"), None)
            if on and off:
                lines.append(f"- {precision}: CUDA graphs {on['img_per_s'] / off['img_per_s']:.2f}x "
                             "the direct launches.")
        lines.append("")
    profiles = [(p, stage_profile(read(os.path.join(gpu_dir, f"bench_{p}_graph_off.log"))))
                for p in ("f32", "f16", "bf16")]
    table = stage_table(profiles)
    if table:
        lines += ["### Where a step's time goes", "",
                  "`host_train --bench-profile` on the direct-launch runs above: the same steps "
                  "again, each stage between two CUDA events (GPU time per step, its share of "
                  "the stages' sum). A layer's forward holds its upsample, bias, activation and "
                  "pool; its backward runs down to the gradient at the previous conv's output; "
                  "setup is the batch's noise and the weights' aligned copy. The step row sets "
                  "the stages' sum beside the untimed step, which also holds the gaps between "
                  "kernels.", ""] + table
    f16 = next((r for r in measured if r["precision"] == "f16" and r["graph"] == "on"), None)
    if f16 and peaks:
        compute = peaks[2] / T4[2]
        memory = peaks[4] / T4[4]
        low, high = sorted((compute, memory))
        lines += [f"**T4 estimate (not measured).** Colab's T4 has f16 tensor cores and no bf16, "
                  f"so it would run f16. Our f16 steps here take "
                  f"{TRAIN_IMAGES / f16['img_per_s']:.3f} s per epoch. A T4 has {1 / compute:.3f} "
                  f"of this GPU's f16 tensor peak ({T4[2]:g} against {peaks[2]:g} TFLOP/s) and "
                  f"{1 / memory:.3f} of its memory bandwidth ({T4[4]:g} against {peaks[4]:g} "
                  f"TB/s). Scaling the epoch by those ratios gives "
                  f"{TRAIN_IMAGES / f16['img_per_s'] * low:.2f} to "
                  f"{TRAIN_IMAGES / f16['img_per_s'] * high:.2f} s per epoch on a T4, against the "
                  f"reference's {REFERENCE_T4_S_PER_EPOCH:g} s there. Launch costs do not "
                  "shrink with the GPU, so a step bound by them would scale less.", ""]
    setup, epochs, seconds, export = training_run(gpu_dir)
    planned = re.search(r"-- training: (\d+) epochs", "\n".join(summary))
    lines += [f"### The {planned[1] if planned else '?'}-epoch run", ""]
    if setup:
        lines.append(f"`{setup}`")
        lines.append("")
    if epochs:
        lines.append(f"`{epochs[-1]}` (last epoch); median epoch time "
                     f"{statistics.median(seconds):.2f} s including validation.")
        done, planned_epochs = re.match(r"epoch (\d+)/(\d+)", epochs[-1]).groups()
        if done != planned_epochs:
            lines.append(f"**Only {done} of {planned_epochs} epochs finished** within the check's "
                         "time budget (`DNZ_GPU_CHECK_SECONDS`); the figures below are those of "
                         "the checkpoint it saved.")
    else:
        lines.append("No epoch finished (see `bench/results/gpu/train.log`).")
    if "float" in export and "int8" in export:
        loss = export["float"]["psnr"] - export["int8"]["psnr"]
        lines += ["", "| path | BCE | PSNR | SSIM |", "| --- | --- | --- | --- |"]
        for kind in ("float", "int8"):
            e = export[kind]
            lines.append(f"| {kind} ({e['backend']}) | {e['bce']:.4f} | {e['psnr']:.2f} dB | "
                         f"{e['ssim']:.4f} |")
        lines += ["", f"int8 costs {loss:.2f} dB of PSNR (goal: at most 0.15 dB); float test BCE "
                  f"{export['float']['bce']:.4f} (goal: at most 0.110)."]
        if read(os.path.join(gpu_dir, "export.log")).startswith("exported by gpu_check import"):
            lines.append("The export (quantization and evaluation, CPU work) ran on the build "
                         "machine, from the GPU run's checkpoint: it did not finish on the GPU "
                         "machine within the run's time.")
    lines.append("")
    if skips:
        lines += ["PyTorch cases that did not run:", "", "```"] + skips + ["```", ""]
    raw = [l for r in ("on", "off") for p in ("f32", "f16", "bf16")
           for l in read(os.path.join(gpu_dir, f"bench_{p}_graph_{r}.log")).splitlines()
           if l.startswith("BENCH") or "CUDA graph" in l or 'stage="total"' in l]
    raw += [l for l in read(os.path.join(gpu_dir, "pytorch_peer.log")).splitlines()
            if l.startswith("PEER")]
    if raw:
        lines += ["Raw lines:", "", "```"] + raw + ["```", ""]
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print("\n".join(gpu_section(sys.argv[1])))
