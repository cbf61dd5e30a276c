import type { EventName, EventPayload } from '../shared/contract'

type Listener = (name: EventName, payload: unknown) => void

/** Core → shells: every event goes to every subscriber (the IPC adapter, the web host's SSE). */
export class EventBus {
  private listeners = new Set<Listener>()

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    for (const l of this.listeners) l(name, payload)
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
