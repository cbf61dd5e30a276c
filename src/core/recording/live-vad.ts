import { AppError } from '../../shared/errors'
import { startNativeChild, type NativeChild } from '../runtime/native-child'
import { LIVE_VAD_WORKER_SOURCE } from './live-vad-worker-source'
import { RECORDING_SAMPLE_RATE } from '../../shared/calls/recording-calls'
import { DEFAULT_VAD_OPTIONS, type VadOptions } from '../vad/speech-regions'
import { checkVadModel, sherpaOnnxPath, vadModelPath } from '../vad/vad-model'

/**
 * Live speech detection's tuning: a region ends after half a second of silence (the pause that
 * lets its text come while the speaker is still pausing), and a monologue is cut every 15 s so
 * text keeps coming during long speech.
 */
export const LIVE_VAD_OPTIONS: VadOptions = { ...DEFAULT_VAD_OPTIONS, minSilenceSec: 0.5, maxRegionSec: 15 }

type Message = { type: 'ready' | 'flushed' } | { type: 'speech'; start: number; end: number } | { type: 'error'; message: string }

/**
 * Silero VAD over audio that is still arriving, in a child process (the event loop that receives
 * the audio stays free, and an engine abort stops only detection). `onSpeech` gets each region, in samples from the recording's start, as
 * soon as the speaker pauses after it.
 */
export class LiveVad {
  private readonly child: NativeChild
  private flushWaiters: (() => void)[] = []
  private failure: AppError | null = null
  private closed = false

  constructor(
    private readonly onSpeech: (startSample: number, endSample: number) => void,
    private readonly onError: (err: AppError) => void,
    opts: { resourcesDir?: string; env?: NodeJS.ProcessEnv; vad?: Partial<VadOptions> } = {},
  ) {
    const workerData = {
      sherpaPath: sherpaOnnxPath(),
      modelPath: checkVadModel(vadModelPath({ resourcesDir: opts.resourcesDir, env: opts.env })),
      sampleRate: RECORDING_SAMPLE_RATE,
      config: { ...LIVE_VAD_OPTIONS, ...opts.vad },
    }
    this.child = startNativeChild({ script: LIVE_VAD_WORKER_SOURCE }, workerData)
    this.child.onMessage((message) => {
      const m = message as Message
      if (m.type === 'speech') this.onSpeech(m.start, m.end)
      else if (m.type === 'flushed') this.flushWaiters.shift()?.()
      else if (m.type === 'error') this.fail(m.message)
    })
    this.child.onExit(({ reason }) => {
      if (!this.closed) this.fail(`the engine stopped abruptly (${reason})`)
    })
  }

  push(pcm: Buffer): void {
    if (this.failure) return
    // a copy of just these bytes: the caller's buffer may be a view into a larger pool
    this.child.send({ type: 'audio', pcm: new Uint8Array(pcm).buffer })
  }

  /** Every region still open is closed and reported; resolves once they have been. */
  flush(): Promise<void> {
    if (this.failure) return Promise.resolve()
    return new Promise((resolve) => {
      this.flushWaiters.push(resolve)
      this.child.send({ type: 'flush' })
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const w of this.flushWaiters.splice(0)) w()
    this.child.kill()
  }

  private fail(detail: string): void {
    if (this.failure) return
    this.failure = new AppError(
      'internal',
      `Live speech detection stopped: ${detail}. The recording goes on; its text comes when it stops.`,
    )
    for (const w of this.flushWaiters.splice(0)) w()
    this.onError(this.failure)
  }
}
