// Types for scripts/fixtures.js (used by the TypeScript e2e tests).
export interface FixtureManifest {
  p12Password: string;
  serverCommonName: string;
  caSubject: string;
  keyPassphrase?: string;
  files: Record<string, string>;
}
export const P12_PASSWORD: string;
export const SERVER_CN: string;
export function makeFixtures(dir: string, options?: { demo?: boolean }): FixtureManifest;
