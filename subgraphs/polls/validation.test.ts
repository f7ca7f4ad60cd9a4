import { GraphQLError } from 'graphql';
import { isClosed, parseCreatePoll, percentages } from './validation.js';

const now = new Date('2026-11-23T10:00:00.000Z');
const valid = { question: '  Tabs or spaces?  ', options: [' Tabs ', 'Spaces'] };

/** The code and field of the error `run` throws. */
function refusal(run: () => unknown): { code: unknown; field: unknown } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { code, field } = (error as GraphQLError).extensions;
    return { code, field };
  }
  throw new Error('expected a refusal');
}

describe('parseCreatePoll', () => {
  test('trims the question and options and keeps their order', () => {
    expect(parseCreatePoll(valid, now)).toEqual({ question: 'Tabs or spaces?', options: ['Tabs', 'Spaces'], closesAt: null, postId: null });
  });

  test('accepts the limits: 300-character question, ten 100-character options, a question over two lines', () => {
    const options = Array.from({ length: 10 }, (_, index) => `${index}`.padEnd(100, 'x'));
    expect(parseCreatePoll({ question: 'q'.repeat(300), options }, now).options).toEqual(options);
    expect(parseCreatePoll({ question: 'Which?\n(pick one)', options: ['a', 'b'] }, now).question).toBe('Which?\n(pick one)');
    expect(parseCreatePoll({ question: '🗳'.repeat(300), options: ['🅰'.repeat(100), 'b'] }, now).question).toHaveLength(600);
  });

  test.each([
    ['an empty question', { ...valid, question: '   ' }, 'question'],
    ['a 301-character question', { ...valid, question: 'q'.repeat(301) }, 'question'],
    ['a question with a NUL', { ...valid, question: 'why\u0000' }, 'question'],
    ['one option', { ...valid, options: ['only'] }, 'options'],
    ['eleven options', { ...valid, options: Array.from({ length: 11 }, (_, index) => `o${index}`) }, 'options'],
    ['a blank option', { ...valid, options: ['a', '  '] }, 'options'],
    ['a 101-character option', { ...valid, options: ['a', 'o'.repeat(101)] }, 'options'],
    ['an option over two lines', { ...valid, options: ['a', 'b\nc'] }, 'options'],
    ['options equal after trimming', { ...valid, options: ['yes', ' yes '] }, 'options'],
    ['options equal but for case', { ...valid, options: ['Yes', 'no', 'YES'] }, 'options'],
    ['a closesAt now', { ...valid, closesAt: now }, 'closesAt'],
    ['a closesAt in the past', { ...valid, closesAt: new Date(now.getTime() - 1) }, 'closesAt'],
    ['a malformed postId', { ...valid, postId: 'post-1' }, 'postId'],
  ])('refuses %s with BAD_USER_INPUT on the field', (_, input, field) => {
    expect(refusal(() => parseCreatePoll(input, now))).toEqual({ code: 'BAD_USER_INPUT', field });
  });

  test('keeps a future closesAt and lower-cases the postId', () => {
    const closesAt = new Date(now.getTime() + 1);
    expect(parseCreatePoll({ ...valid, closesAt, postId: '01910000-0000-7000-8000-0000000000AB' }, now)).toMatchObject({
      closesAt,
      postId: '01910000-0000-7000-8000-0000000000ab',
    });
  });
});

test('isClosed: closed by closePoll, or once closesAt is reached, without a job', () => {
  expect(isClosed({ closedAt: null, closesAt: null }, now)).toBe(false);
  expect(isClosed({ closedAt: now, closesAt: null }, now)).toBe(true);
  expect(isClosed({ closedAt: null, closesAt: new Date(now.getTime() + 1) }, now)).toBe(false);
  expect(isClosed({ closedAt: null, closesAt: now }, now)).toBe(true);
});

describe('percentages', () => {
  const sum = (values: number[]) => Math.round(values.reduce((total, value) => total + value, 0) * 10) / 10;

  test('are 0 for every option when nobody voted', () => {
    expect(percentages([0, 0, 0])).toEqual([0, 0, 0]);
  });

  test('have one decimal and sum to exactly 100', () => {
    expect(percentages([1, 1, 1])).toEqual([33.4, 33.3, 33.3]);
    expect(percentages([1, 2])).toEqual([33.3, 66.7]);
    expect(percentages([3, 0, 1])).toEqual([75, 0, 25]);
    expect(percentages([7, 0])).toEqual([100, 0]);
    // Rounding each share alone would give 10 × 14.3 = 143 for seven options of one vote.
    expect(sum(percentages([1, 1, 1, 1, 1, 1, 1]))).toBe(100);
  });

  test('sum to 100 for many random tallies, each share within 0.1 of the exact one', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 500; round += 1) {
      const votes = Array.from({ length: 2 + Math.floor(random() * 9) }, () => Math.floor(random() * 1_000));
      const total = votes.reduce((all, count) => all + count, 0);
      const shares = percentages(votes);
      if (total === 0) continue;
      expect(sum(shares)).toBe(100);
      for (const [index, share] of shares.entries()) {
        expect(Math.abs(share - (votes[index]! * 100) / total)).toBeLessThan(0.1 + 1e-9);
        expect(Math.round(share * 10)).toBeCloseTo(share * 10, 9);
      }
    }
  });
});
