import net from 'node:net'
import OpenAI from 'openai'
import type { Locator } from 'playwright-core'
import { expect, it } from 'vitest'
import { audit } from '../helpers/axe-audit'
import { go, useApp } from '../helpers/browser'
import { freePort } from '../../src/core/runtime/free-port'

/** Wait until the element reads exactly this (or, with `part`, contains it): the page catches up over events. */
const reads = (l: Locator, text: string, part = false) =>
  l.filter({ hasText: part ? text : new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }).waitFor()

const en = useApp({ locale: 'en' })
const tr = useApp({ locale: 'tr' })

it('Settings → Transcription API: the toggle and port are saved, the API opens there, the key is shown (English)', async () => {
  const { page, core } = await en()
  await go(page, 'settings')
  const section = page.getByRole('region', { name: 'Transcription API' })
  await reads(section.getByTestId('api-state'), 'Off.')
  // the key is not on the page until asked for
  expect(await section.getByTestId('api-key').textContent()).not.toMatch(/mp4t_/)
  const port = await freePort()
  const portField = section.getByRole('textbox', { name: 'Port' })
  await portField.fill(String(port))
  await portField.press('Enter')
  await reads(section.getByTestId('setting-apiPort'), 'Saved', true)
  await section.getByRole('checkbox', { name: 'Serve the transcription API while the app is open' }).check()
  await reads(section.getByTestId('setting-apiEnabled'), 'Saved', true)
  const url = `http://127.0.0.1:${port}/v1`
  await reads(section.getByTestId('api-state'), `On: tools can reach it at ${url} (this computer only).`)
  expect(core.store.data.settings.apiServer).toEqual({ enabled: true, port })
  await section.getByRole('button', { name: 'Show key' }).click()
  const key = await core.api.token()
  await reads(section.getByTestId('api-key'), key)
  // the key shown is the one the API takes, at the address shown
  const models = await new OpenAI({ baseURL: url, apiKey: key, maxRetries: 0 }).models.list()
  expect(models.object).toBe('list')
  expect(await audit(page, '[data-testid="api-section"]')).toEqual([])
  await section.getByRole('button', { name: 'Hide key' }).click()
  await reads(section.getByTestId('api-key'), '••••••••••••••••')
  // saved: a reload shows it on
  await page.reload()
  await go(page, 'settings')
  const again = page.getByRole('region', { name: 'Transcription API' })
  expect(await again.getByRole('checkbox', { name: 'Serve the transcription API while the app is open' }).isChecked()).toBe(true)
  // off again: the port closes
  await again.getByRole('checkbox', { name: 'Serve the transcription API while the app is open' }).uncheck()
  await reads(again.getByTestId('api-state'), 'Off.')
  expect(core.store.data.settings.apiServer.enabled).toBe(false)
})

it('Ayarlar → Yazıya dökme API’si: açılır, anahtar gösterilir, kullanılan port Türkçe söylenir (Türkçe)', async () => {
  const { page, core } = await tr()
  await go(page, 'settings')
  const section = page.getByRole('region', { name: 'Yazıya dökme API’si' })
  await reads(section.getByTestId('api-state'), 'Kapalı.')
  // another program holds the port
  const taken = net.createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  const busy = (taken.address() as net.AddressInfo).port
  const portField = section.getByRole('textbox', { name: 'Bağlantı noktası (port)' })
  await portField.fill(String(busy))
  await portField.press('Enter')
  await reads(section.getByTestId('setting-apiPort'), 'Kaydedildi', true)
  await section.getByRole('checkbox', { name: 'Uygulama açıkken yazıya dökme API’sini sun' }).check()
  await reads(
    section.getByTestId('api-state'),
    `${busy} numaralı bağlantı noktasını başka bir program kullanıyor. Başka bir bağlantı noktası seçin.`,
  )
  await new Promise((resolve) => taken.close(resolve))
  const port = await freePort()
  await portField.fill(String(port))
  await portField.press('Enter')
  await reads(
    section.getByTestId('api-state'),
    `Açık: araçlar http://127.0.0.1:${port}/v1 adresinden ulaşabilir (yalnızca bu bilgisayardan).`,
  )
  await section.getByRole('button', { name: 'Anahtarı göster' }).click()
  await reads(section.getByTestId('api-key'), await core.api.token())
  expect(await section.getByRole('button', { name: 'Anahtarı gizle' }).isVisible()).toBe(true)
  expect(await audit(page, '[data-testid="api-section"]')).toEqual([])
})
