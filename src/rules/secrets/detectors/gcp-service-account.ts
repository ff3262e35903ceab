import { fake, type Detector } from './types.js';

// A Google Cloud service-account key file: JSON with "type": "service_account" and a PKCS#8
// "private_key" written with \n escapes. Reported once, here, rather than also as a private key.
const BODY = fake('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjfakefakefake', 'FAKEFAKEFAKE0123456789abcdefghij');

export const gcpServiceAccount: Detector = {
  id: 'gcp-service-account',
  description: 'GCP service-account key',
  docs: ['https://cloud.google.com/iam/docs/keys-create-delete', 'https://google.aip.dev/auth/4112'],
  keywords: ['service_account'],
  regex: /"private_key"\s*:\s*"(-----BEGIN PRIVATE KEY-----\\n[A-Za-z0-9+/=\\]{64,65536}?-----END PRIVATE KEY-----(?:\\n)?)"/,
  secretGroup: 1,
  entropy: 0,
  validate: (_secret, ctx) => /"type"\s*:\s*"service_account"/.test(ctx.text),
  rotate: 'delete the key (gcloud iam service-accounts keys delete), create a new one or move to workload identity, and review the audit logs',
  samples: {
    positive: [
      fake(
        '{\n  "type": "service_account",\n  "project_id": "fake-project",\n  "private_key_id": "0f",\n  "private_key": "-----BEGIN ',
        'PRIVATE KEY-----\\n',
        BODY,
        '\\n',
        BODY,
        '\\n-----END ',
        'PRIVATE KEY-----\\n",\n  "client_email": "x@fake-project.iam.gserviceaccount.com"\n}',
      ),
    ],
    negative: [
      '{"type": "service_account", "private_key": "", "client_email": "x@fake.iam.gserviceaccount.com"}',
      fake('{"type": "authorized_user", "private_key": "-----BEGIN ', 'PRIVATE KEY-----\\n', BODY, BODY, '\\n-----END ', 'PRIVATE KEY-----\\n"}'),
    ],
  },
};
