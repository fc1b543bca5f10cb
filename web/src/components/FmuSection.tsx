import { useCallback, useEffect, useRef, useState, type ChangeEvent, type DragEvent } from 'react';

import { api } from '../api/client';
import { ApiError, describeError } from '../api/errors';
import type { Fmu } from '../api/types';
import { formatSize, interfacesOf, uploadProblem } from '../lib/fmus';
import { Link } from '../lib/router';
import { ConfirmDialog, ErrorMessage, Loading } from './common';

// What a refused delete means: 409 is an FMU that components still use (the server names one).
export function fmuDeleteError(error: unknown): string {
  if (error instanceof ApiError && error.status === 409 && !error.problem?.detail) {
    return 'Components of a model use this FMU; delete them or point them at another FMU first.';
  }
  return describeError(error);
}

// The FMUs of a project: upload (file input or drag and drop), list, open, delete.
export function FmuSection({ projectId }: { projectId: number }) {
  const [fmus, setFmus] = useState<Fmu[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [upload, setUpload] = useState<{ busy: string | null; error: string | null; notice: string | null }>({
    busy: null,
    error: null,
    notice: null,
  });
  const [dragging, setDragging] = useState(false);
  const [deleting, setDeleting] = useState<{ fmu: Fmu; busy: boolean; error: string | null } | null>(null);

  const listed = useRef<Fmu[]>([]);
  listed.current = fmus ?? [];

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setFmus(await api.fmus(projectId));
    } catch (caught) {
      setLoadError(`The FMUs could not be loaded: ${describeError(caught)}`);
    }
  }, [projectId]);

  useEffect(() => {
    void load();
  }, [load]);

  const send = async (files: File[]) => {
    if (files.length === 0) return;
    const errors: string[] = [];
    const notices: string[] = [];
    for (const file of files) {
      const problem = uploadProblem(file);
      if (problem) {
        errors.push(problem);
        continue;
      }
      setUpload({ busy: `Uploading ${file.name}…`, error: null, notice: null });
      try {
        const fmu = await api.uploadFmu(projectId, file, file.name);
        const known = listed.current.some((other) => other.id === fmu.id);
        if (!known) {
          listed.current = [...listed.current, fmu];
          setFmus(listed.current);
        }
        notices.push(
          known
            ? `The project has ${file.name} already (as “${fmu.file_name}”).`
            : `${file.name} was uploaded: ${fmu.model_name}, FMI ${fmu.fmi_version}.`,
        );
      } catch (caught) {
        errors.push(`${file.name} was not uploaded. ${describeError(caught)}`);
      }
    }
    setUpload({ busy: null, error: errors.length > 0 ? errors.join(' ') : null, notice: notices.join(' ') || null });
  };

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    void send(files);
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void send([...event.dataTransfer.files]);
  };

  const remove = async () => {
    if (!deleting) return;
    setDeleting({ ...deleting, busy: true, error: null });
    try {
      await api.deleteFmu(deleting.fmu.id);
      setFmus((list) => list?.filter((fmu) => fmu.id !== deleting.fmu.id) ?? null);
      setDeleting(null);
    } catch (caught) {
      setDeleting({ ...deleting, busy: false, error: fmuDeleteError(caught) });
    }
  };

  return (
    <section aria-labelledby="fmus">
      <h2 id="fmus">FMUs</h2>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(event) => {
          if (event.dataTransfer.types.includes('Files')) {
            event.preventDefault();
            event.dataTransfer.dropEffect = 'copy';
            setDragging(true);
          }
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <label className="button-like">
          {upload.busy ?? 'Upload an FMU…'}
          <input
            type="file"
            accept=".fmu,application/octet-stream,application/zip"
            className="visually-hidden"
            multiple
            disabled={upload.busy !== null}
            onChange={choose}
          />
        </label>{' '}
        <span className="hint">or drop .fmu files here (FMI 2.0 or 3.0).</span>
        {upload.busy && <span className="spinner" aria-hidden="true" />}
      </div>
      <div aria-live="polite">
        {upload.notice && (
          <p className="notice" role="status">
            {upload.notice}
          </p>
        )}
      </div>
      <ErrorMessage message={upload.error} />
      <ErrorMessage message={loadError} onRetry={load} />
      {fmus === null && !loadError && <Loading what="FMUs" />}
      {fmus && fmus.length === 0 && <p className="empty">No FMUs yet. Upload one to use it as a component.</p>}
      {fmus && fmus.length > 0 && (
        <ul className="named-items" aria-label="FMUs">
          {fmus.map((fmu) => (
            <li key={fmu.id}>
              <div className="item-main">
                <Link href={`/fmus/${fmu.id}`} className="item-name">
                  {fmu.file_name}
                </Link>
                <span className="item-description">
                  {fmu.model_name}
                  {fmu.model_version ? ` ${fmu.model_version}` : ''}
                </span>
                <span className="item-detail">
                  FMI {fmu.fmi_version}, {interfacesOf(fmu)}, {formatSize(fmu.size)}
                </span>
              </div>
              <div className="item-actions">
                <button type="button" className="danger" onClick={() => setDeleting({ fmu, busy: false, error: null })}>
                  Delete<span className="visually-hidden"> {fmu.file_name}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete FMU “${deleting?.fmu.file_name ?? ''}”?`}
        confirmLabel="Delete FMU"
        busy={deleting?.busy}
        error={deleting?.error}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      >
        <p>The FMU is removed from the project. While a component of a model uses it, it cannot be deleted.</p>
      </ConfirmDialog>
    </section>
  );
}
