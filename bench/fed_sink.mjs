// Loopback inbox sinks for bench/federation.sh: answers every POST with 202
// and counts them; GET /count gives the count and the time of the last one.
import http from 'node:http';
let n = 0, last = 0;
const s = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') { res.end(JSON.stringify({ n, last })); return; }
  req.resume();
  req.on('end', () => { n++; last = Date.now(); res.writeHead(202); res.end(); });
});
s.listen(Number(process.argv[2]), '127.0.0.1');
