import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { python3Has } from '../../../test/helpers/tools.js';
import { Blob } from '../../changeset/blob.js';
import { detectFormat, normalizeValue, readDockerfile, readDotenv, readHcl, readJavaScript, readLines, readPython, readSettings, readShell, type Assignment } from './index.js';

const kv = (as: Assignment[]) => as.map((a) => `${a.key}=${a.value}${a.dynamic ? ' (dynamic)' : ''} @${a.line}:${a.column}`);
const only = (as: Assignment[], key = 'AGENT_MODE') => kv(as.filter((a) => a.key === key));
const NAMES = new Set(['AGENT_MODE', 'TRADING_MODE']);
const settings = (path: string, text: string) => readSettings(path, new Blob('0'.repeat(40), Buffer.from(text)), NAMES);

describe('normalizeValue', () => {
  it('trims, unquotes and case-folds', () => {
    expect(normalizeValue(' "EXECUTE " ')).toBe('execute');
    expect(normalizeValue("'execute'")).toBe('execute');
    expect(normalizeValue('Paper')).toBe('paper');
  });
});

describe('detectFormat', () => {
  it.each([
    ['Dockerfile', 'dockerfile'],
    ['svc/Dockerfile.prod', 'dockerfile'],
    ['build/api.dockerfile', 'dockerfile'],
    ['.env', 'dotenv'],
    ['.env.production', 'dotenv'],
    ['config/prod.env', 'dotenv'],
    ['config/prod.env.example', 'dotenv'],
    ['scripts/run.sh', 'shell'],
    ['.envrc', 'shell'],
    ['a.json', 'json'],
    ['main.tf', 'hcl'],
    ['prod.tfvars', 'hcl'],
    ['app.py', 'python'],
    ['x.mjs', 'javascript'],
    ['x.tsx', 'javascript'],
    ['k8s/deploy.yml', 'yaml'],
    ['config.toml', 'toml'],
    ['app.properties', 'properties'],
    ['web.config', 'xml'],
  ])('%s → %s', (path, f) => expect(detectFormat(path)).toBe(f));
  it('uses the shebang of extensionless files', () => {
    expect(detectFormat('bin/start', '#!/usr/bin/env bash\n')).toBe('shell');
    expect(detectFormat('bin/start', '#!/usr/bin/python3\n')).toBe('python');
    expect(detectFormat('bin/start', '#!/usr/bin/env node\n')).toBe('javascript');
  });
});

describe('dotenv', () => {
  it('reads plain, export, quoted, commented values', () => {
    const t = [
      '# AGENT_MODE=EXECUTE',
      'AGENT_MODE=execute',
      'export TRADING_MODE="paper"',
      "X='a # b'",
      'Y=val # comment',
      'Z = spaced ',
      'D=${MISSING:-EXECUTE}',
      'E=$OTHER',
      'F="multi',
      'line"',
      'G: colon',
    ].join('\r\n');
    expect(kv(readDotenv(t))).toEqual([
      'AGENT_MODE=execute @2:12',
      'TRADING_MODE=paper @3:21',
      'X=a # b @4:3',
      'Y=val @5:3',
      'Z=spaced @6:5',
      'D=EXECUTE @7:3',
      'E=$OTHER (dynamic) @8:3',
      'F=multi\nline @9:3',
      'G=colon @11:4',
    ]);
  });
});

