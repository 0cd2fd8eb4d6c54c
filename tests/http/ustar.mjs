// Tar archives read and written by hand for the portability tests: reading
// checks what hao's export wrote without going through libarchive (which
// wrote it), and writing makes the hostile archives (links, traversal, lying
// sizes) no well-behaved tool would produce.

import zlib from 'node:zlib';

// A ustar header; type '0' file, '1' hard link, '2' symlink, '5' directory, 'x' pax.
export function header(name, size, type = '0', link = '') {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(link, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

// Entries {name, data, size?, type?, link?} as an uncompressed tar; end:false
// leaves off the closing zero blocks (a truncated archive).
export function tar(entries, { end = true } = {}) {
  const parts = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    parts.push(header(e.name, e.size ?? data.length, e.type, e.link));
    parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

// A .tar.gz's file entries in order as {name, data} (ustar prefixes and pax
// path records honoured).
export function untar(buf) {
  const t = zlib.gunzipSync(buf), out = [];
  let long = null;
  for (let o = 0; o + 512 <= t.length;) {
    const h = t.subarray(o, o + 512);
    if (h.every((b) => b === 0)) break;
    let name = h.subarray(0, 100).toString().replace(/\0.*$/s, '');
    const prefix = h.subarray(345, 500).toString().replace(/\0.*$/s, '');
    if (prefix) name = `${prefix}/${name}`;
    const size = parseInt(h.subarray(124, 136).toString().replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156]);
    const data = Buffer.from(t.subarray(o + 512, o + 512 + size));
    if (type === 'x') long = (/path=([^\n]+)/.exec(data.toString()) || [])[1] || null;
    else if (type === '0' || type === '\0') { out.push({ name: long || name, data }); long = null; }
    o += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
