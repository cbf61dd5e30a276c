import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { expect, it } from 'vitest'
import { useApp } from '../helpers/browser'

const open = useApp()
const root = path.resolve(import.meta.dirname, '../..')

it('a top-up made with the CLI while the app is open shows in the header without a restart', async () => {
  const { page, dataDir } = await open()
  const balance = page.getByTestId('header-balance-value')
  await expect.poll(() => balance.textContent()).toMatch(/1[.,]?000/)
  const cli = spawnSync(
    process.execPath,
    [path.join(root, 'bin/mp4totext.mjs'), 'credits', 'add', '234', '--data-dir', dataDir],
    {
      encoding: 'utf8',
    },
  )
  expect(cli.status, cli.stderr).toBe(0)
  // the app follows db.json: no reload, no restart
  await balance.filter({ hasText: /1[.,]?234/ }).waitFor({ timeout: 15_000 })
})
