import { characterCount, hasForbiddenCharacter, optionalText, requireText } from './text.js';

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

test('any input: C0 controls, DEL, U+FFFE/U+FFFF and lone surrogates are forbidden; tab, newline, CR and pairs are not', () => {
  for (const bad of ['a\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001b[2J', '\u001f', '\u007f', '\ufffe', '\uffff', 'x\ud800', '\udc00y']) {
    expect([bad, hasForbiddenCharacter(bad)]).toEqual([bad, true]);
  }
  for (const good of ['plain', 'a\tb', 'a\nb', 'a\r\nb', '😀', '\ud83d\ude00', 'ünïcødé', '\u0085', '\ufffd']) {
    expect([good, hasForbiddenCharacter(good)]).toEqual([good, false]);
  }
});
