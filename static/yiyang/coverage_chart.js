// The 15-minute service circle chart: communities coloured by coverage, service points, proposed sites.
// Data and labels come from the page: json_script "coverage-chart-data" and data-* on #coverage-chart.
(function () {
  'use strict';
  const el = document.getElementById('coverage-chart');
  if (!el || !window.echarts) return;
  const data = JSON.parse(document.getElementById('coverage-chart-data').textContent);
  const T = el.dataset;
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_m, key) => String(values[key]));
  const chart = echarts.init(el);
  const maxTotal = Math.max(1, ...data.communities.map((c) => c[4]));
  const series = [
    {name: T.communities, type: 'scatter', data: data.communities,
     symbolSize: (c) => 8 + 26 * Math.sqrt(c[4] / maxTotal), encode: {x: 0, y: 1},
     itemStyle: {opacity: 0.8, borderColor: '#333', borderWidth: 0.5}},
    {name: T.points, type: 'scatter', data: data.points, symbol: 'triangle', symbolSize: 7,
     encode: {x: 0, y: 1}, itemStyle: {color: '#0d6efd'}, z: 3},
  ];
  if (data.sites) {
    series.push({name: T.sites, type: 'scatter', data: data.sites, symbol: 'pin', symbolSize: 34,
      encode: {x: 0, y: 1}, itemStyle: {color: '#d63384'}, z: 4,
      label: {show: true, formatter: (p) => p.data[2], color: '#fff', fontSize: 11}});
  }
  chart.setOption({
    animation: false,
    grid: {left: 60, right: 110, top: 40, bottom: 50},
    legend: {top: 5},
    tooltip: {formatter: (p) => {
      const d = p.data;
      if (p.seriesIndex === 0) return `${d[3]}<br>` + fill(T.tipCommunity, {pct: d[2], covered: yiyangNumbers.grouped(d[5]), total: yiyangNumbers.grouped(d[4])});
      if (p.seriesName === T.sites) return fill(T.tipSite, {rank: d[2], area: d[3], gain: yiyangNumbers.grouped(d[4])});
      return `${d[2]}`;
    }},
    xAxis: {type: 'value', name: T.lng, scale: true, axisLabel: {formatter: (v) => v.toFixed(2)}},
    yAxis: {type: 'value', name: T.lat, scale: true, axisLabel: {formatter: (v) => v.toFixed(2)}},
    dataZoom: [{type: 'inside', xAxisIndex: 0}, {type: 'inside', yAxisIndex: 0}],
    visualMap: {seriesIndex: 0, dimension: 2, min: 0, max: 100, right: 5, top: 'middle', text: ['100%', '0%'],
      calculable: true, inRange: {color: ['#dc3545', '#ffc107', '#198754']}},
    series: series,
  });
  window.addEventListener('resize', () => chart.resize());
})();
