import { describe, expect, it } from 'vitest';

import { and, pt1, selectorSwitch, sum, tank } from '../test/catalogue';
import { portsOf } from './ports';

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
