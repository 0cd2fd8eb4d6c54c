// A peer server built on Fedify (npm @fedify/fedify, the ActivityPub library
// Ghost's federation uses), for tests/http/federation-fedify.test.mjs: one
// actor, bob, on a loopback port. Fedify verifies every activity hao sends
// to it (HTTP Signatures, with hao's key fetched from hao's actor) before a
// listener sees it, and signs what bob sends with its own code. Needs
// Node 22 (Fedify's engines); imported dynamically by the test.
import http from 'node:http';
import { createFederation, MemoryKvStore, generateCryptoKeyPair } from '@fedify/fedify';
import * as V from '@fedify/vocab';
import { lookupWebFinger } from '@fedify/webfinger';

export { V, lookupWebFinger };

export async function startFedifyPeer() {
  const keys = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
  // allowPrivateAddress: hao listens on 127.0.0.1 in tests (test mode only).
  const federation = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true });
  const received = [];
  federation
    .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
      if (identifier !== 'bob') return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new V.Person({
        id: ctx.getActorUri(identifier), preferredUsername: identifier, name: 'Bob (Fedify)',
        inbox: ctx.getInboxUri(identifier), endpoints: new V.Endpoints({ sharedInbox: ctx.getInboxUri() }),
        url: ctx.getActorUri(identifier), publicKey: pairs[0].cryptographicKey,
        assertionMethods: pairs.map((p) => p.multikey),
      });
    })
    .setKeyPairsDispatcher(async (ctx, identifier) => (identifier === 'bob' ? [keys] : []));
  const keep = (type) => async (ctx, activity) => {
    received.push({ type, activity, object: await activity.getObject({ documentLoader: ctx.documentLoader }).catch(() => null) });
  };
  federation.setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .on(V.Accept, keep('Accept')).on(V.Create, keep('Create')).on(V.Update, keep('Update')).on(V.Delete, keep('Delete'));

  let origin;
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const request = new Request(origin + req.url, { method: req.method, headers, body: body.length ? body : undefined });
    const response = await federation.fetch(request, { contextData: undefined });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  const ctx = federation.createContext(new URL(origin), undefined);
  return {
    origin, ctx, received, federation,
    bob: ctx.getActorUri('bob'),
    async waitFor(pred, what, ms = 30000) {
      const end = Date.now() + ms;
      for (;;) {
        const hit = received.find(pred);
        if (hit) return hit;
        if (Date.now() > end) throw new Error(`fedify peer: no ${what} (got ${received.map((r) => r.type).join(', ') || 'nothing'})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close() { return new Promise((r) => server.close(r)); },
  };
}
