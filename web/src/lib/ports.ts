import type { ComponentType, ParameterValue, PortSpec } from '../api/types';

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
export function portsOf(type: ComponentType, parameters: Record<string, ParameterValue>): Ports {
  return {
    inputs: resize(type, type.inputs, parameters),
    outputs: resize(type, type.outputs, parameters),
  };
}
