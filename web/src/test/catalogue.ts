import type { Component, ComponentType } from '../api/types';

// Catalogue entries as GET /api/v1/component-types gives them (descriptions shortened).
export const step: ComponentType = {
  type: 'step',
  category: 'sources',
  description: 'Outputs `initial` before `step_time` and `final` from `step_time` on.',
  inputs: [],
  outputs: [{ name: 'y', data_type: 'real', description: 'The step signal.' }],
  parameters: [
    { name: 'step_time', data_type: 'real', default: 1, min: 0, unit: 's', description: 'Time of the step.' },
    { name: 'initial', data_type: 'real', default: 0, description: 'Output before the step.' },
    { name: 'final', data_type: 'real', default: 1, description: 'Output from the step on.' },
  ],
};

export const pt1: ComponentType = {
  type: 'pt1',
  category: 'dynamics',
  description: 'First-order lag.',
  inputs: [{ name: 'u', data_type: 'real', default: 0, feedthrough: false }],
  outputs: [{ name: 'y', data_type: 'real' }],
  parameters: [
    { name: 'k', data_type: 'real', default: 1 },
    { name: 't', data_type: 'real', default: 1, min: 0, unit: 's' },
  ],
};

export const sum: ComponentType = {
  type: 'sum',
  category: 'math',
  description: 'Adds and subtracts its inputs.',
  inputs: [
    { name: 'u1', data_type: 'real', default: 0, feedthrough: true, description: 'Added.' },
    { name: 'u2', data_type: 'real', default: 0, feedthrough: true, description: 'Added.' },
  ],
  outputs: [{ name: 'y', data_type: 'real' }],
  parameters: [{ name: 'signs', data_type: 'string', default: '++' }],
};

export const and: ComponentType = {
  type: 'and',
  category: 'logic',
  description: 'Conjunction.',
  inputs: [
    { name: 'IN1', data_type: 'bool', default: false, feedthrough: true },
    { name: 'IN2', data_type: 'bool', default: false, feedthrough: true },
  ],
  outputs: [{ name: 'OUT', data_type: 'bool' }],
  parameters: [{ name: 'inputs', data_type: 'int', default: 2, min: 2, max: 32 }],
};

export const selectorSwitch: ComponentType = {
  type: 'selector_switch',
  category: 'devices',
  description: 'A rotary selector switch.',
  inputs: [{ name: 'position', data_type: 'int', feedthrough: true }],
  outputs: [
    { name: 'p0', data_type: 'bool' },
    { name: 'p1', data_type: 'bool' },
    { name: 'p2', data_type: 'bool' },
  ],
  parameters: [{ name: 'positions', data_type: 'int', default: 3, min: 2, max: 16 }],
};

export const tank: ComponentType = {
  type: 'tank',
  category: 'devices',
  description: 'An open tank.',
  inputs: [
    { name: 'inflow', data_type: 'real', unit: 'm³/s' },
    { name: 'outflow', data_type: 'real', unit: 'm³/s' },
  ],
  outputs: [
    { name: 'level', data_type: 'real', unit: 'm' },
    { name: 'overflow', data_type: 'bool' },
  ],
  parameters: [
    { name: 'area', data_type: 'real', default: 1, min: 0, unit: 'm²' },
    { name: 'height', data_type: 'real', default: 2, min: 0, unit: 'm' },
  ],
};

export const types = new Map([step, pt1, sum, and, selectorSwitch, tank].map((type) => [type.type, type]));

export function component(id: number, name: string, type: string, parameters: Component['parameters'] = {}, position: Component['position'] = null): Component {
  return { id, model_id: 1, name, type, parameters, position };
}
