import { describe, expect, it } from 'vitest';

import { matchRoute } from './router';

describe('matchRoute', () => {
  it('knows the pages', () => {
    expect(matchRoute('/')).toEqual({ page: 'projects' });
    expect(matchRoute('/projects')).toEqual({ page: 'projects' });
    expect(matchRoute('/projects/12')).toEqual({ page: 'project', projectId: 12 });
    expect(matchRoute('/projects/12/')).toEqual({ page: 'project', projectId: 12 });
    expect(matchRoute('/models/3')).toEqual({ page: 'model', modelId: 3 });
  });

  it('has no page for other paths or ids that are not positive integers', () => {
    for (const path of ['/models/0', '/models/abc', '/models/1.5', '/projects/-1', '/elsewhere', '/models/3/extra']) {
      expect(matchRoute(path)).toEqual({ page: 'not-found', path });
    }
  });
});