describe('shell', () => {
  it('reads export, prefix assignments, declare, env and expansions', () => {
    const t = [
      '#!/bin/sh',
      '# export AGENT_MODE=EXECUTE',
      'export AGENT_MODE=EXECUTE',
      'AGENT_MODE=observe python app.py',
      'declare -x AGENT_MODE="EXECUTE "',
      ': "${AGENT_MODE:=EXECUTE}"',
      'echo "${AGENT_MODE:-OFF}"',
      'env -i AGENT_MODE=x TRADING_MODE=live ./run',
      'if [ "$AGENT_MODE" = "EXECUTE" ]; then exit 1; fi',
      'NOT_AGENT_MODE=EXECUTE',
      'AGENT_MODE=$(cat mode)',
      "export A=1 AGENT_MODE='q' B=2",
    ].join('\n');
    expect(only(readShell(t))).toEqual([
      'AGENT_MODE=EXECUTE @3:19',
      'AGENT_MODE=observe @4:12',
      'AGENT_MODE=EXECUTE  @5:23',
      'AGENT_MODE=EXECUTE @6:18',
      'AGENT_MODE=OFF @7:21',
      'AGENT_MODE=x @8:19',
      'AGENT_MODE=$(cat mode) (dynamic) @11:12',
      'AGENT_MODE=q @12:23',
    ]);
    expect(only(readShell(t), 'TRADING_MODE')).toEqual(['TRADING_MODE=live @8:34']);
  });
  it('handles continuations, heredocs, docker -e, gcloud and GITHUB_ENV', () => {
    const t = [
      'docker run --rm \\',
      '  -e AGENT_MODE=EXECUTE \\',
      '  img',
      'gcloud run deploy svc --set-env-vars=TRADING_MODE=live,AGENT_MODE=OFF',
      'cat > .env <<EOF',
      'AGENT_MODE=EXECUTE',
      'EOF',
      'echo "TRADING_MODE=paper" >> "$GITHUB_ENV"',
      'kubectl set env deploy/x AGENT_MODE=EXECUTE',
      'grep -e AGENT_MODE=EXECUTE file',
    ].join('\n');
    expect(only(readShell(t))).toEqual(['AGENT_MODE=EXECUTE @2:17', 'AGENT_MODE=OFF @4:67', 'AGENT_MODE=EXECUTE @6:12', 'AGENT_MODE=EXECUTE @9:37']);
    expect(only(readShell(t), 'TRADING_MODE')).toEqual(['TRADING_MODE=live @4:51', 'TRADING_MODE=paper @8:20']);
  });
});

describe('dockerfile', () => {
  it('reads ENV forms, ARG defaults, continuations and RUN', () => {
    const t = [
      'FROM python:3.12',
      '# ENV AGENT_MODE=EXECUTE',
      'ENV A=1 AGENT_MODE=EXECUTE \\',
      '    TRADING_MODE="paper"',
      'ENV AGENT_MODE EXECUTE now',
      'ARG AGENT_MODE=execute',
      'ARG TRADING_MODE',
      'RUN AGENT_MODE=EXECUTE python -m app',
      'ENV AGENT_MODE=${MODE:-EXECUTE}',
      'LABEL AGENT_MODE=EXECUTE',
    ].join('\n');
    expect(only(readDockerfile(t))).toEqual([
      'AGENT_MODE=EXECUTE @3:20',
      'AGENT_MODE=EXECUTE now @5:16',
      'AGENT_MODE=execute @6:16',
      'AGENT_MODE=EXECUTE @8:16',
      'AGENT_MODE=EXECUTE @9:16',
    ]);
    expect(only(readDockerfile(t), 'TRADING_MODE')).toEqual(['TRADING_MODE=paper @4:18']);
  });
});

describe('hcl', () => {
  it('reads attributes and name/value blocks', () => {
    const t = [
      '# AGENT_MODE = "EXECUTE"',
      'locals {',
      '  AGENT_MODE = "EXECUTE" // here',
      '  other = var.AGENT_MODE',
      '}',
      'env {',
      '  name  = "AGENT_MODE"',
      '  value = "execute"',
      '}',
      'x = [{ name = "TRADING_MODE", value = "live" }]',
      'y = "${var.mode}"',
      'AGENT_MODE = "${var.mode}"',
      'z = jsonencode({ AGENT_MODE = "EXECUTE" })',
    ].join('\n');
    expect(only(readHcl(t))).toEqual(['AGENT_MODE=EXECUTE @3:16', 'AGENT_MODE=execute @8:11', 'AGENT_MODE=${var.mode} (dynamic) @12:14', 'AGENT_MODE=EXECUTE @13:31']);
    expect(only(readHcl(t), 'TRADING_MODE')).toEqual(['TRADING_MODE=live @10:39']);
  });
});

describe('hcl variable defaults', () => {
  it('reads variable "K" { default = "V" }', () => {
    const t = 'variable "agent_mode" {\n  type    = string\n  default = "EXECUTE"\n}\nvariable "other" {\n  default = "x"\n}\n';
    expect(only(readHcl(t), 'agent_mode')).toEqual(['agent_mode=EXECUTE @3:13']);
  });
});

