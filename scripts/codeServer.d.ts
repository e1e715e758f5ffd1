// Types for scripts/codeServer.js (used by the TypeScript e2e tests).
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';

export const VERSION: string;
export const CACHE_DIR: string;
export const CHROMIUM: string;
export const CHROMIUM_ARGS: string[];
export const DEBIAN_PACKAGES: string[];

export interface RunningCodeServer {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function ensureCodeServer(): string;
export function isInstalled(dir?: string): boolean;
export function missingPackages(options?: { forInstall?: boolean; forBrowser?: boolean }): string[];
export function startCodeServer(options: {
  folder?: string;
  userDataDir: string;
  extensionsDir: string;
  port?: number;
  bindHost?: string;
  env?: Record<string, string>;
  logFile?: string;
  timeoutMs?: number;
}): Promise<RunningCodeServer>;
export function installExtension(vsix: string, options: { userDataDir: string; extensionsDir: string; logFile?: string }): void;
export function writeUserSettings(userDataDir: string, extra?: Record<string, unknown>): void;
export function workbenchUrl(base: string, folder?: string, payload?: { extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
export function launchChromium(options?: { headless?: boolean }): Promise<{ browser: Browser; close(): Promise<void> }>;
export function killGroup(child: ChildProcess, signal?: NodeJS.Signals): void;
