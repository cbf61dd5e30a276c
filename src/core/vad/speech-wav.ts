import { promises as fs } from 'node:fs'
import { wavHeader } from '../media/decode'
import { type PackedLayout, type PiecePlanOptions, packPieces, planSpeechPieces, type TimeRange } from './speech-pieces'
import { type DetectHooks, detectSpeech, type VadOptions } from './speech-regions'
import { readWavInfo } from './wav-file'

/** Copied in blocks of this size, so memory stays flat whatever the pieces' length. */
const COPY_BYTES = 1 << 20

/**
 * Write the layout's pieces of `sourceWav` back to back into `outWav` (16 kHz mono s16le),
 * silence where the layout has joins or a minimum length.
 */
export async function writeSpeechWav(sourceWav: string, layout: PackedLayout, outWav: string): Promise<void> {
  const info = await readWavInfo(sourceWav)
  const sr = info.sampleRate
  const src = await fs.open(sourceWav, 'r')
  const out = await fs.open(outWav, 'w')
  try {
    const totalBytes = Math.round(layout.packedSec * sr) * 2
    await out.write(wavHeader(totalBytes), 0, 44, 0)
    const block = Buffer.alloc(COPY_BYTES)
    for (const p of layout.pieces) {
      let from = info.dataOffset + Math.round(p.sourceStart * sr) * 2
      const to = Math.min(info.dataOffset + info.dataBytes, info.dataOffset + Math.round(p.sourceEnd * sr) * 2)
      let at = 44 + Math.round(p.packedStart * sr) * 2
      while (from < to) {
        const { bytesRead } = await src.read(block, 0, Math.min(block.length, to - from), from)
        if (bytesRead === 0) break
        await out.write(block, 0, bytesRead, at)
        from += bytesRead
        at += bytesRead
      }
    }
    // joins and the tail are holes until here: setting the length fills them with zeros (silence)
    await out.truncate(44 + totalBytes)
  } finally {
    await src.close()
    await out.close()
  }
}

export interface SpeechAudio {
  /** regions found, on the source's timeline (padded) */
  regions: TimeRange[]
  /** how the packed file maps to the source; `pieces` is empty when no speech was found */
  layout: PackedLayout
  /** seconds of source audio examined */
  sourceSec: number
}

/**
 * Speech detection for one decoded window: find the speech in `sourceWav`, plan the pieces and,
 * when there is speech, write them packed into `outWav` for the engine. Map the engine's segment
 * times back with `mapBack(result.layout, segment)`. No speech: nothing is written and
 * `layout.pieces` is empty.
 */
export async function speechOnlyWav(
  sourceWav: string,
  outWav: string,
  options: { vad?: Partial<VadOptions>; plan?: Partial<PiecePlanOptions>; joinSec?: number } = {},
  hooks: DetectHooks = {},
): Promise<SpeechAudio> {
  const info = await readWavInfo(sourceWav)
  const regions = await detectSpeech(sourceWav, options.vad, hooks)
  const layout = packPieces(planSpeechPieces(regions, options.plan), { sampleRate: info.sampleRate, joinSec: options.joinSec })
  if (layout.pieces.length > 0) await writeSpeechWav(sourceWav, layout, outWav)
  return { regions, layout, sourceSec: info.durationSec }
}
