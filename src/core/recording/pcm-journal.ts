import { promises as fs } from 'node:fs'
import { AppError, keyedError } from '../../shared/errors'
import { PRIVATE_FILE_MODE } from '../store/safe-json-file'

/** Chunks that arrived ahead of a gap wait in memory; past this many the sender is told to resend. */
export const MAX_WAITING_CHUNKS = 64

/**
 * Ordering of numbered chunks: a chunk whose number was already taken is ignored (a retry after a
 * lost answer), one that arrives early waits until the gap before it is filled, and the chunks
 * that can go next come out in order. Pure, so the rules are tested on their own.
 */
export class ChunkOrder<T> {
  private next = 0
  private readonly waiting = new Map<number, T>()

  constructor(start = 0) {
    this.next = start
  }

  /** The next number expected: everything below it has been handed out. */
  get expected(): number {
    return this.next
  }

  get waitingCount(): number {
    return this.waiting.size
  }

  /** The chunks now ready, in order (empty for a duplicate, or while a gap is open). */
  accept(seq: number, chunk: T): T[] {
    if (seq < this.next || this.waiting.has(seq)) return []
    if (seq > this.next) {
      if (this.waiting.size >= MAX_WAITING_CHUNKS)
        throw keyedError(
          'invalid-input',
          'recording-chunk-lost',
          {},
          `Audio chunk ${this.next} never arrived; ${this.waiting.size} later chunks are waiting for it.`,
        )
      this.waiting.set(seq, chunk)
      return []
    }
    const ready = [chunk]
    this.next++
    for (let c = this.waiting.get(this.next); c !== undefined; c = this.waiting.get(this.next)) {
      this.waiting.delete(this.next)
      ready.push(c)
      this.next++
    }
    return ready
  }
}

/**
 * The recording's raw audio on disk, appended as it arrives and flushed to the disk at every
 * append (fdatasync), so a crash or a power cut loses at most the chunk in flight. The file is
 * headerless 16-bit PCM: any prefix of it is valid audio, which is what makes it recoverable.
 */
export class PcmJournal {
  private constructor(
    private readonly fd: fs.FileHandle,
    private size: number,
  ) {}

  static async open(file: string): Promise<PcmJournal> {
    const fd = await fs.open(file, 'a', PRIVATE_FILE_MODE)
    const { size } = await fd.stat()
    // an odd byte would shift every later sample: a torn last write is cut back to whole samples
    if (size % 2) await fd.truncate(size - 1)
    return new PcmJournal(fd, size - (size % 2))
  }

  get bytes(): number {
    return this.size
  }

  async append(pcm: Buffer): Promise<void> {
    if (pcm.length % 2) throw new AppError('invalid-input', 'An audio chunk must hold whole 16-bit samples')
    if (pcm.length === 0) return
    await this.fd.write(pcm)
    await this.fd.datasync()
    this.size += pcm.length
  }

  async close(): Promise<void> {
    await this.fd.close().catch(() => undefined)
  }
}
