// What the media helper tests look at from outside the server: its helper
// children in /proc, the files under DATA/media, and an upload through the API.
import fs from 'node:fs';
import path from 'node:path';

// The pids of serverPid's children that are media helpers.
export function helperPids(serverPid) {
  const out = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === serverPid && fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').includes('media-helper')) out.push(Number(e));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

// Every file and directory under dataDir/media, the staging directory included, sorted.
export function storedFiles(dataDir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) { out.push(path.join(d, e.name) + '/'); walk(path.join(d, e.name)); } else out.push(path.join(d, e.name));
    }
  };
  walk(path.join(dataDir, 'media'));
  return out.sort();
}

// POST /api/v1/media with bytes as p.png.
export function uploadMedia(base, token, bytes) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes]), 'p.png');
  return fetch(base + '/api/v1/media', { method: 'POST', body: fd, headers: { authorization: `Bearer ${token}` } });
}
