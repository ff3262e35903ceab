#!/usr/bin/env bash
# npm run bench: the gate against the physical floor (node start-up, git cat-file --batch over
# the same blobs, git log -p over the same range) and against peers (ripgrep, git-secrets), on
# the same generated input in one run. Medians and ratios land in bench/results/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${BENCH_WORK:-$ROOT/bench/.work}
RESULTS=$ROOT/bench/results
COMMITS=${BENCH_COMMITS:-2000}
FILES=${BENCH_FILES:-10000}
RUNS=${BENCH_RUNS:-20}
CLI=$ROOT/dist/cli.js
mkdir -p "$RESULTS"
for tool in hyperfine rg git-secrets; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine ripgrep git-secrets)" >&2; exit 2; }
done

node bench/fixtures.mjs "$WORK" --commits "$COMMITS" --files "$FILES"
node bench/fixtures.mjs "$WORK-small" --commits $((COMMITS / 4)) --files 100 >/dev/null
# Isolate from the user's git configuration, like the tests do.
export HOME=$WORK GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES

POLICY='extends: [agenttrader-v2]
limits:
  deadline_ms:
    pre-receive: 120000'
printf '%s\n' "$POLICY" > "$WORK/commit10/safety-gate.config.yaml"
printf '%s\n' "$POLICY" > "$WORK/tree10k/safety-gate.config.yaml"
for server in "$WORK/server.git" "$WORK-small/server.git"; do
  mkdir -p "$server/safety-gate"
  printf '%s\n' "$POLICY" > "$server/safety-gate/policy.yaml"
done

# BENCH_ONLY=real: only the real-shape scenarios (below).
if [ "${BENCH_ONLY:-}" != real ]; then
echo "== pre-commit, 10 staged files: the gate vs node -e 0"
# As a user has it after `safety-gate install`: Gate A's interpreter pinned for the clone
# (.git/safety-gate/python), not python3 through a version manager's shim on every commit.
# BENCH_BASELINE_CLI=/path/to/old/dist/cli.js adds an older build to the same hyperfine run
# (its own copy of the fixture, pinned by that build's install when it can).
PRE_BASELINE=()
if [ -n "${BENCH_BASELINE_CLI:-}" ]; then
  rm -rf "$WORK/commit10-baseline" && cp -a "$WORK/commit10" "$WORK/commit10-baseline"
  (cd "$WORK/commit10-baseline" && node "$BENCH_BASELINE_CLI" install --hooks-path >/dev/null 2>&1 || true
   node "$BENCH_BASELINE_CLI" hook pre-commit >/dev/null 2>&1 || true)
  PRE_BASELINE=("node $BENCH_BASELINE_CLI -C $WORK/commit10-baseline hook pre-commit")
fi
(cd "$WORK/commit10" && node "$CLI" install --hooks-path >/dev/null && node "$CLI" hook pre-commit >/dev/null 2>&1 || true
 hyperfine -N -i --warmup 5 --runs "$RUNS" --export-json "$RESULTS/pre-commit.json" \
   'node -e 0' "node $CLI hook pre-commit" "env SAFETY_GATE_CODE_CACHE=off node $CLI hook pre-commit" "${PRE_BASELINE[@]}")

echo "== pre-receive, a push of $COMMITS commits, cold (result cache off): the gate vs cat-file --batch over the same new blobs vs git log -p"
# Cold is issue 12's criterion: SAFETY_GATE_CACHE=off, or every run after the first is warm.
# BENCH_BASELINE_CLI=/path/to/old/dist/cli.js adds an older build to the same hyperfine run
# (the pre-integrity build, for "unchanged or better"; findings may differ where rules were added).
BASELINE=()
[ -n "${BENCH_BASELINE_CLI:-}" ] && BASELINE=("SAFETY_GATE_CACHE=off node $BENCH_BASELINE_CLI hook pre-receive < $WORK/push-stdin.txt")
(cd "$WORK/server.git" && hyperfine -i --warmup 2 --runs "$RUNS" --export-json "$RESULTS/pre-receive.json" \
   "SAFETY_GATE_CACHE=off node $CLI hook pre-receive < $WORK/push-stdin.txt" \
   "${BASELINE[@]}" \
   "git cat-file --batch < $WORK/push-blobs.txt > /dev/null" \
   "git log -p $(cat "$WORK/push-range.txt") > /dev/null")

