#!/usr/bin/env bash
# A change for speed must not change a verdict. `bash bench/compare.sh OLD_CLI [NEW_CLI]` runs
# both builds on the same fixtures (the real-shape whole history, its typical push, the
# 2,000-commit push, the 10k-file scan, the 10-file pre-commit) and requires the JSON reports
# to be identical apart from timings (`stats.durationMs`); then times them side by side in ONE
# hyperfine run per scenario (wall medians and user+system CPU), so a noisy shared machine
# affects both alike. Results: $OUT/compare-*.json and $OUT/compare.md.
#
# OLD_CLI: e.g. the build of main:
#   mkdir -p /tmp/old && git archive main | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/ \
#     && (cd /tmp/old && node build.mjs)   # then: bash bench/compare.sh /tmp/old/dist/cli.js
# Env: COMPARE_RUNS (5), COMPARE_ONLY (space-separated scenario names: history typical push2000
#      scan10k precommit), COMPARE_COMMITS / COMPARE_FILES (2000 / 10000: bench/fixtures.mjs),
#      BENCH_WORK, BENCH_REAL_WORK, COMPARE_NO_TIME=1 (only the findings comparison).
# Exit 1 when any scenario's findings differ (or a build gave no report).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OLD=$(realpath "${1:?usage: bench/compare.sh OLD_CLI [NEW_CLI]}")
NEW=$(realpath "${2:-$ROOT/dist/cli.js}")
RUNS=${COMPARE_RUNS:-5}
WORK=${BENCH_WORK:-$ROOT/bench/.work}
REAL=${BENCH_REAL_WORK:-$ROOT/bench/.work-real-0.25}
OUT=${COMPARE_OUT:-$ROOT/bench/results}
mkdir -p "$OUT"
wants() { [ -z "${COMPARE_ONLY:-}" ] || [[ " $COMPARE_ONLY " == *" $1 "* ]]; }
if wants push2000 || wants scan10k || wants precommit; then
  node bench/fixtures.mjs "$WORK" --commits "${COMPARE_COMMITS:-2000}" --files "${COMPARE_FILES:-10000}" >/dev/null
fi
if wants history || wants typical; then node bench/real-shape.mjs "$REAL" --scale 0.25 >/dev/null; fi
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES

POLICY='extends: [agenttrader-v2]
limits:
  deadline_ms:
    pre-receive: 3600000
    scan: 3600000
    pre-commit: 3600000'
for d in "$WORK/commit10" "$WORK/tree10k"; do [ -d "$d" ] && printf '%s\n' "$POLICY" > "$d/safety-gate.config.yaml"; done
for server in "$WORK/server.git" "$REAL/server.git" "$REAL/server-typical.git"; do
  [ -d "$server" ] || continue
  mkdir -p "$server/safety-gate"
  printf '%s\n' "$POLICY" > "$server/safety-gate/policy.yaml"
done

# name | directory | HOME | arguments | stdin
SCENARIOS=(
  "history|$REAL/server.git|$REAL|hook pre-receive|$REAL/all-stdin.txt"
  "typical|$REAL/server-typical.git|$REAL|hook pre-receive|$REAL/typical-stdin.txt"
  "push2000|$WORK/server.git|$WORK|hook pre-receive|$WORK/push-stdin.txt"
  "scan10k|$WORK/tree10k|$WORK|scan --no-audit|/dev/null"
  "precommit|$WORK/commit10|$WORK|hook pre-commit|/dev/null"
)
differ=0
{
  echo "| scenario | old median (s) | new median (s) | new/old wall | old CPU (s) | new CPU (s) | new/old CPU | findings |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$OUT/compare.md"
for s in "${SCENARIOS[@]}"; do
  IFS='|' read -r name dir home args stdin <<< "$s"
  wants "$name" || continue
  # The JSON report without its timing; a build that gives none leaves a line saying so.
  report() { (cd "$dir" && HOME=$home node "$1" $args --format json < "$stdin" 2>"$OUT/compare-$name.stderr" || true) | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      let r; try { r = JSON.parse(s); } catch { process.stdout.write("no JSON report\n"); return; }
      if (r.stats) delete r.stats.durationMs;
      process.stdout.write(JSON.stringify(r, null, 1) + "\n"); });'; }
  report "$OLD" > "$OUT/compare-$name-old.json"
  report "$NEW" > "$OUT/compare-$name-new.json"
  if cmp -s "$OUT/compare-$name-old.json" "$OUT/compare-$name-new.json" && ! grep -q '^no JSON report' "$OUT/compare-$name-new.json"; then
    verdict="identical ($(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).findings.length)' "$OUT/compare-$name-new.json"))"
  else
    verdict="DIFFERENT"; differ=1
    diff "$OUT/compare-$name-old.json" "$OUT/compare-$name-new.json" | head -40 >&2 || true
  fi
  echo "== $name: findings $verdict"
  if [ -z "${COMPARE_NO_TIME:-}" ]; then
    (cd "$dir" && HOME=$home hyperfine -i --warmup 1 --runs "$RUNS" --export-json "$OUT/compare-$name.json" \
      -n old "node $OLD $args < $stdin > /dev/null 2>&1" -n new "node $NEW $args < $stdin > /dev/null 2>&1" >/dev/null)
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1])).results;
      const [o, n] = r; const cpu = (x) => x.user + x.system;
      console.log(`| ${process.argv[2]} | ${o.median.toFixed(3)} | ${n.median.toFixed(3)} | ${(n.median / o.median).toFixed(2)}× | ${cpu(o).toFixed(3)} | ${cpu(n).toFixed(3)} | ${(cpu(n) / cpu(o)).toFixed(2)}× | ${process.argv[3]} |`);
    ' "$OUT/compare-$name.json" "$name" "$verdict" | tee -a "$OUT/compare.md"
  fi
done
exit $differ
