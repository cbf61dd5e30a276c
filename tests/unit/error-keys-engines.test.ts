// The engines' failures (whisper-server, speaker detection, ffmpeg) and the update
// feed's carry a key and values too, so a Turkish page words them itself. Each is reached through
// the core function the app calls; a native child that fails is a stand-in launched in its place.
import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { detectSpeakerTurns } from '../../src/core/diarize/speaker-turns'
import { modelsDirOf } from '../../src/core/paths'
import { encodeRecording } from '../../src/core/recording/recording-files'
import { ChunkOrder, MAX_WAITING_CHUNKS } from '../../src/core/recording/pcm-journal'
import { useChildLauncher, type ChildLauncher } from '../../src/core/runtime/native-child'
import { encodePiece } from '../../src/core/transcribe/cloud/cloud-audio'
import { WhisperServer } from '../../src/core/transcribe/whisper-server'
import { parseFeed } from '../../src/core/updates/update-decision'
import { readWavInfo } from '../../src/core/vad/wav-file'
import { dispatch } from '../../src/shared/dispatch'
import { toErrorShape } from '../../src/shared/errors'
import { expectKeyed, refusal } from './keyed-refusal'
import { useMessages } from './use-messages'
import { installSpeakerModels } from '../helpers/speaker-models'
import { voicedSpeech, writeWav } from '../helpers/speech-audio'
import { useTempDirs } from '../helpers/temp-dir'
import { newTranscriptMeta } from '../helpers/transcript-meta'

const tempDir = useTempDirs()

useMessages('tr')

afterEach(() => useChildLauncher(null))

/** A native child that, once started, says `message` (an engine's error) or, without one, dies. */
function failingChild(message?: Record<string, unknown>): ChildLauncher {
  return () => {
    const heard: ((m: unknown) => void)[] = []
    const exits: ((code: number | null, signal: string | null) => void)[] = []
    return {
      pid: undefined,
      stderr: null,
      postMessage: (m) => {
        if ((m as { type?: string }).type !== 'start') return
        setTimeout(() => {
          if (message) for (const fn of heard) fn(message)
          else for (const fn of exits) fn(null, 'SIGABRT')
        }, 5)
      },
      onMessage: (fn) => void heard.push(fn),
      onExit: (fn) => void exits.push(fn),
      kill: () => undefined,
      ref: () => undefined,
    }
  }
}

/** An executable that never listens: an engine that does not come up. */
function silentEngine(dir: string): string {
  const file = path.join(dir, 'silent-whisper-server')
  writeFileSync(file, '#!/bin/sh\nexec sleep 30\n')
  chmodSync(file, 0o755)
  return file
}

describe('engine, detection and feed failures carry a key, and read in Turkish', () => {
  it('the transcription engine does not come up in time', async () => {
    const dir = tempDir()
    const err = await WhisperServer.start(
      { serverPath: silentEngine(dir), modelPath: path.join(dir, 'm.bin'), threads: 1 },
      300,
    ).catch((e: unknown) => e)
    expectKeyed(err, 'engine-start-timeout')
  })

  it('speaker detection: a file that is no speaker model, models that do not load, a failure, a crash', async () => {
    const dir = tempDir()
    const core = await openCore({ dataDir: dir, shell: 'web', version: 't', systemLocale: 'tr', env: {} })
    try {
      const models = installSpeakerModels(modelsDirOf(dir, core.store.data.settings))
      writeFileSync(models.embedding, 'bu bir model değil')
      const media = writeWav(path.join(dir, 'toplantı.wav'), voicedSpeech(2))
      const meta = await core.transcripts.save(newTranscriptMeta('toplantı.wav', { mediaPath: media }), [
        { id: 0, start: 0, end: 2, text: 'Günaydın.' },
      ])
      const env = await dispatch(core.handlers, 'speakers.detect', { id: meta.id, speakers: 2 })
      expectKeyed(refusal(env), 'speaker-model-unusable')
      const turns = (stage?: string) => {
        useChildLauncher(failingChild(stage ? { type: 'error', stage, message: 'Ort::Exception' } : undefined))
        return detectSpeakerTurns(media, { models, speakers: 2, threshold: 0.5 }).catch((e: unknown) => e)
      }
      expectKeyed(await turns('load'), 'speaker-models-unloadable')
      expectKeyed(await turns('process'), 'speakers-failed')
      expectKeyed(await turns(), 'speakers-crashed')
    } finally {
      await core.close()
    }
  })

  it('ffmpeg fails to compress a recording or to encode a piece for upload', async () => {
    const dir = tempDir()
    const env = { MP4TOTEXT_FFMPEG: '/bin/false' }
    const pcm = path.join(dir, 'audio.pcm')
    writeFileSync(pcm, Buffer.alloc(3200))
    expectKeyed(await encodeRecording(pcm, dir, 'Kayıt', env).catch((e: unknown) => e), 'recording-compress-failed')
    const wav = writeWav(path.join(dir, 'ses.wav'), voicedSpeech(2))
    const info = await readWavInfo(wav)
    const audio = { wavPath: wav, dataOffset: info.dataOffset, durationSec: info.durationSec }
    const err = await encodePiece(audio, 0, 1, 'flac', path.join(dir, 'parça.flac'), { env }).catch((e: unknown) => e)
    expectKeyed(err, 'upload-encode-failed')
  })

  it('an engine or ffmpeg that fails without a word: the Turkish says so in Turkish, not "no details"', async () => {
    const dir = tempDir()
    const wav = writeWav(path.join(dir, 'ses.wav'), voicedSpeech(2))
    const info = await readWavInfo(wav)
    const audio = { wavPath: wav, dataOffset: info.dataOffset, durationSec: info.durationSec }
    const env = { MP4TOTEXT_FFMPEG: '/bin/false' }
    const encode = await encodePiece(audio, 0, 1, 'flac', path.join(dir, 'parça.flac'), { env }).catch((e: unknown) => e)
    const mute = path.join(dir, 'mute-whisper-server')
    writeFileSync(mute, '#!/bin/sh\nexit 1\n')
    chmodSync(mute, 0o755)
    const engine = await WhisperServer.start({ serverPath: mute, modelPath: path.join(dir, 'm.bin'), threads: 1 }, 5_000).catch(
      (e: unknown) => e,
    )
    for (const [err, key] of [
      [encode, 'upload-encode-failed'],
      [engine, 'engine-load-failed'],
    ] as const) {
      const tr = expectKeyed(err, key)
      expect(tr).not.toMatch(/no details/i)
      // the English keeps saying it, for the CLI and logs
      expect(toErrorShape(err).message).toMatch(/no details/)
    }
  })

  it('a recorded chunk that never arrives', () => {
    const order = new ChunkOrder<number>()
    let err: unknown
    try {
      for (let seq = 1; seq <= MAX_WAITING_CHUNKS + 1; seq++) order.accept(seq, seq)
    } catch (e) {
      err = e
    }
    expectKeyed(err, 'recording-chunk-lost')
  })

  it('an update feed that cannot be read, or lacks what an install needs', () => {
    const url = 'https://example.org/latest-linux.yml'
    const read = (text: string) => {
      try {
        parseFeed(text, url)
      } catch (e) {
        return e
      }
      throw new Error('the feed was taken')
    }
    expectKeyed(read('{{{ :'), 'update-feed-unreadable')
    expectKeyed(read('path: x.AppImage\n'), 'update-feed-invalid')
    expectKeyed(read('version: 1.2.3\npath: x\n'), 'update-feed-invalid')
  })
})
