// What the livekit-client scripts share: a loopback page that serves livekit-client's UMD build
// from node_modules (a secure context for getUserMedia), headless Debian Chromium with fake media,
// and pages with livekit-client loaded.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AccessToken } from 'livekit-server-sdk';

const umd = readFileSync(fileURLToPath(new URL('../node_modules/livekit-client/dist/livekit-client.umd.js', import.meta.url)));

/** Serves an empty page and livekit-client; returns { url, close }. */
export async function servePage(title) {
  const server = createServer((req, res) => {
    if (req.url === '/livekit-client.umd.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(umd);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html' })
        .end(`<!doctype html><title>${title}</title><body style="margin:0"></body>`);
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/** Headless Chromium with fake camera and microphone, loopback ICE allowed. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-features=WebRtcHideLocalIpsWithMdns', ...extraArgs],
  });
}

/** A page in its own context (camera and microphone allowed) with livekit-client loaded. */
export async function openPage(browser, url, onLog, viewport) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], ...(viewport ? { viewport } : {}) });
  const page = await context.newPage();
  page.on('console', (m) => onLog(m.text()));
  page.on('pageerror', (e) => onLog('pageerror: ' + e.message));
  await page.goto(url);
  await page.addScriptTag({ url: '/livekit-client.umd.js' });
  return page;
}

/** A join token for {@code identity} in {@code room} that may publish and subscribe. */
export async function joinToken(apiKey, secret, room, identity) {
  const t = new AccessToken(apiKey, secret, { identity });
  t.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true });
  return t.toJwt();
}

/** Runs in a page: joins and publishes the fake camera at 720p (simulcast, the SDK's default). */
export async function publishCamera({ wsUrl, token, dynacast, codec }) {
  const { Room, VideoPresets } = window.LivekitClient;
  const room = new Room({
    dynacast,
    videoCaptureDefaults: { resolution: VideoPresets.h720.resolution },
    publishDefaults: codec ? { videoCodec: codec } : undefined, // vp9: livekit-client sends SVC (L3T3_KEY)
  });
  window.room = room;
  await room.connect(wsUrl, token);
  await room.localParticipant.setCameraEnabled(true);
}

/** Runs in a page: the inbound video of {@code window.track}: frame width, frames decoded, bytes. */
export async function videoInbound() {
  const stats = await window.track.receiver.getStats();
  let out = { frameWidth: 0, framesDecoded: 0, bytes: 0 };
  let codecId;
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      out = { frameWidth: s.frameWidth ?? 0, framesDecoded: s.framesDecoded ?? 0, bytes: s.bytesReceived ?? 0 };
      codecId = s.codecId;
    }
  });
  const codec = codecId && stats.get(codecId);
  if (codec) out.mimeType = codec.mimeType;
  return out;
}
