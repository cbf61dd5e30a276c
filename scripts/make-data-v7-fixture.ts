// Makes tests/fixtures/data-v7: a data folder as the release before library.db left it (db.json
// schema 7 with its jobs, transcripts and watched files; transcripts/*.json; its search index).
// Run with that release's code, e.g. from an export of it:
//   git archive <release> src resources package.json | tar -x -C /tmp/rel && cp scripts/make-data-v7-fixture.ts /tmp/rel/
//   (cd /tmp/rel && ln -s <repo>/node_modules && npx tsx make-data-v7-fixture.ts <repo>/tests/fixtures/data-v7)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openCore } from './src/core/app-core'

const out = path.resolve(process.argv[2] ?? 'data-v7')
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const media = path.join(out, '..', 'data-v7-media')
mkdirSync(media, { recursive: true })
const core = await openCore({ dataDir: out, shell: 'cli', version: 'fixture', systemLocale: 'tr-TR', env: {} })
const at = '2026-11-20T10:00:00.000Z'
const base = { hasVideo: false, createdAt: at, updatedAt: at, language: 'tr', model: 'base' }
const a = await core.transcripts.save(
  {
    ...base,
    jobId: 'job-a',
    fileName: 'Toplantı İstanbul.mp4',
    mediaPath: '/media/Toplantı İstanbul.mp4',
    durationSec: 9,
    hasVideo: true,
  },
  [
    { id: 0, start: 0, end: 3, text: 'Bugün şirketin bütçesini konuştuk.', speaker: 'S1' },
    {
      id: 1,
      start: 3,
      end: 6,
      text: 'Ayşe notları ığdır şubesine gönderecek.',
      speaker: 'S2',
      words: [{ text: 'Ayşe', start: 3, end: 3.4 }],
    },
    { id: 2, start: 6, end: 9, text: 'Hello from the release plan 7.' },
  ],
)
await core.transcripts.updateSpeakers(a.id, (segments) => ({ segments, names: { S1: 'Mehmet', S2: 'Ayşe' } }))
await core.transcripts.updateSegment(a.id, 2, 'Hello from the edited release plan 7.')
const b = await core.transcripts.save(
  { ...base, jobId: 'job-b', fileName: 'ses kaydı.wav', mediaPath: '/media/ses kaydı.wav', durationSec: 2 },
  [{ id: 0, start: 0, end: 2, text: '  ' }],
)
await core.transcripts.setPrompt(b.id, 'Kadıköy, Üsküdar')
await core.store.mutate((db) => {
  const job = (id: string, file: string, status: 'done' | 'failed' | 'running', transcriptId: string | null) => ({
    id,
    file,
    fileName: path.basename(file),
    status,
    progress: status === 'done' ? 1 : 0.3,
    etaSec: null,
    realtimeFactor: status === 'done' ? 0.21 : null,
    durationSec: 9,
    options: { model: 'base', language: 'tr', translate: false, prompt: '', vad: true },
    createdAt: at,
    startedAt: at,
    finishedAt: status === 'running' ? null : at,
    error: status === 'failed' ? 'Dosya çözülemedi' : null,
    transcriptId,
    ...(status === 'failed' ? { errorReason: 'corrupt' as const, retryable: false } : {}),
  })
  db.jobs.push(job('job-a', '/media/Toplantı İstanbul.mp4', 'done', a.id), job('job-b', '/media/ses kaydı.wav', 'done', b.id))
  db.jobs.push(job('job-broken', '/media/bozuk.mp3', 'failed', null), job('job-gone', '/media/yarım.mp4', 'running', null))
  // the process that ran it is gone: the next start marks it interrupted
  db.owners['job:job-gone'] = { instance: 'gone-instance', pid: 999_999_99, host: 'fixture-host' }
  db.watchedFiles.push({
    key: '/watch/gelen/ders 1.mp4:1234:1700000000000',
    path: '/watch/gelen/ders 1.mp4',
    size: 1234,
    mtimeMs: 1_700_000_000_000,
    folderId: 'w1',
    rootDir: '/watch/gelen',
    outDir: null,
    formats: ['txt', 'srt'],
    model: null,
    language: null,
    vad: null,
    status: 'done',
    jobId: 'job-a',
    transcriptId: a.id,
    outputs: ['/watch/gelen/ders 1.txt', '/watch/gelen/ders 1.srt'],
    error: null,
    at,
  })
})
await core.credits.topUp(250, 'fixture')
await core.close()
writeFileSync(
  path.join(out, 'README.md'),
  'A data folder of the release before library.db (db.json schema 7); made by scripts/make-data-v7-fixture.ts.\n',
)
rmSync(media, { recursive: true, force: true })
