// Patterns equivalent to what the gate looks for, for ripgrep and git-secrets: every live broker
// host of the resolved policy (dots escaped) and every watched setting name.
import { execFileSync } from 'node:child_process';

const [cli, cwd] = process.argv.slice(2);
const policy = JSON.parse(execFileSync('node', [cli, 'config', '--format', 'json'], { cwd, encoding: 'utf8' }));
const rules = policy.rules ?? policy.policy?.rules ?? {};
const hosts = new Set();
const walk = (v, liveContext) => {
  if (typeof v === 'string') {
    if (liveContext && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(v)) hosts.add(v.toLowerCase());
  } else if (Array.isArray(v)) v.forEach((x) => walk(x, liveContext));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, liveContext || /live/i.test(k));
};
walk(rules['live-endpoint']?.options ?? {}, false);
const settings = new Set(['AGENT_MODE', 'TRADING_MODE']);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const patterns = [...[...hosts].sort().map(escape), ...[...settings].map(escape), 'image:', 'replicas:', 'sys\\.path'];
process.stdout.write(patterns.join('\n') + '\n');
