#!/usr/bin/env bash
# The secrets rule's cost, side by side: the same doors on the same fixtures with `secrets` on
# (warn, as in the presets) and off. Called by run.sh after the main figures; standalone:
#   npm run build && bash bench/secrets.sh [WORK] [RESULTS] [RUNS]
# Results: bench/results/secrets-{pre-commit,pre-receive}.json and secrets.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${1:-${BENCH_WORK:-$ROOT/bench/.work}}
RESULTS=${2:-$ROOT/bench/results}
RUNS=${3:-${BENCH_RUNS:-20}}
CLI=$ROOT/dist/cli.js
mkdir -p "$RESULTS"
[ -d "$WORK/server.git" ] || node bench/fixtures.mjs "$WORK" --commits "${BENCH_COMMITS:-2000}" --files "${BENCH_FILES:-10000}"
export HOME=$WORK GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES

for state in on off; do
  rules=''
  [ "$state" = off ] && rules=$'\nrules:\n  secrets: off'
  printf 'extends: [agenttrader-v2]\nlimits:\n  deadline_ms:\n    pre-receive: 120000%s\n' "$rules" > "$WORK/secrets-$state.yaml"
  cp "$WORK/secrets-$state.yaml" "$WORK/commit10/secrets-$state.yaml"
done

echo "== secrets on vs off: pre-commit, 10 staged files"
(cd "$WORK/commit10" && hyperfine -N -i --warmup 5 --runs "$RUNS" --export-json "$RESULTS/secrets-pre-commit.json" \
   -n 'pre-commit, secrets on' "node $CLI hook pre-commit --config secrets-on.yaml" \
   -n 'pre-commit, secrets off' "node $CLI hook pre-commit --config secrets-off.yaml")

echo "== secrets on vs off: pre-receive of the whole history ($(wc -l < "$WORK/push-blobs.txt") blobs)"
(cd "$WORK/server.git" && hyperfine -i --warmup 2 --runs "$RUNS" --export-json "$RESULTS/secrets-pre-receive.json" \
   -n 'pre-receive, secrets on' "SAFETY_GATE_POLICY=$WORK/secrets-on.yaml node $CLI hook pre-receive < $WORK/push-stdin.txt" \
   -n 'pre-receive, secrets off' "SAFETY_GATE_POLICY=$WORK/secrets-off.yaml node $CLI hook pre-receive < $WORK/push-stdin.txt")

node -e '
const fs = require("fs");
const [dir] = process.argv.slice(1);
const ms = (x) => (x * 1000).toFixed(0) + " ms";
const rows = ["pre-commit", "pre-receive"].map((d) => {
  const [on, off] = JSON.parse(fs.readFileSync(`${dir}/secrets-${d}.json`, "utf8")).results;
  const door = d === "pre-commit" ? "hook pre-commit, 10 staged files" : "hook pre-receive, whole history of the fixture";
  return `| ${door} | ${ms(on.median)} | ${ms(off.median)} | ${(on.median / off.median).toFixed(2)}x | ${ms(on.user)} | ${ms(off.user)} |`;
});
console.log(["| door | secrets on, median | secrets off, median | on/off | on, user CPU | off, user CPU |", "|---|---|---|---|---|---|", ...rows].join("\n"));
' "$RESULTS" | tee "$RESULTS/secrets.md"
