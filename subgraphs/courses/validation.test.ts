import { parseCourseInput, parseCourseUpdate, parseLessonInput, parseQuizInput, scoreQuiz, share } from './validation.js';

const fieldOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return (error as { extensions: { code: string; field: string } }).extensions;
  }
  throw new Error('expected BAD_USER_INPUT');
};

const question = (overrides: Partial<{ prompt: string; choices: string[]; correctChoice: number }> = {}) => ({ prompt: 'Why?', choices: ['a', 'b'], correctChoice: 0, ...overrides });

describe('course and lesson input', () => {
  test('titles are 1 to 200 characters of one line; descriptions 0 to 5,000', () => {
    expect(parseCourseInput({ title: '  Hello  ', description: '' })).toEqual({ title: 'Hello', description: '' });
    expect(parseCourseInput({ title: 'x'.repeat(200), description: 'y\n'.repeat(2_000) }).title).toHaveLength(200);
    expect(fieldOf(() => parseCourseInput({ title: ' ', description: '' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'title' });
    expect(fieldOf(() => parseCourseInput({ title: 'x'.repeat(201), description: '' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'title' });
    expect(fieldOf(() => parseCourseInput({ title: 'a\nb', description: '' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'title' });
    expect(fieldOf(() => parseCourseInput({ title: 'ok', description: 'd'.repeat(5_001) }))).toEqual({ code: 'BAD_USER_INPUT', field: 'description' });
    expect(fieldOf(() => parseCourseInput({ title: 'ok', description: 'nul\u0000' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'description' });
  });

  test('an update changes only the fields given', () => {
    expect(parseCourseUpdate({})).toEqual({});
    expect(parseCourseUpdate({ title: null, description: ' new ' })).toEqual({ description: 'new' });
  });

  test('lessons: content up to 100,000 characters, durationMinutes 1 to 1,440 or null', () => {
    expect(parseLessonInput({ title: 'L', content: 'c'.repeat(100_000) }).durationMinutes).toBeNull();
    expect(parseLessonInput({ title: 'L', content: '', durationMinutes: 1_440 })).toEqual({ title: 'L', content: '', durationMinutes: 1_440 });
    expect(fieldOf(() => parseLessonInput({ title: 'L', content: 'c'.repeat(100_001) }))).toEqual({ code: 'BAD_USER_INPUT', field: 'content' });
    for (const durationMinutes of [0, 1_441, -5]) {
      expect(fieldOf(() => parseLessonInput({ title: 'L', content: '', durationMinutes }))).toEqual({ code: 'BAD_USER_INPUT', field: 'durationMinutes' });
    }
  });
});

describe('quiz input', () => {
  test('1 to 50 questions and a passing score from 0 to 1', () => {
    expect(parseQuizInput({ questions: [question()], passingScore: 0 }).questions).toHaveLength(1);
    expect(parseQuizInput({ questions: Array.from({ length: 50 }, () => question()), passingScore: 1 }).questions).toHaveLength(50);
    expect(fieldOf(() => parseQuizInput({ questions: [], passingScore: 0.5 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'questions' });
    expect(fieldOf(() => parseQuizInput({ questions: Array.from({ length: 51 }, () => question()), passingScore: 0.5 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'questions' });
    for (const passingScore of [-0.1, 1.01, Number.NaN]) {
      expect(fieldOf(() => parseQuizInput({ questions: [question()], passingScore }))).toEqual({ code: 'BAD_USER_INPUT', field: 'passingScore' });
    }
  });

  test('2 to 6 distinct, non-empty choices and a correct choice that indexes one', () => {
    const bad = (overrides: Parameters<typeof question>[0]) => fieldOf(() => parseQuizInput({ questions: [question(), question(overrides)], passingScore: 0.5 }));
    expect(bad({ choices: ['only'] })).toEqual({ code: 'BAD_USER_INPUT', field: 'questions.1.choices' });
    expect(bad({ choices: ['1', '2', '3', '4', '5', '6', '7'] })).toEqual({ code: 'BAD_USER_INPUT', field: 'questions.1.choices' });
    expect(bad({ choices: ['same', ' same '] })).toEqual({ code: 'BAD_USER_INPUT', field: 'questions.1.choices' });
    expect(bad({ choices: ['a', '  '] })).toEqual({ code: 'BAD_USER_INPUT', field: 'questions.1.choices' });
    expect(bad({ correctChoice: 2 })).toEqual({ code: 'BAD_USER_INPUT', field: 'questions.1.correctChoice' });
    expect(bad({ correctChoice: -1 })).toEqual({ code: 'BAD_USER_INPUT', field: 'questions.1.correctChoice' });
    expect(bad({ prompt: '' })).toEqual({ code: 'BAD_USER_INPUT', field: 'questions.1.prompt' });
    expect(parseQuizInput({ questions: [question({ choices: ['1', '2', '3', '4', '5', '6'], correctChoice: 5 })], passingScore: 0.5 }).questions[0]?.correctChoice).toBe(5);
  });
});

describe('scoring', () => {
  const questions = [
    { choices: ['a', 'b'], correctChoice: 1 },
    { choices: ['a', 'b', 'c'], correctChoice: 2 },
    { choices: ['a', 'b'], correctChoice: 0 },
  ];

  test('the score is the share answered correctly; it passes at or above the passing score', () => {
    expect(scoreQuiz(questions, 1, [1, 2, 0])).toEqual({ score: 1, passed: true });
    expect(scoreQuiz(questions, 2 / 3, [1, 2, 1])).toEqual({ score: 2 / 3, passed: true });
    expect(scoreQuiz(questions, 0.7, [1, 2, 1])).toEqual({ score: 2 / 3, passed: false });
    expect(scoreQuiz(questions, 0, [0, 0, 1])).toEqual({ score: 0, passed: true });
  });

  test('one answer per question, each an index into its choices', () => {
    expect(fieldOf(() => scoreQuiz(questions, 0.5, [1, 2]))).toEqual({ code: 'BAD_USER_INPUT', field: 'answers' });
    expect(fieldOf(() => scoreQuiz(questions, 0.5, [1, 2, 0, 0]))).toEqual({ code: 'BAD_USER_INPUT', field: 'answers' });
    expect(fieldOf(() => scoreQuiz(questions, 0.5, [1, 3, 0]))).toEqual({ code: 'BAD_USER_INPUT', field: 'answers' });
    expect(fieldOf(() => scoreQuiz(questions, 0.5, [-1, 2, 0]))).toEqual({ code: 'BAD_USER_INPUT', field: 'answers' });
  });

  test('a share is 0 when the whole is empty and never leaves 0 to 1', () => {
    expect(share(0, 0)).toBe(0);
    expect(share(1, 4)).toBe(0.25);
    expect(share(5, 4)).toBe(1);
  });
});