describe('python', () => {
  it('reads environ assignments, setdefault, putenv, defaults, env dicts', () => {
    const t = [
      'import os',
      '# os.environ["AGENT_MODE"] = "EXECUTE"',
      '"""os.environ["AGENT_MODE"] = "EXECUTE" """',
      'os.environ["AGENT_MODE"] = "EXECUTE"',
      "os.environ.setdefault('AGENT_MODE', 'execute')",
      'os.putenv("AGENT_MODE", "EXECUTE")',
      'mode = os.getenv("AGENT_MODE", "OFF")',
      'if os.environ.get("AGENT_MODE", "").upper() == "EXECUTE":',
      '    raise SystemExit("refuse")',
      'subprocess.run(cmd, env={**os.environ, "AGENT_MODE": "EXECUTE"})',
      'AGENT_MODE = "EXECUTE"',
      'FORBIDDEN = {"AGENT_MODE": "EXECUTE"}',
      'os.environ.update(AGENT_MODE="EXECUTE")',
    ].join('\n');
    expect(only(readPython(t))).toEqual([
      'AGENT_MODE=EXECUTE @4:28',
      'AGENT_MODE=execute @5:37',
      'AGENT_MODE=EXECUTE @6:25',
      'AGENT_MODE=OFF @7:32',
      'AGENT_MODE= @8:33',
      'AGENT_MODE=EXECUTE @10:54',
      'AGENT_MODE=EXECUTE @11:14',
      'AGENT_MODE=EXECUTE @13:30',
    ]);
  });
});

describe('javascript', () => {
  it('reads process.env assignments and env objects', () => {
    const t = [
      '// process.env.AGENT_MODE = "EXECUTE"',
      'process.env.AGENT_MODE = "EXECUTE";',
      "process.env['TRADING_MODE'] = 'live'",
      'const m = process.env.AGENT_MODE ?? "OFF";',
      'if (process.env.AGENT_MODE === "EXECUTE") throw new Error("no");',
      'spawn("x", { env: { ...process.env, AGENT_MODE: `EXECUTE` } });',
      'const AGENT_MODE: string = "EXECUTE";',
      'const re = /AGENT_MODE = "EXECUTE"/;',
      'const FORBIDDEN = { AGENT_MODE: "EXECUTE" };',
    ].join('\n');
    expect(only(readJavaScript(t))).toEqual(['AGENT_MODE=EXECUTE @2:26', 'AGENT_MODE=OFF @4:37', 'AGENT_MODE=EXECUTE @6:49', 'AGENT_MODE=EXECUTE @7:28']);
    expect(only(readJavaScript(t), 'TRADING_MODE')).toEqual(['TRADING_MODE=live @3:31']);
  });
});

describe('lines', () => {
  it('finds assignments of the names outside comments', () => {
    const t = [
      'AGENT_MODE = "EXECUTE"',
      '# AGENT_MODE=EXECUTE',
      'AGENT_MODE: "OFF"  # EXECUTE is forbidden',
      'Environment="AGENT_MODE=EXECUTE"',
      'NOT_AGENT_MODE=EXECUTE',
      'if AGENT_MODE == EXECUTE',
      '- name: AGENT_MODE',
      '  value: execute',
      'x: ${AGENT_MODE:-EXECUTE}',
      "description: it's fine # AGENT_MODE=EXECUTE",
    ].join('\n');
    expect(only(readLines(t, NAMES))).toEqual([
      'AGENT_MODE=EXECUTE @1:14',
      'AGENT_MODE=OFF @3:13',
      'AGENT_MODE=EXECUTE @4:25',
      'AGENT_MODE=execute @8:10',
      'AGENT_MODE=EXECUTE @9:18',
    ]);
  });
});

describe('line reader template comments', () => {
  it('ignores Helm and Jinja comments', () => {
    const t = '{{/* AGENT_MODE=EXECUTE is forbidden */}}\n{{- /*\nAGENT_MODE: EXECUTE\n*/ -}}\n{# AGENT_MODE=EXECUTE #}\nAGENT_MODE: EXECUTE\n';
    expect(only(readLines(t, NAMES))).toEqual(['AGENT_MODE=EXECUTE @6:13']);
  });
});

