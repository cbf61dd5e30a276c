import type { LiveSegment } from '../../../../shared/calls/recording-calls'
import { api } from '../../lib/api'
import { pageId } from '../../lib/page-id'
import workletUrl from './pcm-worklet.ts?worker&url'

export type RecorderStatus = 'idle' | 'starting' | 'recording' | 'paused' | 'stopping'
/** Why capture could not start, each with its own advice in the page. */
export type CaptureProblem = 'denied' | 'no-device' | 'unsupported' | null

export interface RecorderSnapshot {
  status: RecorderStatus
  id: string | null
  /** 0..1, the microphone's peak over the last 50 ms */
  level: number
  elapsedSec: number
  segments: LiveSegment[]
  problem: CaptureProblem
  /** system audio was asked for and this platform or browser gave none: recording the microphone only */
  noSystemAudio: boolean
  /**
   * The last failure as thrown (the core's envelope with its key and values, or the browser's own
   * error), null when none: the page words it with errorText when it shows it, so a keyed refusal
   * reads in the UI's language, even after the language is switched mid-recording.
   */
  error: unknown
}

const initial: RecorderSnapshot = {
  status: 'idle',
  id: null,
  level: 0,
  elapsedSec: 0,
  segments: [],
  problem: null,
  noSystemAudio: false,
  error: null,
}

/** A chunk that could not be delivered is tried again this many times before the recording fails. */
const SEND_TRIES = 5
/**
 * While paused no audio flows, so the page says it is still there now and then: the core offers a
 * recording nobody has heard from for 10 minutes for recovery (a page that froze).
 */
const KEEP_ALIVE_MS = 60_000

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf)
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

/**
 * The page's live recording, kept outside React so it goes on while the user looks at other
 * pages: microphone (and, where offered, system audio) → the PCM worklet → numbered chunks to the
 * core, in order, each retried until delivered (the core ignores a chunk it already has).
 */
class Recorder {
  private snap: RecorderSnapshot = initial
  private readonly listeners = new Set<() => void>()
  private streams: MediaStream[] = []
  private ctx: AudioContext | null = null
  private node: AudioWorkletNode | null = null
  private seq = 0
  private sending: Promise<void> = Promise.resolve()
  private offSegment: (() => void) | null = null
  private keepAlive: ReturnType<typeof setInterval> | null = null

  constructor() {
    // leaving (reload, close, another address) while recording ends the capture: the browser asks
    // first. Should the user leave all the same, what was recorded is offered for recovery.
    window.addEventListener('beforeunload', (e) => {
      if (this.snap.status !== 'idle') e.preventDefault()
    })
  }

  subscribe = (l: () => void) => {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }

  get = () => this.snap

  private set(patch: Partial<RecorderSnapshot>) {
    this.snap = { ...this.snap, ...patch }
    for (const l of this.listeners) l()
  }

  async start(opts: { deviceId: string; deviceLabel: string; language: string; model: string; systemAudio: boolean }) {
    if (this.snap.status !== 'idle') return
    this.set({ ...initial, status: 'starting' })
    try {
      if (!navigator.mediaDevices?.getUserMedia) return this.fail('unsupported')
      let mic: MediaStream
      try {
        mic = await navigator.mediaDevices.getUserMedia({
          audio: { ...(opts.deviceId ? { deviceId: { exact: opts.deviceId } } : {}), channelCount: 1, echoCancellation: true },
          video: false,
        })
      } catch (err) {
        const name = (err as DOMException).name
        return this.fail(
          name === 'NotAllowedError' || name === 'SecurityError'
            ? 'denied'
            : name === 'NotFoundError' || name === 'OverconstrainedError'
              ? 'no-device'
              : 'unsupported',
        )
      }
      this.streams = [mic]
      if (opts.systemAudio) {
        const system = await this.systemAudio()
        if (system) this.streams.push(system)
        else this.set({ noSystemAudio: true })
      }
      const ctx = new AudioContext()
      this.ctx = ctx
      await ctx.audioWorklet.addModule(workletUrl)
      const node = new AudioWorkletNode(ctx, 'pcm-downsampler', { numberOfInputs: 1, numberOfOutputs: 1 })
      this.node = node
      for (const s of this.streams) ctx.createMediaStreamSource(s).connect(node)
      // pulled by the graph, heard by nobody
      const mute = ctx.createGain()
      mute.gain.value = 0
      node.connect(mute).connect(ctx.destination)
      // listening first: the event stream is this page's session, which the recording belongs to
      let recId: string | null = null
      this.offSegment = api.on('recording.segment', (s) => {
        if (s.recordingId === recId) this.set({ segments: [...this.snap.segments, s] })
      })
      const rec = await api.invoke('recording.start', {
        deviceLabel: opts.deviceLabel,
        language: opts.language,
        model: opts.model,
        page: pageId,
      })
      recId = rec.id
      this.seq = 0
      node.port.onmessage = (e: MessageEvent<{ type: string; pcm?: ArrayBuffer; peak?: number }>) => {
        if (e.data.type === 'level') this.set({ level: e.data.peak ?? 0 })
        else if (e.data.type === 'pcm' && e.data.pcm && this.snap.status === 'recording') this.send(toBase64(e.data.pcm))
      }
      this.set({ status: 'recording', id: rec.id })
    } catch (err) {
      this.release()
      this.set({ ...initial, error: err })
    }
  }

