// Configuration section `checks:` (issue 8, required-check receipts): the build and test commands
// the policy knows by name. `required_checks:` (the SPEC-260 policy-record field) names those that
// must have passed on exactly the tree being committed or pushed (rule required-checks).
//
//   checks:
//     test-suite:
//       command: [python, -m, pytest, -q]     # argv, run without a shell
//       env: { PYTHONHASHSEED: "0" }          # added to the check's environment
//       timeout: 10m                          # default check_defaults.timeout (10m)
//   check_defaults:
//     env: { TRADING_MODE: paper }            # every check gets these (agenttrader-v2 preset, Gate C)
//
// A check's own `env` overrides `check_defaults.env` key by key. The command digest a receipt
// carries is over the resolved argv and environment, so a receipt of another command never counts.
import { z } from 'zod';

const Duration = z.string().regex(/^\d+(?:\.\d+)?\s*[smhdw]$/, { message: 'must be a duration like 90s, 10m, 1h' });
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be an environment variable name' });
const Env = z.record(EnvName, z.string());

const CheckDefinition = z
  .object({
    /** argv; the first element is the program (looked up on PATH), never a shell line. */
    command: z.array(z.string().min(1)).min(1),
    env: Env.default({}),
    timeout: Duration.optional(),
  })
  .strict();

export const checksShape = {
  checks: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'check names are letters, digits, ".", "_" and "-"' }), CheckDefinition).optional(),
  check_defaults: z
    .object({
      /** Environment every check runs with (a check's own env overrides it key by key). */
      env: Env.default({}),
      /** Time limit of a check that names none. */
      timeout: Duration.default('10m'),
    })
    .strict()
    .optional(),
} as const;