describe('yaml and json through readSettings', () => {
  it('reads maps, env lists, compose lists, anchors, merge keys, shell', async () => {
    const t = [
      'x-env: &env',
      '  AGENT_MODE: EXECUTE',
      'services:',
      '  a:',
      '    environment:',
      '      <<: *env',
      '      TRADING_MODE: paper',
      '  b:',
      '    environment:',
      '      - AGENT_MODE=execute',
      '      - "TRADING_MODE=live"',
      '  c:',
      '    command: ["sh", "-c", "AGENT_MODE=EXECUTE python app.py"]',
      'spec:',
      '  env:',
      '    - name: AGENT_MODE',
      '      value: "EXECUTE "',
      '    - name: TRADING_MODE',
      '      valueFrom: {configMapKeyRef: {name: x, key: y}}',
      '  comment: OFF # AGENT_MODE=EXECUTE',
      '  AGENT_MODE_DESCRIPTION: EXECUTE',
      '  run: |',
      '    echo hi',
      '    export AGENT_MODE=EXECUTE',
    ].join('\n');
    expect(only(await settings('compose.yaml', t))).toEqual([
      'AGENT_MODE=EXECUTE @2:15',
      'AGENT_MODE=execute @10:20',
      'AGENT_MODE=EXECUTE @13:39',
      'AGENT_MODE=EXECUTE  @17:14',
      'AGENT_MODE=EXECUTE @24:23',
    ]);
    expect(only(await settings('compose.yaml', t), 'TRADING_MODE')).toEqual(['TRADING_MODE=paper @7:21', 'TRADING_MODE=live @11:23']);
  });
  it('reads package.json scripts as shell', async () => {
    const t = '{\n  "scripts": {\n    "start": "AGENT_MODE=EXECUTE node app.js",\n    "test": "vitest"\n  }\n}\n';
    expect(only(await settings('services/api/package.json', t))).toEqual(['AGENT_MODE=EXECUTE @3:26']);
  });
  it('falls back to lines for broken YAML and JSON', async () => {
    const helm = 'env:\n{{- if .Values.x }}\n  - name: AGENT_MODE\n    value: EXECUTE\n{{- end }}\n';
    expect(only(await settings('chart/templates/d.yaml', helm))).toEqual(['AGENT_MODE=EXECUTE @4:12']);
    expect(only(await settings('a.json', '{"AGENT_MODE": "EXECUTE",'))).toEqual(['AGENT_MODE=EXECUTE @1:16']);
  });
  it('reads JSON at any depth and name/value lists', async () => {
    const t = '{\n  // c\n  "a": {"AGENT_MODE": "EXECUTE"},\n  "env": [{"name": "TRADING_MODE", "value": "live"}, "AGENT_MODE=x"]\n}\n';
    expect(only(await settings('a.jsonc', t))).toEqual(['AGENT_MODE=EXECUTE @3:23', 'AGENT_MODE=x @4:66']);
    expect(only(await settings('a.jsonc', t), 'TRADING_MODE')).toEqual(['TRADING_MODE=live @4:45']);
  });
});

describe('shell heredocs', () => {
  it('reads bodies written to files or pipes, not messages printed to the terminal', () => {
    const t = [
      'cat <<EOF',
      'AGENT_MODE=EXECUTE  # would be refused',
      'EOF',
      'cat <<EOF >&2',
      'AGENT_MODE=EXECUTE',
      'EOF',
      'cat <<EOF | kubectl apply -f -',
      'AGENT_MODE: EXECUTE',
      'EOF',
      'tee /etc/agent.env <<EOF >/dev/null',
      'TRADING_MODE=live',
      'EOF',
    ].join('\n');
    expect(kv(readShell(t))).toEqual(['AGENT_MODE=EXECUTE @8:13', 'TRADING_MODE=live @11:14']);
  });
});

describe('kustomize patches', () => {
  it('reads YAML held in patch strings, positioned in the file', async () => {
    const t = [
      'resources: [../base]',
      'patches:',
      '  - patch: |-',
      '      apiVersion: apps/v1',
      '      kind: Deployment',
      '      spec:',
      '        template:',
      '          spec:',
      '            containers:',
      '              - name: agent',
      '                env:',
      '                  - name: AGENT_MODE',
      '                    value: EXECUTE',
      '',
    ].join('\n');
    expect(only(await settings('k8s/overlays/prod/kustomization.yaml', t))).toEqual(['AGENT_MODE=EXECUTE @13:28']);
  });
});

