// Two headless Chromium pages join one room through Osprey with livekit-client (unchanged, from
// npm): each publishes its fake camera and microphone, subscribes to the other, and sends a data
// message; then the first leaves.
// Usage: node room.mjs <ws-url> <api-key> <secret> <room> <simulcast|single> <min-frames> <v1|v0> [codec[:scalabilityMode]]
// (v1: one peer connection, livekit-client's default; v0: the legacy two, singlePeerConnection: false).
// Prints one JSON line: what each page saw.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { launchChromium, openPage, servePage } from './browser.mjs';

const [wsUrl, apiKey, secret, roomName, layers, frames, path, codec] = process.argv.slice(2);
const [videoCodec, scalabilityMode] = (codec ?? 'vp8').split(':');
const singlePeerConnection = path !== 'v0';
const minFrames = Number(frames ?? 10);
const simulcast = layers === 'simulcast';
const server = await servePage('osprey room');

async function token(identity) {
  const t = new AccessToken(apiKey, secret, { identity, name: identity });
  t.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: true, canPublishData: true });
  return t.toJwt();
}

// Runs in the page: joins, publishes, records what arrives.
async function joinRoom({ wsUrl, token, simulcast, singlePeerConnection, videoCodec, scalabilityMode }) {
  const { Room, RoomEvent, Track } = window.LivekitClient;
  const seen = { joined: false, participants: [], subscribed: [], data: [], disconnected: [], mutes: [], errors: [],
    speakers: [], unpublished: [], quality: [] };
  window.seen = seen;
  const room = new Room({ adaptiveStream: false, dynacast: false, singlePeerConnection, publishDefaults: { simulcast, videoCodec, scalabilityMode } });
  window.room = room;
  room.on(RoomEvent.ParticipantConnected, (p) => seen.participants.push(p.identity));
  room.on(RoomEvent.ParticipantDisconnected, (p) => seen.disconnected.push(p.identity));
  room.on(RoomEvent.TrackSubscribed, (track, pub, p) => {
    seen.subscribed.push({ kind: track.kind, from: p.identity, sid: pub.trackSid });
    const el = track.attach();
    el.muted = true;
    document.body.appendChild(el);
  });
  room.on(RoomEvent.ActiveSpeakersChanged, (speakers) => seen.speakers.push(speakers.map((p) => p.identity)));
  room.on(RoomEvent.ConnectionQualityChanged, (quality, p) => seen.quality.push({ who: p.identity, quality }));
  room.on(RoomEvent.TrackUnpublished, (pub, p) => seen.unpublished.push({ from: p.identity, kind: pub.kind }));
  room.on(RoomEvent.TrackMuted, (pub, p) => seen.mutes.push({ from: p.identity, muted: true }));
  room.on(RoomEvent.TrackUnmuted, (pub, p) => seen.mutes.push({ from: p.identity, muted: false }));
  room.on(RoomEvent.Disconnected, (reason) => { seen.disconnectReason = reason; });
  room.on(RoomEvent.DataReceived, (payload, p, kind, topic) =>
    seen.data.push({ text: new TextDecoder().decode(payload), from: p?.identity, topic }));
  await room.connect(wsUrl, token);
  seen.joined = true;
  seen.sid = room.localParticipant.sid;
  for (const p of room.remoteParticipants.values()) seen.participants.push(p.identity);
  await room.localParticipant.enableCameraAndMicrophone();
  return true;
}

// Runs in the page: decoding statistics of what it receives.
async function receiveStats() {
  const out = { video: 0, audio: 0, videoBytes: 0, videoRetransmitted: 0 };
  for (const p of window.room.remoteParticipants.values()) {
    for (const pub of p.trackPublications.values()) {
      const track = pub.track;
      if (!track?.receiver) continue;
      const stats = await track.receiver.getStats();
      stats.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') {
          out.video += s.framesDecoded ?? 0;
          out.videoBytes += s.bytesReceived ?? 0;
          out.videoRetransmitted += s.retransmittedPacketsReceived ?? 0; // RTX (RFC 4588) packets, not resends on the primary SSRC
          out.videoFramesReceived = (out.videoFramesReceived ?? 0) + (s.framesReceived ?? 0);
          out.videoKeyFramesDecoded = (out.videoKeyFramesDecoded ?? 0) + (s.keyFramesDecoded ?? 0);
          out.videoDecoder = s.decoderImplementation;
        }
        if (s.kind === 'audio') out.audio += s.totalSamplesReceived ?? 0;
      });
    }
  }
  return out;
}

