/**
 * The uPlot chart inside a plot card (TracePlot, RasterPlot, WeightHistogram; PlotCard is
 * the frame around it): made in the card's chart element on the first draw, made anew when
 * its series change, kept as wide as the card (and as tall as asked) while the card is
 * resized, and destroyed with the component.
 */
import { onDestroy, untrack } from 'svelte';
import uPlot from 'uplot';
import { plotWidth } from './time-plot.js';

/** A chart's options less its size, which the card gives. */
export type CardChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

export interface UplotCard {
  /** The chart, once drawn (null before, and once the component is destroyed). */
  readonly plot: uPlot | null;
  /**
   * Shows `data`: in the chart there is, or in a new one made from `options()` when there is
   * none yet or `remake` (its series have changed: uPlot cannot change them in place).
   */
  draw(data: uPlot.AlignedData, options: () => CardChartOptions, remake?: boolean): void;
}

/**
 * For a plot component's set-up (it uses $effect and onDestroy): the chart drawn in
 * `card.host()` (PlotCard's bound `host`), `card.width()` (its bound `width`) wide and
 * `card.height()` tall.
 */
export function uplotCard(card: { host: () => HTMLElement | undefined; width: () => number; height: () => number }): UplotCard {
  let plot: uPlot | null = null;
  let destroyed = false;

  // Resize the chart with its card, and with its height where that follows the data.
  $effect(() => {
    const width = card.width();
    const height = card.height();
    if (plot && width > 0) untrack(() => plot!.setSize({ width: plotWidth(width), height }));
  });

  onDestroy(() => {
    destroyed = true;
    plot?.destroy();
    plot = null;
  });

  return {
    get plot() {
      return plot;
    },
    draw(data, options, remake = false) {
      // A read that ends after the card has gone: a chart made now would never be destroyed.
      if (destroyed) return;
      if (plot && !remake) {
        plot.setData(data);
        return;
      }
      plot?.destroy();
      plot = new uPlot({ ...options(), width: plotWidth(card.width()), height: card.height() }, data, card.host()!);
    },
  };
}
