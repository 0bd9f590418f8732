import { customHeadersProblem, MASKED_HEADER_VALUE, maskHeaders, mergeMaskedHeaders } from './custom-headers';

describe('custom headers', () => {
  it('masks every value and keeps the names', () => {
    expect(maskHeaders({ Authorization: 'Bearer x', 'X-Env': 'prod' })).toEqual({
      Authorization: MASKED_HEADER_VALUE,
      'X-Env': MASKED_HEADER_VALUE,
    });
    expect(maskHeaders({})).toEqual({});
  });

  it('a masked value sent back keeps the stored one; new values replace; omitted headers go', () => {
    const stored = { Authorization: 'Bearer x', 'X-Env': 'prod', 'X-Old': 'o' };
    expect(mergeMaskedHeaders({ Authorization: MASKED_HEADER_VALUE, 'X-Env': 'staging' }, stored)).toEqual({
      headers: { Authorization: 'Bearer x', 'X-Env': 'staging' },
      problem: null,
    });
  });

  it('refuses a masked value for a header with nothing stored, without quoting values', () => {
    const { problem } = mergeMaskedHeaders({ 'X-New': MASKED_HEADER_VALUE }, { Authorization: 'Bearer x' });
    expect(problem).toMatch(/"X-New" is masked/);
    expect(problem).not.toContain('Bearer');
  });

  it('still checks names and values', () => {
    expect(customHeadersProblem({ 'webhook-id': 'x' })).toMatch(/set by the gateway/);
    expect(customHeadersProblem({ 'X-A': 'a\r\nb' })).toMatch(/line breaks/);
    expect(customHeadersProblem({ 'X-A': 'a' })).toBeNull();
  });
});
