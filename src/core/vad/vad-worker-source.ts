/**
 * The VAD engine's code, as a plain script the native host runs in its own child process
 * (../runtime/native-host.mjs) with two names given: `parentPort` (messages to and from the host
 * process) and `workerData` (what it was started with). sherpa-onnx ends the process that loads
 * a broken model, so it never runs in the host's.
 *
 * It stays small and free of imports: everything it needs arrives in `workerData` (absolute paths
 * resolved by the host, so nothing depends on the child's working directory or on reading
 * app.asar).
 *
 * Protocol (engine → host): { type: 'progress', doneSamples } now and then,
 * { type: 'done', regions: [startSample, endSample][], totalSamples } once, or
 * { type: 'error', message } if anything failed.
 *
 * sherpa-onnx decides "speech / not speech" once per AcceptWaveform call and computes a segment's
 * start from the end of everything accepted so far, so the audio must be fed exactly one model
 * window (512 samples at 16 kHz) per call: bigger calls shift and stretch the segments by up to
 * the call's length (measured: 8 000-sample calls moved a start by 0.5 s, one call with the whole
 * file found nothing but a bogus segment at the end).
 */
/**
 * Silero VAD as sherpa-onnx builds it from our options, as worker code: shared by this file's
 * worker and the live-capture worker (../recording/live-vad-worker-source.ts).
 */
export const NEW_SILERO_VAD_SOURCE = String.raw`
function newSileroVad(sherpa, modelPath, sampleRate, config, windowSize) {
  return new sherpa.Vad(
    {
      sileroVad: {
        model: modelPath,
        threshold: config.threshold,
        minSilenceDuration: config.minSilenceSec,
        minSpeechDuration: config.minSpeechSec,
        maxSpeechDuration: config.maxRegionSec,
        windowSize,
      },
      sampleRate,
      numThreads: 1,
      debug: false,
    },
    // the detector keeps the current speech segment's samples: room for the longest one
    config.maxRegionSec + 30,
  )
}
`

export const VAD_WORKER_SOURCE = String.raw`
'use strict'
${NEW_SILERO_VAD_SOURCE}
// no CommonJS words here (the require call, the file and folder globals): the Electron bundler
// scans the main bundle, this string included, for them and would add a CommonJS shim to the ESM main
const builtin = (name) => process.getBuiltinModule(name)
const fs = builtin('node:fs')

const { sherpaPath, modelPath, wavPath, dataOffset, dataBytes, sampleRate, config } = workerData
const WINDOW = 512
const READ_SAMPLES = WINDOW * 128
const PROGRESS_EVERY = sampleRate * 30

function run() {
  const sherpa = builtin('node:module').createRequire(sherpaPath)(sherpaPath)
  const vad = newSileroVad(sherpa, modelPath, sampleRate, config, WINDOW)
  const regions = []
  const drain = () => {
    while (!vad.isEmpty()) {
      const seg = vad.front(false)
      regions.push([seg.start, seg.start + seg.samples.length])
      vad.pop()
    }
  }
  // Buffer.alloc of this size owns its ArrayBuffer (offset 0), so it can be viewed as Int16
  const bytes = Buffer.alloc(READ_SAMPLES * 2)
  const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, READ_SAMPLES)
  const window = new Float32Array(WINDOW)
  let filled = 0
  let done = 0
  let nextProgress = PROGRESS_EVERY
  const fd = fs.openSync(wavPath, 'r')
  try {
    let position = dataOffset
    const end = dataOffset + dataBytes
    for (;;) {
      const want = Math.min(bytes.length, end - position)
      if (want < 2) break
      const got = fs.readSync(fd, bytes, 0, want, position)
      const samples = got >> 1
      if (samples === 0) break
      position += samples * 2
      // s16le: every platform sherpa-onnx ships for (x64, arm64, ia32) is little-endian
      for (let i = 0; i < samples; i++) {
        window[filled++] = pcm[i] / 32768
        if (filled === WINDOW) {
          vad.acceptWaveform(window)
          drain()
          filled = 0
        }
      }
      done += samples
      if (done >= nextProgress) {
        parentPort.postMessage({ type: 'progress', doneSamples: done })
        nextProgress += PROGRESS_EVERY
      }
    }
  } finally {
    fs.closeSync(fd)
  }
  if (filled > 0) {
    // the last partial window, completed with silence so the model sees it
    window.fill(0, filled)
    vad.acceptWaveform(window)
    drain()
  }
  vad.flush()
  drain()
  parentPort.postMessage({ type: 'done', regions, totalSamples: done })
}

try {
  run()
} catch (err) {
  parentPort.postMessage({ type: 'error', message: err && err.message ? err.message : String(err) })
}
`
