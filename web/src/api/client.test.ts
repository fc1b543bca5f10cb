import { describe, expect, it } from 'vitest';

import { freeModelName } from './client';

describe('freeModelName', () => {
  it('keeps a name the project does not have', () => {
    expect(freeModelName('Heater', ['Mixer'])).toBe('Heater');
  });

  it('numbers a copy from 2 on', () => {
    expect(freeModelName('Heater', ['Heater'])).toBe('Heater (2)');
    expect(freeModelName('Heater', ['Heater', 'Heater (2)', 'Heater (3)'])).toBe('Heater (4)');
  });
});
