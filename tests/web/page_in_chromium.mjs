// The page in headless Chromium (Debian's chromium, driven by puppeteer-core), against the
// host build byte for byte (docs/web.md, "Tests"):
//   - draw a 7 with pointer events, set the noise with the keyboard, read the 28x28 panels
//     (frame, noisy, denoised) and check them against web_reference run on the pad's pixels
//     with the same noise and seed; "New noise" too;
//   - a photo through the file input, and an example from the menu, checked the same way;
//   - bad files (not an image, truncated, 100000x100000) and "New noise" on an empty canvas:
//     one clear line on the page, and the page still works afterwards;
//   - an engine without SIMD128 (the portable module, checked the same way), a phone-sized
//     screen, and a browser without WebAssembly;
//   - screenshots (docs/web.md shows one). Any console error or failed request fails the test.
// Exit 77 (CTest: skipped) when Chromium or puppeteer-core is missing, unless CI=true.
//   node page_in_chromium.mjs SITE WEB_REFERENCE MODEL EXAMPLES NODE_MODULES WORK
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import {extname, join, normalize, resolve as absolute} from 'node:path';

const [site, reference, model, examples, nodeModules, work] = process.argv.slice(2);
const CHROMIUM = process.env.DNZ_CHROMIUM || '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM) ? `${CHROMIUM} (Debian: chromium)` :
  !existsSync(join(nodeModules, 'puppeteer-core')) ?
    `puppeteer-core in ${nodeModules} (scripts/install_web_deps.sh)` : '';
if (missing) {
  console.log(`page_in_chromium: missing ${missing}`);
  process.exit(process.env.CI === 'true' ? 1 : 77);
}
const puppeteer = createRequire(join(absolute(nodeModules), 'x.js'))('puppeteer-core');
mkdirSync(work, {recursive: true});

// ---- the site, served from this process on 127.0.0.1
const TYPES = {'.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.dnz': 'application/octet-stream', '.png': 'image/png',
  '.jpg': 'image/jpeg'};
const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
  const file = join(site, path === '/' ? 'index.html' : path);
  if (!file.startsWith(site) || !existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, {'Content-Type': TYPES[extname(file)] || 'application/octet-stream'});
  response.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = `http://127.0.0.1:${server.address().port}/`;

const failures = [];
let checks = 0;
function check(what, ok, detail = '') {
  checks++;
  if (!ok) failures.push(`${what}${detail ? `: ${detail}` : ''}`);
}
function same(what, got, want) {
  const i = got.findIndex((v, k) => v !== want[k]);
  check(what, got.length === want.length && i < 0,
        i >= 0 ? `byte ${i} is ${got[i]}, the host's ${want[i]}` : `${got.length} bytes`);
}
const host = (...args) => execFileSync(reference, args, {stdio: ['ignore', 'pipe', 'inherit']});

const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
});
const consoleErrors = [];
async function openPage(viewport, beforeLoad) {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => consoleErrors.push(`request failed: ${request.url()}`));
  await page.setViewport(viewport);
  if (beforeLoad) await page.evaluateOnNewDocument(beforeLoad);
  await page.goto(address);
  return page;
}

// The page's panels and state, read from its canvases and outputs.
const readPage = (page) => page.evaluate(() => {
  const digit = (id) => {
    const data = document.getElementById(id).getContext('2d').getImageData(0, 0, 28, 28).data;
    return Array.from({length: 784}, (_, i) => data[i * 4]);
  };
  return {
    frame: digit('frame'), noisy: digit('noisy'), denoised: digit('denoised'),
    noise: document.getElementById('noise').value, seed: document.getElementById('seed').textContent,
    status: document.getElementById('status').textContent,
    error: document.getElementById('status').classList.contains('error'),
    time: document.getElementById('time').textContent,
    pad: document.getElementById('pad').toDataURL('image/png').split(',')[1],
  };
});

// web_reference on FILE with the page's noise and seed: the panels must be its bytes.
function checkAgainstHost(what, state, file) {
  const out = join(work, what.replace(/\W+/g, '_'));
  host('image', model, file, state.noise, state.seed, out);
  same(`${what}: frame`, state.frame, readFileSync(`${out}.frame`));
  same(`${what}: noisy input`, state.noisy, readFileSync(`${out}.noisy`));
  same(`${what}: denoised output`, state.denoised, readFileSync(`${out}.denoised`));
  // and the runtime alone on the page's own noisy panel
  writeFileSync(`${out}.page_noisy`, Uint8Array.from(state.noisy));
  host('run', model, 'ref', `${out}.page_noisy`, `${out}.page_denoised`);
  same(`${what}: ref on the page's noisy panel`, state.denoised, readFileSync(`${out}.page_denoised`));
}

async function drawSeven(page) {
  const box = await (await page.$('#pad')).boundingBox();
  const at = (x, y) => [box.x + x * box.width / 280, box.y + y * box.height / 280];
  await page.mouse.move(...at(70, 60));
  await page.mouse.down();
  for (const [x, y] of [[140, 58], [210, 60], [180, 120], [150, 180], [125, 235]]) {
    await page.mouse.move(...at(x, y), {steps: 6});
  }
  await page.mouse.up();
  await page.waitForFunction(() => document.getElementById('time').textContent !== '–');
}

async function uploadAndRead(page, name, bytes) {
  const path = join(work, name);
  writeFileSync(path, bytes);
  const before = await page.$eval('#status', (e) => e.textContent);
  await (await page.$('#photo')).uploadFile(path);
  await page.waitForFunction((b) => document.getElementById('status').textContent !== b, {}, before);
  return {path, state: await readPage(page)};
}

