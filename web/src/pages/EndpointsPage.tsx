export function EndpointsPage(_props: { projectId?: number; modelId?: number }) {
  return <main className="page" />;
}
