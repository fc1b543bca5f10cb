import { describe, expect, it } from 'vitest';

import { decodeStreamMessage, SampleWindow, selectionMessage, StreamDecodeError, streamUrl } from './stream';

const simulation = { id: 3, model_id: 1, state: 'running', time: 1.25, steps: 1251 };

describe('decodeStreamMessage', () => {
  it('reads the hello', () => {
    const message = decodeStreamMessage(JSON.stringify({ type: 'hello', simulation, signals: ['a.y', 'b.y'], rate: 20 }));
    expect(message).toEqual({ type: 'hello', simulation, signals: ['a.y', 'b.y'], rate: 20 });
  });

  it('reads a data frame', () => {
    const frame = {
      type: 'data',
      state: 'running',
      time: 1.25,
      steps: 1251,
      t: [1.2, 1.225, 1.25],
      values: { 'a.y': [0.1, 0.2, 0.3], 'b.y': [0, 1, 1] },
    };
    expect(decodeStreamMessage(JSON.stringify(frame))).toEqual(frame);
  });

  it('reads an empty frame of a paused run', () => {
    const frame = { type: 'data', state: 'paused', time: 2, steps: 2001, t: [], values: {} };
    expect(decodeStreamMessage(JSON.stringify(frame))).toEqual(frame);
  });

  it('reads state changes and errors', () => {
    expect(decodeStreamMessage(JSON.stringify({ type: 'state', simulation: { ...simulation, state: 'completed' } }))).toEqual({
      type: 'state',
      simulation: { ...simulation, state: 'completed' },
    });
    expect(decodeStreamMessage('{"type":"error","status":422,"detail":"unknown signal x.y"}')).toEqual({
      type: 'error',
      status: 422,
      detail: 'unknown signal x.y',
    });
  });

  const refused: [string, string][] = [
    ['not json', 'not JSON'],
    ['[1,2]', 'not an object'],
    ['{"type":"surprise"}', 'unknown message type'],
    ['{"type":"hello","simulation":{"id":3,"state":"running"},"signals":"a.y","rate":20}', 'hello.signals'],
    ['{"type":"hello","simulation":{"id":3,"state":"dreaming"},"signals":[],"rate":20}', 'not a simulation'],
    ['{"type":"data","state":"running","time":1,"steps":1,"t":[0,1],"values":{"a.y":[1]}}', 'has 1 samples for 2 times'],
    ['{"type":"data","state":"running","time":1,"steps":1,"t":[1,0.5],"values":{}}', 'does not increase'],
    ['{"type":"data","state":"running","time":1,"steps":1,"t":[0,"1"],"values":{}}', 'not a number'],
    ['{"type":"data","state":"running","time":1,"steps":1,"t":[0],"values":[]}', 'values is not an object'],
    ['{"type":"data","time":1,"steps":1,"t":[0],"values":{}}', 'data.state'],
    ['{"type":"data","state":"running","time":null,"steps":1,"t":[],"values":{}}', 'data.time'],
    ['{"type":"error","status":"422","detail":"x"}', 'error.status'],
  ];
  it.each(refused)('refuses %s', (text, reason) => {
    expect(() => decodeStreamMessage(text)).toThrow(StreamDecodeError);
    expect(() => decodeStreamMessage(text)).toThrow(reason);
  });
});

describe('SampleWindow', () => {
  it('lines frames up on one time axis for uPlot', () => {
    const window = new SampleWindow(['a.y', 'b.y']);
    window.append({ t: [0, 0.1], values: { 'a.y': [1, 2], 'b.y': [0, 1] } });
    window.append({ t: [0.2], values: { 'a.y': [3], 'b.y': [1] } });
    expect(window.plotData()).toEqual([
      [0, 0.1, 0.2],
      [1, 2, 3],
      [0, 1, 1],
    ]);
    expect(window.latest('a.y')).toBe(3);
    expect(window.lastTime).toBe(0.2);
  });

  it('skips samples it already has', () => {
    const window = new SampleWindow(['a.y']);
    window.append({ t: [0, 0.1], values: { 'a.y': [1, 2] } });
    window.append({ t: [0.1, 0.2], values: { 'a.y': [2, 3] } });
    window.append({ t: [0.2], values: { 'a.y': [3] } });
    expect(window.plotData()).toEqual([
      [0, 0.1, 0.2],
      [1, 2, 3],
    ]);
  });

  it('shows a signal the frame lacks as a gap', () => {
    const window = new SampleWindow(['a.y', 'b.y']);
    window.append({ t: [0, 1], values: { 'a.y': [5, 6] } });
    expect(window.plotData()).toEqual([
      [0, 1],
      [5, 6],
      [null, null],
    ]);
    expect(window.latest('b.y')).toBeNull();
    expect(window.latest('c.y')).toBeNull();
  });

  it('keeps only the newest samples', () => {
    const window = new SampleWindow(['a.y'], 3);
    window.append({ t: [0, 1, 2], values: { 'a.y': [0, 10, 20] } });
    window.append({ t: [3, 4], values: { 'a.y': [30, 40] } });
    expect(window.plotData()).toEqual([
      [2, 3, 4],
      [20, 30, 40],
    ]);
    expect(window.length).toBe(3);
  });
});

describe('streamUrl', () => {
  it('asks for the picked signals on the page’s own host', () => {
    expect(streamUrl({ protocol: 'http:', host: '127.0.0.1:7777' }, 4, { signals: ['a.y', 'b.y'], rate: 20, history: 500 })).toBe(
      'ws://127.0.0.1:7777/api/v1/simulations/4/stream?signals=a.y%2Cb.y&rate=20&history=500',
    );
  });

  it('uses wss behind https and leaves out what is not chosen', () => {
    expect(streamUrl({ protocol: 'https:', host: 'twin.example' }, 1, { signals: [] })).toBe(
      'wss://twin.example/api/v1/simulations/1/stream?',
    );
  });
});

describe('selectionMessage', () => {
  it('is the message that changes the selection', () => {
    expect(JSON.parse(selectionMessage(['a.y'], 10))).toEqual({ signals: ['a.y'], rate: 10 });
    expect(JSON.parse(selectionMessage(['a.y']))).toEqual({ signals: ['a.y'] });
  });
});
