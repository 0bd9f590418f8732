// Preloaded after ts-node/register in the benchmarks' TypeScript child processes (the raw Baileys baseline and
// the sandbox). ts-node installs source-map support, which rewrites every captured stack trace through the
// source maps; Baileys captures one per message sent (promiseTimeout), so that costs the baseline ~15 % of its
// CPU that the compiled gateway (node dist/main.js) does not pay. Node's own stack formatting again, so both
// sides of a comparison run the same way.
Error.prepareStackTrace = undefined;
