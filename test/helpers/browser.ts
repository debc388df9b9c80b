// Headless Chromium from Debian's package (/usr/bin/chromium), driven by playwright-core (which downloads no
// browser), against the real app listening on a real port. Every page of a test is watched: console errors and
// uncaught exceptions are collected, and any request leaving the service is blocked and recorded.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Test } from 'tap';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// As on this project's machines (see README): no GPU, and no background traffic to Google's services.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots land here (git-ignored) for a person to look at. */
export const SCREENSHOT_DIR = new URL('../../.screenshots/', import.meta.url).pathname;

/**
 * Tap's skip option for browser tests: a reason to skip when Chromium is missing outside CI; in CI (CI set) never,
 * so a missing browser fails there.
 */
export function skipWithoutBrowser(): string | false {
  if (process.env.CI || existsSync(CHROMIUM)) return false;
  return `Chromium not found at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`;
}

export interface Browser {
  context: BrowserContext;
  /** Requests the pages tried to send outside the service (blocked). */
  outside: string[];
  /** Console errors and uncaught exceptions, with the page URL. */
  errors: string[];
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
}

/** Listens on a free loopback port and answers its origin (http://127.0.0.1:PORT). */
export async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** A fresh Chromium (a new empty profile) that lets pages reach `origins` only; closed at the test's end. */
export async function launchBrowser(t: Test, origins: string[]): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
  });
  t.teardown(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const outside: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (origins.includes(new URL(url).origin)) return route.continue();
    outside.push(url);
    return route.abort('blockedbyclient');
  });
  return {
    context,
    outside,
    errors,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
      return page;
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
