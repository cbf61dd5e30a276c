// A file the web host refuses to take in (too big, no room on the disk) is refused with a key and
// values, so the Transcribe page words it in its language.
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { saveUpload, UploadRefused } from '../../src/core/uploads/upload-store'
import { expectKeyed } from './keyed-refusal'
import { useMessages } from './use-messages'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
useMessages('tr')

const body = (bytes: number) => Readable.from([Buffer.alloc(bytes)])

describe('upload refusals carry a key, and read in Turkish', () => {
  it('too large (declared, or found so while it streams), and too little free disk space', async () => {
    const dir = tempDir()
    const limits = { maxBytes: 4 * 1024 ** 2, reserveBytes: 1024 ** 2, freeBytes: async () => 64 * 1024 ** 3 }
    const declared = await saveUpload(dir, 'ders.wav', body(10), { declaredBytes: 5 * 1024 ** 2, limits }).catch(
      (e: unknown) => e,
    )
    expect(declared).toBeInstanceOf(UploadRefused)
    expect(expectKeyed(declared, 'upload-too-large')).toContain('4 MiB')
    const streamed = await saveUpload(dir, 'ders.wav', body(5 * 1024 ** 2), { limits }).catch((e: unknown) => e)
    expectKeyed(streamed, 'upload-too-large')
    const full = await saveUpload(dir, 'ders.wav', body(10), {
      declaredBytes: 2 * 1024 ** 2,
      limits: { ...limits, freeBytes: async () => 2 * 1024 ** 2 },
    }).catch((e: unknown) => e)
    expect((full as UploadRefused).httpStatus).toBe(507)
    expect(expectKeyed(full, 'upload-no-room')).toContain('3 MiB')
  })
})
