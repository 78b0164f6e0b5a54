#!/usr/bin/env bash
# Benchmark: warm `chartship lint` against `helm lint` (helm 4.1.4) on a `helm create` chart.
# Runs the two alternately (so machine noise hits both alike) and prints both medians.
# Usage: bash tests/bench/lint-vs-helm.sh [runs]   (default 31)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-31}
TI=${CHARTSHIP_TESTINFRA:-$PWD/.testinfra}
helm4=${HELM4_BIN:-$TI/bin/helm4}
[ -x "$helm4" ] || bash tests/install-testinfra.sh
cargo build --release --locked -q -p chartship
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export HOME=$work HELM_CONFIG_HOME=$work/c HELM_CACHE_HOME=$work/ca HELM_DATA_HOME=$work/d
export CHARTSHIP_CACHE_DIR=$work/cache
(cd "$work" && "$helm4" create demo >/dev/null)
chart=$work/demo
cs=$PWD/target/release/chartship
"$cs" lint "$chart" >/dev/null   # warm: compiles and caches the guest once
python3 - "$runs" "$cs" "$helm4" "$chart" <<'PY'
import statistics, subprocess, sys, time
runs, cs, helm, chart = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
cmds = {"chartship lint": [cs, "lint", chart], "helm4 lint": [helm, "lint", chart]}
times = {k: [] for k in cmds}
for _ in range(runs):
    for name, cmd in cmds.items():
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times[name].append((time.perf_counter() - t) * 1000)
for name, ts in times.items():
    print(f"{name:15s} median {statistics.median(ts):7.1f} ms  (min {min(ts):.1f}, max {max(ts):.1f}, {runs} runs)")
c, h = (statistics.median(times[k]) for k in cmds)
print(f"chartship/helm: {c / h:.2f}")
PY
