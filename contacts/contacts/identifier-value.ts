// A contact's or user's phone or email, from the identifiers loaded with it.
import type { IdentifierKind } from './identifiers.ts';

/** The value of the identifier of `kind` in `identifiers`, or null when there is none. */
export function identifierValue(
  identifiers: readonly { kind: string; value: string }[],
  kind: IdentifierKind,
): string | null {
  return identifiers.find((i) => i.kind === kind)?.value ?? null;
}
