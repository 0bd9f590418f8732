import { Counter, Histogram, Registry } from 'prom-client';
import { parsePrometheusText, Scrape } from './support/prometheus-text';

describe('the strict Prometheus text reader used by the metrics tests', () => {
  it("reads prom-client's output, labelled histograms included", async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'c_total', help: 'a "counter"', labelNames: ['a'], registers: [registry] });
    const h = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['a'], registers: [registry] });
    c.inc({ a: 'x"y\\z' }, 2);
    h.observe({ a: '1' }, 0.3);
    h.observe({ a: '2' }, 3);
    h.observe({ a: '2' }, 4);
    const scrape = new Scrape(await registry.metrics());
    expect(scrape.value('c_total', { a: 'x"y\\z' })).toBe(2);
    expect(scrape.count('h_seconds', { a: '1' })).toBe(1);
    expect(scrape.count('h_seconds', { a: '2' })).toBe(2);
    expect(scrape.family('h_seconds').type).toBe('histogram');
  });

  it('refuses what is not the format', () => {
    const ok = '# HELP m m\n# TYPE m gauge\nm{a="1"} 1\n';
    expect(() => parsePrometheusText(ok)).not.toThrow();
    expect(parsePrometheusText('# HELP m m\n# TYPE m gauge\nm Nan\n').get('m')?.samples[0].value).toBeNaN();
    expect(() => parsePrometheusText(ok.slice(0, -1))).toThrow('newline');
    expect(() => parsePrometheusText('# HELP m m\n# TYPE m gauge\nm{a=1} 1\n')).toThrow('labels');
    expect(() => parsePrometheusText('# HELP m m\n# TYPE m gauge\nm 1x\n')).toThrow('value');
    expect(() => parsePrometheusText('# HELP m m\n# TYPE m gauge\nother 1\n')).toThrow('outside');
    expect(() => parsePrometheusText(ok + 'm{a="1"} 2\n')).toThrow('duplicate');
    expect(() =>
      parsePrometheusText(
        '# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      ),
    ).toThrow('cumulative');
  });
});
