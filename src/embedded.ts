// What the one-file server bundle (dist/safety-gate-server.cjs, `npm run bundle`) carries inside
// itself instead of reading it from the package directory: the version and the preset texts.
// Undefined in the normal build, where they are files beside dist/.
declare const __SAFETY_GATE_EMBEDDED__: { version: string; presets: Record<string, string> } | undefined;

export const embedded: { version: string; presets: Record<string, string> } | null = typeof __SAFETY_GATE_EMBEDDED__ !== 'undefined' ? __SAFETY_GATE_EMBEDDED__ : null;
