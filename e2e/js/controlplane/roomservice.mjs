// Drives Osprey's RoomService with LiveKit's own Node server SDK and verifies the webhooks Osprey
// sends with the SDK's WebhookReceiver. Usage: node roomservice.mjs <osprey-url> <webhook-port>
// Prints one JSON object with what happened; the Java test asserts on it.
import http from 'node:http';
import { AccessToken, RoomServiceClient, WebhookReceiver, TokenVerifier } from 'livekit-server-sdk';

const [url, hookPort] = process.argv.slice(2);
const key = 'devkey', secret = 'secret';
const result = { steps: {}, webhooks: [], webhookErrors: [] };
const receiver = new WebhookReceiver(key, secret);

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', async () => {
    try {
      const event = await receiver.receive(body, req.headers['authorization']);
      result.webhooks.push({ event: event.event, room: event.room?.name, id: event.id,
        contentType: req.headers['content-type'], userAgent: req.headers['user-agent'] });
      res.writeHead(200).end();
    } catch (e) {
      result.webhookErrors.push(String(e));
      res.writeHead(401).end();
    }
  });
});
await new Promise((r) => server.listen(Number(hookPort), '127.0.0.1', r));

const svc = new RoomServiceClient(url, key, secret);
const code = async (p) => { try { await p; return 'ok'; } catch (e) { return e.code ?? e.status ?? String(e); } };

try {
  const at = new AccessToken(key, secret, { identity: 'node-sdk' });
  at.addGrant({ roomJoin: true, room: 'interop' });
  const jwt = await at.toJwt();
  result.steps.tokenVerifiesWithSdk = (await new TokenVerifier(key, secret).verify(jwt)).sub === 'node-sdk';
  const validate = await fetch(`${url}/rtc/validate?access_token=${jwt}`);
  result.steps.validate = `${validate.status} ${await validate.text()}`;

  const created = await svc.createRoom({ name: 'interop', emptyTimeout: 120, maxParticipants: 9, metadata: 'hello' });
  result.steps.create = { name: created.name, sid: created.sid, emptyTimeout: created.emptyTimeout,
    maxParticipants: created.maxParticipants, metadata: created.metadata };
  await svc.createRoom({ name: 'interop-2' });
  result.steps.list = (await svc.listRooms()).map((r) => r.name).sort();
  result.steps.listFiltered = (await svc.listRooms(['interop-2'])).map((r) => r.name);
  result.steps.updateMetadata = (await svc.updateRoomMetadata('interop', 'updated')).metadata;
  result.steps.listParticipants = (await svc.listParticipants('interop')).length;
  result.steps.getParticipant = await code(svc.getParticipant('interop', 'nobody'));
  result.steps.removeParticipant = await code(svc.removeParticipant('interop', 'nobody'));
  result.steps.mutePublishedTrack = await code(svc.mutePublishedTrack('interop', 'nobody', 'TR_x', true));
  result.steps.updateParticipant = await code(svc.updateParticipant('interop', 'nobody', { metadata: 'm' }));
  result.steps.updateSubscriptions = await code(svc.updateSubscriptions('interop', 'nobody', ['TR_x'], true));
  result.steps.sendData = await code(svc.sendData('interop', new TextEncoder().encode('hi'), 0, { topic: 't' }));
  result.steps.deleteRoom = await code(svc.deleteRoom('interop'));
  result.steps.deleteMissing = await code(svc.deleteRoom('interop'));
  await svc.deleteRoom('interop-2');
  result.steps.badKey = await code(new RoomServiceClient(url, key, 'wrong-secret').listRooms());

  const deadline = Date.now() + 10000;
  while (result.webhooks.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
} catch (e) {
  result.error = String(e?.stack ?? e);
}
server.close();
console.log(JSON.stringify(result));
