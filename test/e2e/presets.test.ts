// Presets that fit their names: `recommended` is what any repository can adopt (an ordinary
// Node project's CI and compose file pass), and still blocks what is unsafe anywhere; the
// trading-specific gates come with `agenttrader-v2`.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

let sb: Sandbox;
let repo: Repo;
const scan = () => {
  const r = runCli(['scan', '--no-audit', '--format', 'json'], { cwd: repo.path, env: sb.env });
  return { code: r.code, rules: (JSON.parse(r.stdout).findings as { rule: string; path: string }[]).map((f) => `${f.rule} ${f.path}`).sort() };
};

const NODE_PROJECT: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      db:\n        image: postgres\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n',
  'docker-compose.yml': 'services:\n  db:\n    image: postgres\n  execution-agent:\n    image: node:20\n',
  Dockerfile: 'FROM node\nENV TRADING_MODE=live\n',
  'scripts/deploy.sh': '#!/bin/sh\necho deploy\n',
  'src/index.js': 'module.exports = 1;\n',
  'tools/gen.py': 'import sys\nsys.path.insert(0, "lib")\n',
  'package.json': '{"name": "app", "scripts": {"test": "node --test"}}\n',
};

beforeEach(() => {
  sb = sandbox();
  repo = Repo.init(sb);
  for (const [p, c] of Object.entries(NODE_PROJECT)) repo.write(p, c);
});
afterEach(() => sb.cleanup());

describe('presets', () => {
  it('recommended (no config at all) passes an ordinary Node project', () => {
    repo.commitAll('node project');
    const r = scan();
    expect(r.rules).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('recommended still blocks AGENT_MODE=EXECUTE, live broker hosts and files that do not parse', () => {
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    repo.write('src/broker.js', 'module.exports = "https://api.alpaca.markets/v2";\n');
    repo.write('src/broken.json', '{"a": \n');
    repo.commitAll('unsafe anywhere');
    const r = scan();
    expect(r.code).toBe(1);
    expect(r.rules).toEqual(['agent-mode config/app.env', 'import-hygiene/syntax src/broken.json', 'live-endpoint src/broker.js']);
  });

  it('agenttrader-v2 adds the trading gates to the same tree', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\nruntime_scope:\n  include: ["**"]\n');
    repo.commitAll('node project under the AgentTrader policy');
    const r = scan();
    expect(r.code).toBe(1);
    for (const want of [
      'agent-mode Dockerfile', // TRADING_MODE=live
      'image-pinning .github/workflows/ci.yml',
      'image-pinning docker-compose.yml',
      'image-pinning Dockerfile',
      'replicas docker-compose.yml',
      'trading-mode .github/workflows/ci.yml',
      'import-hygiene tools/gen.py', // sys.path mutation
    ]) {
      expect(r.rules, want).toContain(want);
    }
  });
});
