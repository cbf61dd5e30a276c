import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import path from 'node:path'
import { keyedError } from '../../shared/errors'

/** What the fit check and the engine need from a GGUF file's metadata. */
export interface GgufFacts {
  architecture: string
  name: string | null
  blockCount: number
  embeddingLength: number
  headCount: number
  headCountKv: number
  contextLength: number
}

// Tokenizer arrays of real models run to a few MiB; the facts we need come before or among them.
const HEADER_BYTES = 32 * 1024 * 1024
const MAX_CONTEXT = 2 ** 31 - 1

/**
 * Read a GGUF file's header (v2/v3) without the engine (synchronously: once per file, cached by the caller): an import is refused at once when the
 * file is not a GGUF model, instead of failing later in a worker. A truncated tensor section is
 * caught by the engine's loader when the model is first used.
 */
export function readGgufFacts(file: string): GgufFacts {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    throw keyedError('not-found', 'model-file-missing', { file }, `Model file not found: ${file}`)
  }
  let buf: Buffer
  try {
    buf = Buffer.alloc(Math.min(fstatSync(fd).size, HEADER_BYTES))
    readSync(fd, buf, 0, buf.length, 0)
  } finally {
    closeSync(fd)
  }
  const bad = (why: string) =>
    keyedError('invalid-input', 'not-a-gguf', { file: path.basename(file), why }, `${file} is not a usable GGUF model (${why}).`)
  if (buf.length < 24 || buf.toString('latin1', 0, 4) !== 'GGUF') throw bad('no GGUF signature')
  const version = buf.readUInt32LE(4)
  if (version !== 2 && version !== 3) throw bad(`GGUF version ${version} is not supported`)
  let at = 8
  const need = (n: number) => {
    if (at + n > buf.length) throw bad('the header is cut short')
  }
  const u64 = () => {
    need(8)
    const v = Number(buf.readBigUInt64LE(at))
    at += 8
    return v
  }
  const str = () => {
    const n = u64()
    need(n)
    const s = buf.toString('utf8', at, at + n)
    at += n
    return s
  }
  const sizes: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 }
  const value = (type: number): unknown => {
    if (type === 8) return str()
    if (type === 9) {
      need(4)
      const inner = buf.readUInt32LE(at)
      at += 4
      const n = u64()
      if (inner === 8) for (let i = 0; i < n; i++) str()
      else {
        const size = sizes[inner]
        if (size === undefined) throw bad(`unknown array type ${inner}`)
        need(n * size)
        at += n * size
      }
      return null
    }
    const size = sizes[type]
    if (size === undefined) throw bad(`unknown value type ${type}`)
    need(size)
    const v =
      type === 4
        ? buf.readUInt32LE(at)
        : type === 5
          ? buf.readInt32LE(at)
          : type === 6
            ? buf.readFloatLE(at)
            : type === 10 || type === 11
              ? Number(buf.readBigUInt64LE(at))
              : buf[at]
    at += size
    return v
  }
  const tensors = u64()
  const kvCount = u64()
  if (tensors === 0) throw bad('it has no tensors')
  const kv = new Map<string, unknown>()
  try {
    for (let i = 0; i < kvCount; i++) {
      const key = str()
      need(4)
      const type = buf.readUInt32LE(at)
      at += 4
      kv.set(key, value(type))
    }
  } catch (err) {
    // a header larger than we read: keep what was found (the facts come early in real files)
    if (buf.length < HEADER_BYTES) throw err
  }
  const arch = kv.get('general.architecture')
  if (typeof arch !== 'string') throw bad('general.architecture is missing')
  const num = (k: string, fallback: number) => {
    const v = kv.get(`${arch}.${k}`)
    return typeof v === 'number' && v > 0 ? v : fallback
  }
  // llama.cpp aborts its whole process on a model without attention heads
  if (kv.get(`${arch}.attention.head_count`) === 0) throw bad('it claims 0 attention heads')
  // the engine keeps the trained context in a signed 32-bit count: more wraps to a 1-token context
  const claimed = kv.get(`${arch}.context_length`)
  if (typeof claimed === 'number' && claimed > MAX_CONTEXT)
    throw bad(`it claims a context of ${claimed} tokens; the engine takes at most ${MAX_CONTEXT}`)
  const headCount = num('attention.head_count', 1)
  return {
    architecture: arch,
    name: typeof kv.get('general.name') === 'string' ? (kv.get('general.name') as string) : null,
    blockCount: num('block_count', 32),
    embeddingLength: num('embedding_length', 4096),
    headCount,
    headCountKv: num('attention.head_count_kv', headCount),
    contextLength: num('context_length', 4096),
  }
}
