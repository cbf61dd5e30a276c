import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, promises as fs } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { TranscriptVoice, VoiceInfo, VoiceList } from '../../shared/calls/voice-calls'
import { AppError, keyedError } from '../../shared/errors'
import { underLock } from '../store/file-lock'
import { atomicWrite, PRIVATE_DIR_MODE, readIfExists } from '../store/safe-json-file'

/**
 * The voice library: speakers the user named, recognised again in later files. A file of its
 * own in the data folder (`voices/library.json`, 0600), never db.json, and nothing here leaves
 * the machine. Each voice is the running mean of the (unit-length) embeddings of the speakers
 * the user named or confirmed as that person, from one embedding model: a voice from another
 * model is never compared (the vectors mean nothing to each other). Each detection's speaker
 * embeddings are kept per transcript (`voices/transcripts/<id>.json`), so a name given later,
 * or a correction, uses the voice that detection heard.
 */

/** Cosine similarity at or above which a speaker is taken for a known voice (CAM++ scores same-speaker pairs well above it). */
export const DEFAULT_MATCH_THRESHOLD = 0.6
/** "Not this person" examples kept per voice; the oldest go first. */
const MAX_NEGATIVES = 50
const FORMAT = 'mp4totext-voices'

const Vector = z.array(z.number().finite()).min(1).max(8192)
const Name = z.string().trim().min(1).max(80)

const VoiceRecord = z.object({
  id: z.string().min(1).max(80),
  name: Name,
  /** the embedding model that produced it (see embeddingModelId) */
  model: z.string().min(1).max(200),
  /** running mean of its samples */
  embedding: Vector,
  samples: z.number().int().positive(),
  /** speakers the user said are not this person: a speaker nearer one of them than the voice is not matched */
  negatives: z.array(Vector).max(MAX_NEGATIVES),
  createdAt: z.string(),
  updatedAt: z.string(),
})
type VoiceRecord = z.infer<typeof VoiceRecord>

const LibraryFile = z.object({
  version: z.literal(1),
  settings: z.object({ threshold: z.number().min(0).max(1), remember: z.boolean() }),
  voices: z.array(VoiceRecord),
  /** a damaged library found at start, kept aside under this name, until the user has seen it */
  damaged: z.object({ copy: z.string(), at: z.string() }).optional(),
})
type LibraryFile = z.infer<typeof LibraryFile>

const Link = z.object({
  voiceId: z.string(),
  /** the similarity it was recognised with; null when the user named it */
  score: z.number().nullable(),
  /** recognised: matched by the app; named: the user said who it is (its voice is one of the voice's samples) */
  how: z.enum(['recognised', 'named']),
})
type Link = z.infer<typeof Link>

const TranscriptFile = z.object({
  model: z.string(),
  clusters: z.record(z.string(), z.object({ embedding: Vector, seconds: z.number() })),
  links: z.record(z.string(), Link),
})
type TranscriptFile = z.infer<typeof TranscriptFile>

const ExportFile = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  voices: z.array(VoiceRecord.omit({ createdAt: true, updatedAt: true }).extend({ createdAt: z.string().optional() })),
})

const emptyLibrary = (): LibraryFile => ({
  version: 1,
  settings: { threshold: DEFAULT_MATCH_THRESHOLD, remember: true },
  voices: [],
})

// --- the arithmetic of voices ---

export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return 0
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0
}

const unit = (v: readonly number[]): number[] => {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0))
  return n > 0 ? v.map((x) => x / n) : [...v]
}

/** The mean of `n` samples with one more: (mean·n + x) / (n + 1). */
function addSample(mean: readonly number[], n: number, x: readonly number[]): number[] {
  const u = unit(x)
  return mean.map((m, i) => (m * n + u[i]!) / (n + 1))
}

/** The mean of `n` samples with one of them taken out again (n > 1). */
function removeSample(mean: readonly number[], n: number, x: readonly number[]): number[] {
  const u = unit(x)
  return mean.map((m, i) => (m * n - u[i]!) / (n - 1))
}

export interface VoiceMatch {
  voiceId: string
  name: string
  score: number
}

/**
 * Which known voice each speaker is: the pairs at or above `threshold` in order of similarity,
 * each voice and each speaker used once (two speakers of one file are two people). A speaker
 * nearer one of a voice's negatives than to the voice is not that voice.
 */
