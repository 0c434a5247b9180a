// One load measurement with autocannon: node bench/measure.js <connections>
// <seconds> <url>… prints "<requests per second> <p99 ms> <errors>". With
// several URLs, the requests go to each in turn (the landing page of many
// invitations, not one page over and over).
const path = require("path");
const autocannon = require(path.join(__dirname, "../end2end/node_modules/autocannon"));

const [connections, seconds, ...urls] = process.argv.slice(2);
const paths = urls.map((u) => new URL(u));
let next = 0;
// One URL is asked as autocannon's command line asks it: choosing the next
// URL costs the generator time of its own, so it is spent only when needed.
const turns = [
  {
    setupRequest: (request) => {
      const url = paths[next++ % paths.length];
      return { ...request, path: url.pathname + url.search };
    },
  },
];
autocannon(
  {
    url: paths.length === 1 ? urls[0] : paths[0].origin,
    connections: Number(connections),
    duration: Number(seconds),
    ...(paths.length > 1 ? { requests: turns } : {}),
  },
  (err, r) => {
    if (err) throw err;
    console.log(r.requests.average, r.latency.p99, r.errors + r.timeouts + r.non2xx);
  },
);
