// `processes-js/html`: report rendering alone (processes-report-html).
export * from 'processes-report-html';
