import { createWriteStream } from 'node:fs'
import { once } from 'node:events'

/**
 * Writes a whisper.cpp ggml model with random weights in the format of whisper.cpp's
 * models/convert-pt-to-ggml.py, so the real engine loads and runs it. Its text is noise.
 *
 * `decoderEndsAtOnce` builds the timing model: the final decoder layer norm has weight 0 and a
 * unit-vector bias v, and the end-of-text token's embedding is 10·v, so every window's decoding
 * stops at once and wall time measures the encoder — the same work in every engine.
 */
export interface GgmlModelOptions {
  nAudioState: number
  nAudioHead: number
  nAudioLayer: number
  nTextState: number
  nTextHead: number
  nTextLayer: number
  f16: boolean
  decoderEndsAtOnce?: boolean
  seed?: number
}

/** whisper tiny's real shapes */
export const TINY: GgmlModelOptions = {
  nAudioState: 384,
  nAudioHead: 6,
  nAudioLayer: 4,
  nTextState: 384,
  nTextHead: 6,
  nTextLayer: 4,
  f16: true,
}
/** small shapes for fast tests (4 layers: whisper.cpp reads it as a "tiny" model) */
export const MINI: GgmlModelOptions = {
  nAudioState: 64,
  nAudioHead: 2,
  nAudioLayer: 4,
  nTextState: 64,
  nTextHead: 2,
  nTextLayer: 4,
  f16: true,
}

const N_VOCAB = 51865 // multilingual
const N_AUDIO_CTX = 1500
const N_TEXT_CTX = 448
const N_MELS = 80
const N_FFT = 201
const TEXT_TOKENS = 50257
const EOT = 50257 // multilingual: 50256 + 1

