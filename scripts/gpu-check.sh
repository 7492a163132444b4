#!/usr/bin/env bash
# The GPU path of the native backend, as one short check for an NVIDIA machine (issue 17):
#   1. `npm run setup:native -- --gpu`: @tensorflow/tfjs-node-gpu built against TensorFlow's
#      `tensorflow` wheel (the Linux wheel carries CUDA support);
#   2. the CUDA libraries TensorFlow's `and-cuda` extra names (pip's nvidia-* wheels), installed
#      into the cache beside the wheel, on LD_LIBRARY_PATH;
#   3. the matrix reproduction at a small budget on node-gpu, twice (main thread, then worker
#      threads), and once on wasm for comparison: wall times and result digests printed.
# Run from the repository root after `npm ci`. Needs Python 3 with pip, g++, make, an NVIDIA
# driver. Prints what it finds; exits non-zero if the two node-gpu runs differ.
set -euo pipefail
cd "$(dirname "$0")/.."

TF_VERSION="${TF_VERSION:-2.21.0}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/fsv-ts/tensorflow-$TF_VERSION"
STEPS="${STEPS:-2000}"

echo "== GPU"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi not found"

echo "== build: npm run setup:native -- --gpu --tensorflow $TF_VERSION"
npm run setup:native -- --gpu --tensorflow "$TF_VERSION"

echo "== CUDA libraries from TensorFlow's and-cuda extra"
python3 - "$CACHE" <<'PY'
import glob, os, subprocess, sys, zipfile
cache = sys.argv[1]
wheel = sorted(glob.glob(os.path.join(cache, "tensorflow-*.whl")))[-1]
with zipfile.ZipFile(wheel) as z:
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    lines = z.read(meta).decode().splitlines()
reqs = [l.split(":", 1)[1].split(";")[0].strip() for l in lines
        if l.startswith("Requires-Dist:") and 'extra == "and-cuda"' in l]
print("and-cuda:", " ".join(reqs))
target = os.path.join(cache, "cuda")
if reqs and not os.path.isdir(target):
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "--target", target, *reqs])
PY
CUDA_LIBS=$(find "$CACHE/cuda/nvidia" -maxdepth 2 -name lib -type d 2>/dev/null | tr '\n' ':')
export LD_LIBRARY_PATH="${CUDA_LIBS}${LD_LIBRARY_PATH:-}"
export TF_CPP_MIN_LOG_LEVEL=1 # show TensorFlow's device placement warnings

run() { # backend jobs
  local store; store=$(mktemp -d)
  local t0=$SECONDS
  local dir
  dir=$(FSV_JOBS="$2" node src/cli/main.ts reproduce matrix --seeds 2 --steps "$STEPS" --backend "$1" --store "$store" | tail -1)
  local digest; digest=$(sha256sum "$dir/result.json" | cut -c1-16)
  echo "$1 FSV_JOBS=$2: $((SECONDS - t0)) s, result.json $digest" >&2
  echo "$digest"
}

echo "== fsv reproduce matrix --seeds 2 --steps $STEPS"
a=$(run node-gpu 1)
b=$(run node-gpu 2)
run wasm 2 >/dev/null
if [ "$a" != "$b" ]; then
  echo "node-gpu: the two runs differ ($a, $b): not bit-exact across processes" >&2
  exit 1
fi
echo "node-gpu: both runs give the same bytes"
