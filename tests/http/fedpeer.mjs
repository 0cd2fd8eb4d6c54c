// A small hand-written ActivityPub peer for the federation tests: actors
// (alice, bob, carol, and dave whose key is Ed25519) served on a loopback
// port with an RSA key, an inbox that keeps
// what arrives, and a signer for requests to hao (draft-cavage HTTP
// Signatures, as Mastodon signs). The interoperability test with a real
// implementation is federation-fedify.test.mjs; this one lets the tests
// forge every bad input.
import http from 'node:http';
import crypto from 'node:crypto';

export async function startPeer() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const received = [];
  const waiters = [];
  const peer = { received, privateKey, otherKey: other.privateKey, keyServed: publicKey };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (req.url.startsWith('/slow/')) { // a key server that takes 3 s to say nothing
        setTimeout(() => { res.writeHead(404); res.end(); }, 3000);
        return;
      }
      const m = /^\/users\/(alice|bob|carol|dave)$/.exec(req.url);
      if (req.method === 'GET' && m) {
        res.writeHead(200, { 'content-type': 'application/activity+json' });
        res.end(JSON.stringify(peer.actorDoc(m[1])));
      } else if (req.method === 'POST' && req.url === '/users/carol/inbox') {
        res.writeHead(503); // carol's server is down
        res.end();
      } else if (req.method === 'POST' && /^\/(users\/(alice|bob)\/)?inbox$/.test(req.url)) {
        if (peer.held) { peer.held.push(() => { req.emit('end'); }); return; } // answered on release()
        received.push({ headers: req.headers, body, url: req.url });
        res.writeHead(202);
        res.end();
        for (const w of waiters.splice(0)) w();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  Object.assign(peer, {
    base,
    actor: `${base}/users/alice`,
    keyId: `${base}/users/alice#main-key`,
    // alice and bob share the server's inbox; carol has only her own. dave's
    // key is keysByName.dave when a test sets one (an Ed25519 key, say).
    keysByName: {},
    actorDoc(name = 'alice') {
      const id = `${base}/users/${name}`;
      return {
        '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
        id, type: 'Person', preferredUsername: name, name: name[0].toUpperCase() + name.slice(1),
        inbox: `${id}/inbox`, outbox: `${id}/outbox`, url: `${base}/@${name}`,
        ...(name === 'carol' ? {} : { endpoints: { sharedInbox: `${base}/inbox` } }),
        publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: (this.keysByName[name] ?? this.keyServed).export({ type: 'spki', format: 'pem' }) },
      };
    },
    // Wait until n activities have arrived (or fail after ms).
    async waitFor(n, ms = 30000) {
      const end = Date.now() + ms;
      while (received.length < n) {
        if (Date.now() > end) throw new Error(`peer: ${received.length} of ${n} activities arrived`);
        await new Promise((r) => { waiters.push(r); setTimeout(r, 200); });
      }
      return received;
    },
    // Hold deliveries unanswered (a slow server) until release().
    hold() { this.held = []; },
    release() { const h = this.held || []; this.held = null; for (const f of h) f(); },
    close() { return new Promise((r) => server.close(r)); },
  });
  return peer;
}

// POST activity to url (a hao inbox) signed as keyId with key; opts forge
// the bad cases: date, digest, body (raw text), contentType, headers list,
// unsigned, extra.
export async function signedPost(url, activity, { keyId, key, date, digest, body, contentType, headers, unsigned } = {}) {
  const u = new URL(url);
  const text = body ?? JSON.stringify(activity);
  const d = date ?? new Date().toUTCString();
  const dg = digest ?? 'SHA-256=' + crypto.createHash('sha256').update(text).digest('base64');
  const list = headers ?? '(request-target) host date digest';
  const values = { '(request-target)': `post ${u.pathname}`, host: u.host, date: d, digest: dg,
    'content-type': contentType ?? 'application/activity+json' };
  const str = list.split(' ').map((h) => `${h}: ${values[h]}`).join('\n');
  const sig = crypto.sign('sha256', Buffer.from(str), key).toString('base64');
  const h = { 'content-type': values['content-type'], date: d, digest: dg };
  if (!unsigned) h.signature = `keyId="${keyId}",algorithm="rsa-sha256",headers="${list}",signature="${sig}"`;
  return fetch(url, { method: 'POST', headers: h, body: text });
}

// Verify a request hao sent (as the peer received it) with hao's public key.
export function verifyHaoSignature(msg, path, publicKeyPem) {
  const params = Object.fromEntries([...msg.headers.signature.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const str = params.headers.split(' ').map((h) => (h === '(request-target)' ? `(request-target): post ${path}` : `${h}: ${msg.headers[h]}`)).join('\n');
  const digestOk = msg.headers.digest === 'SHA-256=' + crypto.createHash('sha256').update(msg.body).digest('base64');
  return { keyId: params.keyId, ok: digestOk && crypto.verify('sha256', Buffer.from(str), publicKeyPem, Buffer.from(params.signature, 'base64')) };
}
