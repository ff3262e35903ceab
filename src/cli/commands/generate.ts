// `safety-gate generate <id>`: being written (change control). Placeholder so the CLI builds.
import { GateError } from '../../errors.js';
import type { Command } from '../io.js';

export const run: Command = async () => {
  throw new GateError('usage', 'safety-gate generate is not available yet', 'see safety-gate --help');
};
