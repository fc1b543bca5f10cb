import type { FieldProblem, Problem } from './types';

// An answer of the server that was not a success, or no answer at all (status 0).
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, message: string, problem: Problem | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get fieldProblems(): FieldProblem[] {
    return this.problem?.errors ?? [];
  }
}

const statusWords: Record<number, string> = {
  400: 'The request was not understood',
  404: 'It does not exist (any more)',
  409: 'That conflicts with what is already there',
  413: 'That is too large for the server',
  415: 'The server expected JSON',
  422: 'The server refused the values',
  500: 'The server failed; its log has the details',
  503: 'The server is not ready',
};

// What went wrong, in one sentence a person can act on.
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function problemMessage(status: number, problem: Problem | null): string {
  const detail = problem?.detail?.trim();
  if (detail) return sentence(detail);
  return `${statusWords[status] ?? problem?.title ?? `The server answered ${status}`}.`;
}

function sentence(text: string): string {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

// The problems of a 422 (or 400, 409) keyed by the JSON Pointer of the field they name, so a
// form can show each at its field. Problems that name no field are under ''.
export function problemsByPointer(error: unknown): Map<string, string> {
  const byPointer = new Map<string, string>();
  if (!(error instanceof ApiError)) return byPointer;
  for (const problem of error.fieldProblems) {
    const key = problem.pointer ?? (problem.parameter !== undefined ? `?${problem.parameter}` : '');
    const known = byPointer.get(key);
    byPointer.set(key, known ? `${known} ${sentence(problem.detail)}` : sentence(problem.detail));
  }
  return byPointer;
}

// A JSON Pointer token for a name (RFC 6901): "~" is "~0", "/" is "~1".
export function pointerToken(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

// The problems of a refused request at the fields of a form (`known` pointers); what names no
// field of the form (or no field at all) is under '', with the message of the answer when none
// of its problems has a field here.
export function errorsAtFields(error: unknown, known: readonly string[]): Map<string, string> {
  const byPointer = problemsByPointer(error);
  const atFields = new Map<string, string>();
  const elsewhere: string[] = [];
  for (const [pointer, detail] of byPointer) {
    const field = known.find((candidate) => pointer === candidate || pointer.startsWith(`${candidate}/`));
    if (field) atFields.set(field, atFields.has(field) ? `${atFields.get(field)} ${detail}` : detail);
    else elsewhere.push(detail);
  }
  if (atFields.size === 0) atFields.set('', describeError(error));
  else if (elsewhere.length > 0) atFields.set('', elsewhere.join(' '));
  return atFields;
}
