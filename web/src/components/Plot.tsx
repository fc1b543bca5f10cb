import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

const colours = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

interface Props {
  signals: string[];
  data: AlignedData;
  height?: number;
  label: string;
}

// A uPlot chart of signals over simulation time that follows its container's width. The
// chart is made once per set of signals; new samples only replace its data.
export function Plot({ signals, data, height = 220, label }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  const key = signals.join('\n');
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const options = (width: number): Options => ({
      width,
      height,
      scales: { x: { time: false } },
      legend: { live: true },
      axes: [{ label: 'time (s)' }, {}],
      series: [{ label: 't (s)' }, ...signals.map((signal, i) => ({ label: signal, stroke: colours[i % colours.length], width: 1.5 }))],
    });
    // The width comes from the resize observer, not from reading clientWidth, which would force
    // a layout of the whole page (500 nodes on the canvas) before it is first painted.
    let chart: uPlot | null = null;
    const resize = new ResizeObserver(([entry]) => {
      const width = Math.max(entry?.contentRect.width ?? 0, 200);
      if (chart) {
        chart.setSize({ width, height });
      } else {
        chart = new uPlot(options(width), latest.current, element);
        plot.current = chart;
      }
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart?.destroy();
      plot.current = null;
    };
  }, [key, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  const samples = data[0]?.length ?? 0;
  const lastTime = samples > 0 ? data[0]![samples - 1] : undefined;
  return (
    <div
      className="plot"
      ref={container}
      role="img"
      aria-label={`${label}: ${signals.join(', ')}${lastTime !== undefined ? `, up to t = ${lastTime} s` : ''}`}
      data-samples={samples}
      data-last-time={lastTime ?? ''}
    />
  );
}
