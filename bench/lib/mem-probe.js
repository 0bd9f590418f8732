// Preloaded (`node --expose-gc -r bench/lib/mem-probe.js ...`) into a process under test: on an IPC
// `{type: 'mem'}` message it forces two full GCs, in the main thread and in every worker thread (the gateway's
// engine thread holds the Baileys sockets; Node runs this preload in workers too), and answers with
// process.memoryUsage() (RSS is the whole process's; heap figures are the main thread's).
'use strict';
const { isMainThread } = require('node:worker_threads');
const channel = new BroadcastChannel('mem-probe');
channel.unref();
const collect = () => {
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
};
if (!isMainThread) {
  channel.onmessage = collect;
} else if (process.send) {
  process.on('message', (m) => {
    if (!m || m.type !== 'mem') return;
    channel.postMessage('gc');
    collect();
    setTimeout(() => process.send({ type: 'mem', mem: process.memoryUsage() }), 200);
  });
  // Do not let the IPC channel keep a process alive that would otherwise exit.
  if (process.channel && process.channel.unref) process.channel.unref();
}
