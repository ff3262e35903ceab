import { assignment, fake, type Detector } from './types.js';

// The secret access key that goes with an access key id: 40 characters of base64 alphabet,
// recognised where a key named for AWS and a secret is assigned.
export const awsSecretAccessKey: Detector = {
  id: 'aws-secret-access-key',
  description: 'AWS secret access key',
  docs: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html', 'https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html'],
  keywords: ['aws', 'amazon'],
  regex: assignment('aws|amazon', 'secret|sk', '[A-Za-z0-9/+]{40}'),
  secretGroup: 1,
  entropy: 3.5,
  stopwords: ['example'],
  rotate: 'deactivate and delete the access key in IAM, create a new one, and check CloudTrail for its use',
  samples: {
    positive: [
      fake('aws_secret_access_key = ', 'q7FAKEfakeQ2w3E4r5T6y7U8i9O0pFAKE/x+Zk9L'),
      fake('AWS_SECRET_ACCESS_KEY: "', 'Zfake7Q2w3E4r5T6y7U8i9O0pAsDfGhJkL1z2X3c', '"'),
      fake('export AWS_SECRET_KEY=', 'Zfake7Q2w3E4r5T6y7U8i9O0pAsDfGhJkL1z2X3c'),
    ],
    negative: [
      fake('aws_secret_access_key = ', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY', 'EXAMPLEKEY'),
      'aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}',
      fake('aws_secret_access_key = ', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
      fake('aws_secret_access_key = ', 'Zfake7Q2w3E4r5T6y7U8i9O0pAsDfGhJkL1z2X3cMORE'),
    ],
  },
};
