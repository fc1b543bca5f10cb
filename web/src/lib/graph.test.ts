import { describe, expect, it } from 'vitest';

import type { Connection } from '../api/types';
import { component, types } from '../test/catalogue';
import {
  connectionEnds,
  connectionOf,
  connectionProblem,
  freeComponentName,
  signalsOf,
  toGraph,
  type ComponentNode,
} from './graph';

const components = [
  component(4, 'setpoint', 'step', { step_time: 1, initial: 0, final: 80 }, { x: 40, y: 160 }),
  component(5, 'oven', 'pt1', { k: 1, t: 30 }, { x: 300, y: 160 }),
  component(6, 'mix', 'sum', { signs: '+-+' }),
  component(7, 'interlock', 'and', { inputs: 2 }, { x: 10, y: 20 }),
];
const connections: Connection[] = [
  { id: 11, model_id: 1, source: { component_id: 4, port: 'y' }, target: { component_id: 5, port: 'u' } },
  { id: 12, model_id: 1, source: { component_id: 5, port: 'y' }, target: { component_id: 6, port: 'u3' } },
];

function graph() {
  const { nodes, edges } = toGraph(components, connections, types, new Map([[6, { x: 520, y: 40 }]]));
  return { nodes, edges, byId: new Map(nodes.map((node) => [node.id, node] as [string, ComponentNode])) };
}

describe('toGraph', () => {
  it('makes a node per component with its ports and position', () => {
    const { nodes } = graph();
    expect(nodes.map((node) => node.id)).toEqual(['4', '5', '6', '7']);
    expect(nodes[0]).toMatchObject({ type: 'component', position: { x: 40, y: 160 } });
    expect(nodes[0]!.data.component.name).toBe('setpoint');
    expect(nodes[0]!.data.typeInfo?.type).toBe('step');
  });

  it('places a component without a position where the layout says', () => {
    expect(graph().nodes[2]!.position).toEqual({ x: 520, y: 40 });
  });

  it('gives the ports that the parameters make', () => {
    expect(graph().nodes[2]!.data.ports.inputs.map((port) => port.name)).toEqual(['u1', 'u2', 'u3']);
  });

  it('makes an edge per connection between port handles', () => {
    const { edges } = graph();
    expect(edges[1]).toMatchObject({
      id: '12',
      source: '5',
      sourceHandle: 'out:y',
      target: '6',
      targetHandle: 'in:u3',
      data: { dataType: 'real' },
    });
  });

  it('keeps a component whose type the catalogue lacks, without ports', () => {
    const { nodes } = toGraph([component(9, 'ghost', 'no_such_type')], [], types, new Map());
    expect(nodes[0]!.data.typeInfo).toBeNull();
    expect(nodes[0]!.data.ports).toEqual({ inputs: [], outputs: [] });
  });
});

describe('connectionOf', () => {
  it('gives back the API connection an edge came from', () => {
    const { edges } = graph();
    expect(edges.map((edge) => connectionOf(edge, 1))).toEqual(connections);
  });
});

describe('connectionEnds', () => {
  it('reads the ports from the handles', () => {
    expect(connectionEnds({ source: '4', sourceHandle: 'out:y', target: '6', targetHandle: 'in:u1' })).toEqual({
      ok: true,
      source: { component_id: 4, port: 'y' },
      target: { component_id: 6, port: 'u1' },
    });
  });

  it('turns a link drawn from an input to an output around', () => {
    expect(connectionEnds({ source: '6', sourceHandle: 'in:u1', target: '4', targetHandle: 'out:y' })).toMatchObject({
      ok: true,
      source: { component_id: 4, port: 'y' },
      target: { component_id: 6, port: 'u1' },
    });
  });

  it('refuses output to output, input to input and missing handles', () => {
    expect(connectionEnds({ source: '4', sourceHandle: 'out:y', target: '5', targetHandle: 'out:y' })).toMatchObject({ ok: false });
    expect(connectionEnds({ source: '5', sourceHandle: 'in:u', target: '6', targetHandle: 'in:u1' })).toMatchObject({ ok: false });
    expect(connectionEnds({ source: '4', sourceHandle: null, target: '6', targetHandle: 'in:u1' })).toMatchObject({ ok: false });
  });
});

describe('connectionProblem', () => {
  it('allows a free input of the same data type', () => {
    const { byId, edges } = graph();
    expect(connectionProblem({ source: '4', sourceHandle: 'out:y', target: '6', targetHandle: 'in:u1' }, byId, edges)).toBeNull();
  });

  it('names both signals when the data types differ', () => {
    const { byId, edges } = graph();
    expect(connectionProblem({ source: '4', sourceHandle: 'out:y', target: '7', targetHandle: 'in:IN1' }, byId, edges)).toBe(
      'setpoint.y is real, interlock.IN1 takes bool.',
    );
  });

  it('refuses a second driver for an input', () => {
    const { byId, edges } = graph();
    expect(connectionProblem({ source: '6', sourceHandle: 'out:y', target: '5', targetHandle: 'in:u' }, byId, edges)).toBe(
      'oven.u already has a driver; delete that connection first.',
    );
  });

  it('refuses a port the component does not have', () => {
    const { byId, edges } = graph();
    expect(connectionProblem({ source: '4', sourceHandle: 'out:y', target: '6', targetHandle: 'in:u4' }, byId, edges)).toBe('No such port.');
  });
});

describe('signals', () => {
  it('lists outputs and inputs as component.port with their data type', () => {
    const { nodes } = graph();
    expect(signalsOf(nodes.map((node) => node.data), 'outputs').map((signal) => signal.name)).toEqual(['setpoint.y', 'oven.y', 'mix.y', 'interlock.OUT']);
    const inputs = signalsOf(nodes.map((node) => node.data), 'inputs');
    expect(inputs).toContainEqual({
      name: 'interlock.IN2',
      end: { component_id: 7, port: 'IN2' },
      dataType: 'bool',
      unit: undefined,
    });
    expect(inputs.map((signal) => signal.name)).toContain('mix.u3');
  });
});

describe('freeComponentName', () => {
  it('numbers components of a type from 1, skipping names in use', () => {
    expect(freeComponentName('pt1', [])).toBe('pt1_1');
    expect(freeComponentName('pt1', ['pt1_1', 'pt1_2', 'gain_1'])).toBe('pt1_3');
  });

  it('makes an identifier of any type name', () => {
    expect(freeComponentName('fmu.thing', [])).toBe('fmu_thing_1');
    expect(freeComponentName('3d', [])).toBe('c_3d_1');
  });
});