export function matchVoices(
  speakers: { key: string; embedding: readonly number[] }[],
  voices: readonly VoiceRecord[],
  threshold: number,
): Map<string, VoiceMatch> {
  const pairs: { key: string; voice: VoiceRecord; score: number }[] = []
  for (const s of speakers) {
    for (const voice of voices) {
      const score = cosine(s.embedding, voice.embedding)
      if (score < threshold) continue
      if (voice.negatives.some((n) => cosine(s.embedding, n) >= score)) continue
      pairs.push({ key: s.key, voice, score })
    }
  }
  pairs.sort((a, b) => b.score - a.score)
  const out = new Map<string, VoiceMatch>()
  const used = new Set<string>()
  for (const p of pairs) {
    if (out.has(p.key) || used.has(p.voice.id)) continue
    out.set(p.key, { voiceId: p.voice.id, name: p.voice.name, score: Math.round(p.score * 1000) / 1000 })
    used.add(p.voice.id)
  }
  return out
}

/** Which embedding model made a vector: the file's content, so a replaced model is another model. */
export async function embeddingModelId(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return `sha256:${hash.digest('hex').slice(0, 32)}`
}

const sameName = (a: string, b: string) =>
  a.trim().normalize('NFC').toLocaleLowerCase() === b.trim().normalize('NFC').toLocaleLowerCase()

const voiceNotFound = () =>
  keyedError('not-found', 'voice-not-found', {}, 'That voice is not in the voice library (it may have been forgotten).')

