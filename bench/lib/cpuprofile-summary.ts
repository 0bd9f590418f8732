/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package / source file, and
 * total (inclusive) time of the gateway's own functions.
 * Run: npx ts-node --transpile-only bench/lib/cpuprofile-summary.ts <file.cpuprofile> [top=25]
 */
import * as fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

function owner(url: string): string {
  if (!url) return '(native/VM)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 1) : url;
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Percentages are of busy time: idle samples (the process waiting for work) are left out.
  const idle = profile.nodes
    .filter((n) => n.callFrame.functionName === '(idle)')
    .reduce((a, n) => a + (n.hitCount ?? 0), 0);
  const totalHits = profile.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0) - idle;
  const self = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const n of profile.nodes) {
    const h = n.hitCount ?? 0;
    if (!h || n.callFrame.functionName === '(idle)') continue;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${owner(f.url)}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + h);
    pkg.set(owner(f.url), (pkg.get(owner(f.url)) ?? 0) + h);
  }
  // Inclusive time of functions in dist/ (the gateway's code), counted once per stack.
  const inclusive = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const n = byId.get(id)!;
    const f = n.callFrame;
    const key = f.url.includes('/dist/')
      ? `${f.functionName || '(anonymous)'} ${owner(f.url)}:${f.lineNumber + 1}`
      : '';
    let hits = n.hitCount ?? 0;
    const added = key && !onStack.has(key);
    if (added) onStack.add(key);
    for (const c of n.children ?? []) hits += walk(c, onStack);
    if (added) {
      onStack.delete(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + hits);
    }
    return hits;
  };
  walk(profile.nodes[0].id, new Set());
  const pct = (h: number) => ((100 * h) / totalHits).toFixed(1).padStart(5) + ' %';
  const print = (title: string, m: Map<string, number>, k = top) => {
    console.log(`\n${title}`);
    for (const [key, h] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k))
      console.log(`${pct(h)}  ${key}`);
  };
  console.log(
    `${file}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, ${totalHits} busy samples (${idle} idle left out); % of busy time`,
  );
  print('Self time by package / file', pkg);
  print('Self time by function', self);
  print('Inclusive time of gateway functions (dist/)', inclusive);
}

main();
