import type { LlmClient, StreamRequest, StreamResult } from '../providers/llm-client'
import { ProviderFailure } from '../providers/provider-errors'
import { EngineError, type LocalLlmEngine } from './local-llm-engine'

export interface BuiltinModelRef {
  path: string
  contextTokens: number
}

/**
 * The built-in engine behind the same interface as the cloud SDKs, so presets, chunking,
 * retries, cancel and side-by-side runs work unchanged. Failures map to the same kinds: a model
 * that will not load is "unavailable" (not retried), a text too long for the context is split.
 */
export function createBuiltinClient(engine: LocalLlmEngine, resolve: (modelId: string) => Promise<BuiltinModelRef>): LlmClient {
  return {
    listModels: async () => [],
    async stream(req: StreamRequest): Promise<StreamResult> {
      const model = await resolve(req.modelId)
      const started = performance.now()
      let ttftMs: number | null = null
      let r
      try {
        r = await engine.generate({
          modelPath: model.path,
          contextTokens: model.contextTokens,
          system: req.system,
          user: req.user,
          // an answer may be as long as a quarter of the context (chunking leaves that room)
          maxTokens: Math.max(64, Math.floor(model.contextTokens / 4)),
          signal: req.signal,
          onDelta: (text) => {
            if (ttftMs === null) ttftMs = performance.now() - started
            req.onDelta(text)
          },
        })
      } catch (err) {
        if (req.signal.aborted) throw new ProviderFailure('cancelled', 'Cancelled')
        if (err instanceof EngineError) {
          if (err.kind === 'load')
            throw new ProviderFailure(
              'model-unavailable',
              `The built-in engine could not load ${req.modelId}: ${err.message}. The file may be damaged or incomplete: delete it and download or import it again.`,
            )
          if (err.kind === 'context') throw new ProviderFailure('context-too-long', err.message)
          if (err.kind === 'crashed') throw new ProviderFailure('engine-crashed', err.message)
        }
        throw new ProviderFailure('bad-request', `The built-in engine failed: ${(err as Error).message}`)
      }
      if (r.cancelled || req.signal.aborted) throw new ProviderFailure('cancelled', 'Cancelled')
      return {
        text: r.text,
        usage: { inputTokens: r.inputTokens, outputTokens: r.outputTokens },
        ttftMs,
        durationMs: performance.now() - started,
      }
    },
  }
}
