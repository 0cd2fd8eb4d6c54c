// Helpers shared by the creator tools' tests (creator-*.test.mjs).
import assert from 'node:assert/strict';

export function apiFor(base) {
  return function api(method, path, token, body, headers = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload = body;
    if (body !== undefined && typeof body !== 'string') {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    return fetch(base + path, { method, headers: h, body: payload, redirect: 'manual' });
  };
}

export async function json(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { assert.fail(`not JSON (${res.status}): ${text.slice(0, 200)}`); }
}

export async function draft(api, token, title, body = '正文,足够长的一段文字。') {
  const res = await api('POST', '/api/v1/articles', token, { title, body });
  assert.equal(res.status, 201, `create: ${res.status}`);
  return (await res.json()).id;
}

export async function publish(api, token, id) {
  const res = await api('POST', `/api/v1/articles/${id}/publish`, token);
  assert.equal(res.status, 200, `publish: ${res.status} ${await res.clone().text()}`);
}

// Poll fn until it returns true or the time is up.
export async function eventually(fn, ms = 5000) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export const rfc = (t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
