import type { Edge, Node } from '@xyflow/react';

import type { Component, ComponentType, Connection, ConnectionEnd, Fmu, Position, SignalType } from '../api/types';
import { portsOf, type Ports } from './ports';

export interface ComponentNodeData extends Record<string, unknown> {
  component: Component;
  ports: Ports;
  // Missing when the server knows a type that the catalogue did not list.
  typeInfo: ComponentType | null;
}

export type ComponentNode = Node<ComponentNodeData, 'component'>;

export interface ConnectionEdgeData extends Record<string, unknown> {
  dataType: SignalType | null;
}

export type ConnectionEdge = Edge<ConnectionEdgeData>;

const inputPrefix = 'in:';
const outputPrefix = 'out:';

export const inputHandle = (port: string) => inputPrefix + port;
export const outputHandle = (port: string) => outputPrefix + port;

export function nodeId(componentId: number): string {
  return String(componentId);
}

export function componentIdOf(id: string): number {
  return Number(id);
}

export function toNode(
  component: Component,
  types: Map<string, ComponentType>,
  fallback: Position,
  fmus?: ReadonlyMap<number, Fmu>,
): ComponentNode {
  const typeInfo = types.get(component.type) ?? null;
  return {
    id: nodeId(component.id),
    type: 'component',
    position: component.position ?? fallback,
    data: {
      component,
      typeInfo,
      ports: typeInfo ? portsOf(typeInfo, component.parameters, fmus) : { inputs: [], outputs: [] },
    },
  };
}

export function toEdge(connection: Connection, nodes?: Map<string, ComponentNode>): ConnectionEdge {
  const source = nodes?.get(nodeId(connection.source.component_id));
  const port = source?.data.ports.outputs.find((p) => p.name === connection.source.port);
  return {
    id: String(connection.id),
    source: nodeId(connection.source.component_id),
    sourceHandle: outputHandle(connection.source.port),
    target: nodeId(connection.target.component_id),
    targetHandle: inputHandle(connection.target.port),
    className: port ? `edge-${port.data_type}` : undefined,
    data: { dataType: port?.data_type ?? null },
  };
}

// The nodes and edges of a model. Components without a position get the one `layout` gives.
export function toGraph(
  components: Component[],
  connections: Connection[],
  types: Map<string, ComponentType>,
  layout: Map<number, Position>,
  fmus?: ReadonlyMap<number, Fmu>,
): { nodes: ComponentNode[]; edges: ConnectionEdge[] } {
  const nodes = components.map((component) =>
    toNode(component, types, layout.get(component.id) ?? { x: 0, y: 0 }, fmus),
  );
  const byId = new Map(nodes.map((node) => [node.id, node]));
  return { nodes, edges: connections.map((connection) => toEdge(connection, byId)) };
}

export interface HandleLink {
  source: string | null;
  sourceHandle?: string | null;
  target: string | null;
  targetHandle?: string | null;
}

// The API's connection ends for a link drawn in the editor, or the reason it cannot be one.
export function connectionEnds(
  link: HandleLink,
): { ok: true; source: ConnectionEnd; target: ConnectionEnd } | { ok: false; error: string } {
  const { source, target, sourceHandle, targetHandle } = link;
  if (!source || !target || !sourceHandle || !targetHandle) {
    return { ok: false, error: 'Drag from an output (right side) to an input (left side).' };
  }
  // Drawn backwards, from an input to an output: the same connection.
  if (sourceHandle.startsWith(inputPrefix) && targetHandle.startsWith(outputPrefix)) {
    return connectionEnds({ source: target, sourceHandle: targetHandle, target: source, targetHandle: sourceHandle });
  }
  if (!sourceHandle.startsWith(outputPrefix) || !targetHandle.startsWith(inputPrefix)) {
    return { ok: false, error: 'A connection goes from an output to an input.' };
  }
  return {
    ok: true,
    source: { component_id: componentIdOf(source), port: sourceHandle.slice(outputPrefix.length) },
    target: { component_id: componentIdOf(target), port: targetHandle.slice(inputPrefix.length) },
  };
}

// Why a link may not be drawn, checked before the server is asked: ports of different data
// types, or an input that already has a driver. null when it may.
export function connectionProblem(
  link: HandleLink,
  nodes: Map<string, ComponentNode>,
  edges: ConnectionEdge[],
): string | null {
  const ends = connectionEnds(link);
  if (!ends.ok) return ends.error;
  const sourceNode = nodes.get(nodeId(ends.source.component_id));
  const targetNode = nodes.get(nodeId(ends.target.component_id));
  if (!sourceNode || !targetNode) return 'That component is gone; reload the page.';
  const output = sourceNode.data.ports.outputs.find((p) => p.name === ends.source.port);
  const input = targetNode.data.ports.inputs.find((p) => p.name === ends.target.port);
  if (!output || !input) return 'No such port.';
  if (output.data_type !== input.data_type) {
    return `${signalName(sourceNode.data.component, output.name)} is ${output.data_type}, ${signalName(
      targetNode.data.component,
      input.name,
    )} takes ${input.data_type}.`;
  }
  const driven = edges.some(
    (edge) => edge.target === targetNode.id && edge.targetHandle === inputHandle(input.name),
  );
  if (driven) {
    return `${signalName(targetNode.data.component, input.name)} already has a driver; delete that connection first.`;
  }
  return null;
}

export function signalName(component: Component, port: string): string {
  return `${component.name}.${port}`;
}

export interface Signal {
  name: string;
  end: ConnectionEnd;
  dataType: SignalType;
  unit?: string;
}

// Every output ("drive.y") or input of the components: outputs are what a simulation records
// and plots and what may drive an input; inputs are what a running simulation may override.
export function signalsOf(nodes: ComponentNodeData[], direction: 'inputs' | 'outputs'): Signal[] {
  return nodes.flatMap((data) =>
    data.ports[direction].map((port) => ({
      name: signalName(data.component, port.name),
      end: { component_id: data.component.id, port: port.name },
      dataType: port.data_type,
      unit: port.unit,
    })),
  );
}

// A name for a new component of `type` that the model does not have yet: pt1_1, pt1_2, ...
export function freeComponentName(type: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  const base = /^[A-Za-z_]/.test(type) ? type.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 56) : `c_${type}`.slice(0, 56);
  for (let n = 1; ; ++n) {
    const name = `${base}_${n}`;
    if (!names.has(name)) return name;
  }
}

// The API's connection for an edge of the canvas (what layout and export need).
export function connectionOf(edge: ConnectionEdge, modelId: number): Connection {
  return {
    id: Number(edge.id),
    model_id: modelId,
    source: { component_id: componentIdOf(edge.source), port: (edge.sourceHandle ?? '').slice(outputPrefix.length) },
    target: { component_id: componentIdOf(edge.target), port: (edge.targetHandle ?? '').slice(inputPrefix.length) },
  };
}
