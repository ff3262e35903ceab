// Issue 12, content that a reader can resolve without running it (the second red-team pass):
// one real-git push per class (`git push --no-verify` to a bare repository whose pre-receive
// hook runs the built CLI). Each test asserts the refusal, the finding behind it, that the ref
// did not move, and that a clean twin passes. Run against an older build with
// SAFETY_GATE_TEST_CLI=/path/to/dist/cli.js to see them fail without the fixes.
import { describe, it } from 'vitest';
import { contentPushPerTest } from './content-push.js';

const { expectRefused, expectAccepted } = contentPushPerTest({ extends: ['agenttrader-v2'], agents: { require_signed_tasks: false }, required_checks: [] });

describe('pre-receive evaluates pure expressions of literals and follows environment aliases', () => {
  it('Python: __setitem__, a str.join key, bytes.fromhex(...).decode(), a copy of os.environ handed to a child; computed twins pass', () => {
    expectRefused(
      {
        'backend/a.py': 'import os\nos.environ.__setitem__("AGENT_MODE", "EXECUTE")\n',
        'backend/b.py': 'import os\nos.environ["_".join(["AGENT", "MODE"])] = "EXECUTE"\n',
        'backend/c.py': 'import os\nos.environ["AGENT_MODE"] = bytes.fromhex("45584543555445").decode()\n',
        'backend/d.py': 'import os, subprocess\nenv = os.environ.copy()\nenv["AGENT_MODE"] = "EXECUTE"\nsubprocess.run(["w"], env=env)\n',
      },
      [/remote: .*backend\/a\.py:2.*agent-mode/, /remote: .*backend\/b\.py:2.*agent-mode/, /remote: .*backend\/c\.py:2.*agent-mode/, /remote: .*backend\/d\.py:3.*agent-mode/],
    );
    expectAccepted({
      'backend/a.py': 'import os\nos.environ.__setitem__("AGENT_MODE", "OBSERVE")\n',
      'backend/c.py': 'import os, sys\nos.environ["AGENT_MODE"] = bytes.fromhex(sys.argv[1]).decode()\n',
    });
  });

  it('JS: a name bound to process.env, process["env"], require("process").env, literal decoders; an unrelated object passes', () => {
    expectRefused(
      {
        'services/a.js': 'const e = process.env; e.AGENT_MODE = "EXECUTE";\n',
        'services/b.js': 'process["env"]["AGENT_MODE"] = "EXECUTE";\n',
        'services/c.js': 'require("node:process").env.AGENT_MODE = String.fromCharCode(69, 88, 69, 67, 85, 84, 69);\n',
      },
      [/remote: .*services\/a\.js:1.*agent-mode/, /remote: .*services\/b\.js:1.*agent-mode/, /remote: .*services\/c\.js:1.*agent-mode/],
    );
    expectAccepted({ 'services/a.js': 'const e = { mode: 1 }; e.AGENT_MODE = "EXECUTE";\n' });
  });

  it('shell: quoted arguments of export/env after quote removal, read splitting on the IFS in effect; a quoted command word passes', () => {
    expectRefused(
      {
        'ops/a.sh': '#!/bin/sh\nexport "AGENT_MODE=EXECUTE"\n',
        'ops/b.sh': '#!/bin/bash\nIFS== read -r K AGENT_MODE <<< "x=EXECUTE"; export AGENT_MODE\n',
      },
      [/remote: .*ops\/a\.sh:2.*agent-mode/, /remote: .*ops\/b\.sh:2.*agent-mode/],
    );
    expectAccepted({ 'ops/a.sh': '#!/bin/sh\necho "AGENT_MODE=EXECUTE is refused"\n', 'ops/b.sh': '#!/bin/bash\nread -r K AGENT_MODE <<< "x=EXECUTE OBSERVE"\n' });
  });

  it('embedded: Argo CD Helm parameters set env values; Terraform images in one-line blocks; permitted twins pass', () => {
    expectRefused(
      {
        'deploy/app.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  source:\n    helm:\n      parameters:\n      - name: env.AGENT_MODE\n        value: EXECUTE\n',
        'infra/k8s.tf': 'resource "kubernetes_deployment" "a" {\n  spec { template { spec { container { image = "nginx:latest" } } } }\n}\n',
      },
      [/remote: .*deploy\/app\.yaml:9.*agent-mode/, /remote: .*infra\/k8s\.tf:2.*image-pinning/],
    );
    expectAccepted({
      'deploy/app.yaml':
        'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  source:\n    helm:\n      parameters:\n      - name: env.AGENT_MODE\n        value: OBSERVE\n',
      'infra/k8s.tf': 'resource "kubernetes_deployment" "a" {\n  spec { template { spec { container { image = "nginx:1.27.3" } } } }\n}\n',
    });
  });

  it('files a compose or Kustomize file in the tree loads are judged when they change on their own', () => {
    // The wiring lands clean; then only the out-of-scope env files change.
    expectAccepted({
      'docs/dev1.env': 'AGENT_MODE=OBSERVE\n',
      'docker-compose.yml': 'services:\n  app:\n    image: "python:3.12.1"\n    env_file: docs/dev1.env\n',
      'docs/dev3.env': 'AGENT_MODE=OBSERVE\n',
      'k8s/kustomization.yaml': 'configMapGenerator:\n- name: app\n  envs: [../docs/dev3.env]\n',
    });
    expectRefused({ 'docs/dev1.env': 'AGENT_MODE=EXECUTE\n' }, [/remote: .*docs\/dev1\.env:1.*agent-mode.*loaded by docker-compose\.yml/]);
    expectRefused({ 'docs/dev3.env': 'AGENT_MODE=EXECUTE\n' }, [/remote: .*docs\/dev3\.env:1.*agent-mode.*loaded by k8s\/kustomization\.yaml/]);
    // A docs env file nothing loads stays out of scope.
    expectAccepted({ 'docs/example.env': 'AGENT_MODE=EXECUTE\n' });
  });

  it('Kustomize namePrefix makes a plain Deployment the execution agent: judged under the rendered name, both orders', () => {
    const deployment = (n: number) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: agent}\nspec:\n  replicas: ${n}\n  template: {spec: {containers: [{name: a, image: "busybox:1.36"}]}}\n`;
    expectAccepted({ 'deploy/base/agent.yaml': deployment(2) });
    expectRefused({ 'deploy/base/kustomization.yaml': 'namePrefix: execution-\nresources: [agent.yaml]\n' }, [/remote: .*deploy\/base\/agent\.yaml:5.*replicas.*execution-agent/]);
    expectAccepted({ 'deploy/base/agent.yaml': deployment(0) });
    expectAccepted({ 'deploy/base/kustomization.yaml': 'namePrefix: execution-\nresources: [agent.yaml]\n' });
    expectRefused({ 'deploy/base/agent.yaml': deployment(3) }, [/remote: .*deploy\/base\/agent\.yaml:5.*replicas.*rendered by deploy\/base\/kustomization\.yaml/]);
  });
});
