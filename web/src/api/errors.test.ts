import { describe, expect, it } from 'vitest';

import { ApiError, describeError, errorsAtFields, pointerToken, problemMessage, problemsByPointer } from './errors';

describe('problemMessage', () => {
  it('uses the detail as a sentence', () => {
    expect(problemMessage(422, { detail: "parameter 't' must be at least 0 s, got -1" })).toBe(
      "Parameter 't' must be at least 0 s, got -1.",
    );
    expect(problemMessage(409, { detail: 'A project named X already exists.' })).toBe('A project named X already exists.');
  });

  it('says what the status means when there is no detail', () => {
    expect(problemMessage(500, null)).toBe('The server failed; its log has the details.');
    expect(problemMessage(418, { title: "I'm a teapot" })).toBe("I'm a teapot.");
    expect(problemMessage(599, null)).toBe('The server answered 599.');
  });
});

describe('problemsByPointer', () => {
  it('keys the problems of a 422 by the field they name', () => {
    const error = new ApiError(422, 'x', {
      status: 422,
      errors: [
        { pointer: '/parameters/t', detail: "parameter 't' must be at least 0 s, got -1" },
        { parameter: 'name', detail: 'bad name' },
        { pointer: '/parameters/t', detail: 'second problem' },
      ],
    });
    const problems = problemsByPointer(error);
    expect(problems.get('/parameters/t')).toBe("Parameter 't' must be at least 0 s, got -1. Second problem.");
    expect(problems.get('?name')).toBe('Bad name.');
  });

  it('is empty for errors that are not from the server', () => {
    expect(problemsByPointer(new Error('boom')).size).toBe(0);
    expect(problemsByPointer(new ApiError(404, 'gone')).size).toBe(0);
  });
});

describe('describeError', () => {
  it('gives the message of any error', () => {
    expect(describeError(new ApiError(0, 'The twinloop server cannot be reached.'))).toBe('The twinloop server cannot be reached.');
    expect(describeError('text')).toBe('text');
  });
});

describe('pointerToken', () => {
  it('escapes ~ and / as RFC 6901 says', () => {
    expect(pointerToken('a/b~c')).toBe('a~1b~0c');
    expect(pointerToken('plain')).toBe('plain');
  });
});

describe('errorsAtFields', () => {
  const refused = new ApiError(422, 'The signal is refused.', {
    detail: 'the signal is refused',
    errors: [
      { pointer: '/signal', detail: "the model has no signal 'x.y'" },
      { pointer: '/node_id/0', detail: 'malformed' },
      { pointer: '/elsewhere', detail: 'something else' },
    ],
  });

  it('puts problems at the fields of the form, the rest under the form', () => {
    const errors = errorsAtFields(refused, ['/signal', '/node_id']);
    expect(errors.get('/signal')).toBe("The model has no signal 'x.y'.");
    expect(errors.get('/node_id')).toBe('Malformed.');
    expect(errors.get('')).toBe('Something else.');
  });

  it('gives the message of the answer when no problem has a field here', () => {
    expect(errorsAtFields(refused, ['/name'])).toEqual(new Map([['', 'The signal is refused.']]));
    expect(errorsAtFields(new ApiError(409, 'Endpoint 2 is used by 3 bindings.'), ['/name'])).toEqual(
      new Map([['', 'Endpoint 2 is used by 3 bindings.']]),
    );
  });
});
