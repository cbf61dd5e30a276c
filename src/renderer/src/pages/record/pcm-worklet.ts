/**
 * The audio thread's half of recording: the microphone's samples, at whatever rate the device
 * runs (44.1 or 48 kHz), averaged down to 16 kHz mono 16-bit — the rate whisper and the speech
 * detector want — and posted to the page in 0.25 s chunks, with the peak level every 50 ms for the
 * meter. Averaging each output sample's span of input is a low-pass filter good enough for speech
 * (it keeps everything below 8 kHz that speech needs and folds little back).
 *
 * Built by Vite as a worker chunk (`?worker&url`), loaded with `audioWorklet.addModule`.
 */

// The AudioWorkletGlobalScope is not in TypeScript's DOM library.
declare const sampleRate: number
declare class AudioWorkletProcessor {
  readonly port: MessagePort
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void

const OUT_RATE = 16_000
const CHUNK = OUT_RATE / 4
const LEVEL_EVERY = OUT_RATE / 20

class PcmDownsampler extends AudioWorkletProcessor {
  private readonly ratio = sampleRate / OUT_RATE
  private pos = 0
  private sum = 0
  private count = 0
  private out = new Int16Array(CHUNK)
  private filled = 0
  private peak = 0
  private sinceLevel = 0

  constructor() {
    super()
    this.port.onmessage = (e: MessageEvent<{ type: string }>) => {
      if (e.data.type === 'flush') {
        this.post()
        this.port.postMessage({ type: 'flushed' })
      }
    }
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0] ?? []
    const first = channels[0]
    if (!first) return true
    for (let i = 0; i < first.length; i++) {
      // mono: the channels' mean (a stereo mic, or the microphone mixed with system audio)
      let x = 0
      for (const ch of channels) x += ch[i] ?? 0
      x /= channels.length
      this.sum += x
      this.count++
      this.pos += 1
      if (this.pos < this.ratio) continue
      this.pos -= this.ratio
      const v = Math.max(-1, Math.min(1, this.sum / this.count))
      this.sum = 0
      this.count = 0
      this.peak = Math.max(this.peak, Math.abs(v))
      this.out[this.filled++] = Math.round(v * 32767)
      if (++this.sinceLevel >= LEVEL_EVERY) {
        this.port.postMessage({ type: 'level', peak: this.peak })
        this.peak = 0
        this.sinceLevel = 0
      }
      if (this.filled === CHUNK) this.post()
    }
    return true
  }

  private post(): void {
    if (this.filled === 0) return
    const pcm = this.out.slice(0, this.filled).buffer
    this.port.postMessage({ type: 'pcm', pcm }, [pcm])
    this.filled = 0
  }
}

registerProcessor('pcm-downsampler', PcmDownsampler)
