// The page (docs/web.md): draw on #pad or pick a photo, and every change runs the whole
// chain in the WebAssembly module: runtime_demo's conversion to the 28x28 frame, the noise,
// the int8 runtime. Errors go to #status as one line; the page keeps working.
import {DIGIT_PIXELS, Dnz, moduleFile} from './dnz_wasm.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
const pad = $('pad');
const padContext = pad.getContext('2d', {willReadFrequently: true});
const TEST_NOISE_SEED = 20261125n;  // host_lib/data/noise.h kTestNoiseSeed: runtime_demo's default
const MAX_FILE_BYTES = 64 * 1024 * 1024;  // read no more into memory (the module checks the rest)

let dnz = null;
let files = null;  // {wasm, model}: kept to start the module again after a trap
let seed = TEST_NOISE_SEED;
let haveDigit = false;  // a converted frame is in the module (drawn, example or photo)
let padHasInk = false;
let pending = false;

function say(text, kind = '') {
  status.textContent = text;
  status.className = `status ${kind}`;
}

// ---- panels: 28x28 canvases, enlarged by CSS with crisp pixels
function showDigit(id, pixels) {
  const canvas = $(id);
  const context = canvas.getContext('2d');
  const image = context.createImageData(28, 28);
  for (let i = 0; i < DIGIT_PIXELS; i++) {
    const v = pixels ? pixels[i] : 0;
    image.data.set([v, v, v, 255], i * 4);
  }
  context.putImageData(image, 0, 0);
}
function showInput(source) {
  const canvas = $('input');
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  if (!source) return;
  const scale = Math.min(canvas.width / source.width, canvas.height / source.height);
  const w = source.width * scale, h = source.height * scale;
  context.drawImage(source, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
}
function clearOutputs() {
  for (const id of ['frame', 'noisy', 'denoised']) showDigit(id, null);
  $('time').textContent = '–';
  $('framing').textContent = '';
}

// ---- the chain: noise and inference on the converted frame
function denoise() {
  if (!haveDigit) return;
  const factor = Number($('noise').value);
  const noisy = dnz.addNoise(factor, seed);
  const start = performance.now();
  const denoised = dnz.run(noisy);
  const milliseconds = performance.now() - start;
  showDigit('noisy', noisy);
  showDigit('denoised', denoised);
  $('time').textContent = `${milliseconds.toFixed(1)} ms`;
  $('backend-name').textContent = dnz.backendName();
  $('seed').textContent = String(seed);
}
function converted(frame) {
  haveDigit = true;
  showDigit('frame', frame);
  $('framing').textContent = dnz.conversionReport();
  denoise();
}
function convertPad() {
  pending = false;
  if (!padHasInk) return;
  try {
    const {data} = padContext.getImageData(0, 0, pad.width, pad.height);
    converted(dnz.convertRgba(data, pad.width, pad.height));
    showInput(pad);
    say('Denoised as you draw. Change the noise, or press "New noise".');
  } catch (error) {
    say(`Could not use the drawing: ${error.message}`, 'error');
  }
}
function scheduleConvert() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(convertPad);
}

// ---- drawing with pointer events (mouse, pen, touch)
function clearPad() {
  padContext.fillStyle = '#fff';
  padContext.fillRect(0, 0, pad.width, pad.height);
  padHasInk = false;
  haveDigit = false;
  showInput(null);
  clearOutputs();
}
function padPoint(event) {
  const box = pad.getBoundingClientRect();
  return [(event.clientX - box.left) * pad.width / box.width,
          (event.clientY - box.top) * pad.height / box.height];
}
let last = null;
pad.addEventListener('pointerdown', (event) => {
  if (!dnz) return;
  event.preventDefault();
  pad.setPointerCapture(event.pointerId);
  if (!padHasInk && haveDigit) clearPad();  // a photo or example was shown: start afresh
  last = padPoint(event);
  stroke(last, last);
});
pad.addEventListener('pointermove', (event) => {
  if (last === null) return;
  const point = padPoint(event);
  stroke(last, point);
  last = point;
});
for (const type of ['pointerup', 'pointercancel']) {
  pad.addEventListener(type, () => { last = null; });
}
function stroke(from, to) {
  padContext.strokeStyle = '#000';
  padContext.lineWidth = 18;
  padContext.lineCap = 'round';
  padContext.lineJoin = 'round';
  padContext.beginPath();
  padContext.moveTo(...from);
  padContext.lineTo(...to);
  padContext.stroke();
  padHasInk = true;
  scheduleConvert();
}

