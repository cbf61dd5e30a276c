import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * Writes a GGUF v3 file of a tiny llama-architecture model with random weights and a tiny
 * SentencePiece-style vocabulary, so node-llama-cpp's real engine loads it and generates. Its
 * text is noise: tests assert on streaming, cancel, chunking and credits, never on words.
 *
 * The end-of-text and byte tokens get zero output rows: their logits stay 0 while the word
 * tokens' logits are large, so an answer runs to `maxTokens` in readable (if meaningless) words
 * instead of stopping at random after a few tokens.
 */
export interface GgufModelOptions {
  nEmbd: number
  nLayer: number
  nHead: number
  nFf: number
  contextLength: number
  seed?: number
  /**
   * What the header claims, whatever the weights are: a crafted file that parses but that the
   * engine cannot run (a head count of 0 aborts llama.cpp; a context of 2^32 does not fit its int32).
   */
  claims?: { headCount?: number; contextLength?: number }
}

export const TINY_GGUF: GgufModelOptions = { nEmbd: 64, nLayer: 2, nHead: 4, nFf: 128, contextLength: 2048 }

const WORDS = [
  ...new Set(
    (
      'bir iki üç dört beş altı yedi sekiz dokuz on ve ile ama için gibi çok az daha en bu şu o ' +
      'the a an and of to in is it on for with as at by from this that we you they be are was'
    ).split(' '),
  ),
]

// GGUF value types
const T = { U32: 4, I32: 5, F32: 6, BOOL: 7, STRING: 8, ARRAY: 9, U64: 10 } as const

class Writer {
  private parts: Buffer[] = []
  size = 0
  push(b: Buffer) {
    this.parts.push(b)
    this.size += b.length
  }
  u32(x: number) {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(x)
    this.push(b)
  }
  u64(x: number) {
    const b = Buffer.alloc(8)
    b.writeBigUInt64LE(BigInt(x))
    this.push(b)
  }
  str(s: string) {
    const b = Buffer.from(s, 'utf8')
    this.u64(b.length)
    this.push(b)
  }
  pad(align: number) {
    const n = (align - (this.size % align)) % align
    if (n) this.push(Buffer.alloc(n))
  }
  buffer() {
    return Buffer.concat(this.parts)
  }
}

type Kv =
  | [string, 'u32', number]
  | [string, 'u64', number]
  | [string, 'f32', number]
  | [string, 'bool', boolean]
  | [string, 'str', string]
  | [string, 'strs', string[]]
  | [string, 'f32s', number[]]
  | [string, 'i32s', number[]]

function writeKv(w: Writer, [key, kind, value]: Kv) {
  w.str(key)
  switch (kind) {
    case 'u32':
      w.u32(T.U32)
      w.u32(value)
      break
    case 'u64':
      w.u32(T.U64)
      w.u64(value)
      break
    case 'f32': {
      w.u32(T.F32)
      const b = Buffer.alloc(4)
      b.writeFloatLE(value)
      w.push(b)
      break
    }
    case 'bool':
      w.u32(T.BOOL)
      w.push(Buffer.from([value ? 1 : 0]))
      break
    case 'str':
      w.u32(T.STRING)
      w.str(value)
      break
    case 'strs':
      w.u32(T.ARRAY)
      w.u32(T.STRING)
      w.u64(value.length)
      for (const s of value) w.str(s)
      break
    case 'f32s': {
      w.u32(T.ARRAY)
      w.u32(T.F32)
      w.u64(value.length)
      const b = Buffer.alloc(4 * value.length)
      value.forEach((x, i) => b.writeFloatLE(x, 4 * i))
      w.push(b)
      break
    }
    case 'i32s': {
      w.u32(T.ARRAY)
      w.u32(T.I32)
      w.u64(value.length)
      const b = Buffer.alloc(4 * value.length)
      value.forEach((x, i) => b.writeInt32LE(x, 4 * i))
      w.push(b)
      break
    }
  }
}

/** The vocabulary: <unk> <s> </s>, the 256 byte tokens, "▁", then whole words. */
function vocabulary() {
  const tokens = ['<unk>', '<s>', '</s>']
  const types = [2, 3, 3] // unknown, control, control
  for (let i = 0; i < 256; i++) {
    tokens.push(`<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`)
    types.push(6) // byte
  }
  const firstWord = tokens.length
  for (const w of ['▁', ...WORDS.map((x) => `▁${x}`), ...'abcdefghijklmnopqrstuvwxyz.,'.split('')]) {
    tokens.push(w)
    types.push(1) // normal
  }
  const scores = tokens.map((_, i) => (i < firstWord ? 0 : -i))
  return { tokens, types, scores, firstWord }
}

