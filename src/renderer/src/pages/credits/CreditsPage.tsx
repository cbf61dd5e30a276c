import { useId, useState, type FormEvent } from 'react'
import { MAX_TOP_UP } from '../../../../shared/credits-types'
import { useTranslation } from 'react-i18next'
import { AsyncView } from '../../components/AsyncView'
import { useFormat } from '../../i18n/format'
import { ledgerReason } from './ledger-reason'
import { useCredits } from './use-credits'

export function CreditsPage() {
  const { t } = useTranslation()
  const f = useFormat()
  const c = useCredits()
  const [amount, setAmount] = useState('100')
  const [reason, setReason] = useState('')
  const valid = /^\d+$/.test(amount) && Number(amount) > 0 && Number(amount) <= MAX_TOP_UP
  const whyId = useId()

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (valid) void c.topUp(Number(amount), reason)
  }

  return (
    <section aria-labelledby="credits-title">
      <h1 id="credits-title">{t('credits.title')}</h1>
      <AsyncView state={c.state}>
        {(s) => (
          <p className="big-balance" data-testid="credits-balance">
            {f.credits(s.balance)}
          </p>
        )}
      </AsyncView>

      <form className="card form-row" onSubmit={submit} aria-labelledby="topup-title">
        <h2 id="topup-title">{t('credits.topUpTitle')}</h2>
        <label>
          <span>{t('credits.topUpAmount')}</span>
          <input
            inputMode="numeric"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            aria-invalid={!valid}
            aria-describedby={valid ? undefined : whyId}
            name="amount"
          />
          {/* a refused value says why, instead of only greying out the button */}
          {valid ? null : (
            <span className="warn-text" id={whyId} data-testid="topup-why">
              {t('named.topUpWhy', { max: f.number(MAX_TOP_UP) })}
            </span>
          )}
        </label>
        <label>
          <span>{t('credits.topUpReason')}</span>
          <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} name="reason" />
        </label>
        <button type="submit" disabled={!valid}>
          {t('credits.topUpSubmit')}
        </button>
        <span role="status">
          {c.error
            ? t('errors.generic', { message: c.error })
            : c.lastAdded
              ? t('credits.topUpDone', { amount: f.credits(c.lastAdded) })
              : null}
        </span>
      </form>

      <h2>{t('credits.ledgerTitle')}</h2>
      <AsyncView state={c.history}>
        {(h) =>
          h.entries.length === 0 ? (
            <p className="empty">{t('credits.ledgerEmpty')}</p>
          ) : (
            <>
              <table data-testid="ledger">
                <thead>
                  <tr>
                    <th scope="col">{t('credits.when')}</th>
                    <th scope="col">{t('credits.type')}</th>
                    <th scope="col">{t('credits.amountCol')}</th>
                    <th scope="col">{t('credits.balanceAfter')}</th>
                    <th scope="col">{t('credits.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {h.entries.map((e) => (
                    <tr key={e.id}>
                      <td>{f.dateTime(e.at)}</td>
                      <td>{t(`credits.types.${e.type}`)}</td>
                      <td className={e.amount < 0 ? 'negative' : 'positive'}>{f.number(e.amount)}</td>
                      <td>{f.number(e.balanceAfter)}</td>
                      <td>{ledgerReason(e, t)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav className="pager" aria-label={t('credits.ledgerTitle')}>
                <button type="button" disabled={c.page === 0} onClick={() => c.setPage(c.page - 1)}>
                  {t('credits.prev')}
                </button>
                <span>{t('credits.page', { page: c.page + 1, pages: c.pages })}</span>
                <button type="button" disabled={c.page + 1 >= c.pages} onClick={() => c.setPage(c.page + 1)}>
                  {t('credits.next')}
                </button>
              </nav>
            </>
          )
        }
      </AsyncView>
    </section>
  )
}
