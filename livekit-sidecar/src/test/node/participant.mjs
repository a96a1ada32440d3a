// One LiveKit room participant for meshwire's tests, using LiveKit's own client SDK (@livekit/rtc-node).
//
//   node participant.mjs <ws-url> <token>
//
// Prints one JSON object per line on stdout (events); reads one JSON command per line on stdin:
//   {"cmd":"send","id":"m1","payload":"text","reliable":true,"topic":"t","to":["bob"]}  -> {"event":"sent","id":"m1"}
//   {"cmd":"leave"}                                                                   -> {"event":"left-room"}, exit 0
//   {"cmd":"listen","topic":"t"}  registers text and byte stream handlers for topic      -> {"event":"listening","topic":"t"}
//   {"cmd":"sendText","id":"s1","text":"...","topic":"t","to":["bob"],"streamId":"x"}   -> {"event":"sent","id":"s1","streamId":...}
//   {"cmd":"sendBytes","id":"s2","b64":"...","name":"f.bin","topic":"t","to":[]}        -> {"event":"sent","id":"s2","streamId":...}
//     (a failed stream send answers {"event":"send-failed","id",...,"message"})
// Events: connected {identity, sid, others[]}, joined {identity}, left {identity},
//         data {from, topic, kind, payload}, text-stream / byte-stream {streamId, from, topic, length, sha256, name?},
//         stream-failed {streamId, from, message}, reconnecting, reconnected, disconnected {reason}, error {message} (then exit 2).
import { Room, RoomEvent, dispose } from '@livekit/rtc-node';
import readline from 'node:readline';
import { createHash } from 'node:crypto';

const [url, token] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const room = new Room();

room.on(RoomEvent.DataReceived, (payload, participant, kind, topic) => out({
  event: 'data',
  from: participant?.identity ?? null,
  topic: topic ?? null,
  kind: kind ?? null,
  payload: Buffer.from(payload).toString('utf8'),
}));
room.on(RoomEvent.ParticipantConnected, (p) => out({ event: 'joined', identity: p.identity }));
room.on(RoomEvent.ParticipantDisconnected, (p) => out({ event: 'left', identity: p.identity }));
room.on(RoomEvent.Reconnecting, () => out({ event: 'reconnecting' }));
room.on(RoomEvent.Reconnected, () => out({ event: 'reconnected' }));
room.on(RoomEvent.Disconnected, (reason) => out({ event: 'disconnected', reason: String(reason) }));

async function quit(code) {
  try { await room.disconnect(); } catch { /* already gone */ }
  try { await dispose(); } catch { /* best effort */ }
  process.exit(code);
}

try {
  await room.connect(url, token, { autoSubscribe: true, dynacast: false });
} catch (e) {
  out({ event: 'error', message: String(e?.message ?? e) });
  await quit(2);
}
out({
  event: 'connected',
  identity: room.localParticipant.identity,
  sid: room.localParticipant.sid,
  others: [...room.remoteParticipants.values()].map((p) => p.identity),
});

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  let cmd;
  try { cmd = JSON.parse(line); } catch { out({ event: 'error', message: 'bad command line' }); continue; }
  if (cmd.cmd === 'send') {
    try {
      await room.localParticipant.publishData(new TextEncoder().encode(cmd.payload), {
        reliable: cmd.reliable !== false,
        topic: cmd.topic,
        destination_identities: cmd.to ?? [],
      });
      out({ event: 'sent', id: cmd.id });
    } catch (e) {
      out({ event: 'send-failed', id: cmd.id, message: String(e?.message ?? e) });
    }
  } else if (cmd.cmd === 'listen') {
    room.registerTextStreamHandler(cmd.topic, (reader, who) => {
      reader.readAll().then((text) => {
        const bytes = Buffer.from(text, 'utf8');
        out({ event: 'text-stream', streamId: reader.info.streamId, from: who?.identity ?? null, topic: reader.info.topic,
          length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
      }, (e) => out({ event: 'stream-failed', streamId: reader.info.streamId, from: who?.identity ?? null, message: String(e?.message ?? e) }));
    });
    room.registerByteStreamHandler(cmd.topic, (reader, who) => {
      reader.readAll().then((chunks) => {
        const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        out({ event: 'byte-stream', streamId: reader.info.streamId, from: who?.identity ?? null, topic: reader.info.topic,
          name: reader.info.name, length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
      }, (e) => out({ event: 'stream-failed', streamId: reader.info.streamId, from: who?.identity ?? null, message: String(e?.message ?? e) }));
    });
    out({ event: 'listening', topic: cmd.topic });
  } else if (cmd.cmd === 'sendText') {
    try {
      const info = await room.localParticipant.sendText(cmd.text, {
        topic: cmd.topic, destinationIdentities: cmd.to ?? [], streamId: cmd.streamId,
      });
      out({ event: 'sent', id: cmd.id, streamId: info?.streamId ?? null });
    } catch (e) {
      out({ event: 'send-failed', id: cmd.id, message: String(e?.message ?? e) });
    }
  } else if (cmd.cmd === 'sendBytes') {
    try {
      const bytes = Buffer.from(cmd.b64, 'base64');
      const writer = await room.localParticipant.streamBytes({
        name: cmd.name ?? 'data.bin', topic: cmd.topic, destinationIdentities: cmd.to ?? [], streamId: cmd.streamId,
        totalSize: bytes.length,
      });
      for (let i = 0; i < bytes.length; i += 15000) await writer.write(new Uint8Array(bytes.subarray(i, i + 15000)));
      await writer.close();
      out({ event: 'sent', id: cmd.id, streamId: writer.info?.streamId ?? null });
    } catch (e) {
      out({ event: 'send-failed', id: cmd.id, message: String(e?.message ?? e) });
    }
  } else if (cmd.cmd === 'leave') {
    await room.disconnect();
    out({ event: 'left-room' });
    await quit(0);
  }
}
await quit(0);
