import { inScope } from './rule-scope';

const G1 = '120363000000000001@g.us';
const G2 = '120363000000000002@g.us';

describe('inScope', () => {
  it('by default answers direct chats only', () => {
    expect(inScope({ chatTypes: ['direct'] }, 'direct', '6281@s.whatsapp.net')).toBe(true);
    expect(inScope({ chatTypes: ['direct'], groups: [] }, 'group', G1)).toBe(false);
  });

  it('`group` answers every group; named groups only those, whatever chatTypes says about groups', () => {
    expect(inScope({ chatTypes: ['group'] }, 'group', G1)).toBe(true);
    expect(inScope({ chatTypes: ['group'] }, 'direct', null)).toBe(false);
    expect(inScope({ chatTypes: ['direct'], groups: [G1] }, 'group', G1)).toBe(true);
    expect(inScope({ chatTypes: ['direct', 'group'], groups: [G1] }, 'group', G2)).toBe(false);
    expect(inScope({ chatTypes: ['direct'], groups: [G1] }, 'direct', null)).toBe(true);
    expect(inScope({ chatTypes: ['direct', 'group'] }, 'broadcast', null)).toBe(false);
  });
});
