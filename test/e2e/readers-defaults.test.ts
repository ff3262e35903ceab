// Issue 12 (branch defaults): values whose fallback or committed default is forbidden, and data
// formats decoded as their consumer decodes them. One real-git push per class (`git push
// --no-verify` to a bare repository whose pre-receive hook runs the built CLI); each test
// asserts the refusal, the finding behind it, that the ref did not move, and that a clean twin
// passes. Run against an older build with SAFETY_GATE_TEST_CLI=/path/to/dist/cli.js to see
// them fail without the fixes.
import { describe, it } from 'vitest';
import { contentPushPerTest } from './content-push.js';

const { expectRefused, expectAccepted } = contentPushPerTest({ extends: ['agenttrader-v2'], agents: { require_signed_tasks: false }, required_checks: [] });

const pod = (value: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  containers:\n  - name: w\n    image: busybox:1.36\n    env:\n    - name: AGENT_MODE\n      value: ${value}\n`;

describe('pre-receive judges what the consumer reads from a default or a reference', () => {
  it('Spring, Quarkus, Jinja and Helm defaults, Helm values.yaml through a template; OBSERVE twins pass', () => {
    expectRefused(
      {
        'config/application.properties': 'agent.mode=${AGENT_MODE_OVERRIDE:EXECUTE}\n%prod.trading.mode=live\n',
        'deploy/group_vars/all.yml': "agent_mode: \"{{ lookup('env', 'X') | default('EXECUTE', true) }}\"\n",
        'deploy/chart/values.yaml': 'mode: EXECUTE\n',
        'deploy/chart/templates/a.yaml': pod('{{ .Values.mode | quote }}'),
        'deploy/chart/templates/b.yaml': pod('{{ .Values.other | default "EXECUTE" | quote }}'),
      },
      [
        /remote: .*config\/application\.properties:1.*agent-mode/,
        /remote: .*config\/application\.properties:2.*agent-mode/,
        /remote: .*deploy\/group_vars\/all\.yml:1.*agent-mode/,
        /remote: .*deploy\/chart\/templates\/a\.yaml:10.*agent-mode/,
        /remote: .*deploy\/chart\/templates\/b\.yaml:10.*agent-mode/,
      ],
    );
    expectAccepted({
      'config/application.properties': 'agent.mode=${AGENT_MODE_OVERRIDE:OBSERVE}\n%prod.trading.mode=paper\n',
      'deploy/chart/values.yaml': 'mode: OBSERVE\nunused: EXECUTE\n',
      'deploy/chart/templates/a.yaml': pod('{{ .Values.mode | default "EXECUTE" | quote }}'),
    });
  });

  it('Terraform var/local/coalesce/lookup/tfvars and \\u escapes, CloudFormation !Ref defaults; permitted twins pass', () => {
    expectRefused(
      {
        'infra/terraform.tfvars': 'mode = "EXECUTE"\n',
        'infra/main.tf':
          'variable "mode" {}\nlocals { m = "EXECUTE" }\nresource "aws_lambda_function" "a" {\n  environment { variables = { AGENT_MODE = var.mode } }\n}\nresource "aws_lambda_function" "b" {\n  environment { variables = { AGENT_MODE = coalesce(local.none, local.m) } }\n}\nresource "aws_lambda_function" "c" {\n  environment { variables = { "AGENT\\u005FMODE" = lookup({}, "k", "\\u0045XECUTE") } }\n}\n',
        'infra/stack.yaml':
          'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  Mode: {Type: String, Default: EXECUTE}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          AGENT_MODE: !Ref Mode\n',
      },
      [
        /remote: .*infra\/main\.tf:4.*agent-mode/,
        /remote: .*infra\/main\.tf:7.*agent-mode/,
        /remote: .*infra\/main\.tf:10.*agent-mode/,
        /remote: .*infra\/stack\.yaml:10.*agent-mode/,
      ],
    );
    expectAccepted({
      'infra/terraform.tfvars': 'mode = "OBSERVE"\n',
      'infra/main.tf': 'variable "mode" {\n  default = "EXECUTE"\n}\nresource "aws_lambda_function" "a" {\n  environment { variables = { AGENT_MODE = var.mode } }\n}\n',
      'infra/stack.yaml':
        'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  Mode: {Type: String}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          AGENT_MODE: !Ref Mode\n',
    });
  });
});

describe('pre-receive decodes data formats as their consumer does', () => {
  it('INI (configparser), XML entities, JSON5, YAML !!binary, JSON inside string values; clean twins pass', () => {
    expectRefused(
      {
        'config/settings.ini': '[DEFAULT]\nm = EXECUTE\n[agent]\nAgent_Mode:%(m)s\n',
        'config/settings.xml': '<!DOCTYPE s [<!ENTITY m "EXECUTE">]>\n<s><AGENT_MODE>&m;</AGENT_MODE><add key="TRADING&#95;MODE" value="live"/></s>\n',
        'config/a.json5': "{AGENT_MODE: '\\x45XECUTE'}\n",
        'config/a.yaml': 'AGENT_MODE: !!binary RVhFQ1VURQ==\n',
        'config/app.env': 'AGENT={"mode": "EXECUTE"}\n',
      },
      [
        /remote: .*config\/settings\.ini:4.*agent-mode/,
        /remote: .*config\/settings\.xml:2.*agent-mode.*AGENT_MODE/,
        /remote: .*config\/settings\.xml:2.*agent-mode.*TRADING_MODE/,
        /remote: .*config\/a\.json5:1.*agent-mode/,
        /remote: .*config\/a\.yaml:1.*agent-mode/,
        /remote: .*config\/app\.env:1.*agent-mode/,
      ],
    );
    expectAccepted({
      'config/settings.ini': '[agent]\n; agent_mode = EXECUTE\nagent_mode = OBSERVE\n',
      'config/settings.xml': '<!DOCTYPE s [<!ENTITY m "OBSERVE">]>\n<s><AGENT_MODE>&m;</AGENT_MODE></s>\n',
      'config/a.json5': "{AGENT_MODE: 'OBS\\x45RVE'}\n",
      'config/a.yaml': 'AGENT_MODE: !!binary T0JTRVJWRQ==\n',
      'config/app.env': 'AGENT={"mode": "OBSERVE"}\n',
    });
  });
});
