// zod failures as DomainError VALIDATION_FAILED naming the first bad field.
import type { z } from 'zod';
import { DomainError } from './errors.ts';

export function validationError(error: z.ZodError): DomainError {
  const issue = error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'invalid input';
  return new DomainError('VALIDATION_FAILED', message, field, {
    issues: error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
  });
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}
