// `safety-gate init [--preset NAME] [--force]`: a starting safety-gate.config.yaml at the
// repository root that extends a preset, with commented guidance for the common changes.
import { parseArgs } from 'node:util';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GateError } from '../../errors.js';
import { DEFAULT_CONFIG_FILE, SEARCH_PLACES } from '../../config/search-places.js';
import type { CliIO } from '../io.js';
import { cliMsg } from '../../messages.js';
import { outMsg } from '../messages.js';
import { writeOut } from '../io.js';

/** What each built-in preset turns on, as `init` reports its choice (it asks nothing). */
const PRESET_SUMMARY: Record<string, string> = {
  recommended: 'policy, hooks and CI protected, live broker hosts, AGENT_MODE=EXECUTE, parse checks',
  'agenttrader-v2': 'recommended plus the SPEC-260 record, TRADING_MODE=paper, pinned images, execution-agent replicas at 0, script-risk, sys.path hygiene',
};

export function configTemplate(preset: string): string {
  return `# safety-gate policy. Check it with \`safety-gate config\`; rules: \`safety-gate explain <rule>\`.
# Settings here override the preset: maps merge key by key, lists and values replace.
extends:
  - ${preset}

# Protect more paths: define a group, then list it under protected_targets. The list replaces
# the preset's, so keep the groups you still want.
# protected_groups:
#   release-notes:
#     paths: [CHANGELOG.md]
# protected_targets: [safety-gate-policy, hook-installs, ci-workflows, release-notes]

# Files that are runnable code and config (content rules read only these):
# runtime_scope:
#   include: ["src/**", "config/**"]
#   exclude: ["**/*.md", "tests/**"]

# Rule severity (block | warn | off) and options:
# rules:
#   protected-target: block

# Server (pre-receive): read the policy from the protected branch's current tip instead of the
# file given to \`safety-gate install --server\`.
# server:
#   policy_source: branch
#   policy_branch: main
#   policy_path: ${DEFAULT_CONFIG_FILE}
`;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string', default: 'recommended' },
      force: { type: 'boolean', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  const preset = values.preset;
  const { listPresets, gitTopLevel, loadPolicy } = await import('../../config/load.js');
  const presets = listPresets();
  if (!presets.includes(preset)) {
    throw new GateError('usage', cliMsg.initUnknownPreset(preset), cliMsg.initUnknownPresetHint(presets.join(', ')));
  }
  const root = await gitTopLevel(io.cwd);
  const target = join(root, DEFAULT_CONFIG_FILE);
  if (existsSync(target) && !values.force) {
    throw new GateError('usage', cliMsg.initExists(DEFAULT_CONFIG_FILE), cliMsg.initExistsHint);
  }
  writeFileSync(target, configTemplate(preset));
  // Prove the written file loads before telling anyone to rely on it.
  await loadPolicy({ cwd: root, root, mode: 'client', configFile: target });

  const chose =
    values.preset === 'recommended' && !argv.some((a) => a === '--preset' || a.startsWith('--preset='))
      ? outMsg.initDefault(PRESET_SUMMARY.recommended!)
      : outMsg.initPreset(preset, PRESET_SUMMARY[preset]);
  writeOut(io, outMsg.initWrote(DEFAULT_CONFIG_FILE, chose) + '\n');
  const others = SEARCH_PLACES.filter((p) => p !== DEFAULT_CONFIG_FILE && p !== 'package.json' && existsSync(join(root, p)));
  if (others.length) writeOut(io, outMsg.initOthersIgnored(others, DEFAULT_CONFIG_FILE) + '\n');
  return 0;
}
