import type { LiveSegment } from '../../shared/calls/recording-calls'
import { RECORDING_SAMPLE_RATE } from '../../shared/calls/recording-calls'
import type { AppError } from '../../shared/errors'
import type { Segment } from '../../shared/transcribe-types'
import { wavFile } from '../media/decode'
import type { InferenceParams, WhisperServer } from '../transcribe/whisper-server'
import { LiveVad } from './live-vad'
import { ChunkOrder, PcmJournal } from './pcm-journal'
import { pcmPath, readPcm } from './recording-files'

const SR = RECORDING_SAMPLE_RATE
/** Speech starts and ends softly: a little audio either side of a region goes with it. */
const PAD_SAMPLES = Math.round(0.2 * SR)
/** whisper.cpp transcribes nothing shorter than a second: shorter pieces are padded with silence. */
const MIN_SAMPLES = SR + SR / 10

export interface SessionDeps {
  id: string
  dir: string
  engine: WhisperServer
  params: InferenceParams
  onSegment: (s: LiveSegment) => void
  resourcesDir?: string
  env?: NodeJS.ProcessEnv
}

/**
 * One recording as it happens: chunks in order into the journal on disk, the same audio into live
 * speech detection, and each speech region, once the speaker pauses, onto the warm engine — one
 * at a time, in order. Times are from the recording's start (paused time is not recorded).
 */
export class LiveSession {
  readonly order = new ChunkOrder<Buffer>()
  readonly segments: Segment[] = []
  language: string | null = null
  private readonly vad: LiveVad
  private vadError: AppError | null = null
  /** when each received stretch of audio arrived: [end sample, ms] — to date a speech's end */
  private arrivals: [number, number][] = []
  private work: Promise<void> = Promise.resolve()
  private writing: Promise<void> = Promise.resolve()
  private readonly timings: { delaySec: number; engineSec: number }[] = []
  private failedPieces = 0

  private constructor(
    private readonly deps: SessionDeps,
    readonly journal: PcmJournal,
  ) {
    this.vad = new LiveVad(
      (s, e) => this.onSpeech(s, e),
      (err) => (this.vadError = err),
      { resourcesDir: deps.resourcesDir, env: deps.env },
    )
  }

  static async open(deps: SessionDeps): Promise<LiveSession> {
    return new LiveSession(deps, await PcmJournal.open(pcmPath(deps.dir)))
  }

  get samples(): number {
    return this.journal.bytes / 2
  }

  get durationSec(): number {
    return this.samples / SR
  }

  /**
   * Per speech region: seconds from its end arriving to its transcription done (text or none), and
   * the engine's own share of that — what the benchmark reports.
   */
  get regionTimings(): readonly { delaySec: number; engineSec: number }[] {
    return this.timings
  }

  /**
   * Detection or a piece's transcription failed mid-way (a damaged model, a crashed engine): the
   * live text has holes, so the caller transcribes the whole recording instead.
   */
  get incomplete(): boolean {
    return this.vadError !== null || this.failedPieces > 0
  }

  /**
   * Take chunk `seq`: written to disk before the answer (in order, after any gap is filled), then
   * handed to detection. Appends are serialized so two requests in flight cannot interleave.
   */
  append(seq: number, pcm: Buffer): Promise<void> {
    const step = this.writing.then(async () => {
      for (const chunk of this.order.accept(seq, pcm)) {
        await this.journal.append(chunk)
        this.arrivals.push([this.samples, performance.now()])
        this.vad.push(chunk)
      }
    })
    this.writing = step.catch(() => undefined)
    return step
  }

  /** Close every open region, transcribe what is left, and stop detection. */
  async finish(): Promise<void> {
    await this.writing
    await this.vad.flush()
    await this.work
    await this.vad.close()
    await this.journal.close()
  }

  /** Stop at once (quit, discard): the audio on disk stays as it is. */
  async abort(): Promise<void> {
    await this.vad.close().catch(() => undefined)
    await this.journal.close()
  }

  private onSpeech(startSample: number, endSample: number): void {
    const from = Math.max(0, startSample - PAD_SAMPLES)
    const to = Math.min(this.samples, endSample + PAD_SAMPLES)
    const arrived = this.arrivalOf(endSample)
    this.work = this.work
      .then(() => this.transcribe(from, to, arrived))
      .catch(() => {
        this.failedPieces++
      })
  }

  /** When the chunk holding sample `n` arrived. */
  private arrivalOf(n: number): number {
    const hit = this.arrivals.find(([end]) => end >= n)
    const at = hit?.[1] ?? performance.now()
    // older stretches are not asked for again: regions come in order
    this.arrivals = this.arrivals.filter(([end]) => end >= n)
    return at
  }

  private async transcribe(from: number, to: number, arrived: number): Promise<void> {
    const pcm = await readPcm(pcmPath(this.deps.dir), from, to)
    if (pcm.length === 0) return
    const padded = pcm.length >= MIN_SAMPLES * 2 ? pcm : Buffer.concat([pcm, Buffer.alloc(MIN_SAMPLES * 2 - pcm.length)])
    // the last sentence as the prompt: whisper keeps its context across the pauses
    const prompt = [this.deps.params.prompt, this.segments.at(-1)?.text ?? ''].join(' ').trim().slice(-200)
    const t0 = performance.now()
    const r = await this.deps.engine.transcribe(wavFile(padded), { ...this.deps.params, prompt })
    const done = performance.now()
    this.timings.push({ delaySec: round3((done - arrived) / 1000), engineSec: round3((done - t0) / 1000) })
    this.language ??= r.language
    const lo = from / SR
    const hi = (from + pcm.length / 2) / SR
    const delaySec = round3((done - arrived) / 1000)
    for (const raw of r.segments) {
      const text = raw.text.trim()
      if (!text) continue
      const prevEnd = this.segments.at(-1)?.end ?? 0
      const start = round3(Math.min(hi, Math.max(prevEnd, lo + raw.start)))
      const end = round3(Math.min(hi, Math.max(start, lo + raw.end)))
      this.segments.push({ id: this.segments.length, start, end, text })
      this.deps.onSegment({ recordingId: this.deps.id, start, end, text, delaySec })
    }
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000