export function ggufModelBytes(o: GgufModelOptions): Buffer {
  let seed = o.seed ?? 4321
  const rand = () => {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    return ((seed >>> 0) / 4294967296) * 2 - 1
  }
  const { tokens, types, scores, firstWord } = vocabulary()
  const nVocab = tokens.length
  const E = o.nEmbd
  const tensors: { name: string; dims: number[]; data: Float32Array }[] = []
  const add = (name: string, dims: number[], fill: (i: number) => number) => {
    const n = dims.reduce((a, b) => a * b, 1)
    const data = new Float32Array(n)
    for (let i = 0; i < n; i++) data[i] = fill(i)
    tensors.push({ name, dims, data })
  }
  const noise = (scale: number) => () => rand() * scale
  const ones = () => 1
  add('token_embd.weight', [E, nVocab], noise(0.5))
  for (let l = 0; l < o.nLayer; l++) {
    add(`blk.${l}.attn_norm.weight`, [E], ones)
    add(`blk.${l}.attn_q.weight`, [E, E], noise(0.2))
    add(`blk.${l}.attn_k.weight`, [E, E], noise(0.2))
    add(`blk.${l}.attn_v.weight`, [E, E], noise(0.2))
    add(`blk.${l}.attn_output.weight`, [E, E], noise(0.2))
    add(`blk.${l}.ffn_norm.weight`, [E], ones)
    add(`blk.${l}.ffn_gate.weight`, [E, o.nFf], noise(0.2))
    add(`blk.${l}.ffn_up.weight`, [E, o.nFf], noise(0.2))
    add(`blk.${l}.ffn_down.weight`, [o.nFf, E], noise(0.2))
  }
  add('output_norm.weight', [E], ones)
  // rows of control and byte tokens are zero (see the header comment)
  add('output.weight', [E, nVocab], (i) => (Math.floor(i / E) < firstWord ? 0 : rand() * 1.5))

  const kvs: Kv[] = [
    ['general.architecture', 'str', 'llama'],
    ['general.name', 'str', 'tiny-test'],
    ['general.file_type', 'u32', 0],
    ['general.alignment', 'u32', 32],
    (o.claims?.contextLength ?? o.contextLength) > 0xffffffff
      ? ['llama.context_length', 'u64', o.claims!.contextLength!]
      : ['llama.context_length', 'u32', o.claims?.contextLength ?? o.contextLength],
    ['llama.embedding_length', 'u32', E],
    ['llama.block_count', 'u32', o.nLayer],
    ['llama.feed_forward_length', 'u32', o.nFf],
    ['llama.attention.head_count', 'u32', o.claims?.headCount ?? o.nHead],
    ['llama.attention.head_count_kv', 'u32', o.claims?.headCount ?? o.nHead],
    ['llama.rope.dimension_count', 'u32', E / o.nHead],
    ['llama.attention.layer_norm_rms_epsilon', 'f32', 1e-5],
    ['llama.vocab_size', 'u32', nVocab],
    ['tokenizer.ggml.model', 'str', 'llama'],
    ['tokenizer.ggml.tokens', 'strs', tokens],
    ['tokenizer.ggml.scores', 'f32s', scores],
    ['tokenizer.ggml.token_type', 'i32s', types],
    ['tokenizer.ggml.unknown_token_id', 'u32', 0],
    ['tokenizer.ggml.bos_token_id', 'u32', 1],
    ['tokenizer.ggml.eos_token_id', 'u32', 2],
    ['tokenizer.ggml.add_bos_token', 'bool', true],
    ['tokenizer.ggml.add_eos_token', 'bool', false],
  ]

  const w = new Writer()
  w.push(Buffer.from('GGUF', 'ascii'))
  w.u32(3)
  w.u64(tensors.length)
  w.u64(kvs.length)
  for (const kv of kvs) writeKv(w, kv)
  let offset = 0
  for (const t of tensors) {
    w.str(t.name)
    w.u32(t.dims.length)
    for (const d of t.dims) w.u64(d)
    w.u32(0) // F32
    w.u64(offset)
    offset += Math.ceil((t.data.length * 4) / 32) * 32
  }
  w.pad(32)
  for (const t of tensors) {
    w.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))
    w.pad(32)
  }
  return w.buffer()
}

export function writeGgufModel(file: string, o: GgufModelOptions = TINY_GGUF): void {
  writeFileSync(file, ggufModelBytes(o))
}

const cacheDir = path.resolve(import.meta.dirname, '../../.cache/test-models')

/** The tiny model, generated once per machine; returns its path (named tiny.gguf). */
export function tinyGgufPath(): string {
  // bump the folder when the model's shape changes, so a cached older model is not reused
  const dir = path.join(cacheDir, 'gguf-v2')
  const file = path.join(dir, 'tiny.gguf')
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true })
    writeGgufModel(`${file}.tmp`)
    renameSync(`${file}.tmp`, file)
  }
  return file
}
