// A survey round's charts: each question's answers per area (completion is the table's bars).
// The numbers come from the page (json_script "survey-chart-data"), the words from data-* on
// #survey-chart-texts. One horizontal bar per area: the area's name stays readable on a 375 px
// phone however many there are, and shares (not counts) make a small street comparable to a large
// one; the exact counts are in the tooltip and in the table under each chart. Drawn as SVG without
// animation, so that a printed page shows the finished chart at the printer's resolution.
(function () {
  'use strict';
  const source = document.getElementById('survey-chart-data');
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const T = document.getElementById('survey-chart-texts').dataset;
  const N = window.yiyangNumbers;
  const PALETTE = ['#0d6efd', '#fd7e14', '#198754', '#6f42c1', '#d63384', '#20c997', '#ffc107', '#6c757d',
                   '#0dcaf0', '#dc3545'];
  const charts = [];
  const pct = (part, whole) => (whole ? Math.round((1000 * part) / whole) / 10 : 0);
  const narrow = () => window.innerWidth < 576;

  function draw(el, rows, option) {
    // Height follows the number of areas (and the legend), so bars keep a finger's width.
    const legendRows = option.legend ? Math.ceil((option.legend.data || []).length / (narrow() ? 2 : 5)) : 0;
    el.style.height = Math.max(160, 60 + legendRows * 22 + rows * (narrow() ? 30 : 26)) + 'px';
    const chart = echarts.init(el, null, {renderer: 'svg'});
    chart.setOption(Object.assign({animation: false, color: PALETTE}, option));
    charts.push(chart);
  }

  function base(areas, legend, top) {
    return {
      grid: {left: 8, right: 48, top: top, bottom: 8, containLabel: true},
      yAxis: {type: 'category', data: areas, inverse: true,
              axisLabel: {width: narrow() ? 80 : 140, overflow: 'truncate'}},
      xAxis: {type: 'value', min: 0, max: 100, axisLabel: {formatter: '{value}%'}},
      legend: legend ? {data: legend, top: 0, type: narrow() ? 'scroll' : 'plain'} : undefined,
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}},
    };
  }

  data.results.forEach((q) => {
    const el = document.getElementById('chart-' + q.code);
    if (!el || !q.areas.length) return;
    if (q.kind === 'number') {
      const option = base(q.areas, null, 12);
      option.xAxis = {type: 'value', min: 0, axisLabel: {formatter: (v) => N.compact(v)}};
      option.tooltip.valueFormatter = (v) => (v === null ? '—' : N.grouped(v) + (q.unit ? ' ' + q.unit : ''));
      option.series = [{type: 'bar', name: T.mean, data: q.means, barMaxWidth: 22, itemStyle: {color: PALETTE[0]},
                        label: {show: true, position: 'right', formatter: (x) => N.grouped(x.value)}}];
      draw(el, q.areas.length, option);
      return;
    }
    // A single choice (or yes/no) divides each area's answers: stacked to 100%. A multiple choice
    // counts each option against the elders who answered: bars side by side.
    const multi = q.kind === 'multi';
    const option = base(q.areas, q.values, narrow() ? 30 : 28);
    option.tooltip.formatter = (items) => `${items[0].name}<br>` + items.map((it) => {
      const count = q.counts[it.dataIndex][it.seriesIndex];
      return `${it.marker}${it.seriesName}：${N.grouped(count)} ${T.people}（${it.value}%）`;
    }).join('<br>') + `<br>${T.share}：${N.grouped(q.respondents[items[0].dataIndex] || 0)}`;
    option.series = q.values.map((value, j) => ({
      type: 'bar', name: value, stack: multi ? undefined : 'share', barMaxWidth: 22,
      data: q.counts.map((row, i) => pct(row[j], multi ? q.respondents[i] : row.reduce((a, b) => a + b, 0))),
      label: {show: !multi && !narrow(), formatter: (x) => (x.value >= 8 ? x.value + '%' : '')},
    }));
    draw(el, multi ? q.areas.length * Math.min(q.values.length, 4) / 2 : q.areas.length, option);
  });

  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
  window.addEventListener('beforeprint', () => charts.forEach((c) => c.resize()));
})();
