// The safety service-level chart: alarms per month, share answered, minutes to arrive.
// Data from json_script "sla-data", labels from data-* on #sla-chart.
(function () {
  'use strict';
  const el = document.getElementById('sla-chart');
  if (!el || !window.echarts) return;
  const data = JSON.parse(JSON.parse(document.getElementById('sla-data').textContent));
  const L = el.dataset;
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: 'axis'},
    legend: {data: [L.alarms, L.answered, L.arrive]},
    xAxis: {type: 'category', data: data.months},
    yAxis: [{type: 'value', name: L.axis, axisLabel: {formatter: (v) => yiyangNumbers.compact(v)}}, {type: 'value', name: '%', min: 0, max: 100}],
    series: [
      {name: L.alarms, type: 'bar', data: data.alarms},
      {name: L.answered, type: 'line', yAxisIndex: 1, data: data.answered},
      {name: L.arrive, type: 'line', data: data.arrive},
    ],
  });
  window.addEventListener('resize', () => chart.resize());
})();
