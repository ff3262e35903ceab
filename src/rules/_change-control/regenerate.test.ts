import { describe, expect, it } from 'vitest';
import type { TreeEntry } from '../../changeset/types.js';
import { pushedCodeReason } from './regenerate.js';

const tree = new Map<string, TreeEntry>(
  ['tools/gen.mjs', 'Makefile', 'gen.sh', 'api.proto', 'dist/app.js', 'mytool/__init__.py'].map((p) => [p, { path: p, mode: '100644', oid: '0'.repeat(40) }]),
);

describe('the server never runs code from the pushed tree', () => {
  it.each([
    [['./gen.sh'], /inside the pushed tree/],
    [['tools/gen.mjs'], /inside the pushed tree/],
    [['node', 'tools/gen.mjs'], /would execute tools\/gen.mjs/],
    [['python3.12', './tools/gen.mjs'], /would execute/],
    [['make', 'gen'], /build recipes/],
    [['/usr/bin/npm', 'run', 'gen'], /build recipes/],
    [['python3', '-m', 'mytool.gen'], /would import mytool from the pushed tree/],
  ])('refuses %j', (argv, why) => {
    expect(pushedCodeReason(argv, tree)).toMatch(why);
  });
  it.each([
    [['node', '/opt/gen/gen.mjs']],
    [['protoc', '--go_out=.', 'api.proto']],
    [['/usr/local/bin/hashgen', '--out', 'SUMS']],
    [['node', '/opt/gen/build.mjs', 'dist/app.js']],
    [['python3', '-m', 'grpc_tools.protoc', 'api.proto']],
  ])('allows %j', (argv) => {
    expect(pushedCodeReason(argv, tree)).toBeNull();
  });
});
