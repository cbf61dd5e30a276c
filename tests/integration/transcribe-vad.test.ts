// Speech detection inside a real transcription: the real Silero model, the real engine, real ffmpeg.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeMedia } from '../helpers/media'
import { compose, silence, spokenText, writeWav } from '../helpers/speech-audio'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, openTranscribeCore } from '../helpers/transcribe-env'

const tempDir = useTempDirs()

async function setup(vad: boolean) {
  return openTranscribeCore(tempDir(), { vad })
}
const root = path.resolve(import.meta.dirname, '../..')

describe('transcription with speech detection (on by default)', () => {
  it('sends only the speech to whisper: every segment lies on the spoken part of a file mostly silent', async () => {
    const { core, dir, model } = await setup(true)
    const audio = compose([
      { other: silence(20) },
      { speech: spokenText('Good morning everyone. Today we talk about the budget for next year.') },
      { other: silence(20) },
    ])
    const file = writeWav(path.join(dir, 'toplantı kaydı.wav'), audio.samples)
    const [job] = await core.transcription.add([file], { model })
    const done = await finished(core, job!.id)
    expect(done.status, done.error ?? '').toBe('done')
    expect(done.noSpeech).toBe(false)
    const { segments } = await core.transcripts.get(done.transcriptId!)
    const speech = audio.speech[0]!
    expect(segments.length).toBeGreaterThan(0)
    // padding (0.4 s) and the window's packing may widen a segment a little, never into the silence
    for (const s of segments) {
      expect(s.start).toBeGreaterThanOrEqual(speech.start - 1)
      expect(s.end).toBeLessThanOrEqual(speech.end + 1)
    }
    await core.close()
  })

  it('hears no speech in tones: an empty transcript that says why, not invented text — and --no-vad transcribes anyway', async () => {
    const { core, dir, model } = await setup(true)
    const file = makeMedia(dir, 'tone.mp3', { seconds: 6 })
    const [job] = await core.transcription.add([file], { model })
    const done = await finished(core, job!.id)
    expect(done, JSON.stringify(done)).toMatchObject({ status: 'done', noSpeech: true })
    expect((await core.transcripts.get(done.transcriptId!)).segments).toEqual([])
    await core.close()

    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [path.join(root, 'bin/mp4totext.mjs'), 'transcribe', file, '--model', model, '--data-dir', dir, ...args],
        {
          encoding: 'utf8',
        },
      )
    const quiet = cli('--out', path.join(dir, 'a.txt'))
    expect(quiet.status, quiet.stderr).toBe(0)
    expect(quiet.stdout).toContain('no speech was found')
    const all = cli('--no-vad', '--out', path.join(dir, 'b.txt'))
    expect(all.status, all.stderr).toBe(0)
    expect(all.stdout).toContain('✓ tone.mp3')
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8').trim()).toBe('')
    const both = cli('--vad', '--no-vad')
    expect(both.status).toBe(2)
  })
})
