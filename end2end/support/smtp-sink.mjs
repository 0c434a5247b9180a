// The tests' SMTP server, one process for every Playwright worker (a port
// has one owner): it receives Lobby's mail on 127.0.0.1:SINK_SMTP_PORT
// (smtp-tester) and tells the workers about it over HTTP on
// 127.0.0.1:SINK_HTTP_PORT (support/smtp-sink.ts is the client):
//
//   GET /healthz                  200 once both listen
//   GET /next?to=ADDR&after=MS&wait=MS
//       the first message to ADDR received at or after the time AFTER
//       (milliseconds since the epoch), waiting up to WAIT for it; 404 if none
//   GET /since?after=MS           every message received at or after AFTER
//
// A message is JSON: { at, receivers, headers, body, html }.
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import smtpTester from 'smtp-tester';

const smtpPort = Number(process.env.SINK_SMTP_PORT);
const httpPort = Number(process.env.SINK_HTTP_PORT);

// smtp-tester listens on every interface unless its server's listen is given
// a host. Lobby keeps pooled connections open; closing does not wait for them.
const listen = SMTPServer.prototype.listen;
SMTPServer.prototype.listen = function onLoopback(port, ...rest) {
  this.options.closeTimeout = 500;
  const callback = rest.find((a) => typeof a === 'function');
  return listen.call(this, port, '127.0.0.1', ...(callback ? [callback] : []));
};

const received = [];
let waiters = [];
const addressed = (mail, to) => mail.receivers.includes(to.toLowerCase());

const sink = smtpTester.init(smtpPort);
sink.bind((_address, id, email) => {
  sink.remove(id); // kept here instead
  const mail = {
    at: Date.now(),
    receivers: Object.keys(email.receivers).map((r) => r.toLowerCase()),
    headers: email.headers,
    body: email.body,
    html: email.html,
  };
  received.push(mail);
  waiters = waiters.filter((w) => {
    if (!addressed(mail, w.to) || mail.at < w.after) return true;
    w.answer(mail);
    return false;
  });
});

function reply(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://sink');
    const after = Number(url.searchParams.get('after') ?? 0);
    if (url.pathname === '/healthz') return reply(res, 200, { ok: true });
    if (url.pathname === '/since') return reply(res, 200, received.filter((m) => m.at >= after));
    if (url.pathname !== '/next') return reply(res, 404, { error: 'no such path' });
    const to = url.searchParams.get('to') ?? '';
    const already = received.find((m) => m.at >= after && addressed(m, to));
    if (already) return reply(res, 200, already);
    const waiter = { to, after, answer: (mail) => { clearTimeout(timer); reply(res, 200, mail); } };
    const timer = setTimeout(() => {
      waiters = waiters.filter((w) => w !== waiter);
      reply(res, 404, { error: `No message delivered to ${to}` });
    }, Number(url.searchParams.get('wait') ?? 15_000));
    waiters.push(waiter);
  })
  .listen(httpPort, '127.0.0.1');

const stop = () => sink.stop(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
