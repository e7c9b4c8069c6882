// Adaptive stream through Osprey's simulcast: alice publishes her camera in livekit-client's
// default three layers with dynacast; bob subscribes with adaptiveStream and shows her video small
// (the server pauses the layers nobody needs), then large (they come back).
// With codec vp9 livekit-client publishes one scalable stream (SVC, three spatial layers) instead,
// and the server picks spatial layers; there are no simulcast encodings for dynacast to pause.
// Usage: node adaptive.mjs <ws-url> <api-key> <secret> <room> [vp8|vp9]. Prints one JSON line.
import { joinToken, launchChromium, openPage, publishCamera, servePage, videoInbound } from './browser.mjs';

const [wsUrl, apiKey, secret, roomName, codec = 'vp8'] = process.argv.slice(2);
const server = await servePage('adaptive');

const token = (identity) => joinToken(apiKey, secret, roomName, identity);

async function watch({ wsUrl, token }) {
  const { Room, RoomEvent, Track } = window.LivekitClient;
  const room = new Room({ adaptiveStream: true });
  window.room = room;
  window.subscribed = new Promise((resolve) => room.on(RoomEvent.TrackSubscribed, (track) => {
    if (track.kind !== Track.Kind.Video) return;
    const el = document.createElement('video');
    el.muted = true;
    el.autoplay = true;
    el.style.width = '160px';
    el.style.height = '90px';
    document.body.appendChild(el);
    track.attach(el);
    window.video = el;
    window.track = track;
    resolve(true);
  }));
  await room.connect(wsUrl, token);
}

// Runs in alice's page: which of her simulcast encodings are active.
async function encodings() {
  const out = {};
  for (const pub of window.room.localParticipant.videoTrackPublications.values()) {
    const stats = await pub.track.sender.getStats();
    stats.forEach((s) => { if (s.type === 'outbound-rtp' && s.rid) out[s.rid] = s.active; });
  }
  return out;
}

const report = {};
const browser = await launchChromium();
const logs = [];
try {
  const pages = {};
  for (const name of ['alice', 'bob']) {
    pages[name] = await openPage(browser, server.url, (line) => logs.push(name + ': ' + line),
      { width: 1400, height: 900 });
  }
  await pages.alice.evaluate(publishCamera, { wsUrl, token: await token('alice'), dynacast: true, codec });
  await pages.bob.evaluate(watch, { wsUrl, token: await token('bob') });
  await pages.bob.evaluate(() => window.subscribed);
  const settle = async (predicate, ms) => {
    const deadline = Date.now() + ms;
    let s = await pages.bob.evaluate(videoInbound);
    while (Date.now() < deadline && !predicate(s)) {
      await new Promise((r) => setTimeout(r, 250));
      s = await pages.bob.evaluate(videoInbound);
    }
    return s;
  };
  // small: wait for a steady, decoding picture
  report.small = await settle((s) => s.framesDecoded > 30 && s.frameWidth > 0 && s.frameWidth <= 320, 15000);
  // dynacast: after the pause delay (5 s) only the layer bob needs stays on
  const pauseDeadline = Date.now() + (codec === 'vp8' ? 12000 : 0);
  do {
    report.pausedEncodings = await pages.alice.evaluate(encodings);
    if (report.pausedEncodings.f === false) break;
    await new Promise((r) => setTimeout(r, 500));
  } while (Date.now() < pauseDeadline);
  await pages.bob.evaluate(() => { window.video.style.width = '1280px'; window.video.style.height = '720px'; });
  report.large = await settle((s) => s.frameWidth >= 1280, 20000);
  report.resumedEncodings = await pages.alice.evaluate(encodings);
  await new Promise((r) => setTimeout(r, 1000));
  report.after = await pages.bob.evaluate(videoInbound);
} catch (e) {
  report.error = String(e);
} finally {
  report.logs = logs.filter((l) => !l.includes('DEBUG')).slice(-12);
  await browser.close();
  server.close();
}
console.log(JSON.stringify(report));
