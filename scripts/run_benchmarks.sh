#!/usr/bin/env bash
# Runs every benchmark side by side with the PyTorch peer (bench/pytorch_peer.py) in one go,
# after measuring the machine's peak (build/bench/peak_bench). The raw results go to
# bench/results/ (committed: peak.json, runtime.json, runtime_no_vnni.json, peer_infer.txt,
# train.txt, peer_train.txt, and from scripts/run_load_benchmark.sh, run last, load_*) and
# docs/benchmarks.md is written from them. Needs a build (scripts/build.sh), MNIST, and for
# the peer Debian's python3-torch (installed here if missing). Takes about 15 minutes
# (DNZ_BENCH_ROUNDS, 3 by default: the training rounds).
#   scripts/run_benchmarks.sh [MODEL]      (default: models/default.dnz)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${1:-$root/models/default.dnz}"
peer="$root/bench/pytorch_peer.py"
out="$root/bench/results"
mkdir -p "$out"
"$root/scripts/fetch_mnist.sh" >/dev/null
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  apt-get install -y -qq python3-torch python3-numpy >/dev/null
fi

echo "bench: machine peak (int8 VNNI, f32 FMA, bf16; all threads and one)"
"$root/build/bench/peak_bench" >"$out/peak.json"
echo "bench: runtime (Google Benchmark)"
"$root/build/bench/runtime_bench" --model "$model" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_format=json >"$out/runtime.json"
echo "bench: runtime as on a CPU without VNNI (ONEDNN_MAX_CPU_ISA=AVX2: onednn splits)"
ONEDNN_MAX_CPU_ISA=AVX2 "$root/build/bench/runtime_bench" --model "$model" \
  --benchmark_filter='denoise/(onednn/batch:(1|128)/threads:(0|1)|ref)/' \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$out/runtime_no_vnni.json"
echo "bench: PyTorch peer, inference"
{ /usr/bin/python3 "$peer" --mnist "$root/data/mnist" info | grep '^PEER info'
  /usr/bin/python3 "$peer" --mnist "$root/data/mnist" --threads 1,2 infer; } | tee "$out/peer_infer.txt"
# Training: rounds of (ours in each precision, then the peer) per thread count, so that a
# noisy minute on this shared machine hits one round of both sides, not one side; the page
# quotes each configuration's median over the rounds.
rounds="${DNZ_BENCH_ROUNDS:-3}"
: >"$out/train.txt"
: >"$out/peer_train.txt"
for round in $(seq "$rounds"); do
  for t in 1 2; do
    echo "bench: trainer and PyTorch peer, round $round of $rounds, $t thread(s)"
    for precision in f32 bf16; do
      "$root/build/host_train/host_train" --bench-steps 20 --bench-profile --threads "$t" \
        --precision "$precision" --data "$root/data/mnist" | tee -a "$out/train.txt"
    done
    /usr/bin/python3 "$peer" --mnist "$root/data/mnist" --threads "$t" --steps 20 train \
      | tee -a "$out/peer_train.txt"
  done
done
"$root/scripts/run_load_benchmark.sh" "$model"
/usr/bin/python3 "$root/scripts/write_benchmarks_md.py" "$out" "$root/docs/benchmarks.md" \
  "$root/README.md"
echo "bench: wrote docs/benchmarks.md"
