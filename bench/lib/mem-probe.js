// Preloaded (`node --expose-gc -r bench/lib/mem-probe.js ...`) into a process under test: on an IPC
// `{type: 'mem'}` message it forces two full GCs and answers with process.memoryUsage().
'use strict';
if (process.send) {
  process.on('message', (m) => {
    if (!m || m.type !== 'mem') return;
    if (typeof global.gc === 'function') {
      global.gc();
      global.gc();
    }
    setTimeout(() => process.send({ type: 'mem', mem: process.memoryUsage() }), 200);
  });
  // Do not let the IPC channel keep a process alive that would otherwise exit.
  if (process.channel && process.channel.unref) process.channel.unref();
}
