import type { ParameterSpec, ParameterValue } from '../api/types';

export type FieldCheck = { ok: true; value: ParameterValue } | { ok: false; error: string };

function withUnit(value: number, unit: string | undefined): string {
  return unit ? `${value} ${unit}` : String(value);
}

// Reads what a person typed into a parameter field (a checkbox gives a boolean) and checks it
// against the parameter's declaration, as the server will.
export function checkParameter(spec: ParameterSpec, input: string | boolean): FieldCheck {
  if (spec.data_type === 'bool') {
    if (typeof input === 'boolean') return { ok: true, value: input };
    if (input === 'true' || input === 'false') return { ok: true, value: input === 'true' };
    return { ok: false, error: 'Choose on or off.' };
  }
  const text = String(input);
  if (spec.data_type === 'string') return { ok: true, value: text };
  if (spec.data_type === 'object') {
    try {
      const parsed: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return { ok: true, value: parsed as { [name: string]: unknown } };
      }
    } catch {
      // answered below
    }
    return { ok: false, error: 'Enter a JSON object, e.g. {"K": 2}.' };
  }

  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'Enter a number.' };
  const number = Number(trimmed);
  if (!Number.isFinite(number) || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) {
    return { ok: false, error: `'${trimmed}' is not a number.` };
  }
  if (spec.data_type === 'int' && !Number.isInteger(number)) {
    return { ok: false, error: 'Enter a whole number.' };
  }
  if (spec.min !== undefined && number < spec.min) {
    return { ok: false, error: `Must be at least ${withUnit(spec.min, spec.unit)}.` };
  }
  if (spec.max !== undefined && number > spec.max) {
    return { ok: false, error: `Must be at most ${withUnit(spec.max, spec.unit)}.` };
  }
  return { ok: true, value: number };
}

// How a parameter's value is shown in its field.
export function formatParameter(value: ParameterValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// "0 … 100 s", "≥ 0 s", or '' for a parameter without limits.
export function describeRange(spec: ParameterSpec): string {
  const unit = spec.unit ? ` ${spec.unit}` : '';
  if (spec.min !== undefined && spec.max !== undefined) return `${spec.min} … ${spec.max}${unit}`;
  if (spec.min !== undefined) return `≥ ${spec.min}${unit}`;
  if (spec.max !== undefined) return `≤ ${spec.max}${unit}`;
  return '';
}

const componentNamePattern = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

// The naming rule of components (they are part of signal names such as "drive.y").
export function checkComponentName(name: string): string | null {
  if (name === '') return 'Enter a name.';
  if (name.length > 64) return 'At most 64 characters.';
  if (!componentNamePattern.test(name)) {
    return "Start with a letter or '_', then letters, digits, '_' or '-'.";
  }
  return null;
}

// A number field of a form (step size, end time, an override): empty text is allowed (as null) when
// `optional`.
export function checkNumber(
  text: string,
  { min, exclusiveMin, optional }: { min?: number; exclusiveMin?: boolean; optional?: boolean } = {},
): { ok: true; value: number | null } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return optional ? { ok: true, value: null } : { ok: false, error: 'Enter a number.' };
  const number = Number(trimmed);
  if (!Number.isFinite(number)) return { ok: false, error: `'${trimmed}' is not a number.` };
  if (min !== undefined && (exclusiveMin ? number <= min : number < min)) {
    return { ok: false, error: exclusiveMin ? `Must be greater than ${min}.` : `Must be at least ${min}.` };
  }
  return { ok: true, value: number };
}
