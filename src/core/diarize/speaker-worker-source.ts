/**
 * The speaker-detection engine's code, a plain script run by the native host in its own child
 * process, like the VAD's (../vad/vad-worker-source.ts): given `parentPort` and `workerData`.
 *
 * Protocol (engine → host): { type: 'loaded' } once both models loaded, then
 * { type: 'done', turns: [start, end, speaker][] } or { type: 'error', stage, message }.
 * sherpa-onnx's `process` is one blocking call over the whole file, so progress has two steps
 * and cancel ends the child.
 */
export const SPEAKER_WORKER_SOURCE = String.raw`
'use strict'
const builtin = (name) => process.getBuiltinModule(name)
const { sherpaPath, segmentation, embedding, numClusters, threshold, wavPath } = workerData

let stage = 'load'
try {
  const sherpa = builtin('node:module').createRequire(sherpaPath)(sherpaPath)
  const sd = new sherpa.OfflineSpeakerDiarization({
    segmentation: { pyannote: { model: segmentation }, numThreads: 1, debug: 0 },
    embedding: { model: embedding, numThreads: 1, debug: 0 },
    clustering: { numClusters, threshold },
    minDurationOn: 0.3,
    minDurationOff: 0.5,
  })
  parentPort.postMessage({ type: 'loaded' })
  stage = 'audio'
  const wave = sherpa.readWave(wavPath)
  if (wave.sampleRate !== sd.sampleRate) throw new Error('audio at ' + wave.sampleRate + ' Hz, the models need ' + sd.sampleRate)
  stage = 'process'
  const turns = sd.process(wave.samples).map((t) => [t.start, t.end, t.speaker])
  parentPort.postMessage({ type: 'done', turns })
} catch (err) {
  parentPort.postMessage({ type: 'error', stage, message: String((err && err.message) || err) })
}
`
