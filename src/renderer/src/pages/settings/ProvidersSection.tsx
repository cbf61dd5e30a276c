import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { providerIds, type ProviderId } from '../../../../shared/catalog-types'
import { keyEnvVars } from '../../../../shared/provider-env'
import type { Settings } from '../../../../shared/settings-types'
import { Badge } from '../../components/Badge'
import { useProviders } from './use-providers'

function KeyForm({ provider, onSave }: { provider: ProviderId; onSave: (key: string) => void }) {
  const { t } = useTranslation()
  const [key, setKey] = useState('')
  return (
    <form
      className="form-row"
      onSubmit={(e) => {
        e.preventDefault()
        if (key.trim()) onSave(key.trim())
        setKey('')
      }}
    >
      <label>
        <span>{t('providersSettings.key')}</span>
        <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} name={`key-${provider}`} />
      </label>
      <button type="submit" disabled={!key.trim()}>
        {t('providersSettings.saveKey')}
      </button>
    </form>
  )
}

function BaseUrlsForm({ value, onSave }: { value: Settings['baseUrls']; onSave: (v: Settings['baseUrls']) => void }) {
  const { t } = useTranslation()
  const [urls, setUrls] = useState(value)
  return (
    <form
      className="form-row"
      onSubmit={(e) => {
        e.preventDefault()
        onSave(urls)
      }}
    >
      {providerIds.map((p) => (
        <label key={p}>
          <span>{`${t(`providers.${p}`)} · ${t('providersSettings.baseUrl')}`}</span>
          <input
            type="url"
            value={urls[p] ?? ''}
            placeholder={p === 'custom' ? t('providersSettings.localUrl') : ''}
            onChange={(e) => setUrls({ ...urls, [p]: e.target.value.trim() || null })}
            name={`baseUrl-${p}`}
          />
        </label>
      ))}
      <button type="submit">{t('providersSettings.saveBaseUrls')}</button>
    </form>
  )
}

export function ProvidersSection() {
  const { t } = useTranslation()
  const p = useProviders()
  const statuses = p.status.data ?? []
  const editable = statuses[0]?.keysEditable ?? false
  return (
    <div className="card" aria-labelledby="providers-title">
      <h2 id="providers-title">{t('providersSettings.title')}</h2>
      <p className="muted">
        {editable ? t('providersSettings.intro') : t('providersSettings.envOnly', { vars: Object.values(keyEnvVars).join(', ') })}
      </p>
      {p.error ? (
        <p role="alert" className="error-box">
          {p.error}
        </p>
      ) : null}
      <table data-testid="provider-keys">
        <tbody>
          {statuses.map((s) => {
            const test = p.tests[s.provider]
            return (
              <tr key={s.provider}>
                <th scope="row">{t(`providers.${s.provider}`)}</th>
                <td>
                  {s.keySet ? (
                    <Badge tone="fast">{t('providersSettings.keySet')}</Badge>
                  ) : (
                    <Badge>{t('providersSettings.keyNotSet')}</Badge>
                  )}{' '}
                  {s.keySource === 'env' ? <span className="muted">{t('providersSettings.fromEnv')}</span> : null}
                </td>
                <td>
                  {editable ? (
                    <KeyForm provider={s.provider} onSave={(k) => void p.saveKey(s.provider, k, (m) => window.confirm(m))} />
                  ) : null}
                  {editable && s.keySource === 'keychain' ? (
                    <button type="button" className="secondary" onClick={() => void p.saveKey(s.provider, null, () => false)}>
                      {t('providersSettings.removeKey')}
                    </button>
                  ) : null}
                </td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    disabled={test === 'pending'}
                    onClick={() => void p.testKey(s.provider)}
                  >
                    {test === 'pending' ? t('providersSettings.testing') : t('providersSettings.testKey')}
                  </button>{' '}
                  {test && test !== 'pending' ? (
                    <span role="status" className={test.ok ? 'positive' : 'negative'}>
                      {test.message}
                    </span>
                  ) : null}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {p.settings.data ? (
        <>
          <label>
            <span>{t('providersSettings.groqTier')}</span>
            <select
              value={p.settings.data.groqTier}
              onChange={(e) => void p.setGroqTier(e.target.value as Settings['groqTier'])}
              name="groqTier"
            >
              <option value="free">{t('providersSettings.groqFree')}</option>
              <option value="developer">{t('providersSettings.groqDeveloper')}</option>
            </select>
          </label>
          <BaseUrlsForm value={p.settings.data.baseUrls} onSave={(v) => void p.saveBaseUrls(v)} />
        </>
      ) : null}
      <h3>{t('providersSettings.localTitle')}</h3>
      <p className="muted">{t('providersSettings.localIntro')}</p>
      <button type="button" onClick={() => void p.refreshLocal()}>
        {t('providersSettings.refreshModels')}
      </button>{' '}
      {p.localCount !== null ? <span role="status">{t('providersSettings.localModels', { count: p.localCount })}</span> : null}
    </div>
  )
}