  async pause() {
    if (this.snap.status !== 'recording' || !this.snap.id) return
    const id = this.snap.id
    this.set({ status: 'paused', level: 0 })
    await this.ctx?.suspend()
    await this.guard(() => api.invoke('recording.pause', { id }))
    this.stopKeepAlive()
    this.keepAlive = setInterval(() => void api.invoke('recording.pause', { id }).catch(() => undefined), KEEP_ALIVE_MS)
  }

  async resume() {
    if (this.snap.status !== 'paused' || !this.snap.id) return
    this.stopKeepAlive()
    await this.guard(() => api.invoke('recording.resume', { id: this.snap.id! }))
    await this.ctx?.resume()
    this.set({ status: 'recording' })
  }

  /** Stop: the last samples go out, then the core saves the transcript; resolves to its id. */
  async stop(): Promise<string | null> {
    const id = this.snap.id
    if (!id || (this.snap.status !== 'recording' && this.snap.status !== 'paused')) return null
    const wasRecording = this.snap.status === 'recording'
    await this.flushWorklet(wasRecording)
    this.set({ status: 'stopping', level: 0 })
    this.release()
    try {
      await this.sending
      const { transcriptId } = await api.invoke('recording.stop', { id })
      this.set({ ...initial })
      return transcriptId
    } catch (err) {
      this.set({ ...initial, error: err })
      return null
    }
  }

  async discard() {
    const id = this.snap.id
    this.release()
    this.set({ ...initial })
    if (id) await api.invoke('recording.discard', { id }).catch(() => undefined)
  }

  private send(pcm: string) {
    const seq = this.seq++
    const id = this.snap.id!
    this.sending = this.sending.then(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await api.invoke('recording.append', { id, seq, pcm })
          this.set({ elapsedSec: r.durationSec })
          return
        } catch (err) {
          if (attempt >= SEND_TRIES) {
            this.set({ error: err })
            return
          }
          await new Promise((r) => setTimeout(r, 200 * attempt))
        }
      }
    })
  }

  /** System audio for meetings: Electron's loopback on Windows/macOS 13+, a shared tab's or screen's audio in a browser. */
  private async systemAudio(): Promise<MediaStream | null> {
    try {
      const s = await navigator.mediaDevices.getDisplayMedia({ audio: true, video: true })
      for (const t of s.getVideoTracks()) t.stop()
      if (s.getAudioTracks().length === 0) return null
      return new MediaStream(s.getAudioTracks())
    } catch {
      return null
    }
  }

  /** The worklet's last partial chunk, before capture ends. */
  private flushWorklet(deliver: boolean): Promise<void> {
    const node = this.node
    if (!node || !deliver) return Promise.resolve()
    return new Promise((resolve) => {
      const t = setTimeout(resolve, 1000)
      const prev = node.port.onmessage
      node.port.onmessage = (e: MessageEvent<{ type: string }>) => {
        if (e.data.type === 'flushed') {
          clearTimeout(t)
          resolve()
        } else prev?.call(node.port, e)
      }
      node.port.postMessage({ type: 'flush' })
    })
  }

  private stopKeepAlive() {
    if (this.keepAlive) clearInterval(this.keepAlive)
    this.keepAlive = null
  }

  private release() {
    this.stopKeepAlive()
    this.offSegment?.()
    this.offSegment = null
    if (this.node) this.node.port.onmessage = null
    this.node = null
    for (const s of this.streams) for (const t of s.getTracks()) t.stop()
    this.streams = []
    void this.ctx?.close().catch(() => undefined)
    this.ctx = null
  }

  private fail(problem: CaptureProblem) {
    this.release()
    this.set({ ...initial, problem })
  }

  private async guard(fn: () => Promise<unknown>) {
    try {
      await fn()
    } catch (err) {
      this.set({ error: err })
    }
  }
}

export const recorder = new Recorder()
