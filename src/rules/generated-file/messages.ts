// Every finding message of generated-file.
import { defineMessages } from '../messages.js';

const fix = 'regenerate the file with its generator instead of editing it by hand';

export const generatedFileMessages = defineMessages({
  neverSigned: { text: '{{path}} carries a SignedSource signing token that was never signed', fix },
  signatureMismatch: { text: '{{path}} no longer matches its SignedSource signature ({{detail}})', fix },
});
