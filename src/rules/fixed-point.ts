// Exact arithmetic for scores and money: points are held as integer hundredths and divisions
// round half up on integers, so a score never depends on how a float happens to round.

/** The number as integer hundredths; refuses anything finer than two decimal places (1.005). */
export function toHundredths(value: number, what: string): number {
  const hundredths = Math.round(value * 100);
  if (!Number.isFinite(value) || hundredths / 100 !== value) {
    throw new RangeError(`${what} must be a number with at most two decimal places, not ${String(value)}`);
  }
  return hundredths;
}

/**
 * numerator / denominator to the nearest integer, halves rounded up. BigInt keeps it exact
 * beyond 2^53, which a sum of pence over ten years can approach.
 */
export function divideRoundingHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || numerator < 0) {
    throw new RangeError(`cannot divide ${numerator}: the numerator must be a non-negative safe integer`);
  }
  if (!Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError(`cannot divide by ${denominator}: the denominator must be a positive safe integer`);
  }
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  return Number((2n * n + d) / (2n * d));
}
