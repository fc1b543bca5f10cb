import { useCallback, useEffect, useState, type ChangeEvent } from 'react';

import { api, importAsNewModel } from '../api/client';
import { ApiError, describeError, problemsByPointer } from '../api/errors';
import type { Model, Project } from '../api/types';
import { ErrorMessage, Field, Loading } from '../components/common';
import { FmuSection } from '../components/FmuSection';
import { CreateForm, NamedItems } from '../components/NamedItems';
import { checkNumber } from '../lib/params';
import { Link, navigate } from '../lib/router';

export function ProjectPage({ projectId }: { projectId: number }) {
  const [project, setProject] = useState<Project | null>(null);
  const [models, setModels] = useState<Model[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [stepSize, setStepSize] = useState('0.01');
  const [importState, setImportState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });

  const load = useCallback(async () => {
    setError(null);
    try {
      const [loadedProject, loadedModels] = await Promise.all([api.project(projectId), api.models(projectId)]);
      setProject(loadedProject);
      setModels(loadedModels);
      document.title = `${loadedProject.name} · twinloop`;
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 404 ? 'This project does not exist (any more).' : describeError(caught));
    }
  }, [projectId]);

  useEffect(() => {
    void load();
  }, [load]);

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setImportState({ busy: true, error: null });
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch {
      setImportState({ busy: false, error: `${file.name} is not a JSON file.` });
      return;
    }
    try {
      const model = await importAsNewModel(projectId, document);
      navigate(`/models/${model.id}`);
    } catch (caught) {
      const pointers = [...problemsByPointer(caught).keys()].filter((pointer) => pointer !== '');
      const where = pointers.length > 0 ? ` (in the file at ${pointers.join(', ')})` : '';
      setImportState({ busy: false, error: `${file.name} was not imported. ${describeError(caught)}${where}` });
    }
  };

  return (
    <main className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/">Projects</Link> <span aria-hidden="true">/</span> <span>{project?.name ?? '…'}</span>
      </nav>
      <h1>{project ? project.name : 'Project'}</h1>
      {project?.description && <p className="lead">{project.description}</p>}
      <ErrorMessage message={error} onRetry={load} />
      {!error && (
        <>
          <section aria-labelledby="new-model">
            <h2 id="new-model">New model</h2>
            <CreateForm
              kind="model"
              onCreate={async (name, description) => {
                const step = checkNumber(stepSize, { min: 0, exclusiveMin: true, optional: true });
                if (!step.ok) {
                  throw new ApiError(422, 'Check the step size.', { errors: [{ pointer: '/step_size', detail: step.error }] });
                }
                const model = await api.createModel(projectId, { name, description, step_size: step.value });
                navigate(`/models/${model.id}`);
              }}
            >
              {(errors) => (
                <Field
                  label="Step size (s)"
                  value={stepSize}
                  inputMode="decimal"
                  error={errors.get('/step_size')}
                  hint="The default simulation step; 0.01 s is a good start."
                  onChange={(event) => setStepSize(event.target.value)}
                />
              )}
            </CreateForm>
            <div className="import">
              <label className="button-like">
                {importState.busy ? 'Importing…' : 'Import a model from a JSON file…'}
                <input type="file" accept="application/json,.json" className="visually-hidden" onChange={importFile} disabled={importState.busy} />
              </label>
              <ErrorMessage message={importState.error} />
            </div>
          </section>
          <section aria-labelledby="all-models">
            <h2 id="all-models">Models</h2>
            {models === null && <Loading what="models" />}
            {models && (
              <NamedItems
                kind="model"
                items={models}
                href={(model) => `/models/${model.id}`}
                details={(model) =>
                  model.step_size !== null ? <span className="item-detail">step {model.step_size} s</span> : null
                }
                deleteWarning={(model) =>
                  `This deletes “${model.name}” with its components and connections. It cannot be undone.`
                }
                onRename={async (model, name) => {
                  const renamed = await api.updateModel(model.id, { name });
                  setModels((list) => list?.map((m) => (m.id === renamed.id ? renamed : m)) ?? null);
                }}
                onDelete={async (model) => {
                  await api.deleteModel(model.id);
                  setModels((list) => list?.filter((m) => m.id !== model.id) ?? null);
                }}
              />
            )}
          </section>
          <FmuSection projectId={projectId} />
          <section aria-labelledby="hil">
            <h2 id="hil">Hardware in the loop</h2>
            <p>
              <Link href={`/projects/${projectId}/hil`}>OPC UA endpoints</Link> of PLCs the twin exchanges signals with; each
              model binds its signals to their nodes.
            </p>
          </section>
        </>
      )}
    </main>
  );
}
