// Which codicon the inspector shows where. The glyphs come from @vscode/codicons (dist/webview/codicon.css and
// codicon.ttf, copied there by esbuild.js and loaded by the page under its CSP). Icons are decorative: the
// webview renders them aria-hidden next to a text label, which is what screen readers read.
// No DOM here: unit tests check every name against the shipped stylesheet.

import type { Tone } from './view';

/** Every codicon the inspector uses (each must have a `.codicon-<name>:before` rule in codicon.css). */
export const ICON_NAMES = [
  'account',
  'check',
  'checklist',
  'circle-slash',
  'collapse-all',
  'copy',
  'error',
  'expand-all',
  'extensions',
  'file-code',
  'file-text',
  'globe',
  'info',
  'key',
  'link',
  'list-tree',
  'list-unordered',
  'lock',
  'organization',
  'package',
  'pass',
  'question',
  'settings',
  'symbol-numeric',
  'tools',
  'unlock',
  'verified',
  'warning',
  'calendar',
] as const;

export type IconName = (typeof ICON_NAMES)[number];

/** Status chips, problems and chain links: one glyph per tone, so state never rests on colour alone. */
export function toneIcon(tone: Tone): IconName {
  switch (tone) {
    case 'ok':
      return 'pass';
    case 'info':
      return 'info';
    case 'warning':
      return 'warning';
    case 'error':
      return 'error';
  }
}

/** Section kinds (the last part of a section id, e.g. `o0.validity`) → their header icon. */
const SECTION_ICONS: Record<string, IconName> = {
  subject: 'account',
  issuer: 'organization',
  validity: 'calendar',
  sans: 'globe',
  key: 'key',
  usage: 'tools',
  extensions: 'extensions',
  fingerprints: 'symbol-numeric',
  lint: 'checklist',
  signature: 'verified',
  protection: 'lock',
  contents: 'package',
  revoked: 'circle-slash',
  parameters: 'settings',
  raw: 'file-code',
};

/** The header icon of a section, from its id; a neutral list icon for kinds without their own. */
export function sectionIcon(sectionId: string): IconName {
  const kind = sectionId.slice(sectionId.lastIndexOf('.') + 1);
  return Object.hasOwn(SECTION_ICONS, kind) ? SECTION_ICONS[kind] : 'list-unordered';
}
