// Preloaded into the stand-in utility process (utility-process.ts): `process.parentPort` as
// Electron gives it, over Node's IPC channel (messages arrive as { data }).
process.parentPort = {
  postMessage: (m) => process.send(m),
  on: (_event, fn) => process.on('message', (data) => fn({ data })),
}
// the stand-in's parent is gone: so is it (Electron ends utility processes with the app)
process.on('disconnect', () => process.exit(0))
