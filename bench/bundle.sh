#!/usr/bin/env bash
# pre-receive time of the one-file server bundle against the normal build (dist/cli.js with
# node_modules), same push, same policy: a 10-file commit (py, ts, yaml, env, json, md) whose
# objects are in the bare repository but not reachable from any ref, as in a quarantined push.
# Usage: npm run bundle && bash bench/bundle.sh     (needs hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export HOME=$W GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
mkdir -p "$W/opt"
cp dist/safety-gate-server.cjs dist/web-tree-sitter.wasm dist/tree-sitter-python.wasm "$W/opt/"
git init -q --bare "$W/server.git"
mkdir -p "$W/server.git/safety-gate"
printf 'extends: [agenttrader-v2]\n' > "$W/server.git/safety-gate/policy.yaml"
git init -q -b main "$W/work"
cd "$W/work"
echo hello > README.md && git add -A && git commit -qm base
mkdir -p services/risk web config k8s
for i in 1 2 3; do printf 'def f%s(x):\n    return x + %s\n' "$i" "$i" > "services/risk/m$i.py"; done
for i in 1 2; do printf 'export const v%s = %s;\n' "$i" "$i" > "web/m$i.ts"; done
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n' > k8s/web.yaml
printf 'TRADING_MODE=paper\nAGENT_MODE=OBSERVE\n' > config/app.env
printf '{"mode": "paper"}\n' > config/app.json
printf '# notes\n' > NOTES.md
printf 'x = 1\n' > services/risk/extra.py
git add -A && git commit -qm change
git push -q "$W/server.git" HEAD~1:refs/heads/main HEAD:refs/heads/tmp
git -C "$W/server.git" update-ref -d refs/heads/tmp
OLD=$(git rev-parse HEAD~1) NEW=$(git rev-parse HEAD)
echo "$OLD $NEW refs/heads/main" > "$W/stdin"
cd "$W/server.git"
for cli in "$ROOT/dist/cli.js" "$W/opt/safety-gate-server.cjs"; do
  node "$cli" hook pre-receive < "$W/stdin" >/dev/null 2>&1 || { echo "pre-receive with $cli did not pass" >&2; exit 1; }
done
ls -l "$W/opt" | awk 'NR>1 {print $5, $9}'
# hyperfine 1.15 (Debian bookworm) has no --input: the shell redirects stdin, for all three alike.
hyperfine --warmup 3 --runs 20 --export-markdown "$W/result.md" \
  -n 'normal build (dist/cli.js + node_modules)' "node $ROOT/dist/cli.js hook pre-receive < $W/stdin" \
  -n 'one-file bundle (safety-gate-server.cjs)' "node $W/opt/safety-gate-server.cjs hook pre-receive < $W/stdin" \
  -n 'node -e 0' 'node -e 0 < /dev/null' 2>&1 | grep -v '^$'
cat "$W/result.md"
