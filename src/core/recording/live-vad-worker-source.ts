import { NEW_SILERO_VAD_SOURCE } from '../vad/vad-worker-source'

/**
 * The live recording's speech detector, a plain script run by the native host in its own child
 * process, like ../vad/vad-worker-source.ts (given `parentPort` and `workerData`). It keeps Silero's state across chunks, so speech is
 * found as the audio streams in rather than in a finished file.
 *
 * Protocol (host → engine): { type: 'audio', pcm: ArrayBuffer of s16le }, { type: 'flush' }.
 * Engine → host: { type: 'speech', start, end } in samples from the recording's start, once a
 * region has ended (the speaker paused for `minSilenceSec`); { type: 'flushed' } after a flush;
 * { type: 'error', message }.
 */
export const LIVE_VAD_WORKER_SOURCE = String.raw`
'use strict'
${NEW_SILERO_VAD_SOURCE}
const builtin = (name) => process.getBuiltinModule(name)
const { sherpaPath, modelPath, sampleRate, config } = workerData
// one model window per call: sherpa-onnx dates a region from the end of each call
const WINDOW = 512

try {
  const sherpa = builtin('node:module').createRequire(sherpaPath)(sherpaPath)
  const vad = newSileroVad(sherpa, modelPath, sampleRate, config, WINDOW)
  const window = new Float32Array(WINDOW)
  let filled = 0
  const drain = () => {
    while (!vad.isEmpty()) {
      const seg = vad.front(false)
      parentPort.postMessage({ type: 'speech', start: seg.start, end: seg.start + seg.samples.length })
      vad.pop()
    }
  }
  parentPort.on('message', (m) => {
    try {
      if (m.type === 'audio') {
        const pcm = new Int16Array(m.pcm)
        for (let i = 0; i < pcm.length; i++) {
          window[filled++] = pcm[i] / 32768
          if (filled === WINDOW) {
            vad.acceptWaveform(window)
            drain()
            filled = 0
          }
        }
      } else if (m.type === 'flush') {
        if (filled > 0) {
          window.fill(0, filled)
          vad.acceptWaveform(window)
          filled = 0
        }
        vad.flush()
        drain()
        parentPort.postMessage({ type: 'flushed' })
      }
    } catch (err) {
      parentPort.postMessage({ type: 'error', message: err && err.message ? err.message : String(err) })
    }
  })
  parentPort.postMessage({ type: 'ready' })
} catch (err) {
  parentPort.postMessage({ type: 'error', message: err && err.message ? err.message : String(err) })
}
`
