import { useCallback, useEffect, useState } from 'react';

import { api } from '../api/client';
import { describeError } from '../api/errors';
import type { Project } from '../api/types';
import { ErrorMessage, Loading } from '../components/common';
import { CreateForm, NamedItems } from '../components/NamedItems';
import { navigate } from '../lib/router';

export function ProjectsPage() {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setProjects(await api.projects());
    } catch (caught) {
      setError(describeError(caught));
    }
  }, []);

  useEffect(() => {
    document.title = 'Projects · twinloop';
    void load();
  }, [load]);

  return (
    <main className="page">
      <h1>Projects</h1>
      <p className="lead">A project holds the models of one machine or line. Open one to see its models.</p>
      <section aria-labelledby="new-project">
        <h2 id="new-project">New project</h2>
        <CreateForm
          kind="project"
          onCreate={async (name, description) => {
            const project = await api.createProject({ name, description });
            navigate(`/projects/${project.id}`);
          }}
        />
      </section>
      <section aria-labelledby="all-projects">
        <h2 id="all-projects">All projects</h2>
        <ErrorMessage message={error} onRetry={load} />
        {projects === null && !error && <Loading what="projects" />}
        {projects && (
          <NamedItems
            kind="project"
            items={projects}
            href={(project) => `/projects/${project.id}`}
            deleteWarning={(project) =>
              `This deletes “${project.name}” with all its models, components and connections. It cannot be undone.`
            }
            onRename={async (project, name) => {
              const renamed = await api.updateProject(project.id, { name });
              setProjects((list) => list?.map((p) => (p.id === renamed.id ? renamed : p)) ?? null);
            }}
            onDelete={async (project) => {
              await api.deleteProject(project.id);
              setProjects((list) => list?.filter((p) => p.id !== project.id) ?? null);
            }}
          />
        )}
      </section>
    </main>
  );
}