try {
  // ---- drawing, keyboard noise, new noise
  const page = await openPage({width: 1000, height: 880});
  await page.waitForSelector('body[data-ready="true"]');
  const simdShown = await page.$eval('#module', (e) => e.textContent);
  check('Chromium loads the SIMD128 module', simdShown === 'SIMD128', simdShown);
  await drawSeven(page);
  await page.screenshot({path: join(work, 'web_page.png')});  // at MNIST's noise, 0.7
  await page.focus('#noise');
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');  // 0.70 -> 1.00
  let state = await readPage(page);
  check('the keyboard moves the noise slider to 1.00', state.noise === '1', state.noise);
  const padFile = join(work, 'drawn_seven.png');
  writeFileSync(padFile, Buffer.from(state.pad, 'base64'));
  checkAgainstHost('a drawn 7, noise 1.0', state, padFile);
  check('a drawn digit has ink in the frame', state.frame.some((v) => v > 128));
  await page.click('#new-noise');
  state = await readPage(page);
  check('New noise takes the next seed', state.seed === '20261126', state.seed);
  checkAgainstHost('a drawn 7, new noise', state, padFile);

  // ---- a photo through the file input
  const photo = readFileSync(join(examples, 'photo_digit.jpg'));
  const uploaded = await uploadAndRead(page, 'photo_digit.jpg', photo);
  check('the photo is accepted', !uploaded.state.error, uploaded.state.status);
  checkAgainstHost('the photo', uploaded.state, uploaded.path);

  // ---- an example from the menu (the keyboard's way to a digit), fetched from the site
  const beforeExample = await page.$eval('#status', (e) => e.textContent);
  await page.select('#example', 'digit_3_clean.png');
  await page.waitForFunction((b) => document.getElementById('status').textContent !== b, {},
                             beforeExample);
  state = await readPage(page);
  check('the example is accepted', !state.error, state.status);
  checkAgainstHost('the example digit_3_clean.png', state, join(examples, 'digit_3_clean.png'));

  // ---- bad files and an empty canvas: a line on the page, the page keeps working
  const png = readFileSync(join(examples, 'digit_0_clean.png'));
  const huge = Buffer.from('P5\n100000 100000\n255\n' + 'x'.repeat(64));  // a forged header
  for (const [name, bytes, words] of [['notes.png', Buffer.from('not an image\n'), 'not an image'],
    ['cut.jpg', photo.subarray(0, photo.length >> 1), 'cannot decode'],
    ['huge.pgm', huge, 'too large']]) {
    const {state: bad} = await uploadAndRead(page, name, bytes);
    check(`${name}: an error line on the page`, bad.error && bad.status.includes(words), bad.status);
  }
  await page.click('#clear');
  await page.click('#new-noise');
  state = await readPage(page);
  check('New noise on an empty canvas: an error line', state.error && /empty/.test(state.status),
        state.status);
  await drawSeven(page);
  state = await readPage(page);
  check('drawing again after the errors works', !state.error, state.status);
  writeFileSync(padFile, Buffer.from(state.pad, 'base64'));
  checkAgainstHost('a 7 drawn after the errors', state, padFile);
  await page.close();

  // ---- a phone-sized screen: nothing wider than the screen, the pad fully visible
  const phone = await openPage({width: 390, height: 844, isMobile: true, hasTouch: true});
  await phone.waitForSelector('body[data-ready="true"]');
  const layout = await phone.evaluate(() => {
    const pad = document.getElementById('pad').getBoundingClientRect();
    return {scroll: document.documentElement.scrollWidth, left: pad.left, right: pad.right};
  });
  check('phone: no horizontal scrolling', layout.scroll <= 390, JSON.stringify(layout));
  check('phone: the pad fits the screen', layout.left >= 0 && layout.right <= 390, JSON.stringify(layout));
  await drawSeven(phone);
  await phone.screenshot({path: join(work, 'web_page_phone.png'), fullPage: true});
  await phone.close();

  // ---- an engine without SIMD128 (validate refuses the probe): the portable module, same bytes
  const portable = await openPage({width: 1000, height: 880}, () => {
    const validate = WebAssembly.validate;
    WebAssembly.validate = (bytes) => (bytes.length < 64 ? false : validate(bytes));
  });
  await portable.waitForSelector('body[data-ready="true"]');
  const moduleShown = await portable.$eval('#module', (e) => e.textContent);
  check('without SIMD128 the page loads the portable module', /portable/.test(moduleShown),
        moduleShown);
  await drawSeven(portable);
  state = await readPage(portable);
  writeFileSync(padFile, Buffer.from(state.pad, 'base64'));
  checkAgainstHost('a 7 drawn with the portable module', state, padFile);
  await portable.close();

  // ---- no WebAssembly: the page says so
  const old = await openPage({width: 800, height: 600}, () => { delete globalThis.WebAssembly; });
  await old.waitForFunction(() => document.getElementById('status').classList.contains('error'));
  const said = await old.$eval('#status', (e) => e.textContent);
  check('without WebAssembly the page says so', /no WebAssembly/.test(said), said);
  await old.close();
} catch (error) {
  failures.push(`the test itself: ${error.stack}`);
} finally {
  await browser.close();
  server.close();
}
for (const text of consoleErrors) failures.push(`console: ${text}`);
for (const failure of failures) console.log(`FAIL ${failure}`);
console.log(`page_in_chromium: ${checks} checks, ${failures.length} failures; screenshots in ${work}`);
process.exit(failures.length === 0 ? 0 : 1);
