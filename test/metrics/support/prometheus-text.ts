/**
 * A minimal strict reader of the Prometheus text exposition format 0.0.4, for tests. (The parser package on the
 * registry, parse-prometheus-text-format, merges the series of a labelled histogram into one, so it cannot
 * check ours.) It throws on anything it does not expect: a malformed line, a sample of an undeclared family, a
 * duplicate series, a histogram whose buckets are not cumulative or whose +Inf bucket is not its count.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL_PAIR = new RegExp(`^(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"(,|$)`);
const SUFFIXES: Record<Family['type'], string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/**
 * A sample value. Like Prometheus' own parser (Go's strconv.ParseFloat), NaN and Inf are read in any case:
 * prom-client writes NaN as `Nan` (e.g. the event-loop lag gauges between two scrapes close together).
 */
function parseValue(text: string, line: string): number {
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value in: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length) {
    const m = LABEL_PAIR.exec(rest);
    if (!m) throw new Error(`bad labels in: ${line}`);
    if (m[1] in labels) throw new Error(`duplicate label ${m[1]} in: ${line}`);
    labels[m[1]] = m[2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  let current: Family | null = null;
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = HELP_LINE.exec(line))) {
      if (families.has(m[1])) throw new Error(`family ${m[1]} declared twice`);
      current = { name: m[1], help: m[2], type: 'untyped', samples: [] };
      families.set(m[1], current);
    } else if ((m = TYPE_LINE.exec(line))) {
      if (current?.name !== m[1] || current.samples.length) throw new Error(`TYPE out of place: ${line}`);
      current.type = m[2] as Family['type'];
    } else if (line.startsWith('#')) {
      throw new Error(`unexpected comment: ${line}`);
    } else if ((m = SAMPLE_LINE.exec(line))) {
      const [, name, labelText, valueText] = m;
      if (!current || !SUFFIXES[current.type].some((s) => name === current!.name + s))
        throw new Error(`sample outside its family: ${line}`);
      const labels = parseLabels(labelText ?? '', line);
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(key)) throw new Error(`duplicate series: ${line}`);
      seen.add(key);
      current.samples.push({ name, labels, value: parseValue(valueText, line) });
    } else {
      throw new Error(`malformed line: ${line}`);
    }
  }
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

/** Buckets cumulative in `le` order, ending with +Inf equal to `_count`, per series. */
function checkHistogram(f: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  const keyOf = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== 'le')
        .sort(),
    );
  for (const s of f.samples) {
    const entry = series.get(keyOf(s.labels)) ?? { buckets: [] };
    series.set(keyOf(s.labels), entry);
    if (s.name.endsWith('_bucket')) entry.buckets.push([parseValue(s.labels.le ?? '', 'le'), s.value]);
    if (s.name.endsWith('_count')) entry.count = s.value;
  }
  for (const [key, { buckets, count }] of series) {
    const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
    if (sorted.at(-1)?.[0] !== Infinity || sorted.at(-1)?.[1] !== count)
      throw new Error(`histogram ${f.name}${key}: +Inf bucket is not the count`);
    sorted.forEach(([, n], i) => {
      if (i && n < sorted[i - 1][1]) throw new Error(`histogram ${f.name}${key}: buckets not cumulative`);
    });
  }
}

/** A parsed /metrics answer with lookups for tests. */
export class Scrape {
  readonly families: Map<string, Family>;

  constructor(readonly text: string) {
    this.families = parsePrometheusText(text);
  }

  family(name: string): Family {
    const f = this.families.get(name);
    if (!f) throw new Error(`no metric ${name} in the scrape`);
    return f;
  }

  private matching(sampleName: string, family: string, labels: Record<string, string>): Sample[] {
    return this.family(family).samples.filter(
      (s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
  }

  /** The sum of a counter's or gauge's samples whose labels include `labels` (0 when none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, name, labels).reduce((sum, s) => sum + s.value, 0);
  }

  /** The observation count of a histogram's series whose labels include `labels`. */
  count(name: string, labels: Record<string, string> = {}): number {
    return this.matching(`${name}_count`, name, labels).reduce((sum, s) => sum + s.value, 0);
  }
}
