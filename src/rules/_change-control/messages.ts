// What the change-control family says about a policy it cannot use.
export const changeControlMsg = {
  sentinelOutside: (path: string) => `sentinel path "${path}" is outside the repository`,
  sentinelOutsideHint: 'give sentinels a repository-relative path',
  sentinelUnknownGenerator: (path: string, generator: string) => `sentinel ${path} names generator "${generator}", which is not defined under generators`,
  sentinelUnknownGeneratorHint: 'define the generator, or drop `generator:` to use the built-in sentinel generator',
} as const;