echo "== scan of a $FILES-file tree: the gate vs ripgrep and git-secrets with equivalent patterns"
SCAN_BASELINE=()
[ -n "${BENCH_BASELINE_CLI:-}" ] && SCAN_BASELINE=("node $BENCH_BASELINE_CLI scan --no-audit > /dev/null")
node bench/patterns.mjs "$CLI" "$WORK/tree10k" > "$WORK/patterns.txt"
(cd "$WORK/tree10k" && git config --unset-all secrets.patterns >/dev/null 2>&1 || true
 while IFS= read -r p; do git config --add secrets.patterns "$p"; done < "$WORK/patterns.txt"
 hyperfine --warmup 2 --runs "$RUNS" -i --export-json "$RESULTS/scan.json" \
   "node $CLI scan --no-audit > /dev/null" \
   "${SCAN_BASELINE[@]}" \
   "rg -i -c -f $WORK/patterns.txt . > /dev/null" \
   "git secrets --scan -r . > /dev/null 2>&1")

SCAN_FILES=${BENCH_SCAN_FILES:-100000}
echo "== scan of a $SCAN_FILES-file tree: the gate vs ripgrep with equivalent patterns, CPU and peak RSS"
# BENCH_SCAN_FILES sets the size (0 skips it); the fixture is cached in $WORK-scan-<files>.
if [ "$SCAN_FILES" -gt 0 ]; then
  BIG=$WORK-scan-$SCAN_FILES
  [ -d "$BIG/tree10k" ] || node bench/fixtures.mjs "$BIG" --commits 2 --files "$SCAN_FILES" >/dev/null
  printf 'extends: [agenttrader-v2]\nlimits:\n  deadline_ms:\n    scan: 3600000\n' > "$BIG/tree10k/safety-gate.config.yaml"
  node bench/patterns.mjs "$CLI" "$BIG/tree10k" > "$BIG/patterns.txt"
  (cd "$BIG/tree10k" && hyperfine --warmup 1 --runs "${BENCH_SCAN_RUNS:-3}" -i --export-json "$RESULTS/scan-big.json" \
     "node $CLI scan --no-audit > /dev/null" \
     "rg -i -c -f $BIG/patterns.txt . > /dev/null")
  big() { (cd "$BIG/tree10k" && { /usr/bin/time -f '%M %e %U %S' "$@" 2>&1 >/dev/null || true; } | tail -n 1); }
  printf '{"files": %d, "gate": "%s", "rg": "%s"}\n' "$SCAN_FILES" "$(big node "$CLI" scan --no-audit)" "$(big rg -i -c -f "$BIG/patterns.txt" .)" > "$RESULTS/scan-big-memory.json"
  cat "$RESULTS/scan-big-memory.json"
fi

echo "== peak memory of pre-receive: $((COMMITS / 4)) vs $COMMITS commits"
# The peak RSS whatever the decision (a blocked push is measured too; pipefail must not stop the bench).
rss() { (cd "$1" && { /usr/bin/time -f '%M' node "$CLI" hook pre-receive < "$2" 2>&1 >/dev/null || true; } | tail -n 1); }
SMALL=$(rss "$WORK-small/server.git" "$WORK-small/push-stdin.txt")
LARGE=$(rss "$WORK/server.git" "$WORK/push-stdin.txt")
printf '{"small_commits": %d, "small_kb": %d, "large_commits": %d, "large_kb": %d}\n' $((COMMITS / 4)) "$SMALL" "$COMMITS" "$LARGE" > "$RESULTS/memory.json"

for extra in bench/function-scope.mjs bench/sentinel.mjs; do
  if [ -f "$extra" ]; then echo "== $extra"; node "$extra" | tee "$RESULTS/$(basename "$extra" .mjs).txt"; fi
done

fi

# --- the real-shape repository (issue 9): whole history, typical push, scan of HEAD ---
# BENCH_REAL_SCALE=1 is the measured shape (1,640 commits, ~590 refs, ~14.5k blobs, ~300 MB);
# the default 0.25 keeps CI's run short. Cached in bench/.work-real-<scale>.
REAL_SCALE=${BENCH_REAL_SCALE:-0.25}
REAL_RUNS=${BENCH_REAL_RUNS:-3}
REAL_WARMUP=${BENCH_REAL_WARMUP:-1}
REAL=${BENCH_REAL_WORK:-$ROOT/bench/.work-real-$REAL_SCALE}
node bench/real-shape.mjs "$REAL" --scale "$REAL_SCALE"
for server in "$REAL/server.git" "$REAL/server-typical.git"; do
  mkdir -p "$server/safety-gate"
  # The deadline is raised so that the time is measured; whether it fits the default 4 s is
  # read off the figure.
  printf 'extends: [agenttrader-v2]\nlimits:\n  deadline_ms:\n    pre-receive: 3600000\n' > "$server/safety-gate/policy.yaml"
