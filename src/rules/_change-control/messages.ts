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
