/**
 * The speaker-detection engine's code, a plain script run by the native host in its own child
 * process, like the VAD's (../vad/vad-worker-source.ts): given `parentPort` and `workerData`.
 *
 * Protocol (engine → host): { type: 'loaded' } once both models loaded, then
 * { type: 'done', turns: [start, end, speaker][], voices: [speaker, seconds, embedding][] } or
 * { type: 'error', stage, message }. Each speaker's voice is the mean of its turns' embeddings
 * (each made unit length first, weighted by the turn's length) from the same embedding model the
 * clustering used, so the voice library can recognise that speaker in another file.
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
  stage = 'voices'
  const extractor = new sherpa.SpeakerEmbeddingExtractor({ model: embedding, numThreads: 1, debug: 0 })
  const sums = new Map()
  for (const [start, end, speaker] of turns) {
    const clip = wave.samples.subarray(Math.floor(start * wave.sampleRate), Math.ceil(end * wave.sampleRate))
    const stream = extractor.createStream()
    stream.acceptWaveform({ samples: clip, sampleRate: wave.sampleRate })
    stream.inputFinished()
    if (!extractor.isReady(stream)) continue
    const e = Array.from(extractor.compute(stream, false))
    const norm = Math.sqrt(e.reduce((n, x) => n + x * x, 0))
    if (!(norm > 0)) continue
    const weight = end - start
    const sum = sums.get(speaker) || { seconds: 0, vector: new Array(e.length).fill(0) }
    for (let i = 0; i < e.length; i++) sum.vector[i] += (e[i] / norm) * weight
    sum.seconds += weight
    sums.set(speaker, sum)
  }
  const voices = [...sums].map(([speaker, s]) => [speaker, s.seconds, s.vector.map((x) => x / s.seconds)])
  parentPort.postMessage({ type: 'done', turns, voices })
} catch (err) {
  parentPort.postMessage({ type: 'error', stage, message: String((err && err.message) || err) })
}
`
