import { FmuPage } from './pages/FmuPage';
import { EndpointsPage } from './pages/EndpointsPage';
import { BindingsPage } from './pages/BindingsPage';
import { ModelEditorPage } from './pages/ModelEditorPage';
import { ProjectPage } from './pages/ProjectPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { Link, matchRoute, usePath } from './lib/router';

export function App() {
  const route = matchRoute(usePath());
  return (
    <div className="app">
      <header className="app-header">
        <Link href="/" className="brand">
          twinloop
        </Link>
        <nav aria-label="Main">
          <Link href="/">Projects</Link>
          <a href="/docs/">API reference</a>
        </nav>
      </header>
      {route.page === 'projects' && <ProjectsPage />}
      {route.page === 'project' && <ProjectPage key={route.projectId} projectId={route.projectId} />}
      {route.page === 'model' && <ModelEditorPage key={route.modelId} modelId={route.modelId} />}
      {route.page === 'fmu' && <FmuPage key={route.fmuId} fmuId={route.fmuId} />}
      {route.page === 'project-hil' && <EndpointsPage key={route.projectId} projectId={route.projectId} />}
      {route.page === 'model-hil' && <BindingsPage key={route.modelId} modelId={route.modelId} />}
      {route.page === 'not-found' && (
        <main className="page">
          <h1>Page not found</h1>
          <p>
            There is no page at <code>{route.path}</code>. <Link href="/">Go to the projects</Link>.
          </p>
        </main>
      )}
    </div>
  );
}