describe('variables the file itself sets (read as the shell and dotenv read them)', () => {
  it('shell: $M and ${M} read a literal the script assigned once; a default yields to a set value', () => {
    expect(only(readShell('M=EXECUTE\nexport AGENT_MODE="$M"\n'))).toEqual(['AGENT_MODE=EXECUTE @2:19']);
    expect(only(readShell('M=EXECUTE; export AGENT_MODE=${M}\n'))).toEqual(['AGENT_MODE=EXECUTE @1:30']);
    expect(only(readShell("export M='EXECUTE'\nAGENT_MODE=${M:-OBSERVE} ./run\n"))).toEqual(['AGENT_MODE=EXECUTE @2:12']);
    // Single quotes do not expand; an unknown or twice-assigned name stays dynamic.
    expect(only(readShell("M=EXECUTE\nexport AGENT_MODE='$M'\n"))).toEqual(['AGENT_MODE=$M @2:19']);
    expect(only(readShell('export AGENT_MODE="$UNSET_HERE"\n'))).toEqual(['AGENT_MODE=$UNSET_HERE (dynamic) @1:19']);
    expect(only(readShell('M=OBSERVE\nif x; then M=EXECUTE; fi\nexport AGENT_MODE="$M"\n'))).toEqual(['AGENT_MODE=$M (dynamic) @3:19']);
  });

  it('dotenv: ${X} and $X read a key set earlier in the file', () => {
    expect(only(readDotenv('MODE=EXECUTE\nAGENT_MODE=${MODE}\n'))).toEqual(['AGENT_MODE=EXECUTE @2:12']);
    expect(only(readDotenv('MODE=EXECUTE\nAGENT_MODE="$MODE"\n'))).toEqual(['AGENT_MODE=EXECUTE @2:12']);
    expect(only(readDotenv("MODE=EXECUTE\nAGENT_MODE='${MODE}'\n"))).toEqual(['AGENT_MODE=${MODE} @2:12']);
    expect(only(readDotenv('AGENT_MODE=${MODE}\nMODE=EXECUTE\n'))).toEqual(['AGENT_MODE=${MODE} (dynamic) @1:12']);
  });
});

describe('JS/TS lexing and coercion (r15-lex)', () => {
  it('ends a // comment at U+2028/U+2029 (ECMAScript LineTerminator), not in HCL', () => {
    expect(only(readJavaScript('// a\u2028process.env.AGENT_MODE = "EXECUTE";\n'))).toEqual(['AGENT_MODE=EXECUTE @1:31']);
    expect(only(readJavaScript('// a process.env.AGENT_MODE = "EXECUTE";\n'))).toEqual([]);
    expect(only(readHcl('// a\u2028AGENT_MODE = "EXECUTE"\n'))).toEqual([]);
  });
  it('reads what process.env stores: String(value)', () => {
    expect(only(readJavaScript('process.env.AGENT_MODE = ["EXE" + "CUTE"];'))).toEqual(['AGENT_MODE=EXECUTE @1:26']);
    expect(only(readJavaScript('process.env.AGENT_MODE = {};'))).toEqual(['AGENT_MODE=[object Object] @1:26']);
    expect(readJavaScript('process.env.AGENT_MODE = { valueOf() { return x; } };')[0]?.unverifiable).toMatch(/toString\/valueOf/);
  });
  it('reads child_process command lines and argv as shell, only in files that use child_process', () => {
    expect(only(readJavaScript('const cp = require("child_process"); cp.execFileSync("env", ["AGENT_MODE=EXECUTE", "node"]);'))).toEqual(['AGENT_MODE=EXECUTE @1:54']);
    expect(only(readJavaScript('db.exec("AGENT_MODE=EXECUTE");'))).toEqual([]);
  });
});

describe('dotenv whitespace as python-dotenv strips it (r15-lex)', () => {
  const rows = [
    'AGENT_MODE=EXECUTE\x1f',
    'AGENT_MODE\x1f=EXECUTE',
    '\x1fAGENT_MODE=EXECUTE',
    'export\x1fAGENT_MODE=EXECUTE',
    'AGENT_MODE=\x1cEXECUTE',
    'AGENT_MODE=EXECUTE\x85# c',
  ];
  it("strips \\x1c-\\x1f and NEL where Python's \\s does", () => {
    for (const r of rows) expect(readDotenv(`${r}\n`).map((a) => `${a.key}=${a.value}`)).toEqual(['AGENT_MODE=EXECUTE']);
    expect(readDotenv('AGENT_MODE="EXECUTE\x1f"\n').map((a) => a.value)).toEqual(['EXECUTE\x1f']);
  });
  it.skipIf(!python3Has('dotenv'))('agrees with python-dotenv on every row', () => {
    const script =
      'import sys, io, json\nfrom dotenv import dotenv_values\nprint(json.dumps([dotenv_values(stream=io.StringIO(r)).get("AGENT_MODE") for r in json.loads(sys.stdin.read())]))';
    const got = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(rows.map((r) => `${r}\n`)), encoding: 'utf8' })) as string[];
    expect(got).toEqual(rows.map(() => 'EXECUTE'));
  });
});
