// Opens the echo page in Debian's headless Chromium and waits for echoed video to decode.
// Usage: node echo.mjs <page-url>. Prints one JSON line with the page's final report.
import { chromium } from 'playwright-core';

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-features=WebRtcHideLocalIpsWithMdns'],
});
let report = { error: 'no report' };
try {
  const page = await browser.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push('pageerror: ' + e.message));
  await page.goto(url);
  await page.evaluate(() => window.echo);
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    report = await page.evaluate(() => window.report());
    if (report.framesDecoded > 5 && report.dataEcho) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  report.logs = logs.slice(-10);
} catch (e) {
  report = { error: String(e) };
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
