import { backupFileName, backupsToPrune } from './backup-rotation';

describe('backup rotation', () => {
  it('names a backup after its UTC time, to the millisecond, so names sort by age', () => {
    expect(backupFileName(new Date('2026-12-02T13:05:00.123Z'))).toBe(
      'gateway-backup-20261202T130500123Z.tar.gz',
    );
    const names = ['2026-12-02T09:00:00.000Z', '2026-11-30T23:59:59.999Z', '2026-12-02T09:00:00.001Z'].map(
      (t) => backupFileName(new Date(t)),
    );
    expect([...names].sort()).toEqual([names[1], names[0], names[2]]);
  });

  it('prunes all but the newest N scheduled backups and leaves other files alone', () => {
    const at = (t: string) => backupFileName(new Date(t));
    const names = [
      at('2026-12-01T00:00:00.000Z'),
      'notes.txt',
      at('2026-12-03T00:00:00.000Z'),
      'gateway-backup-manual.tar.gz',
      at('2026-12-02T00:00:00.000Z'),
      `${at('2026-11-01T00:00:00.000Z')}.partial`,
    ];
    expect(backupsToPrune(names, 2)).toEqual([at('2026-12-01T00:00:00.000Z')]);
    expect(backupsToPrune(names, 1)).toEqual([
      at('2026-12-02T00:00:00.000Z'),
      at('2026-12-01T00:00:00.000Z'),
    ]);
    expect(backupsToPrune(names, 5)).toEqual([]);
  });
});
