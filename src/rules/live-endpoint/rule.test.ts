import { describe, expect, it } from 'vitest';
import { optionsSchema } from './options.js';
import { liveEndpoint } from './rule.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ScopeGlobs } from '../../engine/paths.js';
import type { Finding } from '../../findings/types.js';
import { runRule } from '../../../test/helpers/rule-harness.js';
import { ruleTester } from '../../../test/helpers/rule-tester.js';

/** The rule under the agenttrader-v2 preset (its runtime scope and options), through the real engine in memory. */
function runLiveEndpoint(input: {
  old?: Record<string, string>;
  files: Record<string, string | null>;
  options?: Record<string, unknown>;
  scope?: ScopeGlobs;
  modes?: Record<string, string>;
}) {
  const rules = input.options ? { rules: { 'live-endpoint': { options: input.options } } } : {};
  return runRule(liveEndpoint, {
    old: input.old,
    files: input.files,
    modes: input.modes,
    config: { extends: ['agenttrader-v2'], ...(input.scope ? { runtime_scope: input.scope } : {}), ...rules },
  });
}

const brief = (fs: Finding[]) => fs.map((f) => `${f.rule} ${f.path}:${f.line}:${f.column}`);

describe('live-endpoint rule', () => {
  it('has metadata, docs and a sub-rule', () => {
    expect(liveEndpoint.meta.id).toBe('live-endpoint');
    expect(liveEndpoint.meta.subRules).toEqual(['new-exception']);
    expect(liveEndpoint.meta.docs).toMatch(/Gate D/);
    expect(liveEndpoint.meta.docs).toMatch(/safety-gate: allow live-endpoint -- <reason>/);
  });

  it('defaults validate and carry the built-in broker table', () => {
    const o = optionsSchema.parse(undefined);
    expect(o.brokers.map((b) => b.name)).toEqual(expect.arrayContaining(['Alpaca', 'OANDA', 'Tradier', 'Interactive Brokers', 'TradeStation', 'Binance', 'Coinbase', 'Kraken']));
    expect(o.new_exception_severity).toBe('block');
  });

  it('reports a live host with line, column and a paper suggestion', async () => {
    const fs = await runLiveEndpoint({ files: { 'config/broker.yaml': 'broker:\n  base_url: "https://api.alpaca.markets/v2"\n' } });
    expect(brief(fs)).toEqual(['live-endpoint config/broker.yaml:2:22']);
    expect(fs[0]!.remediation).toBe('use paper-api.alpaca.markets (paper) or move this to an allowlisted test fixture; live hosts need a reviewed exception');
    expect(fs[0]!.message).toBe('live Alpaca host api.alpaca.markets in runtime scope');
  });

  it('ignores paper hosts, out-of-scope files and symlinks', async () => {
    const fs = await runLiveEndpoint({
      files: {
        'config/a.yaml': 'url: https://paper-api.alpaca.markets',
        'docs/live.md': 'https://api.alpaca.markets',
        'tests/test_live.py': 'LIVE = "api.alpaca.markets"',
        'backend/link': 'api.alpaca.markets',
      },
      modes: { 'backend/link': '120000' },
    });
    expect(fs).toEqual([]);
  });

  it('an exception with a reason exempts; when new it is a new-exception at the comment', async () => {
    const text = 'x = 1\n# safety-gate: allow live-endpoint -- the guard refuses this host (SEC-9)\nLIVE = "api.alpaca.markets"\n';
    const added = await runLiveEndpoint({ files: { 'backend/guard.py': text } });
    expect(brief(added)).toEqual(['live-endpoint/new-exception backend/guard.py:2:3']);
    expect(added[0]!.remediation).toMatch(/^needs security review/);
    expect(added[0]!.severity).toBe('block');
    // Already there before (content-keyed: lines moved around it do not matter).
    const kept = await runLiveEndpoint({ old: { 'backend/guard.py': text }, files: { 'backend/guard.py': 'import os\n\n' + text } });
    expect(kept).toEqual([]);
  });

  it('new_exception_severity: warn', async () => {
    const fs = await runLiveEndpoint({
      files: { 'backend/g.py': 'LIVE = "api.alpaca.markets"  # safety-gate: allow live-endpoint -- r' },
      options: { new_exception_severity: 'warn' },
    });
    expect(fs.map((f) => [f.rule, f.severity])).toEqual([['live-endpoint/new-exception', 'warn']]);
  });

  it('an exception without a reason exempts nothing', async () => {
    const fs = await runLiveEndpoint({ files: { 'backend/g.py': 'LIVE = "api.alpaca.markets"  # safety-gate: allow live-endpoint' } });
    expect(brief(fs)).toEqual(['live-endpoint backend/g.py:1:9']);
    expect(fs[0]!.message).toMatch(/has no reason/);
  });

  it('a rename into runtime scope makes old exceptions new', async () => {
    const text = 'LIVE = "api.alpaca.markets"  # safety-gate: allow live-endpoint -- fixture\n';
    const fs = await runLiveEndpoint({ old: { 'tests/fixture.py': text }, files: { 'tests/fixture.py': null, 'backend/fixture.py': text } });
    expect(brief(fs)).toEqual(['live-endpoint/new-exception backend/fixture.py:1:32']);
    const within = await runLiveEndpoint({ old: { 'backend/a.py': text }, files: { 'backend/a.py': null, 'backend/b.py': text } });
    expect(within).toEqual([]);
  });

  it('allow_hosts: a live host is a new-exception every run until reviewed', async () => {
    const files = { 'config/a.yaml': 'url: https://api.alpaca.markets\nother: https://api.kraken.com\n' };
    const fs = await runLiveEndpoint({ files, options: { allow_hosts: ['api.alpaca.markets', 'paper-api.alpaca.markets'] } });
    expect(brief(fs)).toEqual(['live-endpoint config/a.yaml:2:16', 'live-endpoint/new-exception null:null:null']);
    const reviewed = await runLiveEndpoint({
      files,
      options: {
        allow_hosts: ['api.alpaca.markets'],
        security_reviewed_allow_hosts: [{ host: 'api.alpaca.markets', reviewed_by: 'secops-lead', reference: 'SEC-42' }],
      },
    });
    expect(brief(reviewed)).toEqual(['live-endpoint config/a.yaml:2:16']);
  });

  it('configuration adds brokers but cannot remove built-in live hosts', async () => {
    const fs = await runLiveEndpoint({
      files: { 'config/a.yaml': 'a: https://api.alpaca.markets\nb: https://live.mybroker.io\nc: https://paper.mybroker.io\n' },
      options: { brokers: [{ name: 'MyBroker', live: ['live.mybroker.io'], paper: ['paper.mybroker.io'] }] },
    });
    expect(brief(fs)).toEqual(['live-endpoint config/a.yaml:1:12', 'live-endpoint config/a.yaml:2:12']);
    expect(fs[1]!.remediation).toMatch(/^use paper\.mybroker\.io/);
  });

  it('scope option narrows and widens', async () => {
    const files = { 'frontend/src/api.ts': 'const u = "https://api.alpaca.markets"', 'backend/x.py': 'u = "https://api.alpaca.markets"' };
    const fs = await runLiveEndpoint({ files, options: { scope: { include: ['frontend/**'] } } });
    expect(brief(fs)).toEqual(['live-endpoint frontend/src/api.ts:1:20']);
  });

  it('one new-exception per exception comment, whatever the number of hosts it covers', async () => {
    const fs = await runLiveEndpoint({
      files: { 'backend/g.py': '# safety-gate: allow live-endpoint -- guard list (SEC-1)\nLIVE = ["api.alpaca.markets", "broker-api.alpaca.markets"]\n' },
    });
    expect(brief(fs)).toEqual(['live-endpoint/new-exception backend/g.py:1:3']);
    expect(fs[0]!.message).toMatch(/host api\.alpaca\.markets in runtime scope; live Alpaca host broker-api\.alpaca\.markets/);
  });
});

