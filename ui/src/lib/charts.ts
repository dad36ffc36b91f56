// ECharts, registered once with only the pieces Flywheel draws, to keep the bundle small.
import * as echarts from "echarts/core";
import { BarChart, FunnelChart, LineChart, PieChart, SankeyChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  FunnelChart,
  LineChart,
  PieChart,
  SankeyChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export { echarts };
export type ChartOption = echarts.EChartsCoreOption;

/**
 * Text for a tooltip. ECharts puts a tooltip formatter's string into the page as HTML, so every
 * formatter passes the text it shows through this, names of people and stages alike.
 */
export function asText(text: string): string {
  return echarts.format.encodeHTML(text);
}

/** Text colours for charts, read from the page's CSS variables so charts follow light/dark. */
export function chartTheme(): { text: string; muted: string; line: string } {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return { text: v("--text"), muted: v("--muted"), line: v("--line") };
}
