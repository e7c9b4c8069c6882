// livekit-client in Chromium meets an Osprey SDK participant ("sdk", publishing a VP8 IVF file and
// an Ogg Opus file on a loop): the page must decode the SDK's video and play its audio, then
// publishes its own fake camera and microphone for a while so the SDK can record them.
// Usage: node sdk.mjs <ws-url> <api-key> <secret> <room> <publish-ms>. Prints one JSON line.
import { joinToken, launchChromium, openPage, servePage } from './browser.mjs';

const [wsUrl, apiKey, secret, roomName, publishMs] = process.argv.slice(2);
const server = await servePage('sdk');

async function join({ wsUrl, token }) {
  const { Room, RoomEvent, Track } = window.LivekitClient;
  const room = new Room({ publishDefaults: { simulcast: false, videoCodec: 'vp8' } });
  window.room = room;
  window.inbound = {};
  const wanted = { video: null, audio: null };
  window.subscribed = new Promise((resolve) => room.on(RoomEvent.TrackSubscribed, (track, pub, participant) => {
    if (participant.identity !== 'sdk') return;
    const el = document.createElement(track.kind === Track.Kind.Video ? 'video' : 'audio');
    el.muted = true;
    el.autoplay = true;
    document.body.appendChild(el);
    track.attach(el);
    wanted[track.kind] = { track, mimeType: pub.mimeType };
    if (wanted.video && wanted.audio) resolve(true);
  }));
  window.wanted = wanted;
  await room.connect(wsUrl, token);
}

// Runs in the page: what arrives from the SDK participant.
async function inbound() {
  const out = {};
  for (const kind of ['video', 'audio']) {
    const w = window.wanted[kind];
    out[kind] = { packets: 0, lost: 0, framesDecoded: 0, frameWidth: 0, samples: 0, mimeType: w.mimeType };
    const stats = await w.track.receiver.getStats();
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp') {
        out[kind] = { packets: s.packetsReceived ?? 0, lost: s.packetsLost ?? 0, framesDecoded: s.framesDecoded ?? 0,
          frameWidth: s.frameWidth ?? 0, samples: s.totalSamplesReceived ?? 0, mimeType: w.mimeType };
      }
    });
  }
  return out;
}

const report = {};
const browser = await launchChromium();
const logs = [];
try {
  const page = await openPage(browser, server.url, (line) => logs.push(line));
  await page.evaluate(join, { wsUrl, token: await joinToken(apiKey, secret, roomName, 'web') });
  await page.evaluate(() => window.subscribed);
  const first = await page.evaluate(inbound);
  const deadline = Date.now() + 20000;
  let now = first;
  while (Date.now() < deadline && !(now.video.framesDecoded > 60 && now.audio.samples > 96000)) {
    await new Promise((r) => setTimeout(r, 250));
    now = await page.evaluate(inbound);
  }
  report.fromSdk = now;
  const started = Date.now();
  await page.evaluate(async () => {
    await window.room.localParticipant.setCameraEnabled(true);
    await window.room.localParticipant.setMicrophoneEnabled(true);
  });
  await new Promise((r) => setTimeout(r, Number(publishMs)));
  report.published = await page.evaluate(async () => {
    const out = {};
    for (const pub of window.room.localParticipant.trackPublications.values()) {
      const stats = await pub.track.sender.getStats();
      stats.forEach((s) => {
        if (s.type === 'outbound-rtp') {
          out[pub.kind] = { packets: s.packetsSent ?? 0, frames: s.framesEncoded ?? 0 };
        }
      });
    }
    return out;
  });
  report.publishedMs = Date.now() - started;
  await page.evaluate(() => window.room.disconnect());
} catch (e) {
  report.error = String(e);
} finally {
  report.logs = logs.filter((l) => !l.includes('DEBUG')).slice(-12);
  await browser.close();
  server.close();
}
console.log(JSON.stringify(report));
