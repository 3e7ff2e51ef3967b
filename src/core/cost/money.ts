/**
 * "$2.00", "$0.35", and under a cent two significant digits ("$0.0009", "$0.000001"): a budget or a cost
 * shown as "$0.00" when it is not zero would say something untrue.
 */
export function formatUsd(usd: number): string {
  if (usd === 0 || Math.abs(usd) >= 0.01) return `$${usd.toFixed(2)}`;
  const decimals = Math.min(12, 1 - Math.floor(Math.log10(Math.abs(usd))));
  return `$${usd.toFixed(decimals).replace(/(\.\d*?[1-9])0+$/, '$1')}`;
}