done
[ -d "$REAL/tree" ] || git clone -q "$REAL/client" "$REAL/tree"
printf 'extends: [agenttrader-v2]\nlimits:\n  deadline_ms:\n    scan: 3600000\n' > "$REAL/tree/safety-gate.config.yaml"

echo "== real shape $(cat "$REAL/shape.json"): whole history pushed to an empty server (every ref created)"
(cd "$REAL/server.git" && hyperfine --warmup "$REAL_WARMUP" --runs "$REAL_RUNS" -i --export-json "$RESULTS/real-history.json" \
   "node $CLI hook pre-receive < $REAL/all-stdin.txt > /dev/null" \
   'git cat-file --batch-all-objects --batch > /dev/null' \
   "git -C $REAL/client log -p --all > /dev/null")

echo "== real shape: a typical push ($(git -C "$REAL/client" rev-list --count "$(cat "$REAL/typical-range.txt")") commits)"
(cd "$REAL/server-typical.git" && hyperfine --warmup "$REAL_WARMUP" --runs "$RUNS" -i --export-json "$RESULTS/real-typical.json" \
   "node $CLI hook pre-receive < $REAL/typical-stdin.txt > /dev/null" \
   'node -e 0' \
   "git cat-file --batch < $REAL/typical-blobs.txt > /dev/null")

echo "== real shape: scan of HEAD vs ripgrep and git-secrets with equivalent keywords"
node bench/patterns.mjs "$CLI" "$REAL/tree" > "$REAL/patterns.txt"
(cd "$REAL/tree" && git config --unset-all secrets.patterns >/dev/null 2>&1 || true
 while IFS= read -r p; do git config --add secrets.patterns "$p"; done < "$REAL/patterns.txt"
 hyperfine --warmup "$REAL_WARMUP" --runs "$REAL_RUNS" -i --export-json "$RESULTS/real-scan.json" \
   "node $CLI scan --no-audit > /dev/null" \
   "rg -i -c -f $REAL/patterns.txt . > /dev/null" \
   "git secrets --scan -r . > /dev/null 2>&1")

echo "== peak RSS (KiB): whole history, typical push, and linear pushes of 500 / 2,000 / 8,000 (/ 32,000) commits"
PUSHES=500,2000,8000
[ -n "${BENCH_HUGE:-}" ] && PUSHES=500,2000,8000,32000
LIN=$ROOT/bench/.work-linear-${PUSHES##*,}
node bench/linear.mjs "$LIN" --commits "${PUSHES##*,}" --pushes "$PUSHES"
mkdir -p "$LIN/server.git/safety-gate"
printf 'extends: [agenttrader-v2]\nlimits:\n  deadline_ms:\n    pre-receive: 3600000\n' > "$LIN/server.git/safety-gate/policy.yaml"
peak() { (cd "$1" && /usr/bin/time -f '%M %e %U %S' node "$CLI" hook pre-receive < "$2" 2>&1 >/dev/null | tail -n 1); }
{
  printf '{"history": "%s", "typical": "%s", "catfile": "%s"' "$(peak "$REAL/server.git" "$REAL/all-stdin.txt")" "$(peak "$REAL/server-typical.git" "$REAL/typical-stdin.txt")" \
    "$(cd "$REAL/server.git" && /usr/bin/time -f '%M %e %U %S' git cat-file --batch-all-objects --batch 2>&1 >/dev/null | tail -n 1)"
  for n in ${PUSHES//,/ }; do printf ', "push%s": "%s"' "$n" "$(peak "$LIN/server.git" "$LIN/push-$n.txt")"; done
  printf '}\n'
} > "$RESULTS/real-memory.json"
cat "$RESULTS/real-memory.json"

node bench/summarize.mjs "$RESULTS" | tee "$RESULTS/summary.md"
bash bench/secrets.sh "$WORK" "$RESULTS" "$RUNS"
# The 32,000-commit memory point costs minutes of CPU per variant: with BENCH_HUGE=1 (as linear.mjs).
WARM_PUSHES=500,2000,8000
if [ -n "${BENCH_HUGE:-}" ]; then WARM_PUSHES=500,2000,8000,32000; fi
node bench/warm.mjs "$REAL" "$RESULTS" --runs "${BENCH_WARM_RUNS:-3}" --pushes "$WARM_PUSHES" | tee "$RESULTS/warm.md"
