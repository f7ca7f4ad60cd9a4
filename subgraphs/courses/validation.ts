import { badUserInput } from '../../platform/errors.js';
import { optionalText, requireText } from '../../platform/text.js';

/** What the authoring mutations accept; every rule here is the schema's descriptions. */
export const LIMITS = {
  title: 200,
  description: 5_000,
  content: 100_000,
  durationMinutes: 1_440,
  prompt: 1_000,
  choice: 200,
  questions: { min: 1, max: 50 },
  choices: { min: 2, max: 6 },
} as const;

export interface CourseFields {
  title: string;
  description: string;
}

export interface LessonFields {
  title: string;
  content: string;
  durationMinutes: number | null;
}

export interface QuestionFields {
  prompt: string;
  choices: string[];
  correctChoice: number;
}

export interface QuizFields {
  questions: QuestionFields[];
  passingScore: number;
}

const title = (value: string): string => requireText(value, { field: 'title', max: LIMITS.title });
const description = (value: string): string => optionalText(value, { field: 'description', max: LIMITS.description, multiline: true }) ?? '';

export const parseCourseInput = (input: { title: string; description: string }): CourseFields => ({ title: title(input.title), description: description(input.description) });

/** Only the fields given change; an explicit null is the same as leaving one out. */
export function parseCourseUpdate(input: { title?: string | null; description?: string | null }): Partial<CourseFields> {
  return {
    ...(input.title != null && { title: title(input.title) }),
    ...(input.description != null && { description: description(input.description) }),
  };
}

export function parseLessonInput(input: { title: string; content: string; durationMinutes?: number | null }): LessonFields {
  const duration = input.durationMinutes ?? null;
  if (duration !== null && (!Number.isInteger(duration) || duration < 1 || duration > LIMITS.durationMinutes)) {
    throw badUserInput(`durationMinutes must be between 1 and ${LIMITS.durationMinutes}, or null.`, 'durationMinutes');
  }
  return {
    title: title(input.title),
    content: optionalText(input.content, { field: 'content', max: LIMITS.content, multiline: true }) ?? '',
    durationMinutes: duration,
  };
}

export function parseQuizInput(input: { questions: ReadonlyArray<{ prompt: string; choices: readonly string[]; correctChoice: number }>; passingScore: number }): QuizFields {
  const { min, max } = LIMITS.questions;
  if (input.questions.length < min || input.questions.length > max) throw badUserInput(`A quiz has ${min} to ${max} questions.`, 'questions');
  if (!Number.isFinite(input.passingScore) || input.passingScore < 0 || input.passingScore > 1) {
    throw badUserInput('passingScore must be between 0 and 1.', 'passingScore');
  }
  const questions = input.questions.map((question, index) => {
    const at = `questions.${index}`;
    const prompt = requireText(question.prompt, { field: `${at}.prompt`, max: LIMITS.prompt, multiline: true });
    if (question.choices.length < LIMITS.choices.min || question.choices.length > LIMITS.choices.max) {
      throw badUserInput(`Question ${index + 1} needs ${LIMITS.choices.min} to ${LIMITS.choices.max} choices.`, `${at}.choices`);
    }
    const choices = question.choices.map((choice) => requireText(choice, { field: `${at}.choices`, max: LIMITS.choice }));
    if (new Set(choices).size !== choices.length) throw badUserInput(`Question ${index + 1} has the same choice twice.`, `${at}.choices`);
    if (!Number.isInteger(question.correctChoice) || question.correctChoice < 0 || question.correctChoice >= choices.length) {
      throw badUserInput(`Question ${index + 1}'s correctChoice must index one of its ${choices.length} choices.`, `${at}.correctChoice`);
    }
    return { prompt, choices, correctChoice: question.correctChoice };
  });
  return { questions, passingScore: input.passingScore };
}

/**
 * The share of questions answered correctly, and whether it passes. `answers` must hold one
 * index per question, in question order, each into that question's choices.
 */
export function scoreQuiz(
  questions: ReadonlyArray<{ choices: readonly string[]; correctChoice: number }>,
  passingScore: number,
  answers: readonly number[],
): { score: number; passed: boolean } {
  if (answers.length !== questions.length) throw badUserInput(`Give one answer per question: ${questions.length} answers.`, 'answers');
  let correct = 0;
  for (const [index, question] of questions.entries()) {
    const answer = answers[index]!;
    if (!Number.isInteger(answer) || answer < 0 || answer >= question.choices.length) {
      throw badUserInput(`Answer ${index + 1} must index one of question ${index + 1}'s ${question.choices.length} choices.`, 'answers');
    }
    if (answer === question.correctChoice) correct += 1;
  }
  const score = correct / questions.length;
  return { score, passed: score >= passingScore };
}

/** `part / whole` as a share from 0 to 1; 0 when the whole is empty (no enrolments, no lessons). */
export const share = (part: number, whole: number): number => (whole > 0 ? Math.min(1, Math.max(0, part / whole)) : 0);
