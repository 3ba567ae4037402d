// How every browser here is started: Debian's Chromium (Playwright never downloads one on this
// machine), with the flags a sandboxed, offline CI box needs. One definition for the e2e specs
// (playwright.config.ts), the bench (bench/sections/console.ts) and scripts/render-icon.ts.

export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};
