// Makes tests/fixtures/data-v9: a data folder as the release before transcript segments moved to
// library.db left it (db.json schema 9; library.db schema 4 holding the transcript index, jobs
// and search index; each transcript's segments in transcripts/<id>.json). Its transcripts are
// saved and edited by that release's own code: word timing, speakers named, a segment edited (its
// words dropped), one split, one saved empty, text in several scripts and times that are not
// round. Run with that release's code, e.g. from an export of it:
//   git archive <release> src resources package.json tests/helpers | tar -x -C /tmp/rel && cp scripts/make-data-v9-fixture.ts /tmp/rel/
//   (cd /tmp/rel && ln -s <repo>/node_modules && npx tsx make-data-v9-fixture.ts <repo>/tests/fixtures/data-v9)
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openCore } from './src/core/app-core'

const out = path.resolve(process.argv[2] ?? 'data-v9')
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const core = await openCore({ dataDir: out, shell: 'cli', version: 'fixture', systemLocale: 'tr-TR', env: {} })
const at = (m: number) => new Date(Date.UTC(2027, 0, 5, 9, m)).toISOString()
const base = (name: string, m: number, durationSec: number) => ({
  jobId: `job-${m}`,
  fileName: name,
  mediaPath: `/media/${name}`,
  hasVideo: name.endsWith('.mp4'),
  createdAt: at(m),
  updatedAt: at(m),
  durationSec,
  language: 'tr',
  model: 'base',
})
const words = (text: string, start: number, end: number) => {
  const list = text.split(' ')
  const step = (end - start) / list.length
  return list.map((w, i) => ({ text: w, start: start + i * step, end: start + (i + 1) * step, probability: 1 / (i + 1.3) }))
}
const seg = (id: number, start: number, end: number, text: string, speaker?: string) => ({
  id,
  start,
  end,
  text,
  words: words(text, start, end),
  ...(speaker ? { speaker } : {}),
})

// speakers detected and named, then one segment edited (it keeps only its own times)
const a = await core.transcripts.save(base('Yönetim kurulu İstanbul.mp4', 0, 9.3), [
  seg(0, 0, 3.1, 'Bugün şirketin bütçesini İstanbul ofisinde konuştuk.', 'S1'),
  seg(1, 3.1, 6.2, 'Ayşe notları ığdır şubesine gönderecek.', 'S2'),
  seg(2, 6.2, 9.3, 'Çarşamba günü yeniden toplanıyoruz.', 'S1'),
])
await core.transcripts.updateSpeakers(a.id, (segments) => ({ segments, names: { S1: 'Mehmet Öztürk', S2: 'Ayşe' } }))
await core.transcripts.updateSegment(a.id, 2, 'Çarşamba günü saat 10’da yeniden toplanıyoruz.')

// one segment split in the editor; words with times that are not round
const b = await core.transcripts.save(base('lecture 3 — naïve café.wav', 1, 7.77), [
  seg(0, 0.1, 3.33, 'Welcome back to the lecture on naïve café economics, part three.'),
  seg(1, 3.33, 7.77, 'Ünlü matematikçi Cahit Arf’ın şifresi 𝛑 ≈ 3.14159 ile başlar 😀'),
])
await core.transcripts.splitSegment(b.id, 0, 1.7)

// an engine that found no speech
await core.transcripts.save(base('sessiz.m4a', 2, 2), [])

// plain segments without word timing, as older engines gave them
await core.transcripts.save(base('Ders notu.mp3', 3, 6), [
  { id: 0, start: 0, end: 3, text: 'Kadıköy iskelesinde buluştuk.' },
  { id: 1, start: 3, end: 6, text: '  ' },
])
await core.close()
// what a process leaves of its own (its claim on the folder, backups of db.json) is not the record
for (const f of readdirSync(out))
  if (f === 'instances' || f.startsWith('db.json.bak')) rmSync(path.join(out, f), { recursive: true })
writeFileSync(
  path.join(out, 'README.md'),
  'A data folder of the release before transcript segments moved to library.db (db.json schema 9, library.db schema 4, segments in transcripts/<id>.json); made by scripts/make-data-v9-fixture.ts.\n',
)
process.exit(0)
