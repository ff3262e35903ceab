import { describe, expect, it } from 'vitest';
import { callsGate, withGateLine } from './husky.js';

describe('husky hook scripts', () => {
  it('appends to what is there and never twice', () => {
    const once = withGateLine('npm test', 'pre-commit', 9);
    expect(once).toBe('npm test\nsafety-gate hook pre-commit\n');
    expect(withGateLine(once, 'pre-commit', 9)).toBeNull();
  });

  it('passes the message file and the push arguments through', () => {
    expect(withGateLine(null, 'commit-msg', 9)).toBe('safety-gate hook commit-msg "$1"\n');
    expect(withGateLine(null, 'pre-push', 9)).toBe('safety-gate hook pre-push "$@"\n');
  });

  it('gives husky 8 files their loader', () => {
    expect(withGateLine(null, 'pre-commit', 8)).toMatch(/^#!\/usr\/bin\/env sh\n\. "\$\(dirname -- "\$0"\)\/_\/husky\.sh"\n/);
  });

  it('does not count a commented-out call or another hook', () => {
    expect(callsGate('# safety-gate hook pre-commit\n', 'pre-commit')).toBe(false);
    expect(callsGate('safety-gate hook pre-push "$@"\n', 'pre-commit')).toBe(false);
    expect(callsGate('npx --no -- safety-gate hook pre-commit\n', 'pre-commit')).toBe(true);
  });
});
