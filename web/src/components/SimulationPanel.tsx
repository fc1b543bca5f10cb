import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AlignedData } from 'uplot';

import { api, resultsCsvUrl } from '../api/client';
import { describeError, pointerToken, problemsByPointer } from '../api/errors';
import type { Simulation } from '../api/types';
import type { Signal } from '../lib/graph';
import { checkNumber } from '../lib/params';
import { finishedStates, useSimulationFeed } from '../lib/useSimulationFeed';
import { ErrorMessage, Field } from './common';
import { EndpointStatusList } from './EndpointStatusList';
import { Plot } from './Plot';

interface Props {
  modelId: number;
  defaultStepSize: number | null;
  outputs: Signal[];
  inputs: Signal[];
}

const stateWords: Record<Simulation['state'], string> = {
  created: 'ready to start',
  running: 'running',
  paused: 'paused',
  completed: 'completed',
  stopped: 'stopped',
  failed: 'failed',
};

// A long list of checkboxes costs more to draw than it helps; the filter finds the rest.
const maxListedSignals = 100;

// Waits for `promise`, or `ms` at the most.
function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return Promise.race([promise, new Promise<void>((resolve) => window.setTimeout(resolve, ms))]);
}

function formatTime(seconds: number): string {
  return `${seconds.toFixed(seconds < 10 ? 3 : 2)} s`;
}

