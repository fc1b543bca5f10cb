import { useEffect, useRef, useState } from 'react';
import type { AlignedData } from 'uplot';

import { api } from '../api/client';
import { describeError } from '../api/errors';
import type { Simulation } from '../api/types';
import { decodeStreamMessage, SampleWindow, selectionMessage, streamUrl } from './stream';

export type FeedStatus = 'idle' | 'connecting' | 'streaming' | 'polling' | 'ended';

export const finishedStates: ReadonlySet<Simulation['state']> = new Set(['completed', 'stopped', 'failed']);

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

// The live samples and state of one simulation, from its WebSocket stream. A server without
// the stream (it answers the upgrade with an error) is polled instead: the simulation's state
// and the recording's new rows twice a second.
export function useSimulationFeed(
  simulationId: number | null,
  signals: string[],
  onUpdate: (changes: Partial<Simulation>) => void,
) {
  const [data, setData] = useState<AlignedData>([[]]);
  const [status, setStatus] = useState<FeedStatus>('idle');
  const [error, setError] = useState<string | null>(null);
  const samples = useRef<SampleWindow | null>(null);
  const socket = useRef<WebSocket | null>(null);
  const wanted = useRef(signals);
  wanted.current = signals;
  const update = useRef(onUpdate);
  update.current = onUpdate;

  useEffect(() => {
    samples.current = new SampleWindow(wanted.current);
    setData(samples.current.plotData());
    setError(null);
    if (simulationId === null) {
      setStatus('idle');
      return;
    }
    let disposed = false;
    let greeted = false;
    let timer: number | undefined;
    const show = () => samples.current && setData(samples.current.plotData());

    const poll = async () => {
      if (disposed) return;
      try {
        const simulation = await api.simulation(simulationId);
        const kept = samples.current!;
        if (kept.signals.length > 0) {
          const results = await api.results(simulationId, kept.signals);
          const last = kept.lastTime;
          let first = 0;
          while (first < results.time.length && last !== null && results.time[first]! <= last) ++first;
          const values: Record<string, number[]> = {};
          for (const [name, series] of Object.entries(results.signals)) values[name] = series.slice(first);
          kept.append({ t: results.time.slice(first), values });
          show();
        }
        if (disposed) return;
        update.current(simulation);
        if (finishedStates.has(simulation.state)) {
          setStatus('ended');
          return;
        }
      } catch (caught) {
        setError(describeError(caught));
      }
      timer = window.setTimeout(poll, 500);
    };

    setStatus('connecting');
    const stream = new WebSocket(streamUrl(window.location, simulationId, { signals: wanted.current, rate: 20, history: 500 }));
    socket.current = stream;
    stream.onmessage = (event) => {
      let message;
      try {
        message = decodeStreamMessage(String(event.data));
      } catch (caught) {
        setError(`The live stream sent a message this page does not understand (${describeError(caught)}).`);
        return;
      }
      switch (message.type) {
        case 'hello':
          greeted = true;
          setStatus('streaming');
          update.current(message.simulation);
          break;
        case 'data':
          samples.current?.append(message);
          show();
          update.current({ state: message.state, time: message.time, steps: message.steps });
          break;
        case 'state':
          update.current(message.simulation);
          if (finishedStates.has(message.simulation.state)) setStatus('ended');
          break;
        case 'error':
          setError(`The live stream refused a request: ${message.detail}`);
          break;
      }
    };
    stream.onclose = () => {
      socket.current = null;
      if (disposed) return;
      if (!greeted) {
        setStatus('polling');
        void poll();
      } else {
        setStatus('ended');
      }
    };
    return () => {
      disposed = true;
      window.clearTimeout(timer);
      stream.onclose = null;
      stream.close();
      socket.current = null;
    };
  }, [simulationId]);

  const key = signals.join('\n');
  useEffect(() => {
    if (!samples.current || sameList(samples.current.signals, wanted.current)) return;
    samples.current = new SampleWindow(wanted.current);
    setData(samples.current.plotData());
    if (socket.current?.readyState === WebSocket.OPEN) socket.current.send(selectionMessage(wanted.current));
  }, [key]);

  return { data, status, error };
}
