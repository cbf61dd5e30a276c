import { useId, useMemo, useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { ModelView, ProviderId } from '../../../shared/catalog-types'
import { providerIds } from '../../../shared/providers'
import { useFormat } from '../i18n/format'
import { filterModels, sortModels, type SortKey } from '../../../shared/model-sort'
import { ModelRow } from './ModelRow'
import { providerName } from '../lib/provider-name'

export interface ModelPickerProps {
  models: ModelView[]
  balance: number
  value: string | null
  onChange: (key: string) => void
  /** several models chosen at once (compare mode): each is marked picked, none is `value` */
  picked?: readonly string[]
  /** providers without an API key: their models stay choosable but say so */
  missingKey?: ReadonlySet<ProviderId>
}

/**
 * The one model picker: a searchable, sortable, filterable listbox, one order across providers
 * (each row names its provider). It grows with the page rather than scrolling inside a box.
 * Unaffordable models stay visible but cannot be chosen. Keyboard: arrows, Home/End, Enter.
 */
export function ModelPicker({ models, balance, value, onChange, missingKey, picked }: ModelPickerProps) {
  const { t } = useTranslation()
  const f = useFormat()
  const id = useId()
  const [query, setQuery] = useState('')
  const [sort, setSort] = useState<SortKey>('credits')
  const [provider, setProvider] = useState<ProviderId | 'all'>('all')
  const flat = useMemo(
    () =>
      sortModels(
        filterModels(models, query, provider, (p) => providerName(p, t)),
        sort,
      ),
    // a translated provider name is searched in the page's language
    [models, query, provider, sort, t],
  )
  const [activeKey, setActiveKey] = useState<string | null>(null)
  // The keyboard cursor starts on the chosen model; it is drawn only while the list has focus,
  // so an unfocused list never shows a row that looks chosen but is not.
  const active = flat.find((m) => m.key === (activeKey ?? value)) ?? flat[0]
  const [focused, setFocused] = useState(false)
  // unaffordable and withdrawn models stay listed, marked, but cannot be chosen
  const affordable = (m: ModelView) => m.credits <= balance && !m.unavailable
  const optionId = (m: ModelView) => `${id}-opt-${flat.indexOf(m)}`
  const selected = models.find((m) => m.key === value)
  const isPicked = (m: ModelView) => m.key === value || (picked?.includes(m.key) ?? false)

  const choose = (m: ModelView | undefined) => {
    if (m && affordable(m)) onChange(m.key)
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (!flat.length || !active) return
    const i = flat.indexOf(active)
    const move = (to: number) => {
      e.preventDefault()
      const next = flat[Math.max(0, Math.min(flat.length - 1, to))]!
      setActiveKey(next.key)
      document.getElementById(optionId(next))?.scrollIntoView({ block: 'nearest' })
    }
    if (e.key === 'ArrowDown') move(i + 1)
    else if (e.key === 'ArrowUp') move(i - 1)
    else if (e.key === 'Home') move(0)
    else if (e.key === 'End') move(flat.length - 1)
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      choose(active)
    }
  }

  return (
    <div className="picker">
      <div className="picker-controls">
        <label>
          <span>{t('picker.search')}</span>
          <input
            type="search"
            value={query}
            placeholder={t('picker.searchPlaceholder')}
            aria-controls={`${id}-list`}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault()
                document.getElementById(`${id}-list`)?.focus()
              }
            }}
          />
        </label>
        <label>
          <span>{t('picker.sort')}</span>
          <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="credits">{t('picker.sortCredits')}</option>
            <option value="speed">{t('picker.sortSpeed')}</option>
            <option value="name">{t('picker.sortName')}</option>
            <option value="provider">{t('picker.sortProvider')}</option>
          </select>
        </label>
        <label>
          <span>{t('picker.provider')}</span>
          <select value={provider} onChange={(e) => setProvider(e.target.value as ProviderId | 'all')}>
            <option value="all">{t('picker.allProviders')}</option>
            {providerIds.map((p) => (
              <option key={p} value={p}>
                {providerName(p)}
              </option>
            ))}
          </select>
        </label>
        <span className="picker-count" aria-live="polite">
          {t('picker.count', { count: flat.length })}
        </span>
      </div>
      {selected ? (
        <p className="picker-selected" aria-live="polite">
          {t('picker.selected', { name: selected.displayName, credits: f.credits(selected.credits) })}
        </p>
      ) : null}
      {flat.length === 0 ? (
        <p className="empty">{query.trim() ? t('picker.noMatch', { query }) : t('picker.noModels')}</p>
      ) : (
        <div
          id={`${id}-list`}
          role="listbox"
          tabIndex={0}
          aria-label={t('picker.label')}
          aria-multiselectable={picked ? true : undefined}
          aria-activedescendant={active ? optionId(active) : undefined}
          className="picker-list"
          onKeyDown={onKeyDown}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
        >
          {flat.map((m) => (
            <div
              key={m.key}
              id={optionId(m)}
              role="option"
              data-key={m.key}
              aria-selected={isPicked(m)}
              aria-disabled={!affordable(m)}
              className={`picker-option${focused && m === active ? ' is-active' : ''}${affordable(m) ? '' : ' is-unaffordable'}`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => {
                setActiveKey(m.key)
                choose(m)
              }}
            >
              <ModelRow model={m} affordable={affordable(m)} noKey={missingKey?.has(m.provider) ?? false} />
            </div>
          ))}
        </div>
      )}
    </div>
  )
}