// A steady 440 Hz tone at about -12 dBFS as the fake microphone, so speaker detection has speech to find.
function toneWav(seconds = 10, rate = 48000) {
  const samples = seconds * rate;
  const b = Buffer.alloc(44 + samples * 2);
  b.write('RIFF', 0); b.writeUInt32LE(36 + samples * 2, 4); b.write('WAVE', 8); b.write('fmt ', 12);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36);
  b.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  const path = join(tmpdir(), 'osprey-tone.wav');
  writeFileSync(path, b);
  return path;
}

const report = { pages: {} };
const browser = await launchChromium([`--use-file-for-fake-audio-capture=${toneWav()}`]);
const pages = {};
try {
  for (const name of ['alice', 'bob']) {
    const logs = [];
    const sockets = [];
    const page = await openPage(browser, server.url, (line) => logs.push(line));
    page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
    pages[name] = { page, logs, sockets };
    await page.evaluate(joinRoom, { wsUrl, token: await token(name), simulcast, singlePeerConnection, videoCodec, scalabilityMode });
  }
  // both decode each other's video and audio
  const deadline = Date.now() + 45000;
  let stats = {};
  while (Date.now() < deadline) {
    for (const name of Object.keys(pages)) stats[name] = await pages[name].page.evaluate(receiveStats);
    if (Object.values(stats).every((s) => s.video > minFrames && s.audio > 48000)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  report.stats = stats;
  // data: alice -> everyone, topic "chat"
  await pages.alice.page.evaluate(() => window.room.localParticipant.publishData(
    new TextEncoder().encode('hello from alice'), { reliable: true, topic: 'chat' }));
  await pages.bob.page.evaluate(() => window.room.localParticipant.publishData(
    new TextEncoder().encode('lossy from bob'), { reliable: false, topic: 'state' }));
  // mute: alice mutes her microphone; bob stops publishing his camera
  await pages.alice.page.evaluate(() => window.room.localParticipant.setMicrophoneEnabled(false));
  await pages.bob.page.evaluate(async () => {
    const cam = window.room.localParticipant.getTrackPublication(window.LivekitClient.Track.Source.Camera);
    await window.room.localParticipant.unpublishTrack(cam.track);
  });
  const dataDeadline = Date.now() + 10000;
  while (Date.now() < dataDeadline) {
    const bob = await pages.bob.page.evaluate(() => window.seen);
    const alice = await pages.alice.page.evaluate(() => window.seen);
    if (bob.data.length > 0 && (alice.data.length > 0 || minFrames > 10) && bob.mutes.length > 0
        && alice.unpublished.length > 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  // the server API acts on live participants (livekit-server-sdk): data to bob, list with tracks
  const api = new RoomServiceClient(wsUrl.replace(/^ws/, 'http'), apiKey, secret);
  await api.sendData(roomName, new TextEncoder().encode('from the server'), 0,
    { destinationIdentities: ['bob'], topic: 'server' });
  const serverDataDeadline = Date.now() + 10000; // reliable: under loss it may take a retransmission
  while (Date.now() < serverDataDeadline) {
    if ((await pages.bob.page.evaluate(() => window.seen)).data.some((d) => d.topic === 'server')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  report.listed = (await api.listParticipants(roomName)).map((p) => ({ identity: p.identity, tracks: p.tracks.length }));
  // alice leaves; bob sees her go
  await pages.alice.page.evaluate(() => window.room.disconnect());
  const leaveDeadline = Date.now() + 10000;
  while (Date.now() < leaveDeadline) {
    if ((await pages.bob.page.evaluate(() => window.seen)).disconnected.includes('alice')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  // then the API removes bob: his client is told why
  await new Promise((r) => setTimeout(r, 300));
  await api.removeParticipant(roomName, 'bob');
  const removeDeadline = Date.now() + 10000;
  while (Date.now() < removeDeadline) {
    if ((await pages.bob.page.evaluate(() => window.seen)).disconnectReason !== undefined) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const name of Object.keys(pages)) {
    report.pages[name] = await pages[name].page.evaluate(() => window.seen);
    report.pages[name].logs = pages[name].logs.filter((l) => !l.includes('[DEBUG]')).slice(-15);
    report.pages[name].signalPaths = pages[name].sockets;
  }
} catch (e) {
  report.error = String(e);
  for (const name of Object.keys(pages)) report[name + 'Logs'] = pages[name].logs.slice(-20);
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(report));
