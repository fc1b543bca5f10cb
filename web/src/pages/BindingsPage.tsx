export function BindingsPage(_props: { projectId?: number; modelId?: number }) {
  return <main className="page" />;
}
