// The system Chromium, driven by playwright-core (which downloads no browser): headless, a fresh
// profile per launch, nothing reached but loopback.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why no browser test can run here, or undefined when one can. */
export function chromiumUnavailable(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (install Debian's chromium, or set CHROMIUM_PATH)`;
}

export interface RunningBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** `locale` is the browser's language (navigator.languages and Accept-Language), e.g. fr-FR. */
export async function launchChromium(opts: { locale?: string } = {}): Promise<RunningBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'qs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    locale: opts.locale ?? 'en-GB',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
