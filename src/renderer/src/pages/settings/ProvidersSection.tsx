import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ProviderId } from '../../../../shared/catalog-types'
import { baseUrlProviderIds, keyEnvVarList } from '../../../../shared/providers'
import type { Settings } from '../../../../shared/settings-types'
import { Badge } from '../../components/Badge'
import { SavedField, SavedSelect } from '../../components/SavedField'
import { errorText } from '../../lib/error-text'
import { useProviders } from './use-providers'
import { providerName } from '../../lib/provider-name'
import { ErrorBox } from '../../components/ErrorBox'

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

export function ProvidersSection() {
  const { t } = useTranslation()
  const p = useProviders()
  const statuses = p.status.data ?? []
  const editable = statuses[0]?.keysEditable ?? false
  const storage = statuses[0]?.keyStorage ?? 'env'
  const byProvider = new Map(statuses.map((s) => [s.provider, s]))
  return (
    <div className="card" aria-labelledby="providers-title">
      <h2 id="providers-title">{t('providersSettings.title')}</h2>
      <p className="muted">
        {!editable
          ? t('providersSettings.envOnly', { vars: keyEnvVarList.join(', ') })
          : storage === 'file'
            ? t('providersSettings.introFile')
            : t('providersSettings.intro')}
      </p>
      <ErrorBox error={p.error} />
      <table data-testid="provider-keys">
        <tbody>
          {statuses.map((s) => {
            const test = p.tests[s.provider]
            return (
              <tr key={s.provider}>
                <th scope="row">{providerName(s.provider)}</th>
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
                  {editable && (s.keySource === 'keychain' || s.keySource === 'file') ? (
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
                      {/* a success is said in the UI's language; a failure keeps the provider's own words */}
                      {test.ok
                        ? t('providersSettings.testOk', { count: test.models })
                        : test.error
                          ? errorText(test.error)
                          : test.message}
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
          <SavedSelect
            label={t('providersSettings.groqTier')}
            name="groqTier"
            value={p.settings.data.groqTier}
            options={[
              { value: 'free', label: t('providersSettings.groqFree') },
              { value: 'developer', label: t('providersSettings.groqDeveloper') },
            ]}
            onSave={(v) => p.setGroqTier(v as Settings['groqTier'])}
          />
          <div className="form-row">
            {/* the built-in engine has no URL: it runs in the app */}
            {baseUrlProviderIds.map((id) => {
              const fromEnv = byProvider.get(id)?.baseUrlEnv
              return (
                <div key={id}>
                  <SavedField
                    type="url"
                    label={`${providerName(id)} · ${t('providersSettings.baseUrl')}`}
                    name={`baseUrl-${id}`}
                    initial={p.settings.data?.baseUrls[id] ?? ''}
                    placeholder={id === 'custom' ? t('providersSettings.localUrl') : ''}
                    valid={(v) => v.trim() === '' || URL.canParse(v.trim())}
                    onSave={(v) => p.saveBaseUrl(id, v || null)}
                  />
                  {fromEnv ? (
                    // the environment wins over this field: say so where the field is
                    <p className="notice" data-testid={`baseUrl-${id}-env`}>
                      {t('providersSettings.baseUrlFromEnv', {
                        variable: fromEnv,
                        url: byProvider.get(id)?.baseUrl ?? '',
                      })}
                    </p>
                  ) : null}
                </div>
              )
            })}
          </div>
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
