// Issue 12, "reading content as git and the runtime do": one real-git push per class of trick
// (`git push --no-verify` to a bare repository whose pre-receive hook runs the built CLI). Each
// test asserts the refusal, the finding behind it, that the ref did not move, and that a clean
// twin of the same file passes.
import { describe, it } from 'vitest';
import { contentPushPerTest } from './content-push.js';

const { expectRefused, expectAccepted } = contentPushPerTest({ extends: ['agenttrader-v2'] });

const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

describe('pre-receive reads bytes the way their consumer does', () => {
  it('encodings and bytes: UTF-16 .env, NUL in a comment, LFS pointer, filter attribute; clean twins pass', () => {
    expectRefused(
      {
        'config/prod.env': utf16('LOG=1\nAGENT_MODE=EXECUTE\n'),
        'config/other.env': Buffer.from('# \0\nAGENT_MODE=EXECUTE\n'),
        'config/big.yaml': `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 10\n`,
        '.gitattributes': 'config/*.yaml filter=envsubst\n',
      },
      [
        /remote: .*config\/prod\.env:2.*agent-mode/,
        /remote: .*config\/other\.env:2.*agent-mode/,
        /remote: .*config\/big\.yaml.*readable-content\/lfs-pointer/,
        /remote: .*\.gitattributes:1.*readable-content\/git-attribute/,
      ],
    );
    expectAccepted({ 'config/prod.env': utf16('# AGENT_MODE=EXECUTE is forbidden\nAGENT_MODE=OBSERVE\n'), '.gitattributes': '* text=auto eol=lf\n' });
  });

  it('hosts: percent-escapes, default-ignorables and enclosed letters as the URL parser reads them; paper and lookalike pass', () => {
    expectRefused(
      {
        'backend/broker/a.py': 'BASE = "https://%61pi.alpaca.markets/v2"\n',
        'backend/broker/b.py': 'BASE = "https://api.alp\u034Faca.markets"\n',
        'backend/broker/c.py': 'BASE = "wss://api.\u24D0lpaca.markets/stream"\n',
      },
      [/remote: .*backend\/broker\/a\.py:1.*live-endpoint/, /remote: .*backend\/broker\/b\.py:1.*live-endpoint/, /remote: .*backend\/broker\/c\.py:1.*live-endpoint/],
    );
    expectAccepted({
      'backend/broker/a.py': 'BASE = "https://paper\u00AD-api.alpaca.markets"\n',
      'backend/broker/b.py': 'BASE = "https://\u0430pi.alpaca.markets"\n',
    });
  });

  it('continuations and escapes: shell, Dockerfile, JSON, .properties, TOML are compared after unescaping; a comment passes', () => {
    expectRefused(
      {
        'services/agent/env.sh': 'export AGENT_\\\nMODE=EXECUTE\n',
        'Dockerfile': 'FROM scratch\nENV AGENT_MODE=EXE\\\nCUTE\n',
        'config/app.json': '{"AGENT\\u005fMODE": "\\u0045XECUTE"}\n',
        'config/app.properties': 'AGENT\\u005fMODE EXE\\\n    CUTE\n',
        'config/agent.toml': '[env]\nAGENT_MODE = """\nEXECUTE"""\n',
      },
      [
        /remote: .*services\/agent\/env\.sh:2.*agent-mode/,
        /remote: .*Dockerfile:2.*agent-mode/,
        /remote: .*config\/app\.json:1.*agent-mode/,
        /remote: .*config\/app\.properties:1.*agent-mode/,
        /remote: .*config\/agent\.toml:2.*agent-mode/,
      ],
    );
    expectAccepted({ 'config/agent.toml': '# AGENT_MODE = "EXECUTE"\n[env]\nNOTE = "AGENT_MODE = EXECUTE is forbidden"\nAGENT_MODE = """OBSERVE"""\n' });
  });

  it('embedded config: ConfigMap *.env, Secret base64, compose env_file outside scope, ARG into ENV, HCL heredoc, XML', () => {
    const b64 = Buffer.from('AGENT_MODE=EXECUTE\n').toString('base64');
    expectRefused(
      {
        'k8s/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  agent.env: |\n    AGENT_MODE=EXECUTE\n',
        'k8s/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\ndata:\n  agent.env: ${b64}\n`,
        'docker-compose.yml': `services:\n  agent:\n    image: x@sha256:${'c'.repeat(64)}\n    env_file: settings/agent.env\n`,
        'settings/agent.env': 'AGENT_MODE=EXECUTE\n',
        'Dockerfile': 'FROM scratch\nARG MODE=EXECUTE\nENV AGENT_MODE=$MODE\n',
        'infra/agent.tf': 'locals {\n  AGENT_MODE = <<EOT\nEXECUTE\nEOT\n}\n',
        'config/app.config': '<configuration>\n  <add key="AGENT_MODE" value="EXECUTE" />\n</configuration>\n',
      },
      [
        /remote: .*k8s\/cm\.yaml:7.*agent-mode/,
        /remote: .*k8s\/secret\.yaml:6.*agent-mode/,
        /remote: .*settings\/agent\.env:1.*agent-mode/,
        /remote: .*Dockerfile:3.*agent-mode/,
        /remote: .*infra\/agent\.tf:3.*agent-mode/,
        /remote: .*config\/app\.config:2.*agent-mode/,
      ],
    );
    expectAccepted({
      'k8s/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  agent.env: |\n    # AGENT_MODE=EXECUTE is forbidden\n    AGENT_MODE=OBSERVE\n',
      'Dockerfile': 'FROM scratch\nARG MODE\nENV AGENT_MODE=$MODE\n',
    });
  });

  it('indirection a reader can resolve: Python environ aliases and |=, JS destructuring and Reflect.set, shell printf -v / read <<<, sys.path via __import__', () => {
    expectRefused(
      {
        'backend/boot.py': 'import os\nfrom os import environ as E\nE["AGENT_" + "MODE"] = "EXECUTE"\nos.environ |= {"TRADING_MODE": "live"}\n',
        'services/agent/boot.js': 'const { AGENT_MODE = "EXECUTE" } = process.env;\nReflect.set(process.env, "TRADING_MODE", "live");\n',
        'services/agent/env.sh': "printf -v AGENT_MODE '%s' EXECUTE\nread -r TRADING_MODE <<< live\n",
        'backend/app.py': '__import__("sys").path.append("/opt/x")\n',
      },
      [
        /remote: .*backend\/boot\.py:3.*agent-mode/,
        /remote: .*backend\/boot\.py:4.*agent-mode/,
        /remote: .*services\/agent\/boot\.js:1.*agent-mode/,
        /remote: .*services\/agent\/boot\.js:2.*agent-mode/,
        /remote: .*services\/agent\/env\.sh:1.*agent-mode/,
        /remote: .*services\/agent\/env\.sh:2.*agent-mode/,
        /remote: .*backend\/app\.py:1.*import-hygiene/,
      ],
    );
    expectAccepted({
      'backend/boot.py': 'import os, sys\nos.environ["AGENT_MODE"] = sys.argv[1]\n',
      'services/agent/env.sh': 'read -r AGENT_MODE <<< "$1"\n',
    });
  });
});
