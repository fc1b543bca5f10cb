import { describe, expect, it } from 'vitest';

import type { Connection } from '../api/types';
import { component } from '../test/catalogue';
import { columnWidth, freeSpot, layeredLayout, rowHeight } from './layout';

const link = (id: number, from: number, to: number): Connection => ({
  id,
  model_id: 1,
  source: { component_id: from, port: 'y' },
  target: { component_id: to, port: 'u' },
});

describe('layeredLayout', () => {
  it('puts each component one column right of its furthest driver', () => {
    const components = [component(1, 'a', 'step'), component(2, 'b', 'pt1'), component(3, 'c', 'pt1'), component(4, 'd', 'step')];
    const layout = layeredLayout(components, [link(1, 1, 2), link(2, 2, 3), link(3, 4, 3)]);
    expect(layout.get(1)).toEqual({ x: 40, y: 40 });
    expect(layout.get(4)).toEqual({ x: 40, y: 40 + rowHeight });
    expect(layout.get(2)).toEqual({ x: 40 + columnWidth, y: 40 });
    expect(layout.get(3)).toEqual({ x: 40 + 2 * columnWidth, y: 40 });
  });

  it('ends on a loop', () => {
    const components = [component(1, 'a', 'pt1'), component(2, 'b', 'pt1')];
    const layout = layeredLayout(components, [link(1, 1, 2), link(2, 2, 1)]);
    expect(layout.size).toBe(2);
    expect(layout.get(1)!.x).not.toBe(layout.get(2)!.x);
  });

  it('ignores connections to components it was not given', () => {
    const layout = layeredLayout([component(1, 'a', 'pt1')], [link(1, 99, 1)]);
    expect(layout.get(1)).toEqual({ x: 40, y: 40 });
  });
});

describe('freeSpot', () => {
  it('takes the wanted place when it is free', () => {
    expect(freeSpot({ x: 100, y: 100 }, [{ x: 400, y: 100 }])).toEqual({ x: 100, y: 100 });
  });

  it('moves next to a component in the way, and on past a ring of them', () => {
    const first = freeSpot({ x: 0, y: 0 }, [{ x: 10, y: 10 }]);
    expect(first).not.toEqual({ x: 0, y: 0 });
    const ring = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => ({ x: dx * 180, y: dy * 110 })));
    const spot = freeSpot({ x: 0, y: 0 }, ring);
    expect(Math.max(Math.abs(spot.x / 180), Math.abs(spot.y / 110))).toBe(2);
  });
});
