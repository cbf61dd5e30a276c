import { promises as fs } from 'node:fs'
import path from 'node:path'
import { AppError } from '../../shared/errors'
import { SAMPLE_RATE } from '../media/decode'

/** Where a WAV file's samples are. */
export interface WavInfo {
  dataOffset: number
  dataBytes: number
  sampleRate: number
  channels: number
  bitsPerSample: number
  /** seconds of audio */
  durationSec: number
}

/**
 * Read a RIFF/WAVE header, walking its chunks (other writers put LIST or fact chunks before the
 * data), and require what the decoder produces: 16 kHz mono 16-bit PCM. A data size that is
 * missing or larger than the file (a WAV written while streaming) is taken from the file's size.
 */
export async function readWavInfo(file: string): Promise<WavInfo> {
  const name = path.basename(file)
  const handle = await fs.open(file, 'r')
  try {
    const size = (await handle.stat()).size
    const head = Buffer.alloc(Math.min(size, 64 * 1024))
    await handle.read(head, 0, head.length, 0)
    if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE')
      throw new AppError('invalid-input', `${name} is not a WAV file.`)
    let at = 12
    let fmt: { format: number; channels: number; sampleRate: number; bits: number } | null = null
    while (at + 8 <= head.length) {
      const id = head.toString('ascii', at, at + 4)
      const len = head.readUInt32LE(at + 4)
      const body = at + 8
      if (id === 'fmt ' && body + 16 <= head.length) {
        fmt = {
          format: head.readUInt16LE(body),
          channels: head.readUInt16LE(body + 2),
          sampleRate: head.readUInt32LE(body + 4),
          bits: head.readUInt16LE(body + 14),
        }
      } else if (id === 'data') {
        if (!fmt) break
        if (fmt.format !== 1 || fmt.channels !== 1 || fmt.bits !== 16 || fmt.sampleRate !== SAMPLE_RATE) {
          throw new AppError(
            'invalid-input',
            `${name} is ${fmt.sampleRate} Hz, ${fmt.channels} channel(s), ${fmt.bits}-bit (format ${fmt.format}); speech detection needs 16 kHz mono 16-bit PCM. Decode it first.`,
          )
        }
        const available = Math.max(0, size - body)
        const dataBytes = len === 0 || len === 0xffffffff || len > available ? available : len
        const even = dataBytes - (dataBytes % 2)
        return {
          dataOffset: body,
          dataBytes: even,
          sampleRate: fmt.sampleRate,
          channels: fmt.channels,
          bitsPerSample: fmt.bits,
          durationSec: even / 2 / fmt.sampleRate,
        }
      }
      at = body + len + (len % 2) // chunks are padded to an even length
    }
    throw new AppError('invalid-input', `${name} is not a usable WAV file: no format or data chunk was found.`)
  } finally {
    await handle.close()
  }
}
