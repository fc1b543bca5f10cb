import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A small history-API router: the app has a handful of pages, so a routing library would only add
// weight to the first load.
const listeners = new Set<() => void>();

export function navigate(path: string): void {
  if (path === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', path);
  listeners.forEach((listener) => listener());
}

export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

export type Route =
  | { page: 'projects' }
  | { page: 'project'; projectId: number }
  | { page: 'model'; modelId: number }
  | { page: 'fmu'; fmuId: number }
  | { page: 'project-hil'; projectId: number }
  | { page: 'model-hil'; modelId: number }
  | { page: 'not-found'; path: string };

export function matchRoute(path: string): Route {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (trimmed === '/' || trimmed === '/projects') return { page: 'projects' };
  const project = /^\/projects\/([1-9]\d*)$/.exec(trimmed);
  if (project) return { page: 'project', projectId: Number(project[1]) };
  const model = /^\/models\/([1-9]\d*)$/.exec(trimmed);
  if (model) return { page: 'model', modelId: Number(model[1]) };
  const fmu = /^\/fmus\/([1-9]\d*)$/.exec(trimmed);
  if (fmu) return { page: 'fmu', fmuId: Number(fmu[1]) };
  const projectHil = /^\/projects\/([1-9]\d*)\/hil$/.exec(trimmed);
  if (projectHil) return { page: 'project-hil', projectId: Number(projectHil[1]) };
  const modelHil = /^\/models\/([1-9]\d*)\/hil$/.exec(trimmed);
  if (modelHil) return { page: 'model-hil', modelId: Number(modelHil[1]) };
  return { page: 'not-found', path };
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}
