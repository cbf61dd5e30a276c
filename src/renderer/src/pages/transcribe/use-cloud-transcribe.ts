import { cloudTranscriptionModel, type TranscriptionProviderId } from '../../../../shared/providers'
import { useState } from 'react'
import type { ModelView } from '../../../../shared/catalog-types'
import type { TranscribeEstimate } from '../../../../shared/calls/remote-transcribe-calls'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { useCall } from '../../lib/use-call'

/** "groq/whisper-large-v3-turbo" → the provider; null for a local model name. */
export function cloudProviderOf(model: string | null): TranscriptionProviderId | null {
  return cloudTranscriptionModel(model)?.provider ?? null
}

export interface PendingFile {
  path: string
  name: string
  estimate: TranscribeEstimate
}

/**
 * Cloud models in the Transcribe page: the transcription rows of the catalog, the balance, and
 * files held back until their cost is shown and (on first use of a receiver) the privacy notice
 * is acknowledged; the acknowledgement is kept per receiver in Settings.
 */
export function useCloudTranscribe() {
  const catalog = useCall('catalog.list', { includeInactive: true }, ['catalog.changed'])
  const credits = useCall('credits.get', {}, ['credits.changed'])
  const settings = useCall('settings.get', {}, ['settings.changed'])
  const [pending, setPending] = useState<PendingFile[] | null>(null)
  const [estimating, setEstimating] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const cloudModels: ModelView[] = (catalog.data ?? []).filter((m) => m.kind === 'transcription' && m.active && !m.unavailable)
  const acknowledged = settings.data?.cloudNoticeAcknowledged ?? []

  /** Upload and measure the files; they wait in `pending` until started or dropped. */
  const prepare = async (files: File[], model: string) => {
    if (!files.length) return
    setError(null)
    setEstimating(true)
    try {
      const out: PendingFile[] = []
      for (const f of files) {
        const path = await api.addFile(f)
        out.push({ path, name: f.name, estimate: await api.invoke('transcribe.estimate', { file: path, model }) })
      }
      setPending(out)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setEstimating(false)
    }
  }

  const start = async (model: string, options: { language: string; translate: boolean; prompt: string }) => {
    if (!pending) return
    setError(null)
    try {
      const receiver = cloudProviderOf(model)
      if (receiver && !acknowledged.includes(receiver))
        await api.invoke('settings.set', { cloudNoticeAcknowledged: [...acknowledged, receiver] })
      await api.invoke('transcribe.add', { files: pending.map((p) => p.path), options: { model, ...options } })
      setPending(null)
    } catch (err) {
      setError(errorText(err))
    }
  }

  return {
    cloudModels,
    balance: credits.data?.balance ?? null,
    servers: settings.data?.transcriptionServers ?? [],
    acknowledged,
    pending,
    estimating,
    error,
    prepare,
    start,
    drop: () => setPending(null),
  }
}
