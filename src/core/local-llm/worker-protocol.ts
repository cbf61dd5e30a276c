/** Messages between the engine (in the host process) and its child process (llm-worker.ts). */
export type ToWorker =
  | { type: 'status' }
  | {
      type: 'generate'
      id: number
      modelPath: string
      contextTokens: number
      system: string
      user: string
      maxTokens: number
      temperature: number
    }
  | { type: 'cancel'; id: number }
  | { type: 'close' }

export type FromWorker =
  | { type: 'status'; gpu: false | string; devices: string[]; threads: number; loadedModel: string | null }
  | { type: 'closed' }
  /** a generation starts: if the engine aborts now, it is this one's model */
  | { type: 'running'; id: number }
  | { type: 'delta'; id: number; text: string }
  | { type: 'done'; id: number; text: string; inputTokens: number; outputTokens: number; cancelled: boolean }
  | { type: 'error'; id: number; kind: 'load' | 'context' | 'generate'; message: string }
