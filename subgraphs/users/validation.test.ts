import { parseEmail, parsePassword, parseUsername } from './validation.js';

test.each(['abc', 'Ada_Lovelace', 'x'.repeat(30), '  trimmed_ok  '])('the username %j is accepted', (username) => {
  expect(parseUsername(username)).toBe(username.trim());
});

test.each(['ab', 'x'.repeat(31), 'with space', 'dash-ed', 'dot.ted', 'at@sign', 'émile', ''])('the username %j is refused', (username) => {
  expect(() => parseUsername(username)).toThrow('username must be 3 to 30 letters, digits or underscores.');
});

test('emails are trimmed and lower-cased; malformed ones are refused', () => {
  expect(parseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
  for (const email of ['ada', 'ada@', '@example.com', 'ada@example', 'a da@example.com', 'a@b@example.com', `${'a'.repeat(65)}@example.com`]) {
    expect(() => parseEmail(email)).toThrow('email must be a valid email address.');
  }
});

test('passwords are 10 to 256 characters, counted as characters and never trimmed', () => {
  expect(parsePassword('          ')).toBe('          ');
  expect(parsePassword('🔑'.repeat(10))).toBe('🔑'.repeat(10));
  expect(() => parsePassword('🔑'.repeat(9))).toThrow('password must be 10 to 256 characters.');
  expect(parsePassword('p'.repeat(256))).toHaveLength(256);
  expect(() => parsePassword('p'.repeat(257), 'newPassword')).toThrow('newPassword must be 10 to 256 characters.');
});
