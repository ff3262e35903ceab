// readable-content through the rule tester: each case is a real staged change checked by the
// real engine with the agenttrader-v2 preset (runtime scope: the trading code and its config).
import { ruleTester } from '../../../test/helpers/rule-tester.js';

const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n';
// Neither UTF-8, UTF-16 nor UTF-32, and no known binary format (the corpus' r12-enc-undecodable-env).
const UNDECODABLE = Buffer.from('AAECn/8QAAATiP4BAAcAAMMooKFBAA==', 'base64');

ruleTester('readable-content', {
  valid: [
    { name: 'UTF-8 config in runtime scope', files: { 'config/app.env': 'MODE=paper\n' } },
    { name: 'UTF-16 with a byte-order mark', files: { 'config/app.env': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('MODE=paper\n', 'utf16le')]) } },
    { name: 'a known binary format (PNG) named like an image', files: { 'config/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]) } },
    { name: 'a .gitattributes line that changes no bytes', files: { '.gitattributes': '*.env text eol=lf\n' } },
  ],
  invalid: [
    {
      name: 'bytes no decoder reads, named like text',
      files: { 'config/app.env': UNDECODABLE },
      findings: [{ subRule: 'undecodable', messageId: 'undecodable', data: { path: 'config/app.env' }, path: 'config/app.env', line: null }],
    },
    {
      name: 'a Git LFS pointer in runtime scope',
      files: { 'config/app.yaml': LFS_POINTER },
      findings: [{ subRule: 'lfs-pointer', messageId: 'lfsPointer', path: 'config/app.yaml', message: /Git LFS pointer/ }],
    },
    {
      name: 'a filter attribute on runtime-scope paths',
      files: { '.gitattributes': '*.env filter=crypt\n' },
      findings: [{ subRule: 'git-attribute', path: '.gitattributes', line: 1, message: /filter=crypt/ }],
    },
  ],
});
