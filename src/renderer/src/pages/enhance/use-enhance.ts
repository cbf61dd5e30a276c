import { useEffect, useMemo, useState } from 'react'
import type { ModelView } from '../../../../shared/catalog-types'
import type { EnhanceResult, Preset } from '../../../../shared/enhance-types'
import { api } from '../../lib/api'
import { useCall } from '../../lib/use-call'
import { ENHANCE_HANDOFF_KEY, ENHANCE_LANG_KEY } from '../transcript/use-transcript'

export interface RunView {
  id: string | null
  modelKey: string
  displayName: string
  parts: string[]
  reduce: string | null
  progress: { done: number; total: number; phase: 'map' | 'reduce' } | null
  status: 'running' | 'done' | 'failed' | 'cancelled'
  result: EnhanceResult | null
  error: string | null
  /** text loaded from history */
  saved: { text: string; partial: boolean } | null
}

export const runText = (r: RunView) => r.saved?.text ?? r.result?.text ?? r.reduce ?? r.parts.filter(Boolean).join('\n\n')

const MAX_COMPARE = 4

type Stream = Pick<RunView, 'parts' | 'reduce' | 'progress' | 'status' | 'result' | 'error'>
const emptyStream = (): Stream => ({ parts: [], reduce: null, progress: null, status: 'running', result: null, error: null })

/** Form state, the streamed runs (one, or 2–4 side by side), and the history. */
export function useEnhance() {
  const catalog = useCall('catalog.list', { includeInactive: false }, ['catalog.changed'])
  const credits = useCall('credits.get', {}, ['credits.changed'])
  const history = useCall('enhance.history', {}, ['enhance.finished'])
  const prompts = useCall('prompts.list', {})
  // a transcript handed over by its "Enhance…" button
  const [text, setText] = useState(() => {
    const handed = sessionStorage.getItem(ENHANCE_HANDOFF_KEY)
    sessionStorage.removeItem(ENHANCE_HANDOFF_KEY)
    return handed ?? ''
  })
  const settings = useCall('settings.get', {})
  const [presetChoice, setPreset] = useState<Preset | null>(null)
  const preset: Preset = presetChoice ?? settings.data?.defaultPreset ?? 'cleanup'
  const [lang, setLang] = useState(() => {
    const handed = sessionStorage.getItem(ENHANCE_LANG_KEY) ?? ''
    sessionStorage.removeItem(ENHANCE_LANG_KEY)
    return handed
  })
  const [targetLang, setTargetLang] = useState('English')
  const [prompt, setPrompt] = useState('')
  const [compareMode, setCompareMode] = useState(false)
  const [selection, setSelected] = useState<string[] | null>(null)
  const selected = selection ?? (settings.data?.defaultEnhanceModel ? [settings.data.defaultEnhanceModel] : [])
  const [runList, setRuns] = useState<RunView[]>([])
  const [error, setError] = useState<string | null>(null)

  const models = useMemo(() => catalog.data ?? [], [catalog.data])
  const chosen = selected.map((k) => models.find((m) => m.key === k)).filter((m): m is ModelView => Boolean(m))
  const cost = chosen.reduce((s, m) => s + m.credits, 0)
  const balance = credits.data?.balance ?? 0

  // Stream state per id, kept apart from the run list: a fast failure can report before
  // enhance.start has even returned its id.
  const [streams, setStreams] = useState<Record<string, Stream>>({})
  useEffect(() => {
    const patch = (id: string, fn: (st: Stream) => Stream) =>
      setStreams((all) => ({ ...all, [id]: fn(all[id] ?? emptyStream()) }))
    const offs = [
      api.on('enhance.delta', (d) =>
        patch(d.id, (st) => {
          if (d.phase === 'reduce') return { ...st, reduce: d.reset ? '' : (st.reduce ?? '') + d.text }
          const parts = [...st.parts]
          parts[d.chunk] = d.reset ? '' : (parts[d.chunk] ?? '') + d.text
          return { ...st, parts }
        }),
      ),
      api.on('enhance.progress', (p) =>
        patch(p.id, (st) => ({ ...st, progress: { done: p.chunksDone, total: p.chunksTotal, phase: p.phase } })),
      ),
      api.on('enhance.finished', (f) =>
        patch(f.id, (st) => ({ ...st, status: f.status, result: f.result, error: f.error?.message ?? null })),
      ),
    ]
    return () => offs.forEach((off) => off())
  }, [])
  const runs = runList.map((r) => (r.id && streams[r.id] ? { ...r, ...streams[r.id] } : r))

  const choose = (key: string) => {
    if (!compareMode) return setSelected([key])
    setSelected(selected.includes(key) ? selected : [...selected, key].slice(-MAX_COMPARE))
  }

  const blankRun = (m: ModelView, id: string | null): RunView => ({
    id,
    modelKey: m.key,
    displayName: m.displayName,
    parts: [],
    reduce: null,
    progress: null,
    status: 'running',
    result: null,
    error: null,
    saved: null,
  })

  const start = async () => {
    setError(null)
    const base = {
      text,
      preset,
      ...(lang ? { lang } : {}),
      ...(preset === 'translate' ? { targetLang } : {}),
      ...(preset === 'custom' ? { prompt } : {}),
    }
    try {
      if (compareMode) {
        const { runs: started } = await api.invoke('enhance.compare', {
          ...base,
          models: chosen.map((m) => ({ provider: m.provider, modelId: m.modelId })),
        })
        setRuns(
          started.map((s, i) => {
            const run = blankRun(chosen[i]!, s.id)
            return s.error ? { ...run, status: 'failed', error: s.error.message } : run
          }),
        )
      } else {
        const m = chosen[0]!
        setRuns([blankRun(m, null)])
        const { id } = await api.invoke('enhance.start', { ...base, provider: m.provider, modelId: m.modelId })
        setRuns((rs) => rs.map((r) => (r.id === null && r.modelKey === m.key ? { ...r, id } : r)))
      }
    } catch (err) {
      setRuns([])
      setError((err as Error).message)
    }
  }

  const open = async (id: string) => {
    const rec = history.data?.find((h) => h.id === id)
    if (!rec) return
    const out = await api.invoke('enhance.output', { id })
    setRuns([
      {
        id,
        modelKey: `${rec.provider}/${rec.modelId}`,
        displayName: rec.displayName,
        parts: [],
        reduce: null,
        progress: null,
        status: rec.status,
        result: null,
        error: rec.error,
        saved: { text: out.output, partial: out.partial },
      },
    ])
  }

  const running = runs.some((r) => r.status === 'running')

  return {
    catalog,
    credits,
    history,
    prompts,
    models,
    form: { text, setText, preset, setPreset, lang, setLang, targetLang, setTargetLang, prompt, setPrompt },
    compareMode,
    setCompareMode: (on: boolean) => {
      setCompareMode(on)
      setSelected(on ? selected : selected.slice(0, 1))
    },
    selected,
    chosen,
    choose,
    unselect: (key: string) => setSelected(selected.filter((k) => k !== key)),
    cost,
    balance,
    canStart:
      text.trim() !== '' &&
      chosen.length >= (compareMode ? 2 : 1) &&
      cost <= balance &&
      !running &&
      (preset !== 'custom' || prompt.trim() !== ''),
    running,
    runs,
    error,
    start,
    cancel: (id: string | null) => id && void api.invoke('enhance.cancel', { id }),
    open,
    savePrompt: (name: string) => void api.invoke('prompts.save', { name, prompt }).then(prompts.reload),
    deletePrompt: (id: string) => void api.invoke('prompts.delete', { id }).then(prompts.reload),
  }
}
