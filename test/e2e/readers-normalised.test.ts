// Issue 12, the content attacks that still landed (red-team c4_values / c4_content): keys read
// the way settings loaders compare them, values that are not one verifiable literal, the
// execution agent under another name, live hosts only visible once a string is read (folded,
// joined, substituted, base64), and the paths of agenttrader-v2's runtime scope services read.
// One real-git `git push --no-verify` per class to a bare repository whose pre-receive hook runs
// the built CLI: the refusal, the finding behind each file, the ref unmoved, and a clean twin.
import { describe, it } from 'vitest';
import { contentPushPerTest } from './content-push.js';

const { expectRefused, expectAccepted } = contentPushPerTest({ extends: ['agenttrader-v2'] });

describe('pre-receive reads settings, workloads and hosts the way their consumers do', () => {
  it('keys compare normalised: mixed case, camelCase, dotted and nested keys; permitted twins pass', () => {
    expectRefused(
      {
        'config/t.env': 'Trading_Mode=live\nLiveTradingEnabled=true\n',
        'config/a.yaml': 'Agent_Mode: EXECUTE\n',
        'config/b.yaml': 'agent.mode: EXECUTE\n',
        'config/c.yaml': 'agent:\n  mode: EXECUTE\n',
      },
      [
        /remote: .*config\/t\.env:1.*agent-mode.*Trading_Mode \(TRADING_MODE\) is set to "live"/,
        /remote: .*config\/t\.env:2.*agent-mode.*LiveTradingEnabled \(LIVE_TRADING_ENABLED\)/,
        /remote: .*config\/a\.yaml:1.*agent-mode.*Agent_Mode \(AGENT_MODE\)/,
        /remote: .*config\/b\.yaml:1.*agent-mode.*agent\.mode \(AGENT_MODE\)/,
        /remote: .*config\/c\.yaml:2.*agent-mode.*agent\.mode \(AGENT_MODE\)/,
      ],
    );
    expectAccepted({ 'config/t.env': 'Trading_Mode=paper\nLiveTradingEnabled=false\n', 'config/c.yaml': 'agent:\n  mode: OBSERVE\n  mode_note: EXECUTE is refused\n' });
  });

  it('values that are not one verifiable literal fail closed (empty, null, list, command output); references and empty AGENT_MODE pass', () => {
    expectRefused(
      {
        'config/t.env': 'TRADING_MODE=\n',
        'config/l.yaml': 'TRADING_MODE: [live]\n',
        'config/n.yaml': 'TRADING_MODE: ~\n',
        'ops/run.sh': '#!/bin/sh\nexport AGENT_MODE=$(echo execute | tr a-z A-Z)\n',
      },
      [
        /remote: .*config\/t\.env:1.*agent-mode.*cannot be verified as paper; empty is not unset/,
        /remote: .*config\/l\.yaml:1.*agent-mode.*\[live\].*a list is not one value/,
        /remote: .*config\/n\.yaml:1.*agent-mode.*null.*null is not unset/,
        /remote: .*ops\/run\.sh:2.*agent-mode.*computed when the file runs/,
      ],
    );
    expectAccepted({
      'config/a.env': 'AGENT_MODE=\nTRADING_MODE=paper\n',
      'docker-compose.yml': 'services:\n  api:\n    image: a@sha256:' + '0'.repeat(64) + '\n    environment:\n      TRADING_MODE:\n      AGENT_MODE: ${AGENT_MODE}\n',
      'ops/run.sh': '#!/bin/sh\nexport AGENT_MODE="$1"\n',
    });
  });

  it('the execution agent renamed (exec-agent-v2) or named by generateName keeps 0 replicas; other workloads pass', () => {
    const dep = (meta: string, n: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {${meta}}\nspec:\n  replicas: ${n}\n`;
    expectRefused({ 'k8s/a.yaml': dep('name: exec-agent-v2', 2), 'k8s/b.yaml': dep('generateName: execution-agent-', 2) }, [
      /remote: .*k8s\/a\.yaml:5.*replicas.*Deployment exec-agent-v2: spec\.replicas is 2; must be 0/,
      /remote: .*k8s\/b\.yaml:5.*replicas.*Deployment execution-agent-: spec\.replicas is 2; must be 0/,
    ]);
    expectAccepted({ 'k8s/a.yaml': dep('name: exec-dashboard', 2), 'k8s/b.yaml': dep('name: exec-agent-v2', 0) });
  });

  it('live hosts folded in YAML, joined from literals, built from a shell variable, or base64-encoded; paper twins pass', () => {
    expectRefused(
      {
        'config/b.yaml': 'url: >-\n  https://api.alpaca.\n  markets/v2\n',
        'backend/broker.py': 'BASE = "https://" + ".".join(["api", "alpaca", "markets"])\n',
        'ops/b.sh': '#!/bin/sh\nD=alpaca.markets\ncurl "https://api.$D/v2/orders"\n',
        'backend/enc.py': 'import base64\nBASE = base64.b64decode("aHR0cHM6Ly9hcGkuYWxwYWNhLm1hcmtldHM=").decode()\n',
      },
      [
        /remote: .*config\/b\.yaml:1.*live-endpoint.*\(YAML scalar, lines joined\)/,
        /remote: .*backend\/broker\.py:1.*live-endpoint.*\(constant expression\)/,
        /remote: .*ops\/b\.sh:3.*live-endpoint.*\(shell variable\)/,
        /remote: .*backend\/enc\.py:2.*live-endpoint.*\(base64\)/,
      ],
    );
    expectAccepted({
      'config/b.yaml': 'url: >-\n  https://paper-api.alpaca.\n  markets/v2\n',
      'backend/broker.py': 'BASE = "https://" + ".".join(["paper-api", "alpaca", "markets"])\n',
      'ops/b.sh': '#!/bin/sh\nD=alpaca.markets\ncurl "https://paper-api.$D/v2/orders"\n',
      'backend/enc.py': 'import base64\nBASE = base64.b64decode("aHR0cHM6Ly9wYXBlci1hcGkuYWxwYWNhLm1hcmtldHM=").decode()\n',
    });
  });

  it('agenttrader-v2 runtime scope: a service named audit, vendored settings and *.test.env config are read; test code is not', () => {
    expectRefused({ 'services/audit/app.env': 'AGENT_MODE=EXECUTE\n', 'backend/vendor/settings.env': 'AGENT_MODE=EXECUTE\n', 'config/app.test.env': 'AGENT_MODE=EXECUTE\n' }, [
      /remote: .*services\/audit\/app\.env:1.*agent-mode/,
      /remote: .*backend\/vendor\/settings\.env:1.*agent-mode/,
      /remote: .*config\/app\.test\.env:1.*agent-mode/,
    ]);
    expectAccepted({ 'services/api/guard.test.ts': 'process.env.AGENT_MODE = "EXECUTE";\n' });
  });

  it('indirection the file resolves: eval of literal text, echo >> /etc/environment, a template of literals, a Python constant; permitted twins pass', () => {
    expectRefused(
      {
        'ops/run.sh': '#!/bin/sh\neval "export AGENT_MODE=EXECUTE"\n',
        Dockerfile: 'FROM python@sha256:' + '0'.repeat(64) + "\nRUN echo 'AGENT_MODE=EXECUTE' >> /etc/environment\n",
        'backend/cfg.ts': "process.env.AGENT_MODE = `EXE${''}CUTE`;\n",
        'backend/settings.py': 'import os\nMODE = "EXECUTE"\nos.environ["AGENT_MODE"] = MODE\n',
      },
      [
        /remote: .*ops\/run\.sh:2.*agent-mode.*AGENT_MODE is set to "EXECUTE"/,
        /remote: .*Dockerfile:2.*agent-mode.*AGENT_MODE is set to "EXECUTE"/,
        /remote: .*backend\/cfg\.ts:1.*agent-mode.*AGENT_MODE is set to "EXECUTE"/,
        /remote: .*backend\/settings\.py:3.*agent-mode.*AGENT_MODE is set to "EXECUTE"/,
      ],
    );
    expectAccepted({
      'ops/run.sh': '#!/bin/sh\neval "export AGENT_MODE=OBSERVE"\n',
      'backend/settings.py': 'import os\nMODE = "OBSERVE"\nos.environ["AGENT_MODE"] = MODE\n',
    });
  });

  it('YAML line breaks YAML 1.1 readers honour (lone CR, NEL, LS, PS) end a comment; the permitted twin passes', () => {
    expectRefused(
      {
        'config/cr.yaml': '# note\rAGENT_MODE: EXECUTE\n',
        'config/nel.yaml': '# note\u0085AGENT_MODE: EXECUTE\n',
        'config/ls.yaml': '# note\u2028AGENT_MODE: EXECUTE\n',
        'config/ps.yaml': '# note\u2029AGENT_MODE: EXECUTE\n',
      },
      [
        /remote: .*config\/cr\.yaml:2.*agent-mode/,
        /remote: .*config\/nel\.yaml:2.*agent-mode/,
        /remote: .*config\/ls\.yaml:2.*agent-mode/,
        /remote: .*config\/ps\.yaml:2.*agent-mode/,
      ],
    );
    expectAccepted({ 'config/ls.yaml': '# note\u2028AGENT_MODE: OBSERVE\n' });
  });
  it('live hosts as the WHATWG URL parser reads them: a backslash ends the host, a tab or line break inside it is deleted; paper twins pass', () => {
    expectRefused(
      {
        'config/app.env': 'BROKER_URL=https://api.alpaca.markets\\.x/v2\n',
        'backend/tab.py': 'BASE = "https://api.alpa\tca.markets/v2"\n',
        'config/block.yaml': 'url: |\n  https://api.alpa\n  ca.markets/v2\n',
      },
      [
        /remote: .*config\/app\.env:1.*live-endpoint.*live Alpaca host api\.alpaca\.markets/,
        /remote: .*backend\/tab\.py:1.*live-endpoint.*api\.alpaca\.markets.*split by tabs or line breaks/,
        /remote: .*config\/block\.yaml:2.*live-endpoint.*api\.alpaca\.markets.*split by tabs or line breaks/,
      ],
    );
    expectAccepted({ 'config/app.env': 'BROKER_URL=https://paper-api.alpaca.markets\\.x/v2\n', 'backend/tab.py': 'BASE = "https://paper-api.alpa\tca.markets/v2"\n' });
  });
});
