/** The sum of every sample of metric `name` (all its label sets) a process exposes at `metricsUrl`. */
export async function metricTotal(metricsUrl: string | URL, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
