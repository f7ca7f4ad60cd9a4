import { Kind } from 'graphql';
import { DateTime } from './scalars.js';

test('DateTime serialises to ISO 8601 UTC with milliseconds', () => {
  expect(DateTime.serialize(new Date(Date.UTC(2026, 10, 21, 9, 30)))).toBe('2026-11-21T09:30:00.000Z');
});

test('DateTime accepts ISO 8601 with an offset and refuses anything ambiguous', () => {
  expect(DateTime.parseValue('2026-11-21T10:30:00+01:00')).toEqual(new Date('2026-11-21T09:30:00.000Z'));
  expect(DateTime.parseLiteral({ kind: Kind.STRING, value: '2026-11-21T09:30Z' })).toEqual(new Date('2026-11-21T09:30:00.000Z'));
  for (const bad of ['2026-11-21', '2026-11-21T09:30:00', 'yesterday', 1_700_000_000, '2026-13-45T99:99:99Z']) {
    expect(() => DateTime.parseValue(bad)).toThrow(/ISO 8601/);
  }
});
