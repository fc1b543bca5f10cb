import type { Simulation } from '../api/types';

// Messages of WS /api/v1/simulations/{id}/stream (docs/web.md has the contract).
export interface HelloMessage {
  type: 'hello';
  simulation: Simulation;
  signals: string[];
  rate: number;
}

export interface DataMessage {
  type: 'data';
  state: Simulation['state'];
  time: number;
  steps: number;
  t: number[];
  values: Record<string, number[]>;
}

export interface StateMessage {
  type: 'state';
  simulation: Simulation;
}

export interface ErrorMessage {
  type: 'error';
  status: number;
  detail: string;
}

export type StreamMessage = HelloMessage | DataMessage | StateMessage | ErrorMessage;

export class StreamDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamDecodeError';
  }
}

const states = new Set(['created', 'running', 'paused', 'completed', 'stopped', 'failed']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberArray(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new StreamDecodeError(`${what} is not an array`);
  for (const item of value) {
    if (typeof item !== 'number') throw new StreamDecodeError(`${what} holds something that is not a number`);
  }
  return value as number[];
}

function finiteNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new StreamDecodeError(`${what} is not a number`);
  return value;
}

function simulationOf(value: unknown): Simulation {
  if (!isObject(value) || typeof value.id !== 'number' || typeof value.state !== 'string' || !states.has(value.state)) {
    throw new StreamDecodeError('the simulation in the message is not a simulation');
  }
  return value as unknown as Simulation;
}

// One text message of the stream, checked: a frame whose arrays do not line up would draw a
// wrong plot, so it is refused instead.
export function decodeStreamMessage(text: string): StreamMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw new StreamDecodeError('the message is not JSON');
  }
  if (!isObject(message)) throw new StreamDecodeError('the message is not an object');
  switch (message.type) {
    case 'hello': {
      const signals = message.signals;
      if (!Array.isArray(signals) || !signals.every((s) => typeof s === 'string')) {
        throw new StreamDecodeError('hello.signals is not a list of names');
      }
      return {
        type: 'hello',
        simulation: simulationOf(message.simulation),
        signals: signals as string[],
        rate: finiteNumber(message.rate, 'hello.rate'),
      };
    }
    case 'data': {
      if (typeof message.state !== 'string' || !states.has(message.state)) {
        throw new StreamDecodeError('data.state is not a simulation state');
      }
      const t = numberArray(message.t, 'data.t');
      for (let i = 1; i < t.length; ++i) {
        if (!(t[i]! > t[i - 1]!)) throw new StreamDecodeError('data.t does not increase');
      }
      if (!isObject(message.values)) throw new StreamDecodeError('data.values is not an object');
      const values: Record<string, number[]> = {};
      for (const [signal, series] of Object.entries(message.values)) {
        const samples = numberArray(series, `data.values["${signal}"]`);
        if (samples.length !== t.length) {
          throw new StreamDecodeError(`data.values["${signal}"] has ${samples.length} samples for ${t.length} times`);
        }
        values[signal] = samples;
      }
      return {
        type: 'data',
        state: message.state as Simulation['state'],
        time: finiteNumber(message.time, 'data.time'),
        steps: finiteNumber(message.steps, 'data.steps'),
        t,
        values,
      };
    }
    case 'state':
      return { type: 'state', simulation: simulationOf(message.simulation) };
    case 'error':
      return {
        type: 'error',
        status: finiteNumber(message.status, 'error.status'),
        detail: typeof message.detail === 'string' ? message.detail : 'the server refused a message',
      };
    default:
      throw new StreamDecodeError(`unknown message type ${JSON.stringify(message.type)}`);
  }
}

// The samples a live plot shows: the last `capacity` of each signal, on one time axis.
export class SampleWindow {
  readonly signals: string[];
  private readonly capacity: number;
  private time: number[] = [];
  private series: number[][];

  constructor(signals: string[], capacity = 5000) {
    this.signals = [...signals];
    this.capacity = capacity;
    this.series = signals.map(() => []);
  }

  get length(): number {
    return this.time.length;
  }

  get lastTime(): number | null {
    return this.time.length > 0 ? this.time[this.time.length - 1]! : null;
  }

  // Appends a data frame. Samples not after the last one kept are skipped (a frame that
  // repeats the latest sample of a paused run); a signal the frame lacks gets gaps (null).
  append(frame: Pick<DataMessage, 't' | 'values'>): void {
    const last = this.lastTime;
    let first = 0;
    while (first < frame.t.length && last !== null && frame.t[first]! <= last) ++first;
    if (first === frame.t.length) return;
    this.time.push(...frame.t.slice(first));
    this.signals.forEach((signal, column) => {
      const samples = frame.values[signal];
      const target = this.series[column]!;
      if (samples) {
        target.push(...samples.slice(first));
      } else {
        for (let i = first; i < frame.t.length; ++i) target.push(Number.NaN);
      }
    });
    const excess = this.time.length - this.capacity;
    if (excess > 0) {
      this.time.splice(0, excess);
      for (const target of this.series) target.splice(0, excess);
    }
  }

  // uPlot's data layout: the time axis, then one array per signal (NaN shown as a gap).
  plotData(): [number[], ...(number | null)[][]] {
    return [this.time.slice(), ...this.series.map((s) => s.map((v) => (Number.isNaN(v) ? null : v)))];
  }

  latest(signal: string): number | null {
    const column = this.signals.indexOf(signal);
    if (column < 0 || this.time.length === 0) return null;
    const value = this.series[column]![this.time.length - 1]!;
    return Number.isNaN(value) ? null : value;
  }
}

export interface StreamOptions {
  signals: string[];
  rate?: number;
  history?: number;
}

export function streamUrl(location: Pick<Location, 'protocol' | 'host'>, simulationId: number, options: StreamOptions): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams();
  if (options.signals.length > 0) query.set('signals', options.signals.join(','));
  if (options.rate !== undefined) query.set('rate', String(options.rate));
  if (options.history !== undefined) query.set('history', String(options.history));
  return `${scheme}//${location.host}/api/v1/simulations/${simulationId}/stream?${query.toString()}`;
}

// The message that changes what a stream sends.
export function selectionMessage(signals: string[], rate?: number): string {
  return JSON.stringify(rate === undefined ? { signals } : { signals, rate });
}
