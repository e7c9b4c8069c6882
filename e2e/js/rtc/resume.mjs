// A resume through Osprey with livekit-client (unchanged, from npm): two headless Chromium pages
// publish their cameras and subscribe to each other; then alice's signal connection drops
// (livekit-client's 'signal-reconnect' scenario). She must come back by resuming, not rejoining:
// the same participant, her peer connections kept with their ICE restarted, video flowing both
// ways again, data both ways, and bob never seeing her leave.
// Usage: node resume.mjs <ws-url> <api-key> <secret> <room> <v1|v0>
// Prints one JSON line: what each page saw.
import { launchChromium, openPage, servePage } from './browser.mjs';
import { AccessToken } from 'livekit-server-sdk';

const [wsUrl, apiKey, secret, roomName, path] = process.argv.slice(2);
const singlePeerConnection = path !== 'v0';
const server = await servePage('osprey resume');

async function token(identity) {
  const t = new AccessToken(apiKey, secret, { identity });
  t.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: true, canPublishData: true });
  return t.toJwt();
}

// Runs in the page: joins, publishes the camera, records the room's events.
async function join({ wsUrl, token, singlePeerConnection }) {
  const { Room, RoomEvent } = window.LivekitClient;
  const seen = { events: [], data: [], disconnected: [] };
  window.seen = seen;
  const room = new Room({ adaptiveStream: false, dynacast: false, singlePeerConnection });
  window.room = room;
  for (const e of [RoomEvent.SignalReconnecting, RoomEvent.Reconnecting, RoomEvent.Reconnected]) {
    room.on(e, () => seen.events.push(e));
  }
  room.on(RoomEvent.ParticipantDisconnected, (p) => seen.disconnected.push(p.identity));
  room.on(RoomEvent.Disconnected, (reason) => seen.events.push('disconnected ' + reason));
  room.on(RoomEvent.DataReceived, (payload, p) => seen.data.push({ text: new TextDecoder().decode(payload), from: p?.identity }));
  room.on(RoomEvent.TrackSubscribed, (track) => {
    const el = track.attach();
    el.muted = true;
    document.body.appendChild(el);
  });
  await room.connect(wsUrl, token);
  seen.sid = room.localParticipant.sid;
  await room.localParticipant.setCameraEnabled(true);
}

// Runs in the page: frames decoded of the remote video, and the ICE ufrags of our connections.
async function state() {
  let frames = 0;
  for (const p of window.room.remoteParticipants.values()) {
    for (const pub of p.trackPublications.values()) {
      if (pub.track?.receiver && pub.kind === 'video') {
        (await pub.track.receiver.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp') frames += s.framesDecoded ?? 0;
        });
      }
    }
  }
  const ufrag = (transport) => transport?.pc?.localDescription?.sdp?.match(/a=ice-ufrag:(\S+)/)?.[1] ?? null;
  const pcm = window.room.engine.pcManager;
  return { frames, sid: window.room.localParticipant.sid, state: window.room.state,
    publisherUfrag: ufrag(pcm?.publisher), subscriberUfrag: ufrag(pcm?.subscriber) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, page, test, ms) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await page.evaluate(state);
    if (test(last)) return last;
    await sleep(250);
  }
  throw new Error(`${what}: not within ${ms} ms (last ${JSON.stringify(last)})`);
}

const report = {};
const browser = await launchChromium();
const pages = {};
try {
  for (const name of ['alice', 'bob']) {
    const logs = [];
    const page = await openPage(browser, server.url, (line) => logs.push(line));
    pages[name] = { page, logs };
    await page.evaluate(join, { wsUrl, token: await token(name), singlePeerConnection });
  }
  await waitFor('alice decodes bob', pages.alice.page, (s) => s.frames > 10, 30000);
  await waitFor('bob decodes alice', pages.bob.page, (s) => s.frames > 10, 30000);
  report.before = { alice: await pages.alice.page.evaluate(state), bob: await pages.bob.page.evaluate(state) };

  const dropped = Date.now();
  await pages.alice.page.evaluate(() => window.room.simulateScenario('signal-reconnect'));
  await pages.alice.page.waitForFunction(() => window.seen.events.includes('reconnected'), null, { timeout: 30000 });
  report.resumedMs = Date.now() - dropped;

  // video keeps coming both ways after the resume
  const aliceAfter = await pages.alice.page.evaluate(state);
  const bobAfter = await pages.bob.page.evaluate(state);
  await waitFor('alice decodes bob after the resume', pages.alice.page, (s) => s.frames > aliceAfter.frames + 30, 20000);
  await waitFor('bob decodes alice after the resume', pages.bob.page, (s) => s.frames > bobAfter.frames + 30, 20000);
  report.after = { alice: await pages.alice.page.evaluate(state), bob: await pages.bob.page.evaluate(state) };

  // data both ways on the data channels that outlived the signal connection
  await pages.alice.page.evaluate(() => window.room.localParticipant.publishData(
    new TextEncoder().encode('after the resume'), { reliable: true }));
  await pages.bob.page.evaluate(() => window.room.localParticipant.publishData(
    new TextEncoder().encode('welcome back'), { reliable: true }));
  const dataDeadline = Date.now() + 10000;
  while (Date.now() < dataDeadline) {
    const a = await pages.alice.page.evaluate(() => window.seen.data.length);
    const b = await pages.bob.page.evaluate(() => window.seen.data.length);
    if (a > 0 && b > 0) break;
    await sleep(200);
  }
  for (const name of Object.keys(pages)) {
    report[name] = await pages[name].page.evaluate(() => window.seen);
  }
} catch (e) {
  report.error = String(e);
} finally {
  for (const name of Object.keys(pages)) {
    report[name + 'Logs'] = pages[name].logs.filter((l) => !l.includes('[DEBUG]')).slice(-25);
  }
  await browser.close();
  server.close();
}
console.log(JSON.stringify(report));
