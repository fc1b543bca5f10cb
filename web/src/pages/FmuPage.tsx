import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';

import { api } from '../api/client';
import { ApiError, describeError } from '../api/errors';
import type { Component, Fmu, Model, Project } from '../api/types';
import { ConfirmDialog, ErrorMessage, Loading, SelectField } from '../components/common';
import { fmuDeleteError } from '../components/FmuSection';
import { filterVariables, formatSize, formatStart, formatVariableType, interfacesOf } from '../lib/fmus';
import { freeComponentName } from '../lib/graph';
import { fmuType } from '../lib/ports';
import { Link, navigate } from '../lib/router';

const causalities = ['', 'input', 'output', 'parameter', 'calculatedParameter', 'structuralParameter', 'local', 'independent'];

// Adds a component running `fmu` to `modelId`, named after the FMU's model.
export async function addFmuComponent(modelId: number, fmu: Fmu): Promise<Component> {
  const existing = await api.components(modelId);
  const name = freeComponentName(fmu.model_name || 'fmu', existing.map((component) => component.name));
  return api.createComponent(modelId, { name, type: fmuType, parameters: { fmu: fmu.id } });
}

// One FMU: what its model description says, its variables, adding it to a model, deleting it.
export function FmuPage({ fmuId }: { fmuId: number }) {
  const [fmu, setFmu] = useState<Fmu | null>(null);
  const [project, setProject] = useState<Project | null>(null);
  const [models, setModels] = useState<Model[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [causality, setCausality] = useState('');
  const [target, setTarget] = useState('');
  const [adding, setAdding] = useState<{ busy: boolean; error: string | null; added: { model: Model; name: string } | null }>({
    busy: false,
    error: null,
    added: null,
  });
  const [deleting, setDeleting] = useState<{ busy: boolean; error: string | null } | null>(null);
  const causalityId = useId();

  const load = useCallback(async () => {
    setError(null);
    try {
      const loaded = await api.fmu(fmuId);
      const [loadedProject, loadedModels] = await Promise.all([api.project(loaded.project_id), api.models(loaded.project_id)]);
      setFmu(loaded);
      setProject(loadedProject);
      setModels(loadedModels);
      setTarget((current) => current || String(loadedModels[0]?.id ?? ''));
      document.title = `${loaded.file_name} · twinloop`;
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 404 ? 'This FMU does not exist (any more).' : describeError(caught));
    }
  }, [fmuId]);

  useEffect(() => {
    void load();
  }, [load]);

  const variables = useMemo(() => filterVariables(fmu?.variables ?? [], filter, causality), [fmu, filter, causality]);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const model = models.find((candidate) => String(candidate.id) === target);
    if (!fmu || !model) {
      setAdding({ busy: false, error: 'Choose a model.', added: null });
      return;
    }
    setAdding({ busy: true, error: null, added: null });
    try {
      const component = await addFmuComponent(model.id, fmu);
      setAdding({ busy: false, error: null, added: { model, name: component.name } });
    } catch (caught) {
      setAdding({ busy: false, error: `Not added to ${model.name}: ${describeError(caught)}`, added: null });
    }
  };

  const remove = async () => {
    setDeleting({ busy: true, error: null });
    try {
      await api.deleteFmu(fmuId);
      navigate(project ? `/projects/${project.id}` : '/');
    } catch (caught) {
      setDeleting({ busy: false, error: fmuDeleteError(caught) });
    }
  };

  const experiment = fmu?.default_experiment;
  return (
    <main className="page page-wide">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/">Projects</Link> <span aria-hidden="true">/</span>{' '}
        {project ? <Link href={`/projects/${project.id}`}>{project.name}</Link> : <span>…</span>}{' '}
        <span aria-hidden="true">/</span> <span>{fmu?.file_name ?? '…'}</span>
      </nav>
      <h1>{fmu ? `FMU ${fmu.file_name}` : 'FMU'}</h1>
      <ErrorMessage message={error} onRetry={load} />
      {!fmu && !error && <Loading what="the FMU" />}
      {fmu && (
        <>
          {fmu.description && <p className="lead">{fmu.description}</p>}
          <dl className="facts" aria-label="Model description">
            <dt>Model</dt>
            <dd>
              {fmu.model_name}
              {fmu.model_version ? ` ${fmu.model_version}` : ''}
            </dd>
            <dt>FMI version</dt>
            <dd>{fmu.fmi_version}</dd>
            <dt>Interfaces</dt>
            <dd>{interfacesOf(fmu)}</dd>
            <dt>Size</dt>
            <dd>{formatSize(fmu.size)}</dd>
            {experiment && (experiment.stop_time !== null || experiment.step_size !== null) && (
              <>
                <dt>Default experiment</dt>
                <dd>
                  {experiment.start_time ?? 0} s to {experiment.stop_time ?? 'open end'}
                  {experiment.stop_time !== null ? ' s' : ''}
                  {experiment.step_size !== null ? `, step ${experiment.step_size} s` : ''}
                  {experiment.tolerance !== null ? `, tolerance ${experiment.tolerance}` : ''}
                </dd>
              </>
            )}
            {fmu.author && (
              <>
                <dt>Author</dt>
                <dd>{fmu.author}</dd>
              </>
            )}
            {fmu.generation_tool && (
              <>
                <dt>Generated by</dt>
                <dd>
                  {fmu.generation_tool} {fmu.generation_date_and_time}
                </dd>
              </>
            )}
            <dt>Uploaded</dt>
            <dd>{new Date(fmu.created_at).toLocaleString()}</dd>
          </dl>

          <section aria-labelledby="add-to-model">
            <h2 id="add-to-model">Add to a model</h2>
            {models.length === 0 ? (
              <p className="empty">
                The project has no models yet. <Link href={`/projects/${fmu.project_id}`}>Create one</Link> first.
              </p>
            ) : (
              <form className="inline-form" onSubmit={(event) => void add(event)}>
                <SelectField label="Model" value={target} onChange={(event) => setTarget(event.target.value)}>
                  {models.map((model) => (
                    <option key={model.id} value={model.id}>
                      {model.name}
                    </option>
                  ))}
                </SelectField>
                <button type="submit" className="primary" disabled={adding.busy}>
                  {adding.busy ? 'Adding…' : 'Add to model'}
                </button>
              </form>
            )}
            <div aria-live="polite">
              {adding.added && (
                <p className="notice" role="status">
                  Added as {adding.added.name} to {adding.added.model.name}.{' '}
                  <Link href={`/models/${adding.added.model.id}`}>Open {adding.added.model.name}</Link>
                </p>
              )}
            </div>
            <ErrorMessage message={adding.error} />
          </section>

          <section aria-labelledby="variables">
            <h2 id="variables">Variables ({fmu.variables?.length ?? 0})</h2>
            <div className="table-filters">
              <input
                type="search"
                aria-label="Filter variables"
                placeholder="Filter by name, type, unit…"
                value={filter}
                onChange={(event) => setFilter(event.target.value)}
              />
              <label htmlFor={causalityId}>Causality</label>
              <select id={causalityId} value={causality} onChange={(event) => setCausality(event.target.value)}>
                {causalities.map((value) => (
                  <option key={value} value={value}>
                    {value === '' ? 'all' : value}
                  </option>
                ))}
              </select>
            </div>
            {variables.length === 0 ? (
              <p className="empty">No variable matches.</p>
            ) : (
              <table className="data-table" aria-label="Variables">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Causality</th>
                    <th scope="col">Variability</th>
                    <th scope="col">Type</th>
                    <th scope="col">Unit</th>
                    <th scope="col">Start</th>
                    <th scope="col">Range</th>
                    <th scope="col">Description</th>
                  </tr>
                </thead>
                <tbody>
                  {variables.map((variable) => (
                    <tr key={`${variable.value_reference}:${variable.name}`}>
                      <th scope="row">
                        <code>{variable.name}</code>
                      </th>
                      <td>{variable.causality}</td>
                      <td>{variable.variability}</td>
                      <td>{formatVariableType(variable)}</td>
                      <td>{variable.unit}</td>
                      <td>{formatStart(variable.start)}</td>
                      <td>
                        {variable.min !== null || variable.max !== null
                          ? `${variable.min ?? '−∞'} … ${variable.max ?? '∞'}`
                          : ''}
                      </td>
                      <td>{variable.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section aria-labelledby="delete-fmu">
            <h2 id="delete-fmu">Delete</h2>
            <button type="button" className="danger" onClick={() => setDeleting({ busy: false, error: null })}>
              Delete FMU
            </button>
          </section>
          <ConfirmDialog
            open={deleting !== null}
            title={`Delete FMU “${fmu.file_name}”?`}
            confirmLabel="Delete FMU"
            busy={deleting?.busy}
            error={deleting?.error}
            onConfirm={() => void remove()}
            onCancel={() => setDeleting(null)}
          >
            <p>The FMU is removed from the project. While a component of a model uses it, it cannot be deleted.</p>
          </ConfirmDialog>
        </>
      )}
    </main>
  );
}
