// What the change-control family says about a policy it cannot use.
export const changeControlMsg = {
  sentinelOutside: (path: string) => `sentinel path "${path}" is outside the repository`,
  sentinelOutsideHint: 'give sentinels a repository-relative path',
  sentinelUnknownGenerator: (path: string, generator: string) => `sentinel ${path} names generator "${generator}", which is not defined under generators`,
  sentinelUnknownGeneratorHint: 'define the generator, or drop `generator:` to use the built-in sentinel generator',
} as const;

/** What is wrong with a sentinel's text (part of sentinel's `malformed` finding). */
export const sentinelFormatMsg = {
  badEscape: 'bad escape in the file name',
  notSha256sumLine: 'not a sha256sum line (`<64 hex>  <path>`)',
  missingName: 'missing file name',
  notJson: (detail: string) => `not valid JSON (${detail})`,
  notJsonMap: 'expected a JSON object mapping paths to sha256 hex',
  notHex: (path: string) => `value for ${JSON.stringify(path)} is not a sha256 hex string`,
} as const;

/** What is wrong with a file's manual sections (part of protected-target's findings on generated files). */
export const manualSectionMsg = {
  endWithoutBegin: 'END MANUAL SECTION without a BEGIN',
  nested: 'BEGIN MANUAL SECTION inside another manual section',
  unclosed: 'manual section is never closed',
} as const;

/** What change control says about a generator's or an approval's verdict (verify.ts): a finding's detail and fix. */
export const verifyText = {
  where: (commit: string | null) => (commit === null ? 'the staged files' : `commit ${commit.slice(0, 12)}`),
  runIt: (id: string) => `run \`safety-gate generate ${id}\` and stage its outputs`,
  noReceipt: (id: string, where: string) => `no receipt of generator ${id} exists for ${where}`,
  receipt: (fingerprint: string, id: string) => `receipt ${fingerprint.slice(0, 12)} of generator ${id}`,
  otherCommand: (id: string) => `the last receipt of generator ${id} was made with another command than the policy's`,
  otherInputs: (id: string, where: string, path: string, kind: 'changed' | 'missing' | 'added' | string) =>
    `the last run of generator ${id} used other inputs than ${where} (${path} ${kind === 'changed' ? 'changed' : kind === 'missing' ? 'is gone' : 'is new'} since)`,
  otherOutput: (id: string, where: string, path: string, kind: string) =>
    kind === 'changed'
      ? `${path} is not what generator ${id} produced (edited by hand, or not staged)`
      : kind === 'missing'
        ? `generator ${id} produced ${path}, which ${where} lack`
        : `${where} have ${path}, which generator ${id} did not produce`,
  noMatch: (id: string, where: string) => `no receipt of generator ${id} matches ${where}`,
  sentinelExact: (path: string) => `${path} is exactly what the gate renders from the commit`,
  sentinelDiffers: (path: string, id: string) => `${path} is not what \`safety-gate generate ${id}\` renders from this commit's files`,
  approvedBy: (by: string | null | undefined) => `approved by ${by ?? 'an authorised approver'}`,
  notApproved: (reason: string, detail: string) => `${reason}: ${detail}`,
  fixApproval: 'revert the change to the protected files, or have it approved: `safety-gate approve <commit> --key KEY`, pushed with refs/notes/safety-gate',
  notOnServer: (id: string) => `generator ${id} is declared server: false, so the server cannot rerun it`,
  receiptsOnServer: (id: string) => `generator ${id} is verified by receipts, which prove nothing on the server (set verify: regenerate)`,
  fixRegenerate: (id: string) => `regenerate with \`safety-gate generate ${id}\`, commit exactly its outputs and push again`,
};
