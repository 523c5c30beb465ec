/**
 * A response curve y(x): objective units (impressions, people reached, clicks…) for x spent, with its
 * derivative. Curves are non-decreasing; they are either concave or S-shaped (convex up to
 * `inflection`, concave after).
 */
export interface ResponseCurve {
  value(x: number): number;
  derivative(x: number): number;
  /** Where an S-shaped curve turns from convex to concave; absent or 0 for concave curves. */
  inflection?: number;
}

/**
 * The curve outer(inner(x)), e.g. reach as a function of spend from reach(impressions) and
 * impressions(spend); the derivative follows the chain rule. Both concave ⇒ the result is concave.
 * @example composeCurves(reachOfImpressions, impressionsOfSpend).value(5000)
 */
export function composeCurves(outer: ResponseCurve, inner: ResponseCurve): ResponseCurve {
  return {
    value: (x) => outer.value(inner.value(x)),
    derivative: (x) => outer.derivative(inner.value(x)) * inner.derivative(x),
  };
}

/**
 * The curve multiplied by a constant rate, e.g. clicks = CTR × impressions(spend).
 * @example scaleCurve(impressionsOfSpend, 0.004).value(1000) // clicks for $1000
 */
export function scaleCurve(curve: ResponseCurve, rate: number): ResponseCurve {
  const out: ResponseCurve = { value: (x) => rate * curve.value(x), derivative: (x) => rate * curve.derivative(x) };
  if (curve.inflection !== undefined) out.inflection = curve.inflection;
  return out;
}
