import { useCallback, useEffect, useRef, useState } from 'react';
import type { AlignedData } from 'uplot';

import { api } from '../api/client';
import { describeError } from '../api/errors';
import type { Simulation } from '../api/types';
import { decodeStreamMessage, SampleWindow, selectionMessage, streamUrl } from './stream';

export type FeedStatus = 'idle' | 'connecting' | 'streaming' | 'ended';

export const finishedStates: ReadonlySet<Simulation['state']> = new Set(['completed', 'stopped', 'failed']);

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

// The live samples and state of one simulation that has not ended (`live`), from its WebSocket
// stream (WS /api/v1/simulations/{id}/stream). The server closes the stream when the run ends.
export function useSimulationFeed(
  simulationId: number | null,
  live: boolean,
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
  // Who waits for the stream to greet (or to fail): starting a run only once its stream is
  // open means that not even a run that ends at once can end unseen.
  const greetingWaiters = useRef(new Map<number, (() => void)[]>());
  const greetedId = useRef<number | null>(null);
  const settleWaiters = (id: number) => {
    greetingWaiters.current.get(id)?.forEach((resolve) => resolve());
    greetingWaiters.current.delete(id);
  };

  const shown = useRef<number | null>(null);
  useEffect(() => {
    // A run that ended has no stream (the server answers 409); its samples stay on show until
    // its recording replaces them.
    if (shown.current !== simulationId || live) {
      samples.current = new SampleWindow(wanted.current);
      setData(samples.current.plotData());
      setError(null);
    }
    shown.current = simulationId;
    if (simulationId === null || !live) {
      setStatus(simulationId === null ? 'idle' : 'ended');
      return;
    }
    let disposed = false;
    let greeted = false;
    let lastState: Simulation['state'] | null = null;
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
          greetedId.current = simulationId;
          lastState = message.simulation.state;
          setStatus('streaming');
          update.current(message.simulation);
          settleWaiters(simulationId);
          break;
        case 'data':
          samples.current?.append(message);
          show();
          lastState = message.state;
          update.current({ state: message.state, time: message.time, steps: message.steps });
          break;
        case 'state':
          lastState = message.simulation.state;
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
      settleWaiters(simulationId);
      if (disposed) return;
      setStatus('ended');
      if (lastState !== null && finishedStates.has(lastState)) return;
      // Closed before the run's last state arrived: ask for it.
      api
        .simulation(simulationId)
        .then((simulation) => {
          if (disposed) return;
          update.current(simulation);
          if (!greeted && !finishedStates.has(simulation.state)) {
            setError('The live stream of this simulation could not be opened; reload the page to try again.');
          }
        })
        .catch((caught) => !disposed && setError(describeError(caught)));
    };
    return () => {
      disposed = true;
      greetedId.current = null;
      settleWaiters(simulationId);
      stream.onclose = null;
      stream.close();
      socket.current = null;
    };
  }, [simulationId, live]);

  const key = signals.join('\n');
  useEffect(() => {
    if (!samples.current || sameList(samples.current.signals, wanted.current)) return;
    samples.current = new SampleWindow(wanted.current);
    setData(samples.current.plotData());
    if (socket.current?.readyState === WebSocket.OPEN) socket.current.send(selectionMessage(wanted.current));
  }, [key]);

  // Resolves once the stream of `id` has greeted or has closed.
  const whenStreaming = useCallback(
    (id: number) =>
      greetedId.current === id
        ? Promise.resolve()
        : new Promise<void>((resolve) =>
            greetingWaiters.current.set(id, [...(greetingWaiters.current.get(id) ?? []), resolve]),
          ),
    [],
  );

  return { data, status, error, whenStreaming };
}
