import { badUserInput } from '../../platform/errors.js';
import { requireId } from '../../platform/pagination.js';
import { requireText } from '../../platform/text.js';

export const QUESTION_MAX = 300;
export const OPTION_MAX = 100;
export const OPTIONS_MIN = 2;
export const OPTIONS_MAX = 10;

export interface CreatePollArgs {
  question: string;
  options: readonly string[];
  closesAt?: Date | null | undefined;
  postId?: string | null | undefined;
}

export interface NewPoll {
  question: string;
  options: string[];
  closesAt: Date | null;
  postId: string | null;
}

/**
 * createPoll's input, trimmed and checked; BAD_USER_INPUT naming the field otherwise.
 * `now` is passed in so that "in the future" has one meaning per request.
 */
export function parseCreatePoll(input: CreatePollArgs, now: Date): NewPoll {
  // A question may span lines (a short explanation under it); an option is one line.
  const question = requireText(input.question, { field: 'question', max: QUESTION_MAX, multiline: true });
  if (input.options.length < OPTIONS_MIN || input.options.length > OPTIONS_MAX) {
    throw badUserInput(`options must hold ${OPTIONS_MIN} to ${OPTIONS_MAX} choices.`, 'options');
  }
  const options = input.options.map((option) => requireText(option, { field: 'options', max: OPTION_MAX }));
  // Compared without case, so "Yes" and "yes" cannot split one answer's votes in two.
  const seen = new Set<string>();
  for (const option of options) {
    const key = option.normalize('NFC').toLowerCase();
    if (seen.has(key)) throw badUserInput(`options must be distinct; "${option}" is given twice.`, 'options');
    seen.add(key);
  }
  const closesAt = input.closesAt ?? null;
  if (closesAt && closesAt.getTime() <= now.getTime()) throw badUserInput('closesAt must be in the future.', 'closesAt');
  const postId = input.postId == null ? null : requireId(input.postId, 'postId');
  return { question, options, closesAt, postId };
}

/** Whether a poll takes no more votes: closed by closePoll, or past its closesAt (no job needed). */
export const isClosed = (poll: { closedAt: Date | null; closesAt: Date | null }, now: Date): boolean =>
  poll.closedAt !== null || (poll.closesAt !== null && poll.closesAt.getTime() <= now.getTime());

/**
 * Each option's share of the votes in percent with one decimal, summing to exactly 100
 * when there are votes (largest remainder: rounding each share alone could miss 100 by up
 * to 0.5 with ten options); all 0 when there are none. Ties for a leftover tenth go to the
 * earlier option, so the answer is stable.
 */
export function percentages(votes: readonly number[]): number[] {
  const total = votes.reduce((sum, count) => sum + count, 0);
  if (total === 0) return votes.map(() => 0);
  const TENTHS = 1000;
  // Integer arithmetic throughout: a floating-point share could floor 250 to 249.
  const remainders = votes.map((count) => (count * TENTHS) % total);
  const tenths = votes.map((count, index) => (count * TENTHS - (remainders[index] ?? 0)) / total);
  const left = TENTHS - tenths.reduce((sum, value) => sum + value, 0);
  const byRemainder = remainders.map((remainder, index) => ({ index, remainder })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder.slice(0, left)) tenths[index] = (tenths[index] ?? 0) + 1;
  return tenths.map((value) => value / 10);
}
