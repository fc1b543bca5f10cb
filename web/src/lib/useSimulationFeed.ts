import { useEffect, useRef, useState } from 'react';
import type { AlignedData } from 'uplot';

import { describeError } from '../api/errors';
import type { Simulation } from '../api/types';
import { decodeStreamMessage, SampleWindow, selectionMessage, streamUrl } from './stream';

export type FeedStatus = 'idle' | 'connecting' | 'streaming' | 'ended';

export const finishedStates: ReadonlySet<Simulation['state']> = new Set(['completed', 'stopped', 'failed']);

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

// The live samples and state of one simulation, from its WebSocket stream
// (WS /api/v1/simulations/{id}/stream). The server closes the stream when the run has ended.
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
    const show = () => samples.current && setData(samples.current.plotData());

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
      setStatus('ended');
      if (!greeted) setError('The live stream of this simulation could not be opened; reload the page to try again.');
    };
    return () => {
      disposed = true;
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
