// Side-by-side relay benchmark client (issue #10 item 1): one sender, one receiver, 1 KiB payloads, a window of W
// messages outstanding, a message counted only when its end-to-end ack returns to the sender.
//
//   node relay-bench.mjs <nats|mqtt|meshwire> <window> <seconds> <url> [meshwire data dir]
//
// The sender is this process; the receiver is a child process (fork), so the two clients do not share one Node
// event loop. Prints one JSON line: msgs, msg/s, round-trip latency p50/p99 (send → end-to-end ack, ms), CPU
// seconds of sender and receiver, errors.
//
// The meshwire client is written from docs/protocol.md only (it is also a check of that contract).
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(process.env.BENCH_NODE_MODULES ? process.env.BENCH_NODE_MODULES + '/' : import.meta.url);
const PAYLOAD = 1024;
const WARMUP_MS = 2000;

const role = process.env.BENCH_ROLE || 'sender';
const [scenario, windowArg, secondsArg, url, dataDir] = process.argv.slice(2);

// ---------- shared driver: keeps W outstanding, measures after a warm-up ----------
function driver(window, seconds, sendOne) {
  const sentAt = new Map();
  let seq = 0, counted = 0, measuring = false, stopped = false, lastProgress = Date.now();
  const lat = [];
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  let tStart = 0;
  function pump() {
    while (!stopped && sentAt.size < window) {
      const s = seq++;
      sentAt.set(s, process.hrtime.bigint());
      sendOne(s);
    }
  }
  function acked(s) {
    const t0 = sentAt.get(s);
    if (t0 === undefined) return; // duplicate ack
    sentAt.delete(s);
    lastProgress = Date.now();
    if (measuring) {
      counted++;
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    pump();
  }
  setTimeout(() => { measuring = true; tStart = performance.now(); }, WARMUP_MS);
  setTimeout(() => {
    stopped = true;
    const elapsed = (performance.now() - tStart) / 1000;
    lat.sort((a, b) => a - b);
    const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : null);
    resolveDone({ msgs: counted, seconds: elapsed, msgPerSec: counted / elapsed, p50: q(0.5), p99: q(0.99), sent: seq });
  }, WARMUP_MS + seconds * 1000);
  const watchdog = setInterval(() => {
    if (!stopped && Date.now() - lastProgress > 15000) {
      stopped = true;
      resolveDone({ error: `no end-to-end ack for 15 s (${sentAt.size} outstanding)` });
    }
  }, 1000);
  done.finally(() => clearInterval(watchdog));
  return { pump, acked, done };
}

function startReceiver(extraEnv) {
  const child = fork(new URL(import.meta.url).pathname, process.argv.slice(2), {
    env: { ...process.env, BENCH_ROLE: 'receiver', ...extraEnv },
  });
  const ready = new Promise((res, rej) => {
    child.once('message', (m) => (m.ready ? res(m) : rej(new Error(m.error || 'receiver failed'))));
    child.once('exit', (c) => rej(new Error('receiver exited ' + c)));
  });
  const stop = () => new Promise((res) => {
    child.once('message', (m) => res(m));
    child.send({ stop: true });
  });
  return { ready, stop, child };
}

function onStop(cleanup) {
  process.on('message', async (m) => {
    if (!m.stop) return;
    const cpu = process.cpuUsage();
    await cleanup();
    process.send({ cpuSeconds: (cpu.user + cpu.system) / 1e6 });
    process.exit(0);
  });
}

const payload = crypto.randomBytes(PAYLOAD);
const cpuSec = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; };

// ---------- NATS request/reply: the reply is the ack ----------
async function nats() {
  const { connect } = require('nats');
  if (role === 'receiver') {
    const nc = await connect({ servers: url, noEcho: true });
    nc.subscribe('bench.req', { callback: (err, m) => { if (!err) m.respond(m.data.subarray(0, 8)); } });
    await nc.flush();
    onStop(() => nc.close());
    process.send({ ready: true });
    return;
  }
  const rx = startReceiver();
  await rx.ready;
  const nc = await connect({ servers: url });
  // Request/reply by hand: one reply inbox subscription, the reply names the request by its sequence number.
  // (nc.request() arms a timer and a promise per request, which made the Node sender the bottleneck.)
  const inbox = '_INBOX.bench.' + process.pid;
  let d;
  nc.subscribe(inbox, { callback: (err, m) => { if (!err) d.acked(Buffer.from(m.data).readUInt32BE(0)); } });
  await nc.flush();
  d = driver(+windowArg, +secondsArg, (s) => {
    const b = Buffer.from(payload); b.writeUInt32BE(s, 0);
    nc.publish('bench.req', b, { reply: inbox });
  });
  d.pump();
  const r = await d.done;
  const recv = await rx.stop();
  await nc.close();
  return { ...r, senderCpuSeconds: cpuSec(), receiverCpuSeconds: recv.cpuSeconds };
}

