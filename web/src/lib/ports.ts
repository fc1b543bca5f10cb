import type { ComponentType, Fmu, FmuVariable, ParameterValue, PortSpec, SignalType } from '../api/types';

export interface Ports {
  inputs: PortSpec[];
  outputs: PortSpec[];
}

// A run of ports named prefix + consecutive numbers (u1, u2 / IN1, IN2 / p0, p1, p2).
interface NumberedFamily {
  prefix: string;
  first: number;
  start: number; // index of the first member in the port list
  count: number;
}

function numberedFamily(ports: PortSpec[]): NumberedFamily | null {
  let best: NumberedFamily | null = null;
  for (let start = 0; start < ports.length; ) {
    const match = /^(.*?)(\d+)$/.exec(ports[start]!.name);
    if (!match) {
      ++start;
      continue;
    }
    const prefix = match[1]!;
    const first = Number(match[2]);
    let count = 1;
    while (start + count < ports.length && ports[start + count]!.name === `${prefix}${first + count}`) ++count;
    if (count >= 2 && (!best || count > best.count)) best = { prefix, first, start, count };
    start += count;
  }
  return best;
}

// The parameter that sets how many ports a family has: an int parameter whose default is the
// family's size, or a string parameter with one character per port (sum's "signs": "++").
function countOf(type: ComponentType, family: NumberedFamily): ((parameters: Record<string, ParameterValue>) => number) | null {
  for (const parameter of type.parameters) {
    if (parameter.data_type === 'int' && parameter.default === family.count) {
      return (parameters) => {
        const value = parameters[parameter.name];
        return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : family.count;
      };
    }
    if (parameter.data_type === 'string' && typeof parameter.default === 'string' && parameter.default.length === family.count) {
      return (parameters) => {
        const value = parameters[parameter.name];
        return typeof value === 'string' ? value.length : family.count;
      };
    }
  }
  return null;
}

function resize(type: ComponentType, ports: PortSpec[], parameters: Record<string, ParameterValue>): PortSpec[] {
  const family = numberedFamily(ports);
  if (!family) return ports;
  const count = countOf(type, family);
  if (!count) return ports;
  const wanted = Math.min(count(parameters), 256);
  if (wanted === family.count) return ports;
  const template = ports[family.start]!;
  const members: PortSpec[] = [];
  for (let i = 0; i < wanted; ++i) {
    const existing = i < family.count ? ports[family.start + i]! : template;
    members.push({ ...existing, name: `${family.prefix}${family.first + i}` });
  }
  return [...ports.slice(0, family.start), ...members, ...ports.slice(family.start + family.count)];
}

// The ports of a component. The catalogue lists a type's ports for its default parameters;
// types whose ports follow a parameter (sum's signs, the inputs of a gate, the positions of a
// selector switch) have a numbered run of ports whose size the default of that parameter
// gives, so the run is grown or shrunk to the component's value.
// `fmus` has the FMUs (with their variables) that components of type fmu refer to.
export function portsOf(
  type: ComponentType,
  parameters: Record<string, ParameterValue>,
  fmus?: ReadonlyMap<number, Fmu>,
): Ports {
  if (type.type === fmuType) {
    const fmu = fmus?.get(fmuIdOf(parameters) ?? 0);
    return fmu ? fmuPorts(fmu, parameters) : { inputs: [], outputs: [] };
  }
  return {
    inputs: resize(type, type.inputs, parameters),
    outputs: resize(type, type.outputs, parameters),
  };
}

export const fmuType = 'fmu';

// The FMU a component of type fmu runs (its `fmu` parameter), or null.
export function fmuIdOf(parameters: Record<string, ParameterValue>): number | null {
  const id = parameters.fmu;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 ? id : null;
}

// The port type of an FMI variable type; null for the types that get no port.
export function fmiSignalType(type: string): SignalType | null {
  switch (type) {
    case 'Float32':
    case 'Float64':
      return 'real';
    case 'Boolean':
      return 'bool';
    case 'String':
    case 'Binary':
    case 'Clock':
      return null;
    default:
      return 'int'; // Int8 … UInt64, Enumeration
  }
}

// "[i,j]" of element `element` of an array (row-major, from 1), as the server names its ports.
function elementSuffix(dimensions: number[] | undefined, element: number): string {
  if (!dimensions || dimensions.length === 0) return '';
  const indices: number[] = new Array<number>(dimensions.length);
  for (let d = dimensions.length - 1; d >= 0; --d) {
    const size = dimensions[d]!;
    indices[d] = (element % size) + 1;
    element = Math.floor(element / size);
  }
  return `[${indices.join(',')}]`;
}

function elementCount(variable: FmuVariable): number {
  return (variable.dimensions ?? []).reduce((count, size) => count * size, 1);
}

function startOf(variable: FmuVariable, element: number): number | boolean | undefined {
  const start = Array.isArray(variable.start) ? variable.start[element] : element === 0 ? variable.start : undefined;
  return typeof start === 'number' || typeof start === 'boolean' ? start : undefined;
}

// Whether a component with these parameters runs the FMU as co-simulation (the server's rule:
// `interface` if given, else co-simulation when the FMU offers it).
export function runsAsCoSimulation(fmu: Fmu, parameters: Record<string, ParameterValue>): boolean {
  if (parameters.interface === 'co_simulation') return true;
  if (parameters.interface === 'model_exchange') return false;
  return fmu.co_simulation !== null;
}

// The ports of an fmu component, as the server derives them (libs/fmi Fmu::ports): every input
// and output variable of a numeric, Boolean or Enumeration type in the order of the model
// description, an FMI 3 array one port per element ("v[1]", "m[1,2]"), with the variable's unit,
// its start value as the default of an unconnected input and its description. Co-simulation
// inputs have no feedthrough; under model exchange the FMU's ModelStructure decides, which the
// summary does not carry, so it is left open.
export function fmuPorts(fmu: Fmu, parameters: Record<string, ParameterValue> = {}): Ports {
  const ports: Ports = { inputs: [], outputs: [] };
  const coSimulation = runsAsCoSimulation(fmu, parameters);
  for (const variable of fmu.variables ?? []) {
    const list =
      variable.causality === 'input' ? ports.inputs : variable.causality === 'output' ? ports.outputs : null;
    const dataType = fmiSignalType(variable.type);
    if (!list || !dataType) continue;
    const count = elementCount(variable);
    for (let element = 0; element < count; ++element) {
      const port: PortSpec = { name: variable.name + elementSuffix(variable.dimensions, element), data_type: dataType };
      if (variable.unit) port.unit = variable.unit;
      if (variable.description) port.description = variable.description;
      if (variable.causality === 'input') {
        const start = startOf(variable, element);
        if (start !== undefined) port.default = start;
        if (coSimulation) port.feedthrough = false;
      }
      list.push(port);
    }
  }
  return ports;
}
