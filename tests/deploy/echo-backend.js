// A stand-in service behind nginx in tests/deploy/run.sh: answers every request with what it received,
// accepts WebSocket upgrades (101 with the Upgrade header it saw) and streams server-sent events.
//   node echo-backend.js PORT NAME
const http = require('http');
const [port, name] = [Number(process.argv[2]), process.argv[3] || 'echo'];
const server = http.createServer((req, res) => {
  if (req.url.endsWith('/stream')) {
    // Two events 1.5 s apart: through nginx the first must arrive before the second is sent.
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write('data: first\n\n');
    setTimeout(() => { res.write('data: second\n\n'); res.end(); }, 1500);
    return;
  }
  let size = 0;
  req.on('data', c => { size += c.length; });
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'healthy', service: name, method: req.method, url: req.url, bodyBytes: size, headers: req.headers }));
  });
});
server.on('upgrade', (req, socket) => {
  socket.write('HTTP/1.1 101 Switching Protocols\r\n' +
    `Upgrade: ${req.headers['upgrade'] || ''}\r\n` +
    'Connection: Upgrade\r\n' +
    `X-Echo-Connection: ${req.headers['connection'] || ''}\r\n` +
    `X-Echo-Service: ${name}\r\n\r\n`);
  setTimeout(() => socket.destroy(), 200);
});
server.listen(port, '127.0.0.1', () => console.log(`${name} listening on ${port}`));