// ---------- MQTT QoS 1: publish → subscriber (QoS 1) → ack publish (QoS 1) → sender's subscription ----------
async function mqttScenario() {
  const mqtt = require('mqtt');
  const opts = { clean: true, protocolVersion: 4, reconnectPeriod: 0 };
  const conn = (id) => new Promise((res, rej) => {
    const c = mqtt.connect(url, { ...opts, clientId: id });
    // TCP_NODELAY on the client sockets too (the broker has set_tcp_nodelay): no Nagle wait on small acks.
    c.once('connect', () => { c.stream.setNoDelay?.(true); res(c); }); c.once('error', rej);
  });
  if (role === 'receiver') {
    const c = await conn('bench-rx-' + process.pid);
    await c.subscribeAsync('bench/req', { qos: 1 });
    c.on('message', (topic, msg) => c.publish('bench/ack', msg.subarray(0, 8), { qos: 1 }));
    onStop(() => c.endAsync());
    process.send({ ready: true });
    return;
  }
  const rx = startReceiver();
  await rx.ready;
  const c = await conn('bench-tx-' + process.pid);
  await c.subscribeAsync('bench/ack', { qos: 1 });
  let d;
  c.on('message', (topic, msg) => d.acked(msg.readUInt32BE(0)));
  d = driver(+windowArg, +secondsArg, (s) => {
    const b = Buffer.from(payload); b.writeUInt32BE(s, 0);
    c.publish('bench/req', b, { qos: 1 });
  });
  d.pump();
  const r = await d.done;
  const recv = await rx.stop();
  await c.endAsync(true);
  return { ...r, senderCpuSeconds: cpuSec(), receiverCpuSeconds: recv.cpuSeconds };
}

// ---------- meshwire relay over a raw WebSocket, from docs/protocol.md ----------
const hex = (b) => Buffer.from(b).toString('hex');
function newKey() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  return { pub: hex(Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url')), priv: privateKey };
}
function keyFromJwk(jwk) {
  const priv = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
  return { pub: hex(Buffer.from(jwk.x, 'base64url')), priv };
}
const sign = (k, s) => crypto.sign(null, Buffer.from(s, 'utf8'), k.priv).toString('hex');

// One authenticated connection: resolves with {ws, ack} after hello_ack. §5: first frame within 5 s of the upgrade.
function connectMember(wsUrl, firstFrame) {
  const WebSocket = require('ws');
  return new Promise((res, rej) => {
    const ws = new WebSocket(wsUrl + '/ws', { perMessageDeflate: false });
    ws.once('error', rej);
    ws.on('close', (code, reason) => rej(new Error(`closed ${code} ${reason}`)));
    const onMsg = (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'challenge') ws.send(JSON.stringify(firstFrame(f.nonce)));
      else if (f.type === 'hello_ack') { ws.off('message', onMsg); res({ ws, ack: f }); }
      else if (f.type === 'error') rej(new Error(`${f.code}: ${f.message}`));
    };
    ws.on('message', onMsg);
  });
}

const FEATURES = { p2p: false, features: ['receipts'] };

