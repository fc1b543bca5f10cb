import type { Fmu } from '../api/types';
import { formatStart, settableParameters } from '../lib/fmus';
import { Link } from '../lib/router';

// Under the properties of an fmu component: which FMU it runs, and the names its `values` take.
export function FmuComponentInfo({ fmuId, fmu }: { fmuId: number | null; fmu: Fmu | undefined }) {
  if (fmuId === null) return <p className="hint">Set fmu to the id of one of the project's FMUs.</p>;
  if (!fmu) return <p className="hint">FMU {fmuId} could not be read; its ports are not shown.</p>;
  const parameters = settableParameters(fmu);
  return (
    <div className="fmu-info">
      <h3>FMU</h3>
      <p>
        Runs <Link href={`/fmus/${fmu.id}`}>{fmu.file_name}</Link> ({fmu.model_name}, FMI {fmu.fmi_version}).
      </p>
      {parameters.length > 0 ? (
        <p className="hint">
          Its parameters, to set in values as {'{"name": value}'}:{' '}
          {parameters.map((variable, i) => (
            <span key={variable.name}>
              {i > 0 ? ', ' : ''}
              <code>{variable.name}</code> ({formatStart(variable.start) || 'no start'}
              {variable.unit ? ` ${variable.unit}` : ''})
            </span>
          ))}
          .
        </p>
      ) : (
        <p className="hint">It has no parameters to set.</p>
      )}
    </div>
  );
}
