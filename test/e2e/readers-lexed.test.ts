// Issue 12, source decoded and tokenised the way the consumer does (the third red-team pass,
// classes B, C, M, O, Q, S2, T, U, V, X, AB): one real-git push per class (`git push --no-verify`
// to a bare repository whose pre-receive hook runs the built CLI). Each test asserts the
// refusal, the finding behind it, that the ref did not move, and that a clean twin passes. Run
// against an older build with SAFETY_GATE_TEST_CLI=/path/to/dist/cli.js to see them fail.
import { describe, it } from 'vitest';
import { contentPushPerTest } from './content-push.js';

const { expectRefused, expectAccepted } = contentPushPerTest({ extends: ['agenttrader-v2'], agents: { require_signed_tasks: false }, required_checks: [] });

describe('pre-receive reads source the way CPython, node and the other consumers decode it', () => {
  it('Python: a utf-7 coding cookie, NFKC identifiers, \\N{…}, annotated and tuple targets, exec of a literal, shell in subprocess; permitted twins pass', () => {
    expectRefused(
      {
        'backend/a.py': '# -*- coding: utf-7 -*-\nimport os\nos.environ["AGENT_MODE"] = "+AEU-XECUTE"\n',
        'backend/b.py': 'import os\nos.ｅｎｖｉｒｏｎ["AGENT_MODE"] = "\\N{LATIN CAPITAL LETTER E}XECUTE"\n',
        'backend/c.py': 'import os\nos.environ["AGENT_MODE"]: str = "EXECUTE"\nos.environ["TRADING_MODE"], n = "live", 1\n',
        'backend/d.py': "exec(\"import os\\nos.environ['AGENT_MODE'] = 'EXE' 'CUTE'\")\n",
        'backend/e.py': 'import subprocess\nsubprocess.run(["env", "AGENT_MODE=EXECUTE", "python3", "-m", "agent"])\n',
        'backend/f.py': 'import sys\nsys.ｐａｔｈ.insert(0, "/opt/x")\n',
      },
      [
        /remote: .*backend\/a\.py:3.*agent-mode/,
        /remote: .*backend\/b\.py:2.*agent-mode/,
        /remote: .*backend\/c\.py:2.*agent-mode/,
        /remote: .*backend\/c\.py:3.*agent-mode/,
        /remote: .*backend\/d\.py:1.*agent-mode/,
        /remote: .*backend\/e\.py:2.*agent-mode/,
        /remote: .*backend\/f\.py:2.*import-hygiene/,
      ],
    );
    expectAccepted({
      'backend/a.py': '# -*- coding: utf-7 -*-\nimport os\nos.environ["AGENT_MODE"] = "+AE8-BSERVE"\n',
      'backend/e.py': 'import subprocess\nsubprocess.run(["echo", "AGENT_MODE=EXECUTE is refused"])\n',
    });
  });

  it('JS and other languages: U+2028 ends a // comment, String() coercion, child_process, setenv calls; twins pass', () => {
    expectRefused(
      {
        'services/a.js': '// note\u2028process.env.AGENT_MODE = "EXECUTE";\n',
        'services/b.js': 'process.env.AGENT_MODE = ["EXECUTE"];\n',
        'services/c.js': 'require("child_process").execSync("AGENT_MODE=EXECUTE node agent.js");\n',
        'services/main.go': 'package main\n\nimport "os"\n\nfunc main() { os.Setenv("AGENT_MODE", "EXECUTE") }\n',
      },
      [
        /remote: .*services\/a\.js:1.*agent-mode/,
        /remote: .*services\/b\.js:1.*agent-mode/,
        /remote: .*services\/c\.js:1.*agent-mode/,
        /remote: .*services\/main\.go:5.*agent-mode/,
      ],
    );
    expectAccepted({
      'services/a.js': '// note process.env.AGENT_MODE = "EXECUTE";\nconst x = 1;\n',
      'services/main.go': 'package main\n\nimport "os"\n\nfunc main() { os.Setenv("AGENT_MODE", "OBSERVE") }\n',
    });
  });

  it('dotenv blanks python-dotenv strips, truthy t, and the agent as a Job/CronJob; twins pass', () => {
    const cron = (suspend: string) =>
      `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: execution-agent}\nspec:\n${suspend}  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - {name: a, image: "gcr.io/p/execution-agent:1.2.3"}\n`;
    expectRefused(
      {
        'config/a.env': 'AGENT_MODE=EXECUTE\x1f\nLIVE_TRADING_ENABLED=t\n',
        'k8s/agent.yaml': cron(''),
      },
      [/remote: .*config\/a\.env:1.*agent-mode/, /remote: .*config\/a\.env:2.*agent-mode/, /remote: .*k8s\/agent\.yaml:2.*replicas/],
    );
    expectAccepted({ 'config/a.env': 'AGENT_MODE=OBSERVE\x1f\nLIVE_TRADING_ENABLED=f\n', 'k8s/agent.yaml': cron('  suspend: true\n') });
  });
});
