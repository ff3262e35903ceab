// Issue 12, files loaded by other files (the third red-team pass, classes A, A2, J, W): one
// real-git push per case (`git push --no-verify` to a bare repository whose pre-receive hook
// runs the built CLI). A file a runtime file loads is judged with the reader the loading implies
// whatever its directory or name, when the loader starts loading it and when it changes on its
// own. Each test asserts the refusal, the finding behind it and how it is loaded, that the ref
// did not move, and that a clean twin passes. Run against an older build with
// SAFETY_GATE_TEST_CLI=/path/to/dist/cli.js to see them fail without the reference index.
import { describe, it } from 'vitest';
import { contentPushPerTest } from './content-push.js';

const { expectRefused, expectAccepted } = contentPushPerTest({ extends: ['agenttrader-v2'], agents: { require_signed_tasks: false }, required_checks: [] });

describe('pre-receive judges the files runtime files load (reference index)', () => {
  it('a push that only adds a loader of an existing out-of-scope env file is refused; a loader of a clean file passes', () => {
    expectAccepted({ 'docs/prod.env': 'AGENT_MODE=EXECUTE\n', 'docs/clean.env': 'AGENT_MODE=OBSERVE\n', 'backend/boot.py': 'print("boot")\n' });
    expectRefused({ 'backend/boot.py': 'from dotenv import load_dotenv\nload_dotenv(dotenv_path="docs/prod.env", override=True)\n' }, [
      /remote: .*docs\/prod\.env:1.*agent-mode.*EXECUTE.*read through backend\/boot\.py/,
    ]);
    expectRefused({ 'Dockerfile': 'FROM python:3.12.1\nCOPY --chmod=644 docs/prod.env /app/.env\n' }, [/remote: .*docs\/prod\.env:1.*agent-mode.*read through Dockerfile/]);
    expectRefused({ 'ops/run.sh': '#!/bin/bash\nset -a\nsource "./docs/prod.env"\nexec python3 -m agent\n' }, [
      /remote: .*docs\/prod\.env:1.*agent-mode.*read through ops\/run\.sh/,
    ]);
    expectAccepted({ 'backend/boot.py': 'from dotenv import load_dotenv\nload_dotenv("docs/clean.env")\n' });
  });

  it('a push that only edits a loaded file is refused while an unchanged runtime file loads it (dotenv, COPY, source, an import of an excluded module)', () => {
    expectAccepted({
      'docs/a.env': 'AGENT_MODE=OBSERVE\n',
      'docs/b.env': 'AGENT_MODE=OBSERVE\n',
      'backend/tests/flags.py': 'X = 1\n',
      'backend/boot.py': 'from dotenv import load_dotenv\nload_dotenv("docs/a.env")\nimport tests.flags\n',
      'ops/run.sh': '#!/bin/sh\n. docs/b.env\n',
    });
    expectRefused({ 'docs/a.env': 'AGENT_MODE=EXECUTE\n' }, [/remote: .*docs\/a\.env:1.*agent-mode.*loaded by backend\/boot\.py/]);
    expectRefused({ 'docs/b.env': 'AGENT_MODE=EXECUTE\n' }, [/remote: .*docs\/b\.env:1.*agent-mode.*loaded by ops\/run\.sh/]);
    expectRefused({ 'backend/tests/flags.py': 'import os\nos.environ["AGENT_MODE"] = "EXECUTE"\n' }, [
      /remote: .*backend\/tests\/flags\.py:2.*agent-mode.*loaded by backend\/boot\.py/,
    ]);
    // A test module nothing imports stays out of scope: the runtime guard's own tests may set EXECUTE.
    expectAccepted({ 'backend/tests/test_guard.py': 'import os\nos.environ["AGENT_MODE"] = "EXECUTE"\n' });
  });

  it('compose: extends.file, include, build.dockerfile, dockerfile_inline and project .env interpolation; clean twins pass', () => {
    expectRefused(
      {
        'docs/base.yml': 'services:\n  base:\n    image: "python:3.12.1"\n    environment: {AGENT_MODE: EXECUTE}\n',
        'docs/agent.build': 'FROM python:3.12.1\nENV TRADING_MODE=live\n',
        'docker-compose.yml':
          'services:\n  agent:\n    extends: {file: docs/base.yml, service: base}\n  built:\n    build: {context: docs, dockerfile: agent.build}\n  inline:\n    build:\n      dockerfile_inline: |\n        FROM python:3.12.1\n        ENV AGENT_MODE=EXECUTE\n  interp:\n    image: "python:3.12.1"\n    environment:\n      AGENT_MODE: ${MODE}\n',
        '.env': 'MODE=EXECUTE\n',
      },
      [
        /remote: .*docs\/base\.yml:4.*agent-mode.*read through docker-compose\.yml/,
        /remote: .*docs\/agent\.build:2.*agent-mode.*TRADING_MODE/,
        /remote: .*docker-compose\.yml:10.*agent-mode.*Dockerfile ENV/,
        /remote: .*docker-compose\.yml:14.*agent-mode.*interpolated from \.env/,
      ],
    );
    expectAccepted({
      'docs/base.yml': 'services:\n  base:\n    image: "python:3.12.1"\n    environment: {AGENT_MODE: OBSERVE}\n',
      'docker-compose.yml':
        'services:\n  agent:\n    extends: {file: docs/base.yml, service: base}\n  interp:\n    image: "python:3.12.1"\n    environment:\n      AGENT_MODE: ${MODE}\n',
      '.env': 'MODE=OBSERVE\n',
    });
    // The project .env changed on its own: the compose file that interpolates it is re-read.
    expectRefused({ '.env': 'MODE=EXECUTE\n' }, [/remote: .*docker-compose\.yml:7.*agent-mode.*interpolated from \.env/]);
  });
});

describe('pre-receive re-judges an in-scope file a new loader starts loading', () => {
  // An old, accepted inline exception ("never deployed"): live-endpoint lets a team record new
  // exceptions as warnings, so the seed lands without an approval.
  const { expectRefused, expectAccepted } = contentPushPerTest({
    extends: ['agenttrader-v2'],
    agents: { require_signed_tasks: false },
    required_checks: [],
    rules: { 'live-endpoint': { options: { new_exception_severity: 'warn' } } },
  });

  it('its old inline exception does not cover the new loader; a loader of another file passes', () => {
    expectAccepted({ 'config/shadow.env': '# safety-gate: allow live-endpoint -- shadow replay harness, never deployed (SEC-31)\nBROKER_URL=https://api.alpaca.markets/v2\n' });
    expectRefused({ 'compose.yaml': 'services:\n  agent:\n    image: "python:3.12.1"\n    env_file: [config/shadow.env]\n' }, [
      /remote: .*config\/shadow\.env:2.*live-endpoint.*api\.alpaca\.markets.*read through compose\.yaml/,
    ]);
    expectRefused({ 'backend/boot.py': 'from dotenv import load_dotenv\nload_dotenv("config/shadow.env")\n' }, [
      /remote: .*config\/shadow\.env:2.*live-endpoint.*read through backend\/boot\.py/,
    ]);
    expectAccepted({ 'config/other.env': 'LOG=1\n', 'compose.yaml': 'services:\n  agent:\n    image: "python:3.12.1"\n    env_file: [config/other.env]\n' });
  });
});
