// @ts-check
/**
 * The architecture as a lint rule (after VS Code's "code-layering"): each folder under src/ is a
 * layer, and may import only the layers listed for it. Node built-ins and Electron are layers of
 * their own, so "core never imports electron" and "the renderer sees only shared" are both
 * errors here rather than conventions.
 */
import { builtinModules } from 'node:module'
import path from 'node:path'

/** @type {Record<string, string[]>} layer → layers it may import */
export const allowed = {
  shared: ['shared'],
  core: ['shared', 'core', 'node'],
  main: ['shared', 'core', 'main', 'node', 'electron'],
  preload: ['shared', 'preload', 'electron'],
  renderer: ['shared', 'renderer'],
  cli: ['shared', 'core', 'cli', 'node'],
  web: ['shared', 'core', 'web', 'node'],
}

const builtins = new Set(builtinModules)

/** @param {string} file */
function layerOfFile(file) {
  const m = /[\\/]src[\\/](\w+)[\\/]/.exec(file)
  return m && m[1] in allowed ? m[1] : null
}

/** @param {string} source @param {string} file */
function layerOfImport(source, file) {
  if (source.startsWith('node:') || builtins.has(source.split('/')[0] ?? '')) return 'node'
  if (source === 'electron' || source.startsWith('electron/')) return 'electron'
  if (source.startsWith('.')) return layerOfFile(path.resolve(path.dirname(file), source) + path.sep)
  return null // an npm package: allowed anywhere the bundler can take it
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the shared ← core ← main/cli/web layering; renderer and preload see only shared.' },
    messages: { forbidden: 'Layer "{{from}}" may not import "{{to}}" ({{source}}). Allowed: {{allowed}}.' },
    schema: [],
  },
  create(context) {
    const file = context.filename
    const from = layerOfFile(file)
    if (!from) return {}
    /** @param {any} node */
    const check = (node) => {
      if (!node.source || typeof node.source.value !== 'string') return
      const source = node.source.value
      const to = layerOfImport(source, file)
      const ok = allowed[from] ?? []
      if (to && !ok.includes(to)) {
        context.report({ node, messageId: 'forbidden', data: { from, to, source, allowed: ok.join(', ') } })
      }
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check }
  },
}

export default { rules: { layers: rule } }
