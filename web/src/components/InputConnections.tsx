import { useState } from 'react';

import { describeError } from '../api/errors';
import type { ConnectionEnd, PortSpec } from '../api/types';
import type { Signal } from '../lib/graph';
import { ErrorMessage } from './common';

interface Props {
  inputs: PortSpec[];
  drivers: Map<string, ConnectionEnd>; // input port -> the output driving it
  outputs: Signal[];
  onChange: (port: string, driver: ConnectionEnd | null) => Promise<void>;
}

const keyOf = (end: ConnectionEnd) => `${end.component_id}:${end.port}`;

// What drives each input of the selected component, as a choice among the outputs of the same
// data type: the keyboard's way to connect and disconnect (the canvas needs a mouse).
export function InputConnections({ inputs, drivers, outputs, onChange }: Props) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (inputs.length === 0) return null;

  const choose = async (port: string, value: string) => {
    setBusy(port);
    setError(null);
    try {
      await onChange(port, outputs.find((output) => keyOf(output.end) === value)?.end ?? null);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="input-connections" aria-labelledby="input-connections-title">
      <h3 id="input-connections-title">Inputs</h3>
      {inputs.map((input) => {
        const driver = drivers.get(input.name);
        return (
          <div className="field" key={input.name}>
            <label>
              {input.name} <span className="type-tag">{input.data_type}</span> driven by
              <select
                value={driver ? keyOf(driver) : ''}
                disabled={busy !== null}
                onChange={(event) => void choose(input.name, event.target.value)}
              >
                <option value="">not connected (takes {String(input.default ?? 'its default')})</option>
                {outputs
                  .filter((output) => output.dataType === input.data_type)
                  .map((output) => (
                    <option key={keyOf(output.end)} value={keyOf(output.end)}>
                      {output.name}
                    </option>
                  ))}
              </select>
            </label>
          </div>
        );
      })}
      <ErrorMessage message={error} />
    </section>
  );
}
