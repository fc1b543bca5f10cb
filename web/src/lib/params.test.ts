import { describe, expect, it } from 'vitest';

import type { ParameterSpec } from '../api/types';
import { checkComponentName, checkNumber, checkParameter, describeRange, formatParameter } from './params';

const timeConstant: ParameterSpec = { name: 't', data_type: 'real', default: 1, min: 0, unit: 's' };
const inputs: ParameterSpec = { name: 'inputs', data_type: 'int', default: 2, min: 2, max: 32 };
const invert: ParameterSpec = { name: 'invert', data_type: 'bool', default: false };
const signs: ParameterSpec = { name: 'signs', data_type: 'string', default: '++' };

describe('checkParameter', () => {
  it('reads numbers in the ways people write them', () => {
    expect(checkParameter(timeConstant, '0.5')).toEqual({ ok: true, value: 0.5 });
    expect(checkParameter(timeConstant, ' 2 ')).toEqual({ ok: true, value: 2 });
    expect(checkParameter(timeConstant, '1e-3')).toEqual({ ok: true, value: 0.001 });
    expect(checkParameter(timeConstant, '.25')).toEqual({ ok: true, value: 0.25 });
    expect(checkParameter(timeConstant, '0')).toEqual({ ok: true, value: 0 });
  });

  it('refuses what is not a number', () => {
    expect(checkParameter(timeConstant, '')).toEqual({ ok: false, error: 'Enter a number.' });
    expect(checkParameter(timeConstant, 'abc')).toEqual({ ok: false, error: "'abc' is not a number." });
    expect(checkParameter(timeConstant, '1,5')).toEqual({ ok: false, error: "'1,5' is not a number." });
    expect(checkParameter(timeConstant, 'Infinity')).toMatchObject({ ok: false });
    expect(checkParameter(timeConstant, '0x10')).toMatchObject({ ok: false });
    expect(checkParameter(timeConstant, '1e999')).toMatchObject({ ok: false });
  });

  it('names the limit and its unit', () => {
    expect(checkParameter(timeConstant, '-1')).toEqual({ ok: false, error: 'Must be at least 0 s.' });
    expect(checkParameter(inputs, '33')).toEqual({ ok: false, error: 'Must be at most 32.' });
    expect(checkParameter(inputs, '1')).toEqual({ ok: false, error: 'Must be at least 2.' });
    expect(checkParameter(inputs, '32')).toEqual({ ok: true, value: 32 });
  });

  it('wants whole numbers for int parameters', () => {
    expect(checkParameter(inputs, '2.5')).toEqual({ ok: false, error: 'Enter a whole number.' });
    expect(checkParameter(inputs, '4')).toEqual({ ok: true, value: 4 });
  });

  it('takes booleans and strings as they are', () => {
    expect(checkParameter(invert, true)).toEqual({ ok: true, value: true });
    expect(checkParameter(invert, 'false')).toEqual({ ok: true, value: false });
    expect(checkParameter(invert, 'maybe')).toMatchObject({ ok: false });
    expect(checkParameter(signs, '+-')).toEqual({ ok: true, value: '+-' });
  });
});

describe('describeRange', () => {
  it('shows the limits with the unit', () => {
    expect(describeRange(timeConstant)).toBe('≥ 0 s');
    expect(describeRange(inputs)).toBe('2 … 32');
    expect(describeRange({ ...signs })).toBe('');
    expect(describeRange({ name: 'x', data_type: 'real', default: 0, max: 5 })).toBe('≤ 5');
  });
});

describe('checkComponentName', () => {
  it('accepts identifiers', () => {
    for (const name of ['drive', '_x', 'pt1_2', 'belt-1', 'A'.repeat(64)]) expect(checkComponentName(name)).toBeNull();
  });

  it('explains what is wrong', () => {
    expect(checkComponentName('')).toBe('Enter a name.');
    expect(checkComponentName('1drive')).toMatch(/Start with a letter/);
    expect(checkComponentName('a b')).toMatch(/letters, digits/);
    expect(checkComponentName('a.y')).toMatch(/letters, digits/);
    expect(checkComponentName('A'.repeat(65))).toBe('At most 64 characters.');
  });
});

describe('checkNumber', () => {
  it('checks lower limits, exclusive or not', () => {
    expect(checkNumber('0.01', { min: 0, exclusiveMin: true })).toEqual({ ok: true, value: 0.01 });
    expect(checkNumber('0', { min: 0, exclusiveMin: true })).toEqual({ ok: false, error: 'Must be greater than 0.' });
    expect(checkNumber('0', { min: 0 })).toEqual({ ok: true, value: 0 });
    expect(checkNumber('-2', { min: 0 })).toEqual({ ok: false, error: 'Must be at least 0.' });
  });

  it('allows an empty field only when it is optional', () => {
    expect(checkNumber('', { optional: true })).toEqual({ ok: true, value: null });
    expect(checkNumber('  ')).toEqual({ ok: false, error: 'Enter a number.' });
    expect(checkNumber('ten')).toEqual({ ok: false, error: "'ten' is not a number." });
  });
});

describe('object parameters', () => {
  const values: ParameterSpec = { name: 'values', data_type: 'object', default: {} };
  it('reads a JSON object and shows it as JSON', () => {
    expect(checkParameter(values, '{"K": 2}')).toEqual({ ok: true, value: { K: 2 } });
    expect(checkParameter(values, '')).toEqual({ ok: true, value: {} });
    expect(formatParameter({ K: 2 })).toBe('{"K":2}');
  });
  it('refuses what is no JSON object', () => {
    expect(checkParameter(values, '[1]').ok).toBe(false);
    expect(checkParameter(values, '{K: 2}').ok).toBe(false);
  });
});
