import { fake, type Detector } from './types.js';

// IAM unique identifiers: access key ids are 20 characters, AKIA (long-term) or ASIA
// (temporary, STS), followed by 16 base32 characters. The documentation's own example key ends
// in EXAMPLE, and is not reported.
export const awsAccessKeyId: Detector = {
  id: 'aws-access-key-id',
  description: 'AWS access key id',
  docs: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids'],
  keywords: ['akia', 'asia', 'abia', 'acca'],
  regex: /(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/,
  secretGroup: 1,
  entropy: 3,
  stopwords: ['example'],
  rotate: 'deactivate and delete the key in IAM (aws iam delete-access-key), create a new one, and check CloudTrail for its use',
  samples: {
    positive: [
      fake('aws_access_key_id = ', 'AKIA', 'Q7FAKEKEY2345QZX'),
      fake('AWS_ACCESS_KEY_ID="', 'ASIA', 'FAKEZ7Q2W3E4R5T6', '"'),
      fake('{"AccessKeyId": "', 'AKIA', 'ZZFAKE4TEST7KEYQ', '"}'),
    ],
    negative: [
      fake('aws_access_key_id = ', 'AKIA', 'IOSFODNN7', 'EXAMPLE'),
      fake('id = ', 'AKIA', 'Q7FAKEKEY2345QZX', 'MORE'),
      'AKIA is the prefix of long-term access key ids',
      fake('lowercase ', 'akia', 'q7fakekey2345qzx'),
    ],
  },
};
