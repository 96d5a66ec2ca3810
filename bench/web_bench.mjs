// Per-image time of the WebAssembly module in Node and in headless Chromium against the
// native ref and mcu, in one run (docs/benchmarks.md, "The runtime in a browser"). Not a
// test: scripts/web_benchmark.sh runs it after scripts/run_web_tests.sh has built everything.
// Each measurement runs COUNT noisy MNIST test digits one at a time through a backend and
// times only the runtime's run call (in the module: dnz_web_run on buffers already in its
// memory, as runtime_demo times dnz_run_u8); ROUNDS rounds interleave every variant, and the
// median of the rounds is kept. Writes the raw rounds as JSON.
//   node web_bench.mjs SITE WEB_REFERENCE MODEL MNIST NODE_MODULES OUT_JSON
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import {cpus, loadavg, tmpdir} from 'node:os';
import {extname, join, resolve as absolute} from 'node:path';
import {pathToFileURL} from 'node:url';

const [site, reference, model, mnist, nodeModules, outJson] = process.argv.slice(2);
const COUNT = Number(process.env.DNZ_WEB_BENCH_COUNT || 50);
const ROUNDS = Number(process.env.DNZ_WEB_BENCH_ROUNDS || 3);
const BACKENDS = ['ref', 'mcu'];
const work = mkdtempSync(join(tmpdir(), 'dnz-web-bench-'));
execFileSync(reference, ['mnist', model, mnist, String(COUNT), join(work, 'mnist')]);
const noisy = readFileSync(join(work, 'mnist.noisy'));

// The timing loop, run as it is in Node and, as text, in the page.
async function timeModule(wasmBytes, modelBytes, noisyBytes, count, backend, dnzUrl) {
  const {Dnz} = await import(dnzUrl);
  const dnz = await Dnz.create(wasmBytes);
  dnz.loadModel(modelBytes);
  dnz.useBackend(backend);
  const e = dnz.exports;
  const input = e.dnz_web_alloc(noisyBytes.length);
  const output = e.dnz_web_alloc(784);
  new Uint8Array(e.memory.buffer, input, noisyBytes.length).set(noisyBytes);
  e.dnz_web_run(input, output, 1);  // warm-up: the first run compiles the tiers
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    if (e.dnz_web_run(input + i * 784, output, 1) !== 0) throw new Error(dnz.text());
  }
  return (performance.now() - start) / count;
}

// ---- Chromium: the site served from here, the same loop inside the page
const puppeteer = createRequire(join(absolute(nodeModules), 'x.js'))('puppeteer-core');
const server = createServer((request, response) => {
  const name = new URL(request.url, 'http://x').pathname.slice(1) || 'index.html';
  try {
    const body = readFileSync(join(site, name));
    const type = {'.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm'};
    response.writeHead(200, {'Content-Type': type[extname(name)] || 'application/octet-stream'});
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = `http://127.0.0.1:${server.address().port}/`;
const browser = await puppeteer.launch({executablePath: process.env.DNZ_CHROMIUM || '/usr/bin/chromium',
  headless: true, args: process.getuid() === 0 ? ['--no-sandbox'] : []});
const chromiumVersion = await browser.version();
const page = await browser.newPage();
await page.goto(address);
await page.waitForSelector('body[data-ready="true"]');
const inChromium = (file, backend) => page.evaluate(async (source, file, noisyList, count, backend) => {
  const get = async (url) => (await fetch(url)).arrayBuffer();
  const run = eval(`(${source})`);  // the same function as in Node
  return run(await get(file), await get('default.dnz'), Uint8Array.from(noisyList), count,
             backend, new URL('dnz_wasm.js', location.href).href);
}, timeModule.toString(), file, Array.from(noisy), COUNT, backend);

// ref is the same code in both modules (only the mcu kernels differ): timed in the portable one.
const VARIANTS = [['ref', 'dnz_web_portable.wasm', 'ref'], ['mcu simd128', 'dnz_web.wasm', 'mcu'],
  ['mcu portable', 'dnz_web_portable.wasm', 'mcu']];
const wasmFiles = {};
for (const [, file] of VARIANTS) wasmFiles[file] = readFileSync(join(site, file));
const modelBytes = readFileSync(model);
const dnzUrl = pathToFileURL(join(site, 'dnz_wasm.js')).href;
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const times = {};
  for (const backend of BACKENDS) {
    times[`native ${backend}`] = Number(execFileSync(reference,
      ['time', model, backend, join(work, 'mnist.noisy'), '1']).toString());
  }
  for (const [name, file, backend] of VARIANTS) {
    times[`node ${name}`] = await timeModule(wasmFiles[file], modelBytes, noisy, COUNT, backend, dnzUrl);
    times[`chromium ${name}`] = await inChromium(file, backend);
  }
  console.log(`round ${round + 1}:`, Object.entries(times).map(([k, v]) => `${k} ${v.toFixed(2)} ms`).join(', '));
  rounds.push(times);
}
await browser.close();
server.close();
writeFileSync(`${outJson}.tmp`, JSON.stringify({
  count: COUNT, rounds, cpu: cpus()[0].model, cores: cpus().length, load_average: loadavg(),
  node: process.version, chromium: chromiumVersion,
  wasm_bytes: Object.fromEntries(Object.entries(wasmFiles).map(([f, b]) => [f, b.length])),
}, null, 1) + '\n');
renameSync(`${outJson}.tmp`, outJson);  // written whole or not at all