// The module with the model and the chosen backend, new (at start, and after a trap).
async function startModule() {
  dnz = await Dnz.create(files.wasm);
  dnz.loadModel(files.model);
  dnz.useBackend($('backend').value);
}

// ---- photos and examples: runtime_demo's file checks and framing, in the module
async function useFile(name, bytes, preview) {
  clearPad();
  try {
    if (bytes.byteLength > MAX_FILE_BYTES) {
      throw new Error(`file too large (${bytes.byteLength} bytes; at most ${MAX_FILE_BYTES})`);
    }
    converted(dnz.convertFile(new Uint8Array(bytes)));
    say(`${name}: framed as runtime_demo does. Draw on the pad to start again.`);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      // A trap: the module ran out of memory on a large image (its C++ aborts, no exceptions).
      // Its state is lost with it; start a fresh one so that the page keeps working.
      say(`${name}: too large for this browser's memory (${error.message})`, 'error');
      await startModule();
      return;
    }
    say(`${name}: ${error.message.replace(/^the file: /, '')}`, 'error');
    return;
  }
  try {  // the picture itself, where the browser can show it (it is not what the model uses)
    const bitmap = await createImageBitmap(preview);
    showInput(bitmap);
    bitmap.close();
  } catch {
    showInput(null);
  }
}
$('photo').addEventListener('change', async () => {
  const file = $('photo').files[0];
  if (!file) return;
  await useFile(file.name, await file.arrayBuffer(), file);
  $('photo').value = '';
});
pad.addEventListener('dragover', (event) => event.preventDefault());
pad.addEventListener('drop', async (event) => {
  event.preventDefault();
  const file = event.dataTransfer.files[0];
  if (file && dnz) await useFile(file.name, await file.arrayBuffer(), file);
});
$('example').addEventListener('change', async () => {
  const name = $('example').value;
  if (!name) return;
  $('example').value = '';  // so that choosing the same one again loads it again
  try {
    const response = await fetch(`examples/${name}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const blob = await response.blob();
    await useFile(name, await blob.arrayBuffer(), blob);
  } catch (error) {
    say(`${name}: could not load (${error.message})`, 'error');
  }
});

// ---- controls
$('clear').addEventListener('click', () => {
  clearPad();
  say('Cleared. Draw a digit.');
});
$('noise').addEventListener('input', () => {
  $('noise-value').textContent = Number($('noise').value).toFixed(2);
  if (!haveDigit) return;
  denoise();
});
$('new-noise').addEventListener('click', () => {
  seed += 1n;
  $('seed').textContent = String(seed);
  if (!haveDigit) {
    say('Nothing to add noise to: draw a digit first (the canvas is empty).', 'error');
    return;
  }
  denoise();
});
$('backend').addEventListener('change', () => {
  try {
    dnz.useBackend($('backend').value);
    $('backend-name').textContent = dnz.backendName();
    denoise();
  } catch (error) {
    say(error.message, 'error');
  }
});

// ---- start: WebAssembly first, then the module and the model from this folder
async function start() {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    say('This browser has no WebAssembly, which the runtime needs: try a current Firefox, ' +
        'Chrome, Edge or Safari (or turn WebAssembly back on).', 'error');
    return;
  }
  const controls = document.querySelectorAll('button, input, select');
  for (const control of controls) control.disabled = true;
  try {
    const module = moduleFile();
    $('module').textContent = module === 'dnz_web.wasm' ? 'SIMD128' : 'portable (no SIMD128 here)';
    const [wasm, model] = await Promise.all([module, 'default.dnz'].map(async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.arrayBuffer();
    }));
    files = {wasm, model};
    await startModule();
  } catch (error) {
    say(`The runtime could not start: ${error.message}`, 'error');
    return;
  }
  for (const control of controls) control.disabled = false;
  $('provenance').textContent = dnz.modelInfo();
  $('backend-name').textContent = dnz.backendName();
  $('seed').textContent = String(seed);
  clearPad();
  document.body.dataset.ready = 'true';
  say('Ready: draw a digit on the white square (or pick an example or a photo).');
}
start();