describe('agenttrader-v2 preset block', () => {
  it('lists the built-in broker table verbatim (names, live, paper, market data)', async () => {
    const { BUILTIN_BROKERS } = await import('./brokers.js');
    const preset = parse(readFileSync(join(import.meta.dirname, '../../../presets/agenttrader-v2.yaml'), 'utf8')) as { rules: { 'live-endpoint': { options: unknown } } };
    const o = optionsSchema.parse(preset.rules['live-endpoint'].options);
    const pick = (b: { name: string; live: string[]; paper: string[]; market_data?: string[] | undefined }) => ({
      name: b.name,
      live: b.live,
      paper: b.paper,
      market_data: b.market_data ?? [],
    });
    expect(o.brokers.map(pick)).toEqual(BUILTIN_BROKERS.map(pick));
    expect(o.allow_hosts).toEqual([]);
    expect(o.new_exception_severity).toBe('block');
  });
});

ruleTester(
  'live-endpoint',
  {
    valid: [{ name: 'a paper host', config: { extends: ['agenttrader-v2'] }, files: { 'config/a.yaml': 'url: https://paper-api.alpaca.markets\n' } }],
    invalid: [
      {
        name: 'a live host in runtime scope',
        config: { extends: ['agenttrader-v2'] },
        files: { 'config/a.yaml': 'url: https://api.alpaca.markets\n' },
        findings: [{ path: 'config/a.yaml', line: 1, messageId: 'liveHost', data: { broker: 'Alpaca', host: 'api.alpaca.markets', via: '' } }],
      },
    ],
  },
  { rule: liveEndpoint },
);
