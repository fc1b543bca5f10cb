import type { Component, Connection, Position } from '../api/types';

export const columnWidth = 260;
export const rowHeight = 140;

// A layered layout: each component sits one column right of the furthest component that
// drives it (connections that close a loop are ignored), the components of a column one
// below the other in model order.
export function layeredLayout(components: Component[], connections: Connection[]): Map<number, Position> {
  const drivers = new Map<number, number[]>();
  for (const connection of connections) {
    const list = drivers.get(connection.target.component_id) ?? [];
    list.push(connection.source.component_id);
    drivers.set(connection.target.component_id, list);
  }
  const ids = new Set(components.map((c) => c.id));
  const layer = new Map<number, number>();
  const visiting = new Set<number>();

  const layerOf = (id: number): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    visiting.add(id);
    let deepest = -1;
    for (const driver of drivers.get(id) ?? []) {
      if (!ids.has(driver) || visiting.has(driver)) continue;
      deepest = Math.max(deepest, layerOf(driver));
    }
    visiting.delete(id);
    layer.set(id, deepest + 1);
    return deepest + 1;
  };

  const rows = new Map<number, number>();
  const positions = new Map<number, Position>();
  for (const component of components) {
    const column = layerOf(component.id);
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    positions.set(component.id, { x: 40 + column * columnWidth, y: 40 + row * rowHeight });
  }
  return positions;
}

const nodeWidth = 180;
const nodeHeight = 110;

// The free place nearest `wanted` for a new component, searched in rings of node-sized steps,
// so components added from the keyboard do not land on top of each other.
export function freeSpot(wanted: Position, taken: Position[]): Position {
  const clear = (spot: Position) =>
    taken.every((other) => Math.abs(other.x - spot.x) >= nodeWidth || Math.abs(other.y - spot.y) >= nodeHeight);
  for (let ring = 0; ring < 50; ++ring) {
    for (let dy = -ring; dy <= ring; ++dy) {
      for (let dx = -ring; dx <= ring; ++dx) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const spot = { x: wanted.x + dx * nodeWidth, y: wanted.y + dy * nodeHeight };
        if (clear(spot)) return spot;
      }
    }
  }
  return wanted;
}
