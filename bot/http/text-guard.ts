// Every string a request hands a /api/v1 route — body, query, path parameters, object keys included — is checked
// once, here, before the route's own zod schema: no NUL, no other control character but tab and line breaks, no
// unpaired surrogate (contacts/text). A bad one answers 400 VALIDATION_FAILED naming the field. Which texts must be
// one line (names, searches) each schema says with the shared lineText().
import type { FastifySchemaCompiler } from 'fastify';
import { DomainError, findBadText } from '../../contacts/index.ts';

export function guardText<S>(compile: FastifySchemaCompiler<S>): FastifySchemaCompiler<S> {
  return (routeSchema) => {
    const validate = compile(routeSchema);
    // Headers are Node's business (it refuses control characters in them already).
    if (routeSchema.httpPart === 'headers') return validate;
    return (data: unknown) => {
      const bad = findBadText(data);
      if (bad) {
        const field = bad.field || routeSchema.httpPart || 'request';
        return { error: new DomainError('VALIDATION_FAILED', `${field}: ${bad.message}`, field) };
      }
      return validate(data);
    };
  };
}
