import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ESLint, RuleTester } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'
import architecture from '../../eslint-rules/layers.js'

const root = path.resolve(import.meta.dirname, '../..')
const at = (p: string) => path.join(root, p)

describe('architecture/layers', () => {
  const tester = new RuleTester({
    languageOptions: { parser: tseslint.parser as never, ecmaVersion: 2022, sourceType: 'module' },
  })
  it('allows the intended flow and rejects the rest', () => {
    tester.run('layers', architecture.rules.layers, {
      valid: [
        { filename: at('src/core/a.ts'), code: "import { x } from '../shared/contract'" },
        { filename: at('src/core/a.ts'), code: "import fs from 'node:fs'" },
        { filename: at('src/main/a.ts'), code: "import { app } from 'electron'; import { c } from '../core/app-core'" },
        { filename: at('src/renderer/src/a.ts'), code: "import { x } from '../../shared/contract'; import React from 'react'" },
        { filename: at('src/preload/a.ts'), code: "import { ipcRenderer } from 'electron'" },
      ],
      invalid: [
        { filename: at('src/core/a.ts'), code: "import { app } from 'electron'", errors: [{ messageId: 'forbidden' }] },
        { filename: at('src/shared/a.ts'), code: "import fs from 'node:fs'", errors: [{ messageId: 'forbidden' }] },
        { filename: at('src/shared/a.ts'), code: "import { x } from '../core/app-core'", errors: [{ messageId: 'forbidden' }] },
        {
          filename: at('src/renderer/src/a.ts'),
          code: "import { x } from '../../core/app-core'",
          errors: [{ messageId: 'forbidden' }],
        },
        { filename: at('src/renderer/src/a.ts'), code: "import path from 'path'", errors: [{ messageId: 'forbidden' }] },
        {
          filename: at('src/preload/a.ts'),
          code: "import { x } from '../core/store/store'",
          errors: [{ messageId: 'forbidden' }],
        },
        { filename: at('src/core/a.ts'), code: "export { y } from '../main/ipc-adapter'", errors: [{ messageId: 'forbidden' }] },
        { filename: at('src/core/a.ts'), code: "const m = import('../cli/main')", errors: [{ messageId: 'forbidden' }] },
        { filename: at('src/core/a.ts'), code: "const e = require('electron')", errors: [{ messageId: 'forbidden' }] },
        {
          filename: at('src/shared/a.ts'),
          code: "import fs = require('node:fs')",
          errors: [{ messageId: 'forbidden' }],
        },
        // packages belong to layers too: the renderer cannot reach the database or a provider SDK
        {
          filename: at('src/renderer/src/a.ts'),
          code: "import { JSONFile } from 'lowdb/node'",
          errors: [{ messageId: 'forbiddenPackage' }],
        },
        {
          filename: at('src/renderer/src/a.ts'),
          code: "import OpenAI from 'openai'",
          errors: [{ messageId: 'forbiddenPackage' }],
        },
        { filename: at('src/preload/a.ts'), code: "const z = require('zod')", errors: [{ messageId: 'forbiddenPackage' }] },
        { filename: at('src/shared/a.ts'), code: "import React from 'react'", errors: [{ messageId: 'forbiddenPackage' }] },
      ],
    })
  })

  it('holds for a checkout that lives under some …/src/<name>/ folder', () => {
    const checkout = '/home/dev/src/x/mp4totext'
    const inCheckout = (p: string) => path.join(checkout, p)
    tester.run('layers', architecture.rules.layers, {
      valid: [
        { filename: inCheckout('src/core/a.ts'), code: "import { x } from '../shared/contract'", options: [{ root: checkout }] },
      ],
      invalid: [
        {
          filename: inCheckout('src/core/a.ts'),
          code: "import { app } from 'electron'",
          options: [{ root: checkout }],
          errors: [{ messageId: 'forbidden' }],
        },
        {
          filename: inCheckout('src/renderer/src/a.ts'),
          code: "import { x } from '../../core/app-core'",
          options: [{ root: checkout }],
          errors: [{ messageId: 'forbidden' }],
        },
      ],
    })
  })

  it('fails lint for a forbidden import in a real checkout under /src/x/', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-lint-'))
    try {
      const checkout = path.join(base, 'src', 'x', 'mp4totext')
      mkdirSync(path.join(checkout, 'src', 'core'), { recursive: true })
      cpSync(at('eslint-rules'), path.join(checkout, 'eslint-rules'), { recursive: true })
      cpSync(at('eslint.config.js'), path.join(checkout, 'eslint.config.js'))
      cpSync(at('package.json'), path.join(checkout, 'package.json'))
      symlinkSync(at('node_modules'), path.join(checkout, 'node_modules'))
      writeFileSync(path.join(checkout, 'src', 'core', 'a.ts'), "import { app } from 'electron'\nexport const x = app\n")
      const eslint = new ESLint({ cwd: checkout })
      const [r] = await eslint.lintFiles([path.join(checkout, 'src', 'core', 'a.ts')])
      expect(r!.messages.map((m) => m.ruleId)).toContain('architecture/layers')
    } finally {
      rmSync(base, { recursive: true, force: true })
    }
  })
})

describe('renderer literal strings', () => {
  it('is a lint error to render a literal UI string in a component', async () => {
    const eslint = new ESLint({ cwd: root })
    const bad = 'export function X() {\n  return <p>Hello there</p>\n}\n'
    const good =
      "import { useTranslation } from 'react-i18next'\nexport function X() {\n  const { t } = useTranslation()\n  return <p>{t('app.name')}</p>\n}\n"
    const [b] = await eslint.lintText(bad, { filePath: at('src/renderer/src/components/X.tsx') })
    const [g] = await eslint.lintText(good, { filePath: at('src/renderer/src/components/X.tsx') })
    expect(b!.messages.map((m) => m.ruleId)).toContain('react/jsx-no-literals')
    expect(g!.messages).toEqual([])
  })
})
