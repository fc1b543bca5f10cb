import type { ComponentType, Fmu, FmuVariable } from '../api/types';

// The catalogue entry of the type fmu: no ports of its own, they come from the FMU.
export const fmuComponentType: ComponentType = {
  type: 'fmu',
  category: 'fmu',
  description: 'A Functional Mock-up Unit uploaded to the project.',
  inputs: [],
  outputs: [],
  parameters: [
    { name: 'fmu', data_type: 'int', default: 0, min: 0 },
    { name: 'values', data_type: 'object', default: {} },
    { name: 'interface', data_type: 'string', default: '' },
  ],
};

function variable(fields: Partial<FmuVariable> & Pick<FmuVariable, 'name' | 'causality' | 'type'>): FmuVariable {
  return {
    value_reference: 0,
    variability: 'continuous',
    start: null,
    unit: '',
    min: null,
    max: null,
    description: '',
    ...fields,
  };
}

// As GET /fmus/{id} describes tests/fmus/pt1.
export const pt1Fmu: Fmu = {
  id: 3,
  project_id: 1,
  file_name: 'pt1.fmu',
  size: 17450,
  sha256: '9f2c',
  created_at: '2026-12-02T14:01:02.345Z',
  fmi_version: '2.0',
  model_name: 'PT1',
  instantiation_token: '{3b8f6a1c-7d2e-4f10-b5a9-c1e2d3f4a5b6}',
  description: '',
  author: '',
  model_version: '',
  generation_tool: '',
  generation_date_and_time: '',
  co_simulation: { model_identifier: 'pt1' },
  model_exchange: null,
  default_experiment: { start_time: 0, stop_time: 5, tolerance: null, step_size: 0.01 },
  number_of_continuous_states: 0,
  number_of_event_indicators: 0,
  variables: [
    variable({ name: 'u', value_reference: 0, causality: 'input', type: 'Float64', start: 0 }),
    variable({ name: 'y', value_reference: 1, causality: 'output', type: 'Float64', start: 0, initial: 'exact' }),
    variable({ name: 'K', value_reference: 2, causality: 'parameter', variability: 'tunable', type: 'Float64', start: 1 }),
    variable({
      name: 'T',
      value_reference: 3,
      causality: 'parameter',
      variability: 'fixed',
      type: 'Float64',
      start: 1,
      unit: 's',
      description: 'time constant',
    }),
  ],
};

// An FMI 3 model-exchange FMU with every kind of variable the port mapping distinguishes.
export const mixedFmu: Fmu = {
  ...pt1Fmu,
  id: 4,
  file_name: 'mixed.fmu',
  fmi_version: '3.0',
  model_name: 'Mixed',
  co_simulation: null,
  model_exchange: { model_identifier: 'mixed' },
  variables: [
    variable({ name: 'time', causality: 'independent', type: 'Float64' }),
    variable({ name: 'speed', causality: 'input', type: 'Float32', start: 2.5, unit: 'km/h', description: 'Set speed' }),
    variable({ name: 'on', causality: 'input', type: 'Boolean', start: true }),
    variable({ name: 'mode', causality: 'input', type: 'Enumeration', start: 1 }),
    variable({ name: 'label', causality: 'input', type: 'String', start: 'x' }),
    variable({ name: 'tick', causality: 'input', type: 'Clock' }),
    variable({ name: 'v', causality: 'input', type: 'Int16', start: [1, 2, 3], dimensions: [3] }),
    variable({ name: 'm', causality: 'output', type: 'Float64', dimensions: [2, 2] }),
    variable({ name: 'count', causality: 'output', type: 'UInt64' }),
    variable({ name: 'blob', causality: 'output', type: 'Binary' }),
    variable({ name: 'gain', causality: 'parameter', type: 'Float64', start: 1 }),
    variable({ name: 'x', causality: 'local', type: 'Float64' }),
  ],
};
