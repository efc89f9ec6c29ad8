// Charts for the dashboard; the numbers come from the page itself (json_script), no extra request.
// Counts on the axes are compact (28.9万 / 289k) and exact in tooltips (289,000): numbers.js.
(function () {
  const data = JSON.parse(document.getElementById('chart-data').textContent);
  const N = window.yiyangNumbers;
  const countAxis = {type: 'value', minInterval: 1, axisLabel: {formatter: (v) => N.compact(v)}};
  const tooltip = {valueFormatter: (v) => N.grouped(v)};
  const make = (id, option) => {
    const el = document.getElementById(id);
    if (!el || !window.echarts) return;
    const chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener('resize', () => chart.resize());
  };
  make('chart-age', {
    tooltip, grid: {left: 50, right: 10, top: 20, bottom: 30},
    xAxis: {type: 'category', data: data.brackets, axisLabel: {interval: 0}}, yAxis: countAxis,
    series: [{type: 'bar', data: data.bracket_values, itemStyle: {color: '#0d6efd'}}]
  });
  make('chart-sex', {tooltip, legend: {bottom: 0}, series: [{type: 'pie', radius: ['35%', '60%'], label: {formatter: '{b}\n{d}%'}, data: data.sex}]});
  // Two-character Chinese labels sit side by side; longer ones (English) are slanted to stay legible.
  const slant = data.groups.some((label) => label.length > 4) ? 35 : 0;
  make('chart-groups', {
    tooltip, grid: {left: 50, right: 10, top: 20, bottom: 10, containLabel: true},
    xAxis: {type: 'category', data: data.groups, axisLabel: {interval: 0, rotate: slant}}, yAxis: countAxis,
    series: [{type: 'bar', data: data.group_values, itemStyle: {color: '#fd7e14'}}]
  });
})();
