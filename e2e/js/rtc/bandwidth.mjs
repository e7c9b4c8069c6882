// Downstream congestion control through Osprey: alice publishes her camera in three simulcast
// layers; bob wants the best, but the server's sending rate is policed (by the test). Bob's
// decoding is sampled every second (with the wall clock, so the test can tell which samples came
// after it changed the rate). Usage: node bandwidth.mjs <ws-url> <api-key> <secret> <room> [seconds].
import { joinToken, launchChromium, openPage, publishCamera, servePage, videoInbound } from './browser.mjs';

const [wsUrl, apiKey, secret, roomName, seconds = '20'] = process.argv.slice(2);
const server = await servePage('bandwidth');

const token = (identity) => joinToken(apiKey, secret, roomName, identity);

async function watch({ wsUrl, token }) {
  const { Room, RoomEvent, Track } = window.LivekitClient;
  const room = new Room({ adaptiveStream: false });
  window.room = room;
  window.states = [];
  room.on(RoomEvent.TrackStreamStateChanged, (pub, state) => window.states.push(state));
  window.subscribed = new Promise((resolve) => room.on(RoomEvent.TrackSubscribed, (track) => {
    if (track.kind !== Track.Kind.Video) return;
    const el = track.attach();
    el.muted = true;
    document.body.appendChild(el);
    window.track = track;
    resolve(true);
  }));
  await room.connect(wsUrl, token);
}

const report = { samples: [] };
const browser = await launchChromium();
const logs = [];
try {
  const alice = await openPage(browser, server.url, (l) => logs.push('alice: ' + l));
  const bob = await openPage(browser, server.url, (l) => logs.push('bob: ' + l));
  await alice.evaluate(publishCamera, { wsUrl, token: await token('alice'), dynacast: false });
  await bob.evaluate(watch, { wsUrl, token: await token('bob') });
  await bob.evaluate(() => window.subscribed);
  for (let i = 0; i < Number(seconds); i++) {
    await new Promise((r) => setTimeout(r, 1000));
    report.samples.push({ at: Date.now(), ...(await bob.evaluate(videoInbound)) });
  }
  report.states = await bob.evaluate(() => window.states);
} catch (e) {
  report.error = String(e);
} finally {
  report.logs = logs.filter((l) => !l.includes('DEBUG')).slice(-10);
  await browser.close();
  server.close();
}
console.log(JSON.stringify(report));
