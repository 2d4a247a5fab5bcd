/**
 * Runs `call` `count` times, `group` at once, and prints the CPU and wall time one call costs:
 * `<label>: 21.3 µs of CPU, 86.5 µs wall per <unit>`.
 */
export async function printCostPerCall(
  label: string,
  unit: string,
  { count, group }: { count: number; group: number },
  call: () => Promise<unknown>,
): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  for (let i = 0; i < count / group; i++) await Promise.all(Array.from({ length: group }, call));
  const cpu = process.cpuUsage(cpuBefore);
  const wallUs = ((performance.now() - began) * 1000) / count;
  console.log(
    `${label}: ${((cpu.user + cpu.system) / count).toFixed(1)} µs of CPU, ${wallUs.toFixed(1)} µs wall per ${unit}`,
  );
}
