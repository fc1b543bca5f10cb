import { describe, expect, it } from 'vitest';

import { matchRoute } from './router';

describe('matchRoute', () => {
  it('knows the pages', () => {
    expect(matchRoute('/')).toEqual({ page: 'projects' });
    expect(matchRoute('/projects')).toEqual({ page: 'projects' });
    expect(matchRoute('/projects/12')).toEqual({ page: 'project', projectId: 12 });
    expect(matchRoute('/projects/12/')).toEqual({ page: 'project', projectId: 12 });
    expect(matchRoute('/models/3')).toEqual({ page: 'model', modelId: 3 });
    expect(matchRoute('/fmus/7')).toEqual({ page: 'fmu', fmuId: 7 });
    expect(matchRoute('/projects/2/hil')).toEqual({ page: 'project-hil', projectId: 2 });
    expect(matchRoute('/models/5/hil/')).toEqual({ page: 'model-hil', modelId: 5 });
  });

  it('has no page for other paths or ids that are not positive integers', () => {
    for (const path of ['/models/0', '/models/abc', '/models/1.5', '/projects/-1', '/elsewhere', '/models/3/extra', '/fmus/0', '/projects/x/hil']) {
      expect(matchRoute(path)).toEqual({ page: 'not-found', path });
    }
  });
});