async function meshwire() {
  const wsUrl = url;
  if (role === 'receiver') {
    // Joins with the invite the sender made (§5 join, §9 invite), then acks every deliver (§6 client_ack).
    const inv = JSON.parse(Buffer.from(process.env.BENCH_INVITE.slice(4), 'base64url').toString());
    const k = newKey();
    const name = 'rx' + process.pid;
    const { ws } = await connectMember(wsUrl, (nonce) => ({
      type: 'join', id: 'j1', invite: process.env.BENCH_INVITE, pubkey: k.pub, name, capabilities: FEATURES,
      signature: sign(k, `meshwire-join|v1|${inv.inviteId}|${inv.mesh}|${k.pub}|${name}|${nonce}`),
    }));
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'deliver') {
        // A real client verifies the envelope signature and stores before acking; this load client acks at once.
        ws.send(JSON.stringify({ type: 'client_ack', messageId: f.messageId, clientMessageId: f.envelope.meta.clientMessageId, from: f.envelope.from }));
      }
    });
    onStop(() => ws.terminate());
    process.send({ ready: true, pubkey: k.pub });
    return;
  }
  // Sender: the owner of a fresh mesh created over REST with the admin token (§10).
  const httpUrl = wsUrl.replace(/^ws/, 'http');
  const token = fs.readFileSync(dataDir + '/admin-token', 'utf8').trim();
  const owner = newKey();
  const meshName = 'bench-' + crypto.randomBytes(4).toString('hex');
  const createdAt = Date.now();
  const resp = await fetch(httpUrl + '/v1/meshes', {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
    body: JSON.stringify({ name: meshName, ownerPubkey: owner.pub, ownerName: 'sender', createdAt,
      signature: sign(owner, `meshwire-mesh-create|v1|${meshName}|${owner.pub}|sender|${createdAt}`) }),
  });
  const mesh = await resp.json();
  if (resp.status !== 201) throw new Error('create mesh: ' + JSON.stringify(mesh));
  // An invite v2, made offline by the owner (§9).
  const inviteId = crypto.randomBytes(16).toString('hex');
  const expiresAt = Date.now() + 3600_000;
  const invite = { v: 2, coordinator: wsUrl, mesh: mesh.mesh, meshName, inviteId, issuer: owner.pub, expiresAt, maxUses: 1,
    authority: mesh.authority,
    signature: sign(owner, `meshwire-invite|v2|${mesh.mesh}|${inviteId}|${owner.pub}|${expiresAt}|1|${mesh.authority}`) };
  const inviteText = 'mw1.' + Buffer.from(JSON.stringify(invite)).toString('base64url');

  const { ws } = await connectMember(wsUrl, (nonce) => ({
    type: 'hello', id: 'h1', mesh: mesh.mesh, pubkey: owner.pub, capabilities: FEATURES,
    signature: sign(owner, `meshwire-hello|v1|${mesh.mesh}|${owner.pub}|${nonce}`),
  }));
  const rx = startReceiver({ BENCH_INVITE: inviteText });
  const { pubkey: to } = await rx.ready;

  // Envelope v2 (§4), signed over the §3 canonical string. The body is 1 KiB of opaque bytes standing in for the
  // crypto_box output (the coordinator never opens it; the bench receiver does not either).
  const ciphertext = payload.toString('base64');
  const ctHash = crypto.createHash('sha256').update(ciphertext, 'utf8').digest('hex');
  const stats = { acks: 0, duplicates: 0, rateLimited: 0, errors: {} };
  const pendingFrames = new Map();
  let d;
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString());
    if (f.type === 'receipt') d.acked(+f.clientMessageId.slice(1));
    else if (f.type === 'ack') { stats.acks++; if (f.status === 'duplicate') stats.duplicates++; pendingFrames.delete(f.id); }
    else if (f.type === 'error') {
      stats.errors[f.code] = (stats.errors[f.code] || 0) + 1;
      if (f.code === 'rate_limited') {
        // §6 Delivery step 4: retry the same frame after a short backoff.
        stats.rateLimited++;
        const frame = pendingFrames.get(f.id);
        if (frame) setTimeout(() => ws.send(frame), 20);
      }
    }
  });
  d = driver(+windowArg, +secondsArg, (s) => {
    const nonce = crypto.randomBytes(24).toString('base64');
    const meta = { clientMessageId: 'c' + s };
    const canonicalMeta = `{"clientMessageId":"c${s}"}`; // RFC 8785 of a one-key object
    const canonical = `meshwire-envelope|v2|dm|${to}|${owner.pub}|${nonce}|${ctHash}|1|${canonicalMeta}`;
    const envelope = { v: 2, channel: 'dm', target: to, from: owner.pub,
      body: { nonce, ciphertext, bodyVersion: 1 }, meta, signature: sign(owner, canonical) };
    const frame = JSON.stringify({ type: 'send', id: 's' + s, to, envelope });
    pendingFrames.set('s' + s, frame);
    ws.send(frame);
  });
  d.pump();
  const r = await d.done;
  const recv = await rx.stop();
  ws.terminate();
  return { ...r, senderCpuSeconds: cpuSec(), receiverCpuSeconds: recv.cpuSeconds, ...stats };
}

const run = { nats, mqtt: mqttScenario, meshwire }[scenario];
run().then((r) => {
  if (role === 'sender') { console.log(JSON.stringify({ scenario, window: +windowArg, ...r })); process.exit(0); }
}, (e) => {
  if (role === 'receiver') process.send({ error: String(e.stack || e) });
  console.error(e.stack || e);
  process.exit(1);
});
