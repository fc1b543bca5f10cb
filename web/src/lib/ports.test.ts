import { describe, expect, it } from 'vitest';

import { and, pt1, selectorSwitch, sum, tank } from '../test/catalogue';
import { fmuComponentType, mixedFmu, pt1Fmu } from '../test/fmus';
import { fmiSignalType, fmuIdOf, fmuPorts, portsOf } from './ports';

const names = (ports: { name: string }[]) => ports.map((port) => port.name);

describe('portsOf', () => {
  it('gives a fixed type the ports of the catalogue', () => {
    expect(portsOf(pt1, { k: 2, t: 0.5 })).toEqual({ inputs: pt1.inputs, outputs: pt1.outputs });
    expect(names(portsOf(tank, { area: 3, height: 2 }).outputs)).toEqual(['level', 'overflow']);
  });

  it('gives a sum one input per sign', () => {
    const ports = portsOf(sum, { signs: '+-+' });
    expect(names(ports.inputs)).toEqual(['u1', 'u2', 'u3']);
    expect(ports.inputs[2]).toMatchObject({ data_type: 'real', feedthrough: true });
    expect(names(portsOf(sum, { signs: '-' }).inputs)).toEqual(['u1']);
    expect(names(portsOf(sum, { signs: '++' }).inputs)).toEqual(['u1', 'u2']);
  });

  it('gives a gate as many bool inputs as its inputs parameter says', () => {
    const ports = portsOf(and, { inputs: 4 });
    expect(names(ports.inputs)).toEqual(['IN1', 'IN2', 'IN3', 'IN4']);
    expect(ports.inputs.every((port) => port.data_type === 'bool')).toBe(true);
    expect(names(ports.outputs)).toEqual(['OUT']);
  });

  it('numbers outputs from zero when the catalogue does', () => {
    const ports = portsOf(selectorSwitch, { positions: 5 });
    expect(names(ports.outputs)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(names(ports.inputs)).toEqual(['position']);
  });

  it('keeps the catalogue ports for a value it cannot count', () => {
    expect(names(portsOf(and, { inputs: 2.5 }).inputs)).toEqual(['IN1', 'IN2']);
    expect(names(portsOf(and, {}).inputs)).toEqual(['IN1', 'IN2']);
    expect(names(portsOf(sum, { signs: 3 }).inputs)).toEqual(['u1', 'u2']);
  });
});

describe('the ports of an fmu component', () => {
  const fmus = new Map([pt1Fmu, mixedFmu].map((fmu) => [fmu.id, fmu]));

  it('are the input and output variables of its FMU', () => {
    const ports = portsOf(fmuComponentType, { fmu: 3 }, fmus);
    expect(ports.inputs).toEqual([{ name: 'u', data_type: 'real', default: 0, feedthrough: false }]);
    expect(ports.outputs).toEqual([{ name: 'y', data_type: 'real' }]);
  });

  it('are none while the FMU is unknown or not loaded', () => {
    expect(portsOf(fmuComponentType, { fmu: 9 }, fmus)).toEqual({ inputs: [], outputs: [] });
    expect(portsOf(fmuComponentType, { fmu: 0 }, fmus)).toEqual({ inputs: [], outputs: [] });
    expect(portsOf(fmuComponentType, { fmu: 3 })).toEqual({ inputs: [], outputs: [] });
    expect(portsOf(fmuComponentType, { fmu: 3 }, new Map([[3, { ...pt1Fmu, variables: undefined }]]))).toEqual({
      inputs: [],
      outputs: [],
    });
  });

  it('map the FMI types and skip those without a port', () => {
    const ports = fmuPorts(mixedFmu);
    expect(names(ports.inputs)).toEqual(['speed', 'on', 'mode', 'v[1]', 'v[2]', 'v[3]']);
    expect(ports.inputs.map((port) => port.data_type)).toEqual(['real', 'bool', 'int', 'int', 'int', 'int']);
    expect(names(ports.outputs)).toEqual(['m[1,1]', 'm[1,2]', 'm[2,1]', 'm[2,2]', 'count']);
    expect(ports.outputs.at(-1)!.data_type).toBe('int');
  });

  it('carry the unit, description and start values, element by element', () => {
    const ports = fmuPorts(mixedFmu);
    expect(ports.inputs[0]).toEqual({
      name: 'speed',
      data_type: 'real',
      unit: 'km/h',
      description: 'Set speed',
      default: 2.5,
    });
    expect(ports.inputs[1]!.default).toBe(true);
    expect(ports.inputs.slice(3).map((port) => port.default)).toEqual([1, 2, 3]);
  });

  it('have no feedthrough under co-simulation, and leave it open under model exchange', () => {
    expect(fmuPorts(mixedFmu).inputs[0]!.feedthrough).toBeUndefined();
    expect(fmuPorts(pt1Fmu, { interface: 'model_exchange' }).inputs[0]!.feedthrough).toBeUndefined();
    expect(fmuPorts(mixedFmu, { interface: 'co_simulation' }).inputs[0]!.feedthrough).toBe(false);
  });

  it('follow the component’s fmu parameter', () => {
    expect(names(portsOf(fmuComponentType, { fmu: 4 }, fmus).outputs)).toContain('count');
    expect(fmuIdOf({ fmu: 4 })).toBe(4);
    expect(fmuIdOf({ fmu: '4' })).toBeNull();
    expect(fmuIdOf({})).toBeNull();
  });
});

describe('fmiSignalType', () => {
  it('follows the table of docs/fmi.md', () => {
    expect(['Float32', 'Float64'].map(fmiSignalType)).toEqual(['real', 'real']);
    expect(['Int8', 'UInt8', 'Int32', 'UInt64', 'Enumeration'].map(fmiSignalType)).toEqual(['int', 'int', 'int', 'int', 'int']);
    expect(fmiSignalType('Boolean')).toBe('bool');
    expect(['String', 'Binary', 'Clock'].map(fmiSignalType)).toEqual([null, null, null]);
  });
});
