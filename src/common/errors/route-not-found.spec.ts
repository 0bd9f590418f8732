import { routeNotFoundDetails } from './route-not-found';

describe('routeNotFoundDetails', () => {
  it('repeats a short, plain path', () => {
    expect(routeNotFoundDetails('GET', '/api/nope')).toBe('No route for GET /api/nope');
    expect(routeNotFoundDetails('DELETE', '/api/sessions/a-b_c.d~e')).toBe(
      'No route for DELETE /api/sessions/a-b_c.d~e',
    );
  });

  it('hides long or unusual paths and methods', () => {
    expect(routeNotFoundDetails('GET', '/api/' + 'a'.repeat(200))).toBe('No route for GET (path not shown)');
    expect(routeNotFoundDetails('GET', '/api/%3Cscript%3E')).toBe('No route for GET (path not shown)');
    expect(routeNotFoundDetails('GET', '/api/<b>\'"')).toBe('No route for GET (path not shown)');
    expect(routeNotFoundDetails('x<y', '/api')).toBe('No route for this method /api');
  });
});
