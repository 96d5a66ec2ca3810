#!/usr/bin/env python3
"""What `import dnz` costs over the C API (a benchmark, not a test): per-call time for one
image and images/s for batches of 128, the package's Session.run against runtime_bench's
dnz_run_u8 loop on the same model, backend (onednn), batch and threads, rounds interleaved.
The per-call overhead is measured apart, in one process on one session: Session.run against
the same session's dnz_run_u8 called from C++ (Session._c_api_seconds), in short alternating
stretches, the median of the differences: a shared machine's noise then mostly cancels.

  PYTHONPATH=build/python python3 bench/python_bench.py build/bench/runtime_bench models/default.dnz [ROUNDS]

Prints one line per measurement and a summary (docs/benchmarks.md, "The Python package").
"""

import json
import statistics
import subprocess
import sys
import time

import numpy as np

import dnz


def c_api(bench, model, batch, threads):
    """runtime_bench's real time per call (seconds) for denoise/onednn at batch and threads."""
    name = f"denoise/onednn/batch:{batch}/threads:{threads}"
    out = subprocess.run(
        [bench, "--model", model, f"--benchmark_filter=^{name}/", "--benchmark_format=json",
         "--benchmark_min_time=1"],
        check=True, capture_output=True, text=True)
    runs = [b for b in json.loads(out.stdout)["benchmarks"] if b["name"].startswith(name)]
    return runs[0]["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3}[runs[0]["time_unit"]]


def python(model, batch, threads, seconds=1.0, use_out=True):
    """Session.run's wall time per call (seconds), the same random pixels as runtime_bench."""
    session = dnz.Session(model, backend="onednn", max_batch=batch, threads=threads)
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (batch, 28, 28), dtype=np.uint8) if batch > 1 else \
        rng.integers(0, 256, (28, 28), dtype=np.uint8)
    out = np.empty_like(x)
    run = (lambda: session.run(x, out=out)) if use_out else (lambda: session.run(x))
    for _ in range(20):
        run()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50 if batch == 1 else 1):
            run()
            calls += 1
    return (time.perf_counter() - start) / calls


def overhead(model, backend="onednn", stretches=200, calls=50):
    """Median over alternating stretches of (Session.run - dnz_run_u8 from C++) per call, one
    image, on one session (seconds), and the C API's median per-call time."""
    session = dnz.Session(model, backend=backend, max_batch=1, threads=1)
    x = np.random.default_rng(3).integers(0, 256, (28, 28), dtype=np.uint8)
    out = np.empty_like(x)
    for _ in range(50):
        session.run(x, out=out)
    diffs, c_times = [], []
    for _ in range(stretches):
        c = session._c_api_seconds(x, calls) / calls
        start = time.perf_counter()
        for _ in range(calls):
            session.run(x, out=out)
        p = (time.perf_counter() - start) / calls
        diffs.append(p - c)
        c_times.append(c)
    return statistics.median(diffs), statistics.median(c_times)


def main(bench, model_path, rounds=3):
    model = dnz.Model(model_path)
    added, c_call = overhead(model)
    print(f"per-call overhead, one image, onednn, 1 thread, one session: {added * 1e6:.2f} us "
          f"(Session.run(out=) minus dnz_run_u8 from C++, median of 200 alternating stretches "
          f"of 50 calls; the C API's call {c_call * 1e6:.1f} us)", flush=True)
    rows = {}
    for r in range(int(rounds)):
        for batch, threads in ((1, 1), (128, 1), (128, 2)):
            c = c_api(bench, model_path, batch, threads)
            p = python(model, batch, threads)
            p_alloc = python(model, batch, threads, use_out=False) if batch == 1 else p
            rows.setdefault((batch, threads), []).append((c, p, p_alloc))
            print(f"round {r} batch {batch} threads {threads}: C API {c * 1e6:.2f} us/call, "
                  f"dnz.Session.run(out=) {p * 1e6:.2f} us/call, run() {p_alloc * 1e6:.2f} us/call",
                  flush=True)
    print("summary (medians over rounds):")
    for (batch, threads), values in rows.items():
        c = statistics.median(v[0] for v in values)
        p = statistics.median(v[1] for v in values)
        pa = statistics.median(v[2] for v in values)
        if batch == 1:
            print(f"  one image, {threads} thread: C API {c * 1e6:.1f} us, Python {p * 1e6:.1f} us "
                  f"with out= (overhead {(p - c) * 1e6:.1f} us), {pa * 1e6:.1f} us allocating "
                  f"(overhead {(pa - c) * 1e6:.1f} us)")
        else:
            print(f"  batch {batch}, {threads} thread(s): C API {batch / c:,.0f} images/s, "
                  f"Python {batch / p:,.0f} images/s ({p / c - 1:+.1%} time)")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(*sys.argv[1:])
