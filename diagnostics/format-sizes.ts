/** How messages print a size, the same wherever it is found (the memory check, image conversion). */

/** Beyond this many gigabytes the digits say nothing more. */
const LARGEST_PRINTED_GIGABYTES = 1e12;

/** `1,600.3 GB` (decimal gigabytes, one decimal). */
export function formatGigabytes(bytes: number): string {
  const gigabytes = bytes / 1e9;
  if (!(gigabytes < LARGEST_PRINTED_GIGABYTES)) return "over 1,000,000,000,000 GB";
  return `${gigabytes.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} GB`;
}