export async function writeGgmlModel(file: string, o: GgmlModelOptions): Promise<void> {
  const out = createWriteStream(file)
  let seed = o.seed ?? 1234
  const rand = () => {
    // xorshift32: deterministic, fast, good enough for noise
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    return ((seed >>> 0) / 4294967296) * 2 - 1
  }
  const write = async (buf: Buffer) => {
    if (!out.write(buf)) await once(out, 'drain')
  }
  const ints = (...xs: number[]) => {
    const b = Buffer.alloc(4 * xs.length)
    xs.forEach((x, i) => b.writeInt32LE(x, 4 * i))
    return b
  }

  await write(
    ints(
      0x67676d6c,
      N_VOCAB,
      N_AUDIO_CTX,
      o.nAudioState,
      o.nAudioHead,
      o.nAudioLayer,
      N_TEXT_CTX,
      o.nTextState,
      o.nTextHead,
      o.nTextLayer,
      N_MELS,
      o.f16 ? 1 : 0,
    ),
  )

  // mel filterbank: triangular filters over the 201 FFT bins
  const filters = Buffer.alloc(4 * N_MELS * N_FFT)
  for (let m = 0; m < N_MELS; m++) {
    const center = ((m + 1) * (N_FFT - 1)) / (N_MELS + 1)
    const width = (N_FFT - 1) / (N_MELS + 1)
    for (let k = 0; k < N_FFT; k++) filters.writeFloatLE(Math.max(0, 1 - Math.abs(k - center) / width), 4 * (m * N_FFT + k))
  }
  await write(Buffer.concat([ints(N_MELS, N_FFT), filters]))

  // vocabulary: the text tokens (whisper.cpp adds the special tokens itself); it looks up " "
  // by text to suppress blanks, so that one is real (GPT-2's id 220), the rest are made up
  const vocab: Buffer[] = [ints(TEXT_TOKENS)]
  for (let i = 0; i < TEXT_TOKENS; i++) {
    const t = Buffer.from(i === 220 ? ' ' : ` w${i.toString(36)}`)
    vocab.push(ints(t.length), t)
  }
  await write(Buffer.concat(vocab))

  // v: the unit vector of the timing model
  const v = new Float32Array(o.nTextState)
  v[0] = 1

  const tensor = async (name: string, ne: number[], fill: 'rand' | 'ones' | 'zeros' | ((i: number) => number) = 'rand') => {
    const n = ne.reduce((a, b) => a * b, 1)
    // the converter keeps 1-D tensors, conv biases and positional embeddings in f32
    const f16 = o.f16 && ne.length >= 2 && !/conv\d\.bias|positional_embedding/.test(name)
    const nameBuf = Buffer.from(name)
    await write(Buffer.concat([ints(ne.length, nameBuf.length, f16 ? 1 : 0, ...ne), nameBuf]))
    const chunk = 1 << 16
    for (let start = 0; start < n; start += chunk) {
      const len = Math.min(chunk, n - start)
      const b = Buffer.alloc(len * (f16 ? 2 : 4))
      for (let i = 0; i < len; i++) {
        const x = fill === 'rand' ? rand() * 0.05 : fill === 'ones' ? 1 : fill === 'zeros' ? 0 : fill(start + i)
        if (f16) b.writeUInt16LE(toHalf(x), 2 * i)
        else b.writeFloatLE(x, 4 * i)
      }
      await write(b)
    }
  }

  const A = o.nAudioState
  const T = o.nTextState
  await tensor('encoder.positional_embedding', [A, N_AUDIO_CTX])
  await tensor('encoder.conv1.weight', [3, N_MELS, A])
  await tensor('encoder.conv1.bias', [1, A])
  await tensor('encoder.conv2.weight', [3, A, A])
  await tensor('encoder.conv2.bias', [1, A])
  for (let l = 0; l < o.nAudioLayer; l++) await block(`encoder.blocks.${l}`, A, false)
  await tensor('encoder.ln_post.weight', [A], 'ones')
  await tensor('encoder.ln_post.bias', [A], 'zeros')

  await tensor('decoder.positional_embedding', [T, N_TEXT_CTX])
  await tensor(
    'decoder.token_embedding.weight',
    [T, N_VOCAB],
    o.decoderEndsAtOnce ? (i) => (Math.floor(i / T) === EOT ? 10 * v[i % T]! : rand() * 0.05) : 'rand',
  )
  for (let l = 0; l < o.nTextLayer; l++) await block(`decoder.blocks.${l}`, T, true)
  await tensor('decoder.ln.weight', [T], o.decoderEndsAtOnce ? 'zeros' : 'ones')
  await tensor('decoder.ln.bias', [T], o.decoderEndsAtOnce ? (i) => v[i]! : 'zeros')

  out.end()
  await once(out, 'finish')

  async function block(prefix: string, n: number, cross: boolean) {
    const attn = async (p: string) => {
      await tensor(`${prefix}.${p}_ln.weight`, [n], 'ones')
      await tensor(`${prefix}.${p}_ln.bias`, [n], 'zeros')
      await tensor(`${prefix}.${p}.query.weight`, [n, n])
      await tensor(`${prefix}.${p}.query.bias`, [n])
      await tensor(`${prefix}.${p}.key.weight`, [n, n])
      await tensor(`${prefix}.${p}.value.weight`, [n, n])
      await tensor(`${prefix}.${p}.value.bias`, [n])
      await tensor(`${prefix}.${p}.out.weight`, [n, n])
      await tensor(`${prefix}.${p}.out.bias`, [n])
    }
    await tensor(`${prefix}.mlp_ln.weight`, [n], 'ones')
    await tensor(`${prefix}.mlp_ln.bias`, [n], 'zeros')
    await tensor(`${prefix}.mlp.0.weight`, [n, 4 * n])
    await tensor(`${prefix}.mlp.0.bias`, [4 * n])
    await tensor(`${prefix}.mlp.2.weight`, [4 * n, n])
    await tensor(`${prefix}.mlp.2.bias`, [n])
    await attn('attn')
    if (cross) await attn('cross_attn')
  }
}

/** float32 → IEEE 754 half, round to nearest */
function toHalf(x: number): number {
  const f = new Float32Array([x])
  const u = new Uint32Array(f.buffer)[0]!
  const sign = (u >>> 16) & 0x8000
  const exp = ((u >>> 23) & 0xff) - 127 + 15
  let mant = u & 0x7fffff
  if (exp <= 0) {
    if (exp < -10) return sign
    mant = (mant | 0x800000) >> (1 - exp)
    return sign | ((mant + 0x1000) >> 13)
  }
  if (exp >= 31) return sign | 0x7c00
  const half = sign | (exp << 10) | ((mant + 0x1000) >> 13)
  return half
}
