import { shannonEntropy } from '../entropy.js';
import { fake, type Detector } from './types.js';

// `*_SECRET`, `*_TOKEN`, `*PASSWORD*`, `*_API_KEY` assignments (env, shell, YAML, JSON, TOML,
// code) whose value looks random: Shannon entropy at least min(3.5, 0.85·log2(length)) bits per
// character, so short random passwords count and words do not. References (${VAR}, os.environ,
// process.env, {{ secrets.X }}, function calls), URLs, paths and identifiers are not values.
// A key starts where a key word starts (not at each `.`/`-` inside one) and holds at most 64
// characters on either side of its keyword: unbounded runs of one class around the keyword made a
// 40 kB word of separators cost seconds (every start position times every split).
const KEY = '[A-Za-z0-9_.-]{0,64}(?:secret|token|password|passwd|api[_-]?key)[A-Za-z0-9_.-]{0,64}';
const STOPWORDS = [
  'example',
  'changeme',
  'change_me',
  'placeholder',
  'dummy',
  'sample',
  'your_',
  'your-',
  'xxxx',
  'redacted',
  '****',
  'todo',
  'fixme',
  'notasecret',
  'not-a-secret',
  'insert',
  'replace',
];

function threshold(n: number): number {
  return Math.min(3.5, 0.85 * Math.log2(n));
}

export const genericAssignment: Detector = {
  id: 'generic-secret',
  description: 'secret assigned to a *_SECRET / *_TOKEN / PASSWORD / *_API_KEY setting',
  docs: ['https://en.wikipedia.org/wiki/Entropy_(information_theory)', 'https://cwe.mitre.org/data/definitions/798.html'],
  keywords: ['secret', 'token', 'password', 'passwd', 'api_key', 'apikey', 'api-key'],
  regex: new RegExp(
    `(?<![A-Za-z0-9_.-])${KEY}["']?\\s{0,3}(?:=|:=|:|=>)\\s{0,3}(?:"([^"\\s]{8,200})"|'([^'\\s]{8,200})'|\`([^\`\\s]{8,200})\`|([^\\s"'\`;,()[\\]{}]{8,200})(?=[\\s"'\`;,)\\]]|$))`,
    'i',
  ),
  secretGroup: 0,
  entropy: 0,
  stopwords: STOPWORDS,
  validate(secret) {
    if (/^[$%@<{]|\$\{|\{\{|\(|^[a-z][a-z0-9+.-]*:\/\//i.test(secret)) return false;
    if (/^\.{0,2}\//.test(secret)) return false;
    // Another assignment (--update-secrets=NAME=secret-name:latest): a mapping, not a value.
    if (/^[A-Za-z_][A-Za-z0-9_-]*=[^=]/.test(secret)) return false;
    // Interpolation anywhere ($CI_JOB_TOKEN, $(cat …)) and <placeholders>.
    if (/\$[A-Za-z_{(]|<[A-Za-z_ -]+>/.test(secret)) return false;
    // Identifiers and references: settings.api_token, body.rules.secrets!, a?.b, MY_TOKEN_NAME,
    // get-token, secret_sha256, secretHash, SecretName.
    if (/^[A-Za-z_$][\w$]*(?:(?:\.|\?\.|!\.|:)[A-Za-z_$][\w$]*)+!?$/.test(secret)) return false;
    // …also with punctuation around it ("?NonExpressionParenEnd", ":token_type").
    const core = secret.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
    if (/^[a-z_-]+$/.test(core) || /^[A-Z_-]+$/.test(core)) return false;
    if (/^[a-z]+(?:[_-][a-z0-9]+)+$/.test(core) || /^[A-Za-z][a-z]+(?:[A-Z][a-z0-9]+|[A-Z]{2,}[0-9]*)+$/.test(core)) return false;
    if (/^(?:true|false|null|none|nil|undefined)$/i.test(secret)) return false;
    return shannonEntropy(secret) >= threshold(secret.length);
  },
  rotate: 'rotate the credential at whatever issued it, then load it from the environment or a secret manager',
  samples: {
    positive: [
      fake('DB_PASSWORD=', 'Xq7#fake', 'Pw9!zK2m'),
      fake('JWT_SECRET: "', 'f4k3', 'Secr3tValue0123xyzQ', '"'),
      fake('"api_key": "', 'zF4k3', 'K3yQ2w3E4r5T6y', '"'),
      fake("password = '", 'Tr0ub4dor', "&3fake'"),
      fake('export SERVICE_TOKEN=', 'a8Fk3', 'Lq9Zx2Vb7Nm4'),
    ],
    negative: [
      'DB_PASSWORD=${DB_PASSWORD}',
      'password: changeme123',
      'JWT_SECRET = os.environ["JWT_SECRET"]',
      'token: ${{ secrets.GITHUB_TOKEN }}',
      'api_key = settings.api_key',
      'PASSWORD_FILE=/run/secrets/db_password',
      'TOKEN_URL=https://auth.example.com/oauth/token',
      'password: aaaaaaaaaaaa',
      'const token = getToken(request)',
      'SECRET_NAME=database_password',
      'password_hash = hashlib.sha256',
      'passwd: your_password_here',
      'args: [--update-secrets=ALPACA_KEY=alpaca-key:latest]',
      "const hash = x ? f.secretHash : 'secret_sha256';",
      'const secrets = body.rules.secrets!;',
      'token: glpat-$CI_JOB_TOKEN',
      '# Internal service tokens: acme_<env>_<32 alphanumerics>',
      'API_TOKEN: tokenValueFromVault',
      'lastSignificantToken = "?InterpolationInTemplate";',
      'lastSignificantToken = "?InterpolationInJSX";',
    ],
  },
};