export class VoiceLibrary {
  private readonly dir: string
  private readonly file: string

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'voices')
    this.file = path.join(this.dir, 'library.json')
  }

  // --- the library itself ---

  async list(currentModel: string | null): Promise<VoiceList> {
    const lib = await this.read()
    return {
      voices: lib.voices.map((v) => info(v, currentModel)),
      threshold: lib.settings.threshold,
      remember: lib.settings.remember,
      ...(lib.damaged ? { damaged: lib.damaged } : {}),
    }
  }

  async settings(): Promise<LibraryFile['settings']> {
    return (await this.read()).settings
  }

  async setSettings(patch: { threshold?: number; remember?: boolean }): Promise<void> {
    await this.change((lib) => {
      if (patch.threshold !== undefined) lib.settings.threshold = patch.threshold
      if (patch.remember !== undefined) lib.settings.remember = patch.remember
    })
  }

  async dismissDamaged(): Promise<void> {
    await this.change((lib) => {
      delete lib.damaged
    })
  }

  async rename(voiceId: string, name: string): Promise<void> {
    await this.change((lib) => {
      const v = find(lib, voiceId)
      v.name = name.trim()
      v.updatedAt = new Date().toISOString()
    })
  }

  /** `from`'s samples and negatives join `into`'s; speakers linked to `from` are `into`'s. */
  async merge(from: string, into: string): Promise<void> {
    if (from === into) return
    await this.change(async (lib) => {
      const a = find(lib, from)
      const b = find(lib, into)
      if (a.model !== b.model) {
        throw keyedError(
          'invalid-input',
          'voices-other-model',
          {},
          `${a.name} and ${b.name} were made by different speaker models and cannot be merged.`,
        )
      }
      const n = a.samples + b.samples
      b.embedding = b.embedding.map((x, i) => (x * b.samples + a.embedding[i]! * a.samples) / n)
      b.samples = n
      b.negatives = [...b.negatives, ...a.negatives].slice(-MAX_NEGATIVES)
      b.updatedAt = new Date().toISOString()
      lib.voices = lib.voices.filter((v) => v.id !== from)
      await this.eachTranscript((t) => {
        let changed = false
        for (const link of Object.values(t.links)) {
          if (link.voiceId === from) [link.voiceId, changed] = [into, true]
        }
        return changed
      })
    })
  }

  /** Forget a voice: it is matched no more. Transcripts keep the names they were given. */
  async forget(voiceId: string): Promise<void> {
    await this.change((lib) => {
      find(lib, voiceId)
      lib.voices = lib.voices.filter((v) => v.id !== voiceId)
    })
  }

  async exportJson(): Promise<string> {
    const lib = await this.read()
    return `${JSON.stringify({ format: FORMAT, version: 1, voices: lib.voices }, null, 2)}\n`
  }

  /**
   * Voices from an exported file: one already here (same id) is skipped, one with the name of a
   * voice of the same model joins it, the rest are added.
   */
  async importJson(text: string): Promise<{ added: number; merged: number; skipped: number }> {
    let parsed: z.infer<typeof ExportFile>
    try {
      parsed = ExportFile.parse(JSON.parse(text))
    } catch {
      throw keyedError(
        'invalid-input',
        'voices-file-invalid',
        {},
        'This file is not a voice library exported by MP4toText (or it is damaged); nothing was imported.',
      )
    }
    const counts = { added: 0, merged: 0, skipped: 0 }
    await this.change((lib) => {
      const now = new Date().toISOString()
      for (const v of parsed.voices) {
        if (lib.voices.some((x) => x.id === v.id)) {
          counts.skipped++
          continue
        }
        const same = lib.voices.find((x) => x.model === v.model && sameName(x.name, v.name))
        if (same && same.embedding.length === v.embedding.length) {
          const n = same.samples + v.samples
          same.embedding = same.embedding.map((x, i) => (x * same.samples + v.embedding[i]! * v.samples) / n)
          same.samples = n
          same.negatives = [...same.negatives, ...v.negatives].slice(-MAX_NEGATIVES)
          same.updatedAt = now
          counts.merged++
          continue
        }
        lib.voices.push({ ...v, createdAt: v.createdAt ?? now, updatedAt: now })
        counts.added++
      }
    })
    return counts
  }

  // --- one transcript's speakers ---

  /** Which known voices the speakers of a fresh detection are (by cluster key), before any is written. */
  async recognise(model: string, speakers: { key: string; embedding: number[] }[]): Promise<Map<string, VoiceMatch>> {
    const lib = await this.read()
    const voices = lib.voices.filter((v) => v.model === model)
    return matchVoices(speakers, voices, lib.settings.threshold)
  }

  /** A detection's speakers, their voices and the voices they were recognised as, replacing an earlier detection's. */
  async recordDetection(
    transcriptId: string,
    model: string,
    clusters: TranscriptFile['clusters'],
    matches: Map<string, VoiceMatch>,
  ): Promise<void> {
    const links: TranscriptFile['links'] = {}
    for (const [speaker, m] of matches)
      if (clusters[speaker]) links[speaker] = { voiceId: m.voiceId, score: m.score, how: 'recognised' }
    await this.change(() => this.writeTranscript(transcriptId, { model, clusters, links }))
  }

  /** The known voices of a transcript's speakers, as the editor shows them. */
  async ofTranscript(transcriptId: string): Promise<{ speakers: Record<string, TranscriptVoice>; heard: string[] }> {
    const t = await this.readTranscript(transcriptId)
    if (!t) return { speakers: {}, heard: [] }
    const lib = await this.read()
    const speakers: Record<string, TranscriptVoice> = {}
    for (const [speaker, link] of Object.entries(t.links)) {
      const v = lib.voices.find((x) => x.id === link.voiceId)
      if (v) speakers[speaker] = { voiceId: v.id, name: v.name, score: link.score, how: link.how }
    }
    return { speakers, heard: Object.keys(t.clusters) }
  }

  /**
   * The user named a speaker: its voice becomes a sample of the voice of that name (made if
   * new). A speaker named before gives its sample back to the voice it was named as; one
   * recognised as someone else is not that person (a negative there). A default name
   * ("Speaker 2") is no one's name: the speaker is only unlinked.
   */
  async named(transcriptId: string, speaker: string, name: string, isDefault: boolean): Promise<void> {
    await this.change(async (lib) => {
      const t = await this.readTranscript(transcriptId)
      const cluster = t?.clusters[speaker]
      if (!t || !cluster) return
      const link = t.links[speaker]
      const linked = link ? lib.voices.find((v) => v.id === link.voiceId) : undefined
      if (linked && sameName(linked.name, name)) return
      if (link) this.unlink(lib, t, speaker, cluster.embedding, link.how === 'recognised')
      if (isDefault || !lib.settings.remember) return this.writeTranscript(transcriptId, t)
      const voice =
        lib.voices.find(
          (v) => v.model === t.model && sameName(v.name, name) && v.embedding.length === cluster.embedding.length,
        ) ?? newVoice(lib, name, t.model, cluster.embedding.length)
      sample(voice, cluster.embedding)
      t.links[speaker] = { voiceId: voice.id, score: null, how: 'named' }
      await this.writeTranscript(transcriptId, t)
    })
  }

  /** "This is <voice>": the speaker's voice becomes one of its samples. Returns the voice's name. */
  async confirm(transcriptId: string, speaker: string, voiceId: string): Promise<string> {
    return this.change(async (lib) => {
      const t = await this.readTranscript(transcriptId)
      const cluster = t?.clusters[speaker]
      if (!t || !cluster) throw noVoiceHeard()
      const voice = find(lib, voiceId)
      if (voice.model !== t.model || voice.embedding.length !== cluster.embedding.length) {
        throw keyedError(
          'invalid-input',
          'voices-other-model',
          {},
          `${voice.name} was made by another speaker model than this transcript's speakers; detect the speakers again first.`,
        )
      }
      const link = t.links[speaker]
      if (link?.how === 'named' && link.voiceId === voiceId) return voice.name
      if (link) this.unlink(lib, t, speaker, cluster.embedding, link.voiceId !== voiceId && link.how === 'recognised')
      // an earlier "not this person" about this very speaker is withdrawn
      voice.negatives = voice.negatives.filter((n) => cosine(n, cluster.embedding) < 0.9999)
      sample(voice, cluster.embedding)
      t.links[speaker] = { voiceId, score: null, how: 'named' }
      await this.writeTranscript(transcriptId, t)
      return voice.name
    })
  }

  /**
   * "Not <voice>": the speaker is unlinked, and its voice is kept as a negative of that voice,
   * so it is not taken for that person again (there, or in another file with this voice).
   */
  async reject(transcriptId: string, speaker: string): Promise<void> {
    await this.change(async (lib) => {
      const t = await this.readTranscript(transcriptId)
      const cluster = t?.clusters[speaker]
      const link = t?.links[speaker]
      if (!t || !cluster || !link) throw voiceNotFound()
      this.unlink(lib, t, speaker, cluster.embedding, true)
      await this.writeTranscript(transcriptId, t)
    })
  }

  /** Two speakers of a transcript became one: their voices are one (weighted by how long each spoke). */
  async mergeSpeakers(transcriptId: string, from: string, into: string): Promise<void> {
    await this.change(async () => {
      const t = await this.readTranscript(transcriptId)
      const a = t?.clusters[from]
      const b = t?.clusters[into]
      if (!t || !a) return
      if (b && a.embedding.length === b.embedding.length) {
        const seconds = a.seconds + b.seconds
        t.clusters[into] = {
          seconds,
          embedding: b.embedding.map((x, i) => (x * b.seconds + a.embedding[i]! * a.seconds) / Math.max(seconds, 1e-9)),
        }
      }
      delete t.clusters[from]
      if (!t.links[into] && t.links[from]) t.links[into] = t.links[from]!
      delete t.links[from]
      await this.writeTranscript(transcriptId, t)
    })
  }

  async removeTranscript(transcriptId: string): Promise<void> {
    await fs.rm(this.transcriptPath(transcriptId), { force: true })
  }

  // --- files ---

  private unlink(lib: LibraryFile, t: TranscriptFile, speaker: string, embedding: number[], negative: boolean): void {
    const link = t.links[speaker]
    delete t.links[speaker]
    const voice = link && lib.voices.find((v) => v.id === link.voiceId)
    if (!link || !voice) return
    if (link.how === 'named') {
      // its sample leaves the voice; a voice that was only this speaker goes with it
      if (voice.samples <= 1) lib.voices = lib.voices.filter((v) => v !== voice)
      else {
        voice.embedding = removeSample(voice.embedding, voice.samples, embedding)
        voice.samples--
      }
    }
    if (negative && lib.voices.includes(voice)) voice.negatives = [...voice.negatives, unit(embedding)].slice(-MAX_NEGATIVES)
    voice.updatedAt = new Date().toISOString()
  }

  /**
   * The library as it is on disk. A file that is not one (cut short, edited by hand) is kept
   * aside as `library.json.damaged-<time>` and the library starts again empty, saying so; a file
   * from a newer MP4toText is left alone and refused.
   */
  private async read(locked = false): Promise<LibraryFile> {
    const text = await readIfExists(this.file)
    if (text === null) return emptyLibrary()
    const keepAside = () => (locked ? this.keepAside() : underLock(this.file, () => this.keepAside()))
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return keepAside()
    }
    const version = (json as { version?: unknown } | null)?.version
    if (typeof version === 'number' && version > 1) {
      throw new AppError(
        'store-failed',
        `${this.file} was written by a newer MP4toText; update the app to use the voice library. The file is left as it is.`,
      )
    }
    const parsed = LibraryFile.safeParse(json)
    return parsed.success ? parsed.data : keepAside()
  }

  /** Under the library's lock. */
  private async keepAside(): Promise<LibraryFile> {
    // another process may have done it meanwhile
    const text = await readIfExists(this.file)
    if (text === null) return emptyLibrary()
    try {
      return LibraryFile.parse(JSON.parse(text))
    } catch {
      // still damaged: this process moves it
    }
    const at = new Date().toISOString()
    const copy = `${this.file}.damaged-${at.replace(/[:.]/g, '-')}`
    await fs.rename(this.file, copy)
    const lib: LibraryFile = { ...emptyLibrary(), damaged: { copy, at } }
    await this.write(lib)
    return lib
  }

  /** One change of the library (and of transcripts' links), under one lock across processes. */
  private async change<T>(fn: (lib: LibraryFile) => T | Promise<T>): Promise<T> {
    // the lock sits beside the file, so its folder comes first
    await fs.mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE })
    return underLock(this.file, async () => {
      const lib = await this.read(true)
      const result = await fn(lib)
      await this.write(lib)
      return result
    })
  }

  private async write(lib: LibraryFile): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE })
    await atomicWrite(this.file, `${JSON.stringify(lib)}\n`)
  }

  private transcriptPath(id: string): string {
    if (!/^[\w-]{1,100}$/.test(id)) throw new AppError('invalid-input', `"${id}" is not a transcript id.`)
    return path.join(this.dir, 'transcripts', `${id}.json`)
  }

  /** A transcript's detection, or null (none yet, or a file that is not one: the next detection writes it again). */
  private async readTranscript(id: string): Promise<TranscriptFile | null> {
    const text = await readIfExists(this.transcriptPath(id))
    if (text === null) return null
    try {
      return TranscriptFile.parse(JSON.parse(text))
    } catch {
      return null
    }
  }

  private async writeTranscript(id: string, t: TranscriptFile): Promise<void> {
    await fs.mkdir(path.join(this.dir, 'transcripts'), { recursive: true, mode: PRIVATE_DIR_MODE })
    await atomicWrite(this.transcriptPath(id), JSON.stringify(t))
  }

  private async eachTranscript(fn: (t: TranscriptFile) => boolean): Promise<void> {
    const dir = path.join(this.dir, 'transcripts')
    const names = await fs.readdir(dir).catch(() => [] as string[])
    for (const name of names) {
      if (!name.endsWith('.json')) continue
      const id = name.slice(0, -'.json'.length)
      const t = await this.readTranscript(id)
      if (t && fn(t)) await this.writeTranscript(id, t)
    }
  }
}

function find(lib: LibraryFile, voiceId: string): VoiceRecord {
  const v = lib.voices.find((x) => x.id === voiceId)
  if (!v) throw voiceNotFound()
  return v
}

function newVoice(lib: LibraryFile, name: string, model: string, dim: number): VoiceRecord {
  const now = new Date().toISOString()
  const v: VoiceRecord = {
    id: randomUUID(),
    name: name.trim(),
    model,
    embedding: new Array<number>(dim).fill(0),
    samples: 0,
    negatives: [],
    createdAt: now,
    updatedAt: now,
  }
  lib.voices.push(v)
  return v
}

function sample(voice: VoiceRecord, embedding: number[]): void {
  voice.embedding = addSample(voice.embedding, voice.samples, embedding)
  voice.samples++
  voice.updatedAt = new Date().toISOString()
}

function noVoiceHeard(): AppError {
  return keyedError(
    'invalid-input',
    'voices-none-heard',
    {},
    'This speaker has no voice to compare yet: detect the speakers of this transcript again.',
  )
}

function info(v: VoiceRecord, currentModel: string | null): VoiceInfo {
  return {
    id: v.id,
    name: v.name,
    samples: v.samples,
    otherModel: currentModel !== null && v.model !== currentModel,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  }
}
