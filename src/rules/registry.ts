// The explicit list of rules. Order is the order of `safety-gate explain` and of findings
// with the same position.
import type { Rule } from './types.js';
import { protectedTarget } from './protected-target/rule.js';
import { liveEndpoint } from './live-endpoint/rule.js';
import { imagePinning } from './image-pinning/rule.js';
import { agentMode } from './agent-mode/rule.js';
import { sentinel } from './sentinel/rule.js';
import { generatedFile } from './generated-file/rule.js';
import { taskScope } from './task-scope/rule.js';
import { replicas } from './replicas/rule.js';
import { tradingMode } from './trading-mode/rule.js';
import { importHygiene } from './import-hygiene/rule.js';
import { scriptRisk } from './script-risk/rule.js';
import { refIntegrity } from './ref-integrity/rule.js';
import { secrets } from './secrets/rule.js';
import { readableContent } from './readable-content/rule.js';
import { policyRecord } from './policy-record/rule.js';
import { retryBudget } from './retry-budget/rule.js';
import { releaseTags } from './release-tags/rule.js';
import { requiredChecks } from './required-checks/rule.js';
// @rules-import (helpers: add imports above this line)

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const rules: Rule<any>[] = [
  protectedTarget,
  liveEndpoint,
  imagePinning,
  agentMode,
  sentinel,
  generatedFile,
  taskScope,
  replicas,
  tradingMode,
  importHygiene,
  scriptRisk,
  refIntegrity,
  secrets,
  readableContent,
  policyRecord,
  retryBudget,
  releaseTags,
  requiredChecks,
  // @rules-list (helpers: add entries above this line)
];
