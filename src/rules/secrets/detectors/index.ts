// The built-in detectors, most specific first: where two match the same characters, the first
// one listed reports them (a service-account key is not also a bare private key).
import type { Detector } from './types.js';
import { gcpServiceAccount } from './gcp-service-account.js';
import { privateKey } from './private-key.js';
import { awsAccessKeyId } from './aws-access-key-id.js';
import { awsSecretAccessKey } from './aws-secret-access-key.js';
import { githubToken } from './github-token.js';
import { gitlabToken } from './gitlab-token.js';
import { slackToken } from './slack-token.js';
import { npmToken } from './npm-token.js';
import { alpaca } from './alpaca.js';
import { oanda } from './oanda.js';
import { tradier } from './tradier.js';
import { binance } from './binance.js';
import { coinbase } from './coinbase.js';
import { kraken } from './kraken.js';
import { genericAssignment } from './generic-assignment.js';

export type { Detector } from './types.js';

export const DETECTORS: readonly Detector[] = [
  gcpServiceAccount,
  privateKey,
  awsAccessKeyId,
  awsSecretAccessKey,
  githubToken,
  gitlabToken,
  slackToken,
  npmToken,
  alpaca,
  oanda,
  tradier,
  binance,
  coinbase,
  kraken,
  genericAssignment,
];
