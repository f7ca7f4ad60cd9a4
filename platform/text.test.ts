import { characterCount, optionalText, requireText } from './text.js';

const rule = { field: 'bio', max: 5 };

test('text is trimmed; blank is null for optional text and an error for required text', () => {
  expect(optionalText('  hi  ', rule)).toBe('hi');
  expect(optionalText('   ', rule)).toBeNull();
  expect(optionalText(null, rule)).toBeNull();
  expect(() => requireText('  ', rule)).toThrow('bio must not be empty.');
});

test('length counts characters, not UTF-16 units', () => {
  expect(characterCount('😀😀😀')).toBe(3);
  expect(optionalText('😀😀😀😀😀', rule)).toBe('😀😀😀😀😀');
  expect(() => optionalText('😀😀😀😀😀😀', rule)).toThrow('bio must be at most 5 characters.');
});

test('control characters are refused; newlines only where allowed', () => {
  expect(() => optionalText('a\u0000b', rule)).toThrow('not allowed');
  expect(() => optionalText('a\nb', rule)).toThrow('not allowed');
  expect(optionalText('a\nb', { ...rule, multiline: true })).toBe('a\nb');
});
