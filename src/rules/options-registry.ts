// Option schemas of every rule, keyed by rule id. Imported only by the config loader, so zod
// is never loaded on a hook's hot path.
import type { z } from 'zod';
import { optionsSchema as protectedTarget } from './protected-target/options.js';
import { optionsSchema as liveEndpoint } from './live-endpoint/options.js';
import { optionsSchema as imagePinning } from './image-pinning/options.js';
import { optionsSchema as agentMode } from './agent-mode/options.js';
import { optionsSchema as generatedFile } from './generated-file/options.js';
import { optionsSchema as taskScope } from './task-scope/options.js';
import { optionsSchema as replicas } from './replicas/options.js';
import { optionsSchema as tradingMode } from './trading-mode/options.js';
import { optionsSchema as importHygiene } from './import-hygiene/options.js';
import { optionsSchema as scriptRisk } from './script-risk/options.js';
import { optionsSchema as refIntegrity } from './ref-integrity/options.js';
import { optionsSchema as secrets } from './secrets/options.js';
import { optionsSchema as readableContent } from './readable-content/options.js';
import { optionsSchema as policyRecord } from './policy-record/options.js';
import { optionsSchema as retryBudget } from './retry-budget/options.js';
import { optionsSchema as requiredChecks } from './required-checks/options.js';
// @options-import (helpers: add imports above this line)

export const ruleOptionSchemas: Record<string, z.ZodType> = {
  'protected-target': protectedTarget,
  'live-endpoint': liveEndpoint,
  'image-pinning': imagePinning,
  'agent-mode': agentMode,
  'generated-file': generatedFile,
  'task-scope': taskScope,
  replicas,
  'trading-mode': tradingMode,
  'import-hygiene': importHygiene,
  'script-risk': scriptRisk,
  'ref-integrity': refIntegrity,
  secrets,
  'readable-content': readableContent,
  'policy-record': policyRecord,
  'retry-budget': retryBudget,
  'required-checks': requiredChecks,
  // @options-list (helpers: add entries above this line)
};

export { ruleAliases } from './aliases.js';
