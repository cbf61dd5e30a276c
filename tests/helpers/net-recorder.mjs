// Preloaded with `node --import` into a process under test (and, through execArgv, into its worker
// threads and the native engines' child processes): every outbound connection attempt — TCP/IPC sockets, UDP, DNS lookups, fetch — is
// appended to the file named by NET_RECORD_FILE, one JSON line each, before it is attempted.
import { appendFileSync } from 'node:fs'
import dgram from 'node:dgram'
import dns from 'node:dns'
import net from 'node:net'
import { threadId } from 'node:worker_threads'

const file = process.env.NET_RECORD_FILE
const record = (entry) => {
  if (file) appendFileSync(file, `${JSON.stringify({ pid: process.pid, thread: threadId, ...entry })}\n`)
}

// marks each process and thread that runs with the recorder (the engines' child processes must be among them)
record({ kind: 'loaded', main: process.argv[1] ?? null })

const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  const a = Array.isArray(args[0]) ? args[0][0] : args[0]
  if (a && typeof a === 'object')
    record(a.path ? { kind: 'ipc', path: a.path } : { kind: 'tcp', host: a.host ?? 'localhost', port: a.port })
  else if (typeof a === 'string' && Number.isNaN(Number(a))) record({ kind: 'ipc', path: a })
  else record({ kind: 'tcp', host: typeof args[1] === 'string' ? args[1] : 'localhost', port: a })
  return connect.apply(this, args)
}

for (const method of ['send', 'connect']) {
  const original = dgram.Socket.prototype[method]
  dgram.Socket.prototype[method] = function (...args) {
    const host = args.find((x, i) => i > 0 && typeof x === 'string')
    record({ kind: 'udp', host: host ?? 'localhost', method })
    return original.apply(this, args)
  }
}

for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  const cb = dns[name]
  dns[name] = function (host, ...rest) {
    record({ kind: 'dns', host })
    return cb.call(this, host, ...rest)
  }
  const p = dns.promises[name]
  dns.promises[name] = function (host, ...rest) {
    record({ kind: 'dns', host })
    return p.call(this, host, ...rest)
  }
}

const originalFetch = globalThis.fetch
globalThis.fetch = function (input, init) {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  record({ kind: 'fetch', url })
  return originalFetch.call(this, input, init)
}