// Run settings, the lifecycle buttons, live plots of the picked signals, overrides of inputs
// while running, and after a run the whole recording and its CSV.
export const SimulationPanel = memo(function SimulationPanel({ modelId, defaultStepSize, outputs, inputs }: Props) {
  const [stepSize, setStepSize] = useState(String(defaultStepSize ?? 0.01));
  const [endTime, setEndTime] = useState('10');
  const [openEnded, setOpenEnded] = useState(false);
  const [realtimeFactor, setRealtimeFactor] = useState('1');
  const [simulation, setSimulation] = useState<Simulation | null>(null);
  const [runs, setRuns] = useState<Simulation[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const [signalFilter, setSignalFilter] = useState('');
  const [recording, setRecording] = useState<{ key: string; data: AlignedData } | null>(null);

  // The runs of the model are kept by the server: show the latest when the editor opens.
  useEffect(() => {
    let current = true;
    api
      .simulations(modelId)
      .then((list) => {
        if (!current) return;
        setRuns(list);
        setSimulation((shown) => shown ?? list.at(-1) ?? null);
      })
      .catch((caught) => current && setError(`The earlier runs could not be loaded: ${describeError(caught)}`));
    return () => {
      current = false;
    };
  }, [modelId]);

  const outputNames = useMemo(() => outputs.map((signal) => signal.name), [outputs]);
  const seen = useRef<Set<string>>(new Set());
  useEffect(() => {
    // Signals that are gone leave the plot; new ones join it while it shows fewer than four.
    setPicked((current) => {
      const next = current.filter((name) => outputNames.includes(name));
      for (const name of outputNames) {
        if (!seen.current.has(name) && next.length < 4) next.push(name);
      }
      seen.current = new Set(outputNames);
      return next;
    });
  }, [outputNames]);

  const plotted = useMemo(
    () => picked.filter((name) => simulation === null || simulation.record.includes(name)),
    [picked, simulation],
  );
  const merge = useCallback(
    (changes: Partial<Simulation>) => setSimulation((current) => (current ? { ...current, ...changes } : current)),
    [],
  );
  const finished = simulation !== null && finishedStates.has(simulation.state);
  const feed = useSimulationFeed(simulation?.id ?? null, !finished, plotted, merge);

  // The HIL endpoints of a run (GET /simulations/{id} has them when the model has bindings):
  // asked once when a run is created, again once it runs, and then twice a second while it does;
  // once more when it has ended, for the last counts.
  const simulationId = simulation?.id ?? null;
  const phase = simulation === null ? 'none' : finished ? 'ended' : simulation.state === 'created' ? 'created' : 'active';
  const hadEndpoints = useRef(false);
  hadEndpoints.current = (simulation?.endpoints?.length ?? 0) > 0;
  useEffect(() => {
    if (simulationId === null || (phase === 'ended' && !hadEndpoints.current)) return;
    let stopped = false;
    let timer: number | undefined;
    const poll = async () => {
      let more = false;
      try {
        const latest = await api.simulation(simulationId);
        if (stopped) return;
        const endpoints = latest.endpoints;
        setSimulation((current) => (current && current.id === simulationId ? { ...current, endpoints } : current));
        more = phase === 'active' && (endpoints?.length ?? 0) > 0;
      } catch {
        more = phase === 'active' && hadEndpoints.current;
      }
      if (more && !stopped) timer = window.setTimeout(() => void poll(), 500);
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [simulationId, phase]);

  const recordingKey = simulation && finished ? `${simulation.id}:${simulation.steps}:${plotted.join(',')}` : '';
  useEffect(() => {
    if (!simulation || !recordingKey || plotted.length === 0) return;
    let current = true;
    api
      .results(simulation.id, plotted)
      .then((results) => {
        if (current) setRecording({ key: recordingKey, data: [results.time, ...plotted.map((name) => results.signals[name] ?? [])] });
      })
      .catch((caught) => current && setError(`The recording could not be loaded: ${describeError(caught)}`));
    return () => {
      current = false;
    };
  }, [recordingKey]);

  const settings = () => {
    const errors = new Map<string, string>();
    const step = checkNumber(stepSize, { min: 0, exclusiveMin: true });
    if (!step.ok) errors.set('/step_size', step.error);
    const end = openEnded ? ({ ok: true, value: null } as const) : checkNumber(endTime, { min: 0 });
    if (!end.ok) errors.set('/end_time', end.error);
    const factor = checkNumber(realtimeFactor, { min: 0 });
    if (!factor.ok) errors.set('/realtime_factor', factor.error);
    setFieldErrors(errors);
    if (!step.ok || !end.ok || !factor.ok) return null;
    return { step_size: step.value!, end_time: end.value, realtime_factor: factor.value! };
  };

  const run = async (action: 'start' | 'step' | 'pause' | 'resume' | 'stop') => {
    setError(null);
    let target = simulation;
    if ((action === 'start' || action === 'step') && (target === null || finishedStates.has(target.state))) {
      const chosen = settings();
      if (!chosen) return;
      setBusy(true);
      try {
        target = await api.createSimulation(modelId, chosen);
        setRecording(null);
        setSimulation(target);
        const created = target;
        setRuns((list) => [...list, created]);
      } catch (caught) {
        const byPointer = problemsByPointer(caught);
        setFieldErrors(byPointer);
        if (!['/step_size', '/end_time', '/realtime_factor'].some((pointer) => byPointer.has(pointer))) {
          setError(describeError(caught));
        }
        setBusy(false);
        return;
      }
    }
    if (!target) return;
    setBusy(true);
    try {
      if (action === 'start' || action === 'step') await withTimeout(feed.whenStreaming(target.id), 3000);
      const updated = await api.simulationAction(target.id, action);
      setSimulation((current) => (current && current.id === updated.id && current.steps > updated.steps ? current : updated));
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  const state = simulation?.state ?? null;
  const canStart = state === null || state === 'created' || finished;
  const canStep = state === null || state === 'created' || state === 'paused' || finished;

  const matching = outputs.filter((signal) => signal.name.toLowerCase().includes(signalFilter.trim().toLowerCase()));
  const shownSignals = matching.slice(0, maxListedSignals);
  const liveSamples = feed.data[0]?.length ?? 0;
  const showRecording = finished && recording !== null && recording.key === recordingKey;

  return (
    <section className="simulation-panel" aria-label="Simulation">
      <div className="simulation-controls">
        <h2>Simulation</h2>
        <div className="settings">
          <Field
            label="Step size (s)"
            value={stepSize}
            inputMode="decimal"
            error={fieldErrors.get('/step_size')}
            onChange={(event) => setStepSize(event.target.value)}
          />
          <Field
            label="End time (s)"
            value={openEnded ? '' : endTime}
            inputMode="decimal"
            disabled={openEnded}
            placeholder={openEnded ? 'open-ended' : undefined}
            error={fieldErrors.get('/end_time')}
            onChange={(event) => setEndTime(event.target.value)}
          />
          <Field
            label="Real-time factor"
            value={realtimeFactor}
            inputMode="decimal"
            title="1 = wall clock, 0 = as fast as possible"
            error={fieldErrors.get('/realtime_factor')}
            onChange={(event) => setRealtimeFactor(event.target.value)}
          />
          <label className="checkbox">
            <input type="checkbox" checked={openEnded} onChange={(event) => setOpenEnded(event.target.checked)} /> Open-ended
          </label>
          <small className="hint settings-hint">Real-time factor 1 runs at wall-clock pace, 0 as fast as possible.</small>
        </div>
        <div className="run-buttons" role="group" aria-label="Run controls">
          <button type="button" className="primary" disabled={busy || !canStart} onClick={() => void run('start')}>
            {finished ? 'Run again' : 'Start'}
          </button>
          <button type="button" disabled={busy || state !== 'running'} onClick={() => void run('pause')}>
            Pause
          </button>
          <button type="button" disabled={busy || state !== 'paused'} onClick={() => void run('resume')}>
            Resume
          </button>
          <button type="button" disabled={busy || (state !== 'running' && state !== 'paused')} onClick={() => void run('stop')}>
            Stop
          </button>
          <button type="button" disabled={busy || !canStep} onClick={() => void run('step')}>
            Step once
          </button>
        </div>
        {runs.length > 1 && (
          <label className="run-picker">
            Show run{' '}
            <select
              value={simulation?.id ?? ''}
              disabled={busy || state === 'running'}
              onChange={(event) => {
                setRecording(null);
                setError(null);
                api
                  .simulation(Number(event.target.value))
                  .then(setSimulation)
                  .catch((caught) => setError(`That run could not be loaded: ${describeError(caught)}`));
              }}
            >
              {runs.map((run) => (
                <option key={run.id} value={run.id}>
                  Simulation {run.id} of {new Date(run.created_at).toLocaleString()}
                </option>
              ))}
            </select>
          </label>
        )}
        <p className="simulation-state" role="status" aria-live="polite" data-state={state ?? 'none'}>
          {simulation ? (
            <>
              Simulation {simulation.id} is <strong>{stateWords[simulation.state]}</strong> at t ={' '}
              <span className="simulation-time">{formatTime(simulation.time)}</span> ({simulation.steps} steps)
            </>
          ) : (
            'Not started yet.'
          )}
        </p>
        {simulation?.error && <ErrorMessage message={`The simulation failed: ${simulation.error}`} />}
        {simulation?.endpoints && simulation.endpoints.length > 0 && <EndpointStatusList endpoints={simulation.endpoints} />}
        <ErrorMessage message={error} />
        {simulation && finished && (
          <a className="button-like" href={resultsCsvUrl(simulation.id, [])} download={`simulation-${simulation.id}.csv`}>
            Download CSV
          </a>
        )}
      </div>

      <div className="simulation-plot">
        {plotted.length === 0 ? (
          <p className="empty">{outputs.length === 0 ? 'Add components to get signals to plot.' : 'Pick signals to plot.'}</p>
        ) : showRecording ? (
          <>
            <h3>Recording of simulation {simulation!.id}</h3>
            <Plot label="Recording" signals={plotted} data={recording!.data} />
          </>
        ) : (
          <>
            <h3>
              Live {feed.status === 'connecting' && <span className="hint">(connecting to the stream…)</span>}
            </h3>
            {liveSamples === 0 && !finished && <p className="hint">Start the simulation to see its signals here.</p>}
            <Plot label="Live plot" signals={plotted} data={feed.data} />
          </>
        )}
        <ErrorMessage message={feed.error} />
      </div>

      <div className="simulation-side">
        <fieldset className="signal-picker">
          <legend>Signals to plot</legend>
          <input
            type="search"
            aria-label="Filter signals"
            placeholder="Filter…"
            value={signalFilter}
            onChange={(event) => setSignalFilter(event.target.value)}
          />
          {matching.length > shownSignals.length && (
            <p className="hint">
              {shownSignals.length} of {matching.length} listed; filter to find the others.
            </p>
          )}
          <ul>
            {shownSignals.map((signal) => (
              <li key={signal.name}>
                <label>
                  <input
                    type="checkbox"
                    checked={picked.includes(signal.name)}
                    onChange={(event) =>
                      setPicked((current) =>
                        event.target.checked ? [...current, signal.name] : current.filter((name) => name !== signal.name),
                      )
                    }
                  />{' '}
                  {signal.name}
                  {signal.unit ? ` (${signal.unit})` : ''}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <Overrides simulation={simulation} inputs={inputs} onChanged={setSimulation} />
      </div>
    </section>
  );
});

function Overrides({
  simulation,
  inputs,
  onChanged,
}: {
  simulation: Simulation | null;
  inputs: Signal[];
  onChanged: (simulation: Simulation) => void;
}) {
  const [input, setInput] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const active = simulation !== null && !finishedStates.has(simulation.state);
  const chosen = inputs.find((signal) => signal.name === input) ?? inputs[0];

  const send = async (name: string, override: number | boolean | null) => {
    if (!simulation) return;
    setError(null);
    try {
      onChanged(await api.setOverrides(simulation.id, { [name]: override }));
    } catch (caught) {
      setError(problemsByPointer(caught).get(`/overrides/${pointerToken(name)}`) ?? describeError(caught));
    }
  };

  const setNumber = () => {
    if (!chosen) return;
    const number = checkNumber(value);
    if (!number.ok) {
      setError(number.error);
      return;
    }
    if (chosen.dataType === 'int' && !Number.isInteger(number.value)) {
      setError(`${chosen.name} takes whole numbers.`);
      return;
    }
    void send(chosen.name, number.value);
  };

  const overrides = Object.entries(simulation?.overrides ?? {});
  return (
    <fieldset className="overrides" disabled={!active}>
      <legend>Override inputs {active ? '' : '(while a simulation runs)'}</legend>
      {inputs.length === 0 ? (
        <p className="empty">The model has no inputs.</p>
      ) : (
        <div className="override-form">
          <label>
            Input{' '}
            <select value={chosen?.name ?? ''} onChange={(event) => setInput(event.target.value)}>
              {inputs.map((signal) => (
                <option key={signal.name} value={signal.name}>
                  {signal.name} ({signal.dataType})
                </option>
              ))}
            </select>
          </label>
          {chosen?.dataType === 'bool' ? (
            <>
              <button type="button" onClick={() => void send(chosen.name, true)}>
                Set TRUE
              </button>
              <button type="button" onClick={() => void send(chosen.name, false)}>
                Set FALSE
              </button>
            </>
          ) : (
            <>
              <input
                aria-label="Override value"
                inputMode="decimal"
                value={value}
                onChange={(event) => setValue(event.target.value)}
                onKeyDown={(event) => event.key === 'Enter' && setNumber()}
              />
              <button type="button" onClick={setNumber}>
                Set
              </button>
            </>
          )}
        </div>
      )}
      <ErrorMessage message={error} />
      {overrides.length > 0 && (
        <ul className="active-overrides" aria-label="Active overrides">
          {overrides.map(([name, overridden]) => {
            const type = inputs.find((signal) => signal.name === name)?.dataType;
            return (
              <li key={name}>
                {name} = {type === 'bool' ? (overridden ? 'TRUE' : 'FALSE') : overridden}{' '}
                {type === 'bool' && (
                  <button type="button" onClick={() => void send(name, !overridden)}>
                    Toggle<span className="visually-hidden"> {name}</span>
                  </button>
                )}
                <button type="button" onClick={() => void send(name, null)}>
                  Release<span className="visually-hidden"> {name}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </fieldset>
  );
}
