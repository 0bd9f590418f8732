import { defaultScanPhone } from './scan-phone';

describe('defaultScanPhone', () => {
  it('gives default the first sandbox number', () => {
    expect(defaultScanPhone('default')).toBe('6280000000001');
  });

  it('gives every other session its own number, the same each time', () => {
    const sales = defaultScanPhone('sales');
    expect(sales).toMatch(/^6289\d{9}$/);
    expect(defaultScanPhone('sales')).toBe(sales);
    const others = ['support', 'sales-2', 'a', 'b'].map(defaultScanPhone);
    expect(new Set([sales, ...others]).size).toBe(5);
  });
});
