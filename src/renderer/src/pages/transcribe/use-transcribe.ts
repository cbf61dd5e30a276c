import { useEffect, useState } from 'react'
import { HISTORY_PAGE_SIZE, isJobOver, type Job } from '../../../../shared/transcribe-types'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { useCall } from '../../lib/use-call'

/** The queue (live over events), the models to choose from, options, and the transcript history. */
export function useTranscribe() {
  const settings = useCall('settings.get', {}, ['settings.changed'])
  const models = useCall('models.list', {}, ['models.download'])
  const [query, setQuery] = useState('')
  // ask once typing pauses, not on every keystroke
  const [searched, setSearched] = useState('')
  useEffect(() => {
    const t = setTimeout(() => setSearched(query), 250)
    return () => clearTimeout(t)
  }, [query])
  // one page of the history at a time, newest first: a library of thousands is never sent whole
  const [historyOffset, setHistoryOffset] = useState(0)
  const history = useCall('transcripts.list', { query: '', limit: HISTORY_PAGE_SIZE, offset: historyOffset }, [
    'transcripts.changed',
  ])
  const historyTotal = history.data?.total ?? 0
  // deleting the last transcripts of the last page: show the page before it
  useEffect(() => {
    if (history.data && historyOffset > 0 && historyOffset >= historyTotal)
      setHistoryOffset(Math.max(0, Math.ceil(historyTotal / HISTORY_PAGE_SIZE) - 1) * HISTORY_PAGE_SIZE)
  }, [history.data, historyOffset, historyTotal])
  const [jobs, setJobs] = useState<Job[]>([])
  const [model, setModel] = useState<string | null>(null)
  const [language, setLanguage] = useState<string | null>(null)
  const [translate, setTranslate] = useState(false)
  const [prompt, setPrompt] = useState('')
  const [adding, setAdding] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    // a job's event heard while the queue's answer was on its way is newer than that answer
    let heard: Map<string, Job> | null = new Map()
    let live = true
    const off = api.on('transcribe.job', (j) => {
      heard?.set(j.id, j)
      setJobs((all) => upsert(all, j))
    })
    void api.invoke('transcribe.jobs', {}).then((all) => {
      const newer = heard ?? new Map<string, Job>()
      heard = null
      // an answer for a subscription already gone has missed the events since it went
      // (and a job added since the answer left is kept, not dropped)
      if (live)
        setJobs([...[...newer.values()].filter((j) => !all.some((x) => x.id === j.id)), ...all.map((j) => newer.get(j.id) ?? j)])
    })
    return () => {
      live = false
      off()
    }
  }, [])

  const installed = (models.data ?? []).filter((m) => m.installed)
  const chosenModel = model ?? settings.data?.whisperModel ?? installed[0]?.name ?? null
  const chosenLanguage = language ?? settings.data?.transcribeLanguage ?? 'auto'

  const addFiles = async (files: File[]) => {
    if (!files.length || !chosenModel) return
    setError(null)
    setAdding(true)
    try {
      const paths: string[] = []
      for (const f of files) paths.push(await api.addFile(f))
      await api.invoke('transcribe.add', {
        files: paths,
        options: { model: chosenModel, language: chosenLanguage, translate, prompt },
      })
    } catch (err) {
      setError(errorText(err))
    } finally {
      setAdding(false)
    }
  }

  return {
    jobs: queueOrder(jobs),
    hasFinished: jobs.some((j) => isJobOver(j.status)),
    clearFinished: () =>
      void api
        .invoke('transcribe.clearFinished', {})
        .then((left) => setJobs((now) => sameJobs(now, left)))
        .catch((e: unknown) => setError(errorText(e))),
    installed,
    /** the models' list is loaded (so "none installed" is known, not assumed) */
    modelsKnown: models.data !== undefined,
    reloadModels: models.reload,
    history,
    historyPage: {
      from: historyOffset + 1,
      to: historyOffset + (history.data?.items.length ?? 0),
      total: historyTotal,
      newer: historyOffset > 0 ? () => setHistoryOffset(Math.max(0, historyOffset - HISTORY_PAGE_SIZE)) : null,
      older: historyOffset + HISTORY_PAGE_SIZE < historyTotal ? () => setHistoryOffset(historyOffset + HISTORY_PAGE_SIZE) : null,
    },
    query,
    searched,
    setQuery,
    options: { model: chosenModel, setModel, language: chosenLanguage, setLanguage, translate, setTranslate, prompt, setPrompt },
    adding,
    error,
    addFiles,
    cancel: (id: string) => void api.invoke('transcribe.cancel', { id }),
    retry: (id: string) => void api.invoke('transcribe.retry', { id }).catch((e: unknown) => setError(errorText(e))),
    remove: (id: string) =>
      void api
        .invoke('transcribe.remove', { id })
        .then((left) => setJobs((now) => sameJobs(now, left)))
        .catch((e: unknown) => setError(errorText(e))),
  }
}

const rank: Record<Job['status'], number> = { running: 0, queued: 1, done: 2, failed: 2, cancelled: 2, interrupted: 2 }

/** Running work first, then what waits (in the order it runs), then the rest, newest first. */
function queueOrder(jobs: Job[]): Job[] {
  return [...jobs].sort(
    (a, b) =>
      rank[a.status] - rank[b.status] ||
      (a.status === 'queued' ? a.createdAt.localeCompare(b.createdAt) : b.createdAt.localeCompare(a.createdAt)),
  )
}

function upsert(all: Job[], j: Job): Job[] {
  const i = all.findIndex((x) => x.id === j.id)
  if (i < 0) return [j, ...all]
  const next = [...all]
  next[i] = j
  return next
}

/** The jobs `answer` holds, each as the page knows it when an event has told it more since. */
function sameJobs(now: Job[], answer: Job[]): Job[] {
  return answer.map((j) => now.find((x) => x.id === j.id) ?? j)
}
