// A minimal SMTP sink on loopback (enough of RFC 5321 for one client at a
// time) and a reader of the messages hao writes: RFC 2047 subject, base64
// body, and its other headers. Shared by the tests that read mail.
import net from 'node:net';

export function smtpSink() {
  const messages = [];
  const server = net.createServer((sock) => {
    let buf = '', inData = false, cur = null;
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          cur.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          messages.push(cur);
          sock.write('250 queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250 sink\r\n');
        else if (verb === 'MAIL') { cur = { from: line, rcpt: [] }; sock.write('250 ok\r\n'); }
        else if (verb === 'RCPT') { cur.rcpt.push(line.replace(/^RCPT TO:\s*/i, '')); sock.write('250 ok\r\n'); }
        else if (verb === 'DATA') { inData = true; sock.write('354 go on\r\n'); }
        else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 ok\r\n');
      }
    });
    sock.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, messages, port: server.address().port })));
}

// { to, subject, body, headers: { lower-case name: value } } of one message.
export function decode(m) {
  const i = m.data.indexOf('\r\n\r\n');
  const head = m.data.slice(0, i), body = m.data.slice(i + 4);
  const headers = {};
  for (const line of head.split('\r\n')) {
    const c = line.indexOf(':');
    if (c > 0) headers[line.slice(0, c).toLowerCase()] = line.slice(c + 1).trim();
  }
  const subj = /^=\?UTF-8\?B\?([^?]+)\?=$/.exec(headers.subject || '');
  return {
    to: /^<([^>]+)>$/.exec(headers.to)[1],
    subject: subj ? Buffer.from(subj[1], 'base64').toString('utf8') : '',
    body: Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8'),
    headers,
  };
}

// Wait until pred(messages) holds (or ms pass); returns whether it did.
export async function waitUntil(pred, ms = 15000) {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 50));
  return pred();
}
